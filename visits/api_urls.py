"""API routes under /api/v1/. A trailing slash is optional, so /visits/1/invitation.ics works as written."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from reports.api import AttendanceViewSet, DocumentViewSet, FollowUpViewSet, PhotoViewSet, QuoteViewSet

from .api import ConflictCheckView, FreeSlotsView, VisitViewSet


class OptionalSlashRouter(DefaultRouter):
    """DRF's router with the trailing slash optional (DRF's own flag only switches it on or off)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("visits", VisitViewSet, basename="visit")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("photos", PhotoViewSet, basename="photo")
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = [
    path("conflicts/check/", ConflictCheckView.as_view(), name="conflict-check"),
    path("free-slots/", FreeSlotsView.as_view(), name="free-slots"),
    *router.urls,
]
