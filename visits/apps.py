from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # Every audited model of every app is registered in one place (config.audit).
        from config import audit

        audit.register()

        # The API's visit list pages are kept until a write to what a row shows commits (visits.api_cache).
        from delegations.models import Delegation

        from . import api_cache
        from .models import Institution, Region, Venue, Visit

        api_cache.watch(Visit, Delegation, Institution, Region, Venue)

        # Remembered API tokens are checked again after any change of access commits (config.api_tokens).
        from config.api_tokens import watch_access

        watch_access()
