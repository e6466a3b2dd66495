"""The visit list's rendered pages in the cache (``visits.api_cache``): served while nothing they show has
changed, rendered again after any write to a visit, delegation, institution, region or venue commits."""

import subprocess
import sys

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from config.audit import audited_update
from tests.factories import InstitutionFactory, VisitFactory
from visits.models import Visit

LIST = "/api/v1/visits/"


@pytest.fixture
def kept(settings):
    """Pages kept for a minute (on by default only with CACHE_URL), in a cache emptied around the test."""
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_second_request_is_served_from_the_cache_with_only_the_users_queries(
    kept, visit, api_client, django_assert_num_queries
):
    first = api_client.get(LIST)

    # force_authenticate keeps the one user object, whose role groups and hosts were read the first time.
    with django_assert_num_queries(0):
        second = api_client.get(LIST)

    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert rows(second)[0]["title"] == visit.title


def test_without_the_setting_every_request_reads_the_rows(
    settings, visit, api_client, django_assert_num_queries
):
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 0
    api_client.get(LIST)

    with django_assert_num_queries(2):  # count, page (the user object has its role and hosts already)
        api_client.get(LIST)


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda v: _save(v, title="Judul baru"), "title", "Judul baru"),
        (lambda v: _save(v.venue, name="Ruang Baru"), "venue", "Ruang Baru"),
        (lambda v: _save(v.host, name="Pemkot Baru"), "host", "Pemkot Baru"),
        (lambda v: _save(v.delegation.institution, name="Pemkab Baru"), "delegation", "Pemkab Baru"),
        (lambda v: _save(v.delegation.institution.region, code="51.99"), "delegation_region_code", "51.99"),
        (
            lambda v: _save(v.delegation, institution=InstitutionFactory(name="Tamu Lain")),
            "delegation",
            "Tamu Lain",
        ),
        (lambda v: audited_update(Visit.objects.filter(pk=v.pk), sequence=7), "sequence", 7),
    ],
    ids=["visit", "venue", "host", "guest-institution", "region", "delegation", "bulk-update"],
)
def test_a_committed_write_to_what_a_row_shows_is_seen_at_once(
    kept, visit, api_client, committed, change, field, expected
):
    before = rows(api_client.get(LIST))[0][field]

    with committed():
        change(
            Visit.objects.select_related("venue", "host", "delegation__institution__region").get(pk=visit.pk)
        )
    after = rows(api_client.get(LIST))[0][field]

    assert before != expected
    assert after == expected


