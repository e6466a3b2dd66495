"""Celery tasks of reports: rendering a report PDF (``services.report_render_run``)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="reports.render_report", acks_late=True, reject_on_worker_lost=False)
def render_report(*, render_id: int, fingerprint: str) -> bool:
    """Render ``ReportRender`` ``render_id`` for data ``fingerprint`` (a stale one does nothing).

    Queued with ``soft_time_limit``/``time_limit`` just above ``SAMBANG_PDF_TIME_LIMIT`` (the service bounds
    the render itself; these catch a worker stuck in C). Not retried: a failed render says why, and the
    user starts it again. ``reject_on_worker_lost`` is off so that a render that kills its worker (memory)
    is not redelivered forever; a lost render is started again by the next request (stale row)."""
    try:
        return services.report_render_run(render_id=render_id, fingerprint=fingerprint)
    except SoftTimeLimitExceeded:
        seconds = f"{settings.SAMBANG_PDF_TIME_LIMIT:g}"
        message = _("Rendering the report took longer than %(seconds)s seconds and was stopped.")
        services.report_render_fail(render_id=render_id, error=message % {"seconds": seconds})
        return False
