"""Production hardening: the deploy checks, Content-Security-Policy, login lockout, API throttling, body limit."""

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from config.throttling import AnonRateThrottle, UserRateThrottle

POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
LOCKOUT_TEXT = (
    "Too many failed login attempts. Logging in with this username from your address is blocked for "
    "15 minutes; try again later, or ask an administrator to unlock it."
)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


class _Elements(HTMLParser):
    """Each element of a page as (tag, attributes, text after its start tag up to the next start tag)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_data(self, data):
        if self.elements and data.strip():
            self.elements[-1][2].append(data.strip())


def elements(response) -> list[tuple[str, dict, list[str]]]:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser.elements


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def empty_cache():
    """DRF's throttle counts start from nothing and are not left for the next test."""
    cache.clear()
    yield
    cache.clear()


def test_check_deploy_production_settings_no_issues(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "sambang.example.go.id",
        "DATABASE_URL": "postgres://sambang:secret@db.example.go.id:5432/sambang",
        "CELERY_BROKER_URL": "redis://redis.example.go.id:6379/0",
        "CACHE_URL": "redis://redis.example.go.id:6379/1",
        "EMAIL_HOST": "smtp.example.go.id",
        "SAMBANG_DOMAIN": "sambang.example.go.id",
        "SAMBANG_VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level=WARNING"]
        + ["--settings=config.settings.production"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.returncode == 0


def test_csp_header_on_page_is_the_policy(db, client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert policy(response) == POLICY


def test_csp_api_docs_allow_inline_styles_there_only(db, client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert policy(response) == {**POLICY, "style-src": ["'self'", "'unsafe-inline'"]}
    # The start-up script comes from the same URL, not from an inline <script>.
    scripts = [(attrs.get("src"), text) for tag, attrs, text in elements(response) if tag == "script"]
    assert [text for _src, text in scripts] == [[], [], []]
    assert scripts[-1][0] == "/api/docs/?script="


def test_visit_page_has_no_inline_script_and_asks_before_sending(visit, staff_client):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = elements(staff_client.get(f"/visits/{visit.pk}/"))

    handlers = [(tag, name) for tag, attrs, _ in page for name in attrs if name.startswith("on")]
    scripts = [attrs.get("src") for tag, attrs, _ in page if tag == "script"]
    questions = {attrs["action"]: attrs["data-confirm"] for tag, attrs, _ in page if "data-confirm" in attrs}
    assert handlers == []
    assert scripts == ["/static/js/sambang.js"]
    assert questions == {
        f"/visits/{visit.pk}/send-invitations/": "Send 9 invitations? This visit is in the past.",
        f"/visits/{visit.pk}/cancel/": "Cancel this visit and tell everyone who was invited?",
    }


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_login_locked_after_five_failures(staff_user, english, path):
    wrong = {"username": "staf", "password": "salah"}

    statuses = [english.post(path, wrong).status_code for _ in range(5)]
    right = english.post(path, {"username": "staf", "password": "rahasia-123"})

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert [text for tag, attrs, text in elements(right) if attrs.get("role") == "alert"] == [[LOCKOUT_TEXT]]
    assert english.get("/").status_code == 302  # still not signed in


def test_login_lock_is_per_username_and_ends_after_fifteen_minutes(staff_user, django_user_model, client):
    django_user_model.objects.create_user(username="tamu", password="rahasia-456", is_staff=True)
    start = dt.datetime(2025, 4, 25, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        for _ in range(5):
            client.post("/login/", {"username": "staf", "password": "salah"})
        other_user = Client().post("/login/", {"username": "tamu", "password": "rahasia-456"})
    with time_machine.travel(start + dt.timedelta(minutes=14, seconds=59), tick=False):
        still_locked = (
            client.get("/login/"),
            Client().post("/login/", {"username": "staf", "password": "rahasia-123"}),
        )
    # The refused attempt at 14:59 counts as one more failure and starts the 15 minutes again.
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        unlocked = client.post("/login/", {"username": "staf", "password": "rahasia-123"})

    assert other_user.status_code == 302
    assert [r.status_code for r in still_locked] == [200, 429]
    assert unlocked.status_code == 302


def test_api_throttles_a_user_past_the_rate_until_the_window_ends(db, api_client, empty_cache, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute")
    start = dt.datetime(2025, 4, 25, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        responses = [api_client.get("/api/v1/visits/") for _ in range(4)]
    wait = int(responses[-1]["Retry-After"])
    with time_machine.travel(start + dt.timedelta(seconds=wait - 1), tick=False):
        still_refused = api_client.get("/api/v1/visits/")
    with time_machine.travel(start + dt.timedelta(seconds=wait), tick=False):
        next_window = api_client.get("/api/v1/visits/")

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert 1 <= wait <= 60
    assert still_refused.status_code == 429
    assert next_window.status_code == 200


def ask_the_throttle_at_once(user, threads: int = 8, each: int = 6) -> list[bool]:
    """The user throttle's answers to ``threads`` × ``each`` requests of ``user``, the threads starting
    together, all inside one window (the clock held at 09:00:00)."""
    import threading

    from rest_framework.test import APIRequestFactory, force_authenticate
    from rest_framework.views import APIView

    answers, barrier = [], threading.Barrier(threads)

    def worker():
        barrier.wait()
        for _ in range(each):
            request = APIRequestFactory().get("/api/v1/regions/")
            force_authenticate(request, user=user)
            answers.append(UserRateThrottle().allow_request(APIView().initialize_request(request), None))

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    with time_machine.travel(dt.datetime(2025, 4, 25, 9, 0, tzinfo=dt.UTC), tick=False):
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
    return answers


def test_api_throttle_counts_every_request_of_concurrent_workers(staff_user, empty_cache, monkeypatch):
    """DRF's own throttle reads the history, appends and writes it back, so two workers at once lose a
    count; the counter (``cache.incr``) loses none. 8 threads ask the throttle 6 times each at once."""
    monkeypatch.setattr(UserRateThrottle, "rate", "40/minute")
    answers = ask_the_throttle_at_once(staff_user)

    assert sorted(answers) == [False] * 8 + [True] * 40


def test_api_throttle_on_redis_counts_every_request_and_expires_the_window(
    staff_user, redis_cache, monkeypatch
):
    monkeypatch.setattr(UserRateThrottle, "rate", "40/minute")
    answers = ask_the_throttle_at_once(staff_user)
    (key,) = redis_cache.keys("*throttle:user:*")

    assert sorted(answers) == [False] * 8 + [True] * 40
    assert int(redis_cache.get(key)) == 48
    assert 0 < redis_cache.ttl(key) <= 60


def test_api_throttles_anonymous_clients_by_address_only(db, client, empty_cache, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute")

    with time_machine.travel(dt.datetime(2025, 4, 25, 9, 0, tzinfo=dt.UTC), tick=False):
        first = [client.get("/api/schema/", REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)]
        other = client.get("/api/schema/", REMOTE_ADDR="192.0.2.2").status_code

    assert first == [200, 200, 429]
    assert other == 200


def test_api_body_over_the_limit_is_413(db, api_client):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = json.dumps({"host": 1, "padding": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    response = api_client.post("/api/v1/conflicts/check/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large: at most 2.0\xa0MB are accepted."}
