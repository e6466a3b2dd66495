"""API routes under /api/v1/. A trailing slash is optional, so /visits/1/invitation.ics works as written."""

from rest_framework.routers import DefaultRouter

from .api import VisitViewSet

router = DefaultRouter(trailing_slash="/?")
router.register("visits", VisitViewSet, basename="visit")
urlpatterns = router.urls
