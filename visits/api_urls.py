"""API routes under /api/v1/. A trailing slash is optional, so /visits/1/invitation.ics works as written."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from delegations.api import DelegationViewSet
from news.api import NewsDraftViewSet
from recaps.api import RecapView
from reports.api import (
    AttendanceViewSet,
    DocumentViewSet,
    FollowUpViewSet,
    PhotoViewSet,
    QuoteViewSet,
    ReportRenderViewSet,
)

from .api import ConflictCheckView, FreeSlotsView, VisitAuditView, VisitViewSet
from .api_resources import (
    AgendaItemViewSet,
    CalendarFeedViewSet,
    DispositionViewSet,
    InstitutionViewSet,
    MessageViewSet,
    OfficialViewSet,
    RegionViewSet,
    VenueViewSet,
)


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
router.register("report-renders", ReportRenderViewSet, basename="report-render")
router.register("news-drafts", NewsDraftViewSet, basename="news-draft")
router.register("regions", RegionViewSet, basename="region")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("officials", OfficialViewSet, basename="official")
router.register("venues", VenueViewSet, basename="venue")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("dispositions", DispositionViewSet, basename="disposition")
router.register("messages", MessageViewSet, basename="message")
router.register("calendar-feeds", CalendarFeedViewSet, basename="calendar-feed")
router.register("delegations", DelegationViewSet, basename="delegation")
urlpatterns = [
    path("conflicts/check/", ConflictCheckView.as_view(), name="conflict-check"),
    path("free-slots/", FreeSlotsView.as_view(), name="free-slots"),
    path("visits/<int:pk>/audit/", VisitAuditView.as_view(), name="visit-audit"),
    path("recaps/<str:period>/", RecapView.as_view(), name="recap"),
    *router.urls,
]
