from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # Every audited model of every app is registered in one place (config.audit).
        from config import audit

        audit.register()
