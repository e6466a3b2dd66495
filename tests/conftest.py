"""Shared fixtures: the demo visit imported, its host, staff users who work for that host, API clients."""

import time
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.smtp import SmtpRecorder, free_port
from visits.importer import load_visit_file, parse_visit_data
from visits.models import HostMembership
from visits.roles import PROTOCOL
from visits.selectors import visit_detail
from visits.services import visit_import
from visits.services.importing import host_import

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "studi-komparasi-buleleng-malang.yaml"


@pytest.fixture
def demo_data() -> dict:
    """The demo visit file as a plain dict, to be changed by a test and parsed with ``parse_visit_data``."""
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def visit(db):
    """The demo visit (Buleleng at Malang, Friday 25 April 2025), imported, with everything prefetched."""
    result = visit_import(data=load_visit_file(DEMO_FILE))
    return visit_detail().get(pk=result.visit.pk)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write's on-commit callbacks, as its commit would (the test itself runs in one transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def import_data(db):
    """Import a changed copy of the demo data; returns the ``ImportResult``."""

    def run(data: dict):
        return visit_import(data=parse_visit_data(data))

    return run


@pytest.fixture
def host(db):
    """The demo visit's host (Pemerintah Kota Malang), created as the importer creates it; importing the
    demo visit afterwards finds it unchanged. The staff fixtures work for this host."""
    return host_import(data=load_visit_file(DEMO_FILE))


@pytest.fixture
def make_user(django_user_model, host):
    """``make_user(username, *groups, hosts=None, **fields)``: a user in the role ``groups`` (names from
    ``visits.roles``) who works for ``hosts`` (default: the demo host; ``[]`` for none)."""

    def make(username: str, *groups: str, hosts=None, **fields):
        user = django_user_model.objects.create_user(username=username, password="x-12345-y", **fields)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        for each in [host] if hosts is None else hosts:
            HostMembership.objects.create(user=user, host=each)
        return user

    return make


@pytest.fixture
def staff_user(django_user_model, host):
    """A protocol staff user (group ``protocol``) who works for the demo host."""
    user = django_user_model.objects.create_user(username="staf", password="rahasia-123", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=PROTOCOL)[0])
    HostMembership.objects.create(user=user, host=host)
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def api_client(staff_user) -> APIClient:
    api = APIClient()
    api.force_authenticate(staff_user)
    return api


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis (database 13, emptied around the test) as ``CACHE_URL`` configures it;
    yields a plain redis-py client of that database to look inside. Skips when Redis does not answer."""
    import redis
    from django.core.cache import cache

    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (.ci/run's second run has it)")
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": url}}
    cache.clear()
    yield redis.Redis.from_url(url)
    cache.clear()


@pytest.fixture
def smtp_recorder(settings):
    """A real SMTP server on loopback that records every envelope; Django's mail is sent to it."""
    handler = SmtpRecorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """On PostgreSQL, wait (up to 15 s) for sessions of worker processes and server threads that the drills
    and live-server tests started to end, then end any straggler, so that the test database can be
    dropped. A SIGKILLed worker's session can outlive the test by a moment."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")  # noqa: S608 - a constant query
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.5)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608
