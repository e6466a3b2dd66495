"""URL map: staff pages at /, the admin at /admin/, the API at /api/v1/, its schema at /api/schema/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from visits import feeds_views

urlpatterns = [
    path("", include("visits.urls")),
    path("", include("delegations.urls")),
    path("", include("reports.urls")),
    path("feeds/", feeds_views.FeedListView.as_view(), name="feeds"),
    path("feeds/<int:pk>/revoke/", feeds_views.FeedRevokeView.as_view(), name="feed-revoke"),
    path("feeds/<str:token>.ics", feeds_views.feed_ics, name="feed-ics"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("visits.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
