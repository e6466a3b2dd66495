"""The one Celery app of Sambang. Settings come from Django's settings under the CELERY_ namespace."""

import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


class SQLiteBrokerTransport(SQLAlchemyTransport):
    """The embedded broker: kombu's SQLAlchemy transport on a SQLite file, polling every 50 ms.

    kombu's virtual transports poll: when a worker has nothing it may take (an empty queue, or its
    prefetch window full while tasks run), it sleeps ``polling_interval`` seconds, one by default. On the
    SQLite broker that capped sending at about two e-mails a second (bench/reminders.py). kombu hands every
    transport option to ``sqlalchemy.create_engine``, so the interval cannot be set as an option; this
    subclass sets it. An idle worker then runs about twenty small SELECTs a second on a local file (about
    3 % of one CPU on the machine of bench/README.md).
    URL scheme: ``sqlite-broker+sqlite:///path`` (the default ``CELERY_BROKER_URL``).
    """

    polling_interval = 0.05


# Registered here, before the app connects, because every process (web, worker, beat) imports this module.
TRANSPORT_ALIASES.setdefault("sqlite-broker", f"{__name__}:SQLiteBrokerTransport")

app = Celery("sambang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