def _save(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def test_new_and_deleted_visits_change_the_page(kept, visit, api_client, committed):
    with committed():
        added = VisitFactory(
            host=visit.host, start=visit.start.replace(year=2026), end=visit.end.replace(year=2026)
        )
    with_new = [row["id"] for row in rows(api_client.get(LIST))]
    with committed():
        Visit.objects.filter(pk=visit.pk).delete()
    without_old = [row["id"] for row in rows(api_client.get(LIST))]

    assert with_new == [added.pk, visit.pk]
    assert without_old == [added.pk]


def test_the_page_changes_only_when_the_write_commits(
    kept, visit, api_client, django_capture_on_commit_callbacks
):
    original = rows(api_client.get(LIST))[0]["title"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Visit.objects.filter(pk=visit.pk).update(title="Belum disimpan")  # no signal: nothing registered
        visit.title = "Disimpan"
        visit.save()
    before_commit = rows(api_client.get(LIST))[0]["title"]
    for callback in callbacks:
        callback()
    after_commit = rows(api_client.get(LIST))[0]["title"]

    assert len(callbacks) == 1
    assert before_commit == original
    assert after_commit == "Disimpan"


def test_users_of_other_hosts_get_their_own_pages(kept, visit, api_client, make_user):
    other_host = InstitutionFactory(name="Pemerintah Kota Lain")
    theirs = VisitFactory(host=other_host)
    both = APIClient()
    both.force_authenticate(make_user("dua", "protocol", hosts=[visit.host, other_host]))
    other = APIClient()
    other.force_authenticate(make_user("lain", "protocol", hosts=[other_host]))

    mine = [row["id"] for row in rows(api_client.get(LIST))]
    seen_by_both = [row["id"] for row in rows(both.get(LIST))]
    seen_by_other = [row["id"] for row in rows(other.get(LIST))]
    mine_again = [row["id"] for row in rows(api_client.get(LIST))]

    assert mine == mine_again == [visit.pk]
    assert sorted(seen_by_both) == sorted([visit.pk, theirs.pk])
    assert seen_by_other == [theirs.pk]


def test_query_strings_and_hosts_in_links_are_their_own_pages(kept, visit, api_client):
    VisitFactory.create_batch(50, host=visit.host)

    first = api_client.get(LIST)
    second = api_client.get(LIST, {"page": 2})
    by_title = api_client.get(LIST, {"ordering": "-title"})
    other_name = api_client.get(LIST, HTTP_HOST="localhost")

    assert len(rows(first)) == 50
    assert [row["id"] for row in rows(second)] == [visit.pk]
    titles = [row["title"] for row in rows(by_title)]
    assert titles == sorted(titles, reverse=True)
    assert titles != [row["title"] for row in rows(first)]
    assert first.json()["next"].startswith("http://testserver/")
    assert other_name.json()["next"].startswith("http://localhost/")


def test_the_browsable_api_is_not_kept(kept, visit, api_client, django_assert_num_queries):
    api_client.get(LIST, HTTP_ACCEPT="text/html")

    with django_assert_num_queries(2, exact=False):  # at least the count and the page, every time
        page = api_client.get(LIST, HTTP_ACCEPT="text/html")

    assert page["Content-Type"].startswith("text/html")


def test_errors_are_not_kept(kept, visit, api_client):
    refused = api_client.get(LIST, {"status": "nonsense"})

    assert refused.status_code == 400
    assert api_client.get(LIST, {"status": "scheduled"}).status_code == 200


def test_the_setting_without_a_shared_cache_is_refused(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SAMBANG_API_LIST_CACHE_SECONDS": "30", "SAMBANG_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "SAMBANG_API_LIST_CACHE_SECONDS needs CACHE_URL" in result.stderr


def test_on_redis_a_page_is_kept_and_a_committed_write_renders_it_again(
    redis_cache, settings, visit, api_client, committed, django_assert_num_queries
):
    settings.SAMBANG_API_LIST_CACHE_SECONDS = 60
    first = api_client.get(LIST)
    with django_assert_num_queries(0):
        kept_page = api_client.get(LIST)
    with committed():
        _save(visit, title="Judul di Redis")
    after = api_client.get(LIST)

    assert kept_page.content == first.content
    assert rows(after)[0]["title"] == "Judul di Redis"
    assert len(redis_cache.keys("*visit-list:page2:*")) == 1


def test_a_write_succeeds_when_the_cache_cannot_be_reached(kept, visit, committed, monkeypatch, caplog):
    def unreachable(*_args, **_kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unreachable)
    with committed():
        _save(visit, title="Tetap tersimpan")

    assert Visit.objects.get(pk=visit.pk).title == "Tetap tersimpan"
    assert "cache down" in caplog.text


def test_on_redis_a_kept_page_for_a_remembered_token_takes_two_round_trips(
    redis_cache, settings, visit, staff_user, monkeypatch, django_assert_num_queries
):
    # The token's check (one MGET) and the throttle's count, which reads the page too (one pipeline).
    import redis.connection

    from config.api_tokens import api_token_create

    settings.SAMBANG_API_LIST_CACHE_SECONDS = 60
    settings.SAMBANG_API_AUTH_CACHE_SECONDS = 60
    _row, token = api_token_create(user=staff_user, expires_in=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    first = api.get(LIST)
    sent = []
    real_send = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "send_packed_command",
        lambda self, command, check_health=True: (
            sent.append(command) or real_send(self, command, check_health)
        ),
    )

    with django_assert_num_queries(0):
        again = api.get(LIST)

    assert again.content == first.content
    assert len(sent) == 2
