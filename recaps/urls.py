"""Leadership pages: the dashboard and the recap downloads."""

from django.urls import path, re_path

from . import views

app_name = "recaps"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    re_path(
        r"^recaps/(?P<period>[^/]+)\.(?P<kind>pdf|xlsx)$", views.RecapDownloadView.as_view(), name="download"
    ),
]
