"""API tokens remembered in the shared cache (``config.api_tokens``): no query for a token that passed, and
every change of access that commits is seen on the very next request, as without the cache."""

import datetime as dt
import io
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from config.api_tokens import TOKENS, api_token_create, api_token_revoke
from tests.test_tokens import english_client
from visits.models import HostMembership
from visits.roles import PROTOCOL

LIST = "/api/v1/visits/"
NOW = dt.datetime(2025, 4, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def remembering(settings):
    """Tokens remembered for a minute (on by default only with CACHE_URL), list pages not kept, in a
    cache emptied around the test."""
    settings.SAMBANG_API_AUTH_CACHE_SECONDS = 60
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(staff_user):
    """A plaintext token of the demo host's protocol staff user, valid 30 days from NOW."""
    with time_machine.travel(NOW, tick=False):
        _row, text = api_token_create(user=staff_user, expires_in=dt.timedelta(days=30))
    return text


def detail(response) -> str:
    return response.json()["detail"]


@time_machine.travel(NOW, tick=False)
def test_a_remembered_token_needs_no_query_of_its_own(remembering, visit, token, django_assert_num_queries):
    api = english_client(token)
    assert api.get(LIST).status_code == 200

    # The list's own count and page, nothing for the token, its user, role or hosts.
    with django_assert_num_queries(2):
        again = api.get(LIST)

    assert again.status_code == 200
    assert again.json()["results"][0]["title"] == visit.title


@time_machine.travel(NOW, tick=False)
def test_without_the_setting_every_request_reads_the_token(settings, visit, token):
    settings.SAMBANG_API_AUTH_CACHE_SECONDS = 0
    api = english_client(token)
    api.get(LIST)

    with CaptureQueriesContext(connection) as seen:
        api.get(LIST)

    assert any("knox_authtoken" in query["sql"] for query in seen.captured_queries)


def _revoke(token, user):
    api_token_revoke(token_key=token[:15])


def _deactivate(token, user):
    user.is_active = False
    user.save()


def _delete_user(token, user):
    user.delete()


@pytest.mark.parametrize(
    "change", [_revoke, _deactivate, _delete_user], ids=["revoked", "inactive", "deleted"]
)
@time_machine.travel(NOW, tick=False)
def test_a_token_refused_in_the_database_is_refused_at_once(
    remembering, visit, token, staff_user, committed, change
):
    api = english_client(token)
    assert api.get(LIST).status_code == 200

    with committed():
        change(token, staff_user)

    refused = api.get(LIST)
    assert refused.status_code == 401
    assert "Invalid token" in detail(refused) or "inactive" in detail(refused).lower()


@time_machine.travel(NOW, tick=False)
def test_a_role_taken_away_is_seen_at_once(remembering, visit, token, staff_user, committed):
    api = english_client(token)
    assert api.get(LIST).status_code == 200

    with committed():
        staff_user.groups.remove(Group.objects.get(name=PROTOCOL))

    assert api.get(LIST).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_renamed_role_group_is_seen_at_once(remembering, visit, token, committed):
    api = english_client(token)
    assert api.get(LIST).status_code == 200

    with committed():
        group = Group.objects.get(name=PROTOCOL)
        group.name = "protokol-lama"
        group.save()

    assert api.get(LIST).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_host_taken_away_is_seen_at_once(remembering, visit, token, staff_user, committed):
    api = english_client(token)
    assert api.get(LIST).json()["count"] == 1

    with committed():
        HostMembership.objects.get(user=staff_user).delete()

    assert api.get(LIST).json()["count"] == 0


def test_a_remembered_token_still_expires_on_time(remembering, visit, staff_user, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        _row, short_lived = api_token_create(user=staff_user, expires_in=dt.timedelta(seconds=30))
        api = english_client(short_lived)
        assert api.get(LIST).status_code == 200

    # 31 s later the entry is still in the cache (60 s), but the token's own expiry has passed.
    with time_machine.travel(NOW + dt.timedelta(seconds=31), tick=False), django_assert_num_queries(0):
        expired = api.get(LIST)

    assert expired.status_code == 401
    assert detail(expired) == "This token has expired; ask for a new one."


@time_machine.travel(NOW, tick=False)
def test_a_write_that_is_rolled_back_changes_nothing(remembering, visit, token, staff_user):
    api = english_client(token)
    api.get(LIST)
    version = TOKENS.read("x")[0]

    # Not committed (the test's transaction is rolled back at its end): the on-commit callback never runs.
    api_token_revoke(token_key=token[:15])

    assert TOKENS.read("x")[0] == version


@time_machine.travel(NOW, tick=False)
def test_a_login_does_not_forget_every_token(remembering, visit, token, staff_user, client, committed):
    client.get("/")
    version = TOKENS.read("x")[0]

    with committed():
        client.force_login(staff_user)  # saves last_login, as every sign-in does

    staff_user.refresh_from_db()
    assert staff_user.last_login == NOW
    assert TOKENS.read("x")[0] == version


@time_machine.travel(NOW, tick=False)
def test_the_cache_never_holds_the_password_and_saving_the_user_keeps_it(
    remembering, visit, token, staff_user
):
    from config.api_tokens import TokenAuthentication

    english_client(token).get(LIST)
    (key,) = [k for k in cache._cache if "api-auth:token1:" in k]  # LocMemCache's own dict
    assert staff_user.password not in repr(cache.get(key.split(":", 2)[-1]))

    user, _auth = TokenAuthentication().authenticate_credentials(token.encode())
    user.first_name = "Baru"
    user.save()

    staff_user.refresh_from_db()
    assert (staff_user.first_name, staff_user.check_password("rahasia-123")) == ("Baru", True)


def test_the_setting_without_a_shared_cache_is_refused(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SAMBANG_API_AUTH_CACHE_SECONDS": "30", "SAMBANG_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.base'; django.setup()",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert result.returncode != 0
    assert "SAMBANG_API_AUTH_CACHE_SECONDS needs CACHE_URL" in result.stderr


@time_machine.travel(NOW, tick=False)
def test_on_redis_a_token_revoked_by_the_command_is_refused_at_once(
    redis_cache, settings, visit, token, committed, django_assert_num_queries
):
    settings.SAMBANG_API_AUTH_CACHE_SECONDS = 60
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 0
    api = english_client(token)
    assert api.get(LIST).status_code == 200
    with django_assert_num_queries(2):
        assert api.get(LIST).status_code == 200
    assert len(redis_cache.keys("*api-auth:token1:*")) == 1

    with committed():
        call_command("api_token", "revoke", token[:15], stdout=io.StringIO())

    assert not AuthToken.objects.exists()
    assert api.get(LIST).status_code == 401


@pytest.fixture
def unreachable_cache(settings):
    """The default cache on a Redis port where nothing listens, as when Redis is down."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SAMBANG_API_AUTH_CACHE_SECONDS = 60
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 0
    yield
    caches["default"].close()


@time_machine.travel(NOW, tick=False)
def test_with_the_cache_down_a_bad_token_is_still_401_and_a_good_one_gets_503(
    unreachable_cache, visit, token
):
    wrong = english_client("0" * 64).get(LIST)
    good = english_client(token).get(LIST)

    assert wrong.status_code == 401
    assert good.status_code == 503
    assert good["Retry-After"] == "5"
    assert "request counter cannot be reached" in detail(good)


@time_machine.travel(NOW, tick=False)
def test_with_the_cache_down_and_no_throttle_a_token_is_checked_in_the_database(
    unreachable_cache, monkeypatch, visit, token
):
    from visits.api import VisitViewSet

    monkeypatch.setattr(VisitViewSet, "throttle_classes", [])  # DRF binds them when the view is defined

    assert english_client(token).get(LIST).status_code == 200
