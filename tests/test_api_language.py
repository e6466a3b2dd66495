"""The API answers bad input in the user's language, DRF's own untranslated messages included
(``config.drf_messages``, ``config.api_parsers``, ``config.api_errors``)."""

import datetime as dt

import pytest
import time_machine

from config.throttling import UserRateThrottle

CHECK = "/api/v1/conflicts/check/"


@pytest.fixture
def indonesian(api_client):
    api_client.cookies["django_language"] = "id"
    return api_client


def test_a_body_that_is_not_json_names_the_line_and_column(db, indonesian):
    response = indonesian.post(CHECK, '{"host": 1,\n  "items": [}', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Isi permintaan bukan JSON yang sah (baris 2, kolom 13)."}


def test_a_body_that_is_not_utf8_says_so(db, indonesian):
    response = indonesian.post(CHECK, b'{"host": "\xff"}', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Isi permintaan bukan teks UTF-8."}


def test_a_json_list_instead_of_an_object_is_refused_in_indonesian(db, indonesian):
    response = indonesian.post(CHECK, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert "objek JSON" in response.json()["detail"]
    assert "Expected a dictionary" not in response.content.decode()


def test_an_empty_json_body_is_refused_in_indonesian(db, indonesian):
    response = indonesian.post(CHECK, "null", content_type="application/json")

    assert response.status_code == 400
    assert "No data provided" not in response.content.decode()
    assert "Tidak ada data yang dikirim." in response.json()["detail"]


def test_the_throttle_says_when_to_try_again_in_indonesian(db, indonesian, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "rate", "1/minute")
    with time_machine.travel(dt.datetime(2025, 4, 25, 9, 0, 30, tzinfo=dt.UTC), tick=False):
        indonesian.get("/api/v1/regions/")
        refused = indonesian.get("/api/v1/regions/")
    cache.clear()

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Permintaan ini telah dibatasi. Coba lagi dalam 30 detik."}


def test_a_refused_read_does_not_say_only_protocol_staff_may_read(db, make_user):
    from rest_framework.test import APIClient

    reader, writer = APIClient(), APIClient()
    reader.force_authenticate(make_user("kontak", "delegation_contact"))
    writer.force_authenticate(make_user("pimpinan", "leadership"))
    reader.cookies["django_language"] = writer.cookies["django_language"] = "en"

    read = reader.get("/api/v1/visits/")
    write = writer.post("/api/v1/conflicts/check/", {}, format="json")

    assert (read.status_code, read.json()) == (403, {"detail": "Only the host's staff may use this."})
    assert (write.status_code, write.json()) == (403, {"detail": "Only protocol staff may use this."})


def test_the_api_follows_accept_language_without_a_cookie(db, api_client):
    english = api_client.post(
        CHECK, "[1, 2]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    default = api_client.post(CHECK, "[1, 2]", content_type="application/json")

    assert "objek JSON" not in english.json()["detail"]
    assert english["Content-Language"] == "en"
    assert "objek JSON" in default.json()["detail"]


def test_the_cookie_still_wins_over_accept_language_on_the_api(db, indonesian):
    response = indonesian.post(CHECK, "[1, 2]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert "objek JSON" in response.json()["detail"]


def test_pages_stay_indonesian_for_a_browser_set_to_english(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert 'lang="id"' in page.content.decode()
