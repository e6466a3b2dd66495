"""Staff pages of news drafts."""

from django.urls import path

from . import views

app_name = "news"
urlpatterns = [
    path("news/", views.NewsDraftListView.as_view(), name="list"),
    path("news/<int:pk>/", views.NewsDraftDetailView.as_view(), name="detail"),
    path("news/<int:pk>/edit/", views.NewsDraftEditView.as_view(), name="edit"),
    path("news/<int:pk>/transition/", views.NewsDraftTransitionView.as_view(), name="transition"),
    *(
        path(
            f"news/<int:pk>.{extension}",
            views.NewsDraftDownloadView.as_view(),
            {"extension": extension},
            name=f"download-{extension}",
        )
        for extension in ("txt", "html", "docx")
    ),
    path("visits/<int:pk>/news/start/", views.NewsDraftStartView.as_view(), name="start"),
]
