"""Celery tasks of visits: thin wrappers that fetch ids and call one service."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Temporary failures worth retrying: network trouble and SMTP 4xx answers.
RETRYABLE = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def _is_temporary(exc: Exception) -> bool:
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [value[0] for value in exc.recipients.values()]
        code = max(codes) if codes else None
    if code is not None:
        return 400 <= code < 500
    # A busy or briefly unreachable database is temporary too ("database is locked", a failover).
    return isinstance(exc, (*RETRYABLE, OperationalError, InterfaceError))


@shared_task(name="visits.send_message", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=6)
def send_message(self, *, message_id: int) -> bool:
    """Send outbox row ``message_id`` once; retry temporary failures with exponential backoff
    (``SAMBANG_MESSAGE_RETRY_SECONDS`` × 2ⁿ, six times)."""
    try:
        return services.message_send(message_id=message_id)
    except Exception as exc:
        if _is_temporary(exc) and self.request.retries < self.max_retries:
            delay = settings.SAMBANG_MESSAGE_RETRY_SECONDS * 2**self.request.retries
            raise self.retry(exc=exc, countdown=delay) from exc
        logger.exception("message %s failed for good", message_id)
        services.message_fail(message_id=message_id, error=str(exc))
        return False


@shared_task(name="visits.requeue_stale_messages")
def requeue_stale_messages() -> int:
    """Beat task: queue again the messages whose sending task was lost."""
    return services.messages_requeue_stale()


@shared_task(name="visits.queue_due_reminders")
def queue_due_reminders() -> int:
    """Beat task: queue the reminders whose time has come."""
    return services.reminders_queue_due()
