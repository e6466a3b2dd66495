"""Hostile input to the API and pages found by the second attack: each answer is a clear 4xx, never a 500."""

import datetime as dt

import time_machine
from django.db import connection
from django.urls import reverse

from tests.factories import InstitutionFactory, VenueFactory
from visits.models import Visit

BEFORE = dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC)


def test_json_nested_too_deeply_is_refused(visit, api_client):
    body = "[" * 50_000 + "]" * 50_000

    response = api_client.post("/api/v1/conflicts/check/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON bersarang terlalu dalam untuk dibaca."}


def test_api_not_found_does_not_name_the_model(visit, api_client):
    response = api_client.get(f"/api/v1/visits/{visit.pk + 1000}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_move_beyond_the_last_date_python_holds_is_refused(visit, api_client):
    with time_machine.travel(BEFORE, tick=False):
        response = api_client.post(
            f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "9999-12-31T23:00:00+07:00"}, format="json"
        )

    assert response.status_code == 400
    assert response.json() == {"detail": "Angka atau tanggal dalam permintaan di luar jangkauan."}
    assert Visit.objects.get(pk=visit.pk).start == visit.start


def test_id_larger_than_any_column_finds_nothing(visit, api_client):
    response = api_client.get("/api/v1/quotes/", {"visit": "9" * 23})

    # SQLite cannot even bind such a number (400); PostgreSQL compares it and finds no row (200, empty).
    if connection.vendor == "sqlite":
        assert response.status_code == 400
    else:
        assert (response.status_code, response.json()["count"]) == (200, 0)


def test_calendar_at_the_ends_of_time_shows_today(visit, staff_client):
    for date in ("9999-12-31", "0001-01-01"):
        response = staff_client.get(reverse("visits:calendar"), {"date": date, "view": "week"})
        assert response.status_code == 200
    response = staff_client.get(reverse("visits:calendar"), {"venue": "9" * 23})
    assert response.status_code == 200


def test_room_of_another_host_is_refused_by_the_checks(visit, api_client):
    other_room = VenueFactory(institution=InstitutionFactory(name="Pemerintah Kota Batu"))

    check = api_client.post(
        "/api/v1/conflicts/check/",
        {
            "host": visit.host_id,
            "start": "2025-05-07T09:00:00+07:00",
            "end": "2025-05-07T11:00:00+07:00",
            "venue": other_room.pk,
        },
        format="json",
    )
    slots = api_client.get(
        "/api/v1/free-slots/",
        {
            "host": visit.host_id,
            "first_day": "2025-05-05",
            "last_day": "2025-05-09",
            "duration": 60,
            "venue": other_room.pk,
        },
    )

    assert check.status_code == slots.status_code == 400
    assert check.json()["errors"] == {"venue": ["Ruang atau lokasi itu bukan milik tuan rumah."]}
    assert slots.json()["errors"] == {"venue": ["Ruang atau lokasi itu bukan milik tuan rumah."]}


def test_visit_file_nested_too_deeply_is_refused_on_the_page_and_the_api(visit, staff_client, api_client):
    nested = "[" * 50_000 + "]" * 50_000

    page = staff_client.post(reverse("visits:register"), {"text": nested})
    api = api_client.post("/api/v1/visits/register/", nested, content_type="application/json")

    assert page.status_code == api.status_code == 400
    assert "bukan YAML atau JSON yang valid" in page.content.decode()
    assert api.json() == {"detail": "JSON bersarang terlalu dalam untuk dibaca."}
