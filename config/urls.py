"""URL map: staff pages at /, the admin at /admin/, the API at /api/v1/, its schema at /api/schema/."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import include, path
from django.utils.translation import gettext
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recaps.views import LandingLoginView
from visits import feeds_views

urlpatterns = [
    # The API first: its requests then skip matching every page's pattern (the pages never start with api/).
    path("api/v1/", include("visits.api_urls")),
    path("", include("visits.urls")),
    path("", include("delegations.urls")),
    path("", include("reports.urls")),
    path("", include("news.urls")),
    path("", include("recaps.urls")),
    path("feeds/", feeds_views.FeedListView.as_view(), name="feeds"),
    path("feeds/<int:pk>/revoke/", feeds_views.FeedRevokeView.as_view(), name="feed-revoke"),
    path("feeds/<str:token>.ics", feeds_views.feed_ics, name="feed-ics"),
    path("login/", LandingLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from the same URL (script-src 'self' allows it); the page's
    # own small <style> block in drf-spectacular's template needs inline styles, on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]


def bad_request(request, exception):
    """Django's 400 handler, except for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 saying the limit.

    The API gets ``{"detail": "…"}`` as its other errors; a page gets the sentence as plain text.
    """
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    message = gettext("The request is too large: at most %(limit)s are accepted.") % {
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    """Django's 404 handler; under /api/ a URL that matches no route (``/api/v1/visits/abc/``) answers
    ``{"detail": "…"}`` as the API's own 404s do (config.api_errors)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 handler; under /api/ the answer is ``{"detail": "…"}`` like every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": gettext("Server error: the request could not be completed.")}, status=500
        )
    return defaults.server_error(request)


handler400 = bad_request
handler404 = page_not_found
handler500 = server_error

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
