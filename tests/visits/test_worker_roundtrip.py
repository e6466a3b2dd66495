"""One round trip through the real broker (SQLite by default, Redis under .ci/run) and a real worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from celery_app import app
from visits.enums import MessageStatus
from visits.models import Message
from visits.services import visit_invitations_send


def _close_worker_thread_connections(**kwargs):
    """Close the worker thread's database connections after each task.

    Workers keep their connection between tasks (CELERY_DB_REUSE_MAX); a worker *thread* inside the test
    process would leave it open when the thread ends, and psycopg reports that as a ResourceWarning.
    """
    connections.close_all()


@pytest.fixture
def live_worker(settings):
    """A Celery worker thread consuming from the configured broker, with eager mode off."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.task_always_eager = False
    task_postrun.connect(_close_worker_thread_connections, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(_close_worker_thread_connections)
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_invitations_travel_through_broker_and_worker(visit, live_worker):
    assert app.conf.broker_url.split(":")[0] in {"sqlite-broker+sqlite", "redis", "amqp"}

    batch = visit_invitations_send(visit=visit)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Message.objects.filter(status=MessageStatus.SENT).count() == len(batch.queued):
            break
        time.sleep(0.2)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 9
    assert len(mail.outbox) == 9
