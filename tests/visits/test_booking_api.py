"""Booking through the API: 409 with the structured explanation, warnings in the response, free slots,
and twenty simultaneous requests for one room of which exactly one wins."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
import zoneinfo

import pytest
import time_machine
from knox.models import AuthToken

from tests.factories import accepted_visit
from visits.enums import VisitStatus
from visits.models import AgendaItem, Official, Venue, Visit

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(api_client):
    api_client.cookies["django_language"] = "en"
    return api_client


def accepted(visit):
    return accepted_visit(visit.host)


def booking(start: str, end: str, venue: int, **extra) -> dict:
    return {
        "start": start,
        "end": end,
        "venue": venue,
        "items": [{"start": start, "end": end, "title": "Audiensi"}],
        **extra,
    }


def test_schedule_conflict_is_409_with_structured_explanation(visit, english):
    other = accepted(visit)
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")

    response = english.post(
        f"/api/v1/visits/{other.pk}/schedule/",
        booking("2025-04-25T10:00:00+07:00", "2025-04-25T11:00:00+07:00", sidang.pk),
        format="json",
    )

    assert response.status_code == 409
    body = response.json()
    assert [e["code"] for e in body["errors"]] == ["room_double_booked"]
    assert body["errors"][0]["other_visit"] == visit.pk
    assert [w["code"] for w in body["warnings"]] == []
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


def test_schedule_with_warnings_succeeds_and_lists_them(visit, english):
    other = accepted(visit)
    lobby = Venue.objects.get(name="Lobi Balai Kota Malang")

    response = english.post(
        f"/api/v1/visits/{other.pk}/schedule/",
        booking(
            "2025-05-10T09:00:00+07:00",
            "2025-05-10T10:00:00+07:00",
            lobby.pk,
            overrides={"weekend": "Acara khusus."},
        ),
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    assert response.json()["warnings"] == [
        {
            "code": "weekend",
            "message": "Saturday, 10 May 2025 falls on a weekend.",
            "day": "2025-05-10",
            "reason": "Acara khusus.",
        }
    ]
    assert Visit.objects.get(pk=other.pk).booking_warnings[0]["reason"] == "Acara khusus."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": "2025-05-06T09:00:00", "end": "2025-05-06T10:00:00+07:00"}, "start"),
        ({"start": "besok", "end": "2025-05-06T10:00:00+07:00"}, "start"),
        ({"end": "2025-05-06T10:00:00+07:00"}, "start"),
        (
            {"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T10:00:00+07:00", "venue": 999999},
            "venue",
        ),
    ],
)
def test_schedule_bad_input_is_400_and_saves_nothing(visit, english, payload, field):
    other = accepted(visit)

    response = english.post(f"/api/v1/visits/{other.pk}/schedule/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


def test_schedule_refused_for_a_room_of_another_host(visit, english):
    other = accepted(visit)
    stranger = Venue.objects.create(institution=other.delegation.institution, name="Aula Tamu", capacity=50)

    response = english.post(
        f"/api/v1/visits/{other.pk}/schedule/",
        booking("2025-05-06T09:00:00+07:00", "2025-05-06T10:00:00+07:00", stranger.pk),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some fields are invalid: venue.",
        "errors": {"venue": ["That room or site is not one of the host's."]},
    }


def test_conflict_check_endpoint(visit, english):
    dewi = Official.objects.get(name="Dewi Contoh")
    payload = {
        "host": visit.host.pk,
        "start": "2025-04-25T09:30:00+07:00",
        "end": "2025-04-25T10:00:00+07:00",
        "items": [
            {"start": "2025-04-25T09:30:00+07:00", "end": "2025-04-25T10:00:00+07:00", "official": dewi.pk}
        ],
    }

    response = english.post("/api/v1/conflicts/check/", payload, format="json")

    assert response.status_code == 200
    assert [e["code"] for e in response.json()["errors"]] == ["official_double_booked"]


@pytest.mark.parametrize("items", [[], None], ids=["empty-agenda", "agenda-left-out"])
def test_conflict_check_finds_the_room_clash_that_schedule_refuses(visit, english, items):
    # Without items, /schedule/ holds the room for the whole window; the check must look at the same.
    other = accepted(visit)
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")
    window = {"start": "2025-04-25T10:00:00+07:00", "end": "2025-04-25T12:00:00+07:00", "venue": sidang.pk}
    if items is not None:
        window["items"] = items

    check = english.post(
        "/api/v1/conflicts/check/",
        {**window, "host": visit.host.pk, "exclude_visit": other.pk},
        format="json",
    )
    book = english.post(f"/api/v1/visits/{other.pk}/schedule/", window, format="json")

    assert book.status_code == 409
    assert "room_double_booked" in [e["code"] for e in book.json()["errors"]]
    assert [e["code"] for e in check.json()["errors"]] == ["room_double_booked"]


def test_conflict_check_of_a_move_without_items_moves_the_visits_agenda(visit, english):
    # The demo visit moved one week on: its agenda goes with it, so its officials' other bookings count.
    dewi = Official.objects.get(name="Dewi Contoh")
    hall = Venue.objects.create(institution=visit.host, name="Aula Lain", capacity=50)
    blocker = accepted(visit)
    AgendaItem.objects.create(
        visit=blocker,
        start=dt.datetime(2025, 5, 2, 9, 30, tzinfo=WIB),
        end=dt.datetime(2025, 5, 2, 11, 0, tzinfo=WIB),
        venue=hall,
        official=dewi,
        title="Rapat lain",
    )
    Visit.objects.filter(pk=blocker.pk).update(status=VisitStatus.SCHEDULED)

    check = english.post(
        "/api/v1/conflicts/check/",
        {
            "host": visit.host.pk,
            "start": "2025-05-02T09:00:00+07:00",
            "end": "2025-05-02T11:30:00+07:00",
            "exclude_visit": visit.pk,
        },
        format="json",
    )

    assert check.status_code == 200
    assert "official_double_booked" in [e["code"] for e in check.json()["errors"]]


def test_free_slots_skip_the_booked_room_and_rank_by_warnings(visit, english):
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")
    budi = Official.objects.get(name="Budi Santoso Contoh")

    response = english.get(
        "/api/v1/free-slots/",
        {
            "host": visit.host.pk,
            "first_day": "2025-04-25",
            "last_day": "2025-04-28",
            "duration": 120,
            "officials": str(budi.pk),
            "venue": sidang.pk,
            "limit": 3,
        },
    )

    assert response.status_code == 200
    slots = response.json()
    # Friday 25th: the room is held by the demo visit until 10:55 + 15 minutes, then the Friday-prayer
    # window (11:30–13:00) warns; from 13:00 the afternoon is clean and earlier than Monday.
    assert [s["start"] for s in slots] == [
        "2025-04-25T13:00:00+07:00",
        "2025-04-25T13:30:00+07:00",
        "2025-04-25T14:00:00+07:00",
    ]
    assert {tuple(s["warnings"]) for s in slots} == {()}


def test_free_slots_bad_query_is_400(visit, english):
    response = english.get(
        "/api/v1/free-slots/",
        {"host": visit.host.pk, "first_day": "2025-05-10", "last_day": "2025-05-01", "duration": 60},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some fields are invalid: last_day.",
        "errors": {"last_day": ["The last day is before the first."]},
    }


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_bookings_of_one_room_only_one_wins(visit, live_server, staff_user):
    _row, token = AuthToken.objects.create(user=staff_user)
    lobby = Venue.objects.get(name="Lobi Balai Kota Malang")
    others = [accepted(visit) for _ in range(20)]
    payload = json.dumps(booking("2025-05-06T09:00:00+07:00", "2025-05-06T10:00:00+07:00", lobby.pk)).encode()
    barrier = threading.Barrier(len(others))
    results: list[int] = []

    def book(pk: int) -> None:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/visits/{pk}/schedule/",
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results.append(response.status)
        except urllib.error.HTTPError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=book, args=(other.pk,)) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == [200] + [409] * 19
    assert (
        AgendaItem.objects.filter(venue=lobby, start=dt.datetime(2025, 5, 6, 9, 0, tzinfo=WIB)).count() == 1
    )
    assert Visit.objects.filter(status=VisitStatus.SCHEDULED).count() == 2  # the demo visit and the winner


@pytest.mark.parametrize(
    "body",
    [
        {"venue": 0},
        {"items": [{"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T10:00:00+07:00", "venue": 0}]},
        {
            "items": [
                {"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T10:00:00+07:00", "official": 0}
            ]
        },
    ],
    ids=["venue", "item-venue", "item-official"],
)
def test_id_zero_is_400_not_a_server_error_and_nothing_is_booked(visit, english, body):
    other = accepted(visit)

    response = english.post(
        f"/api/v1/visits/{other.pk}/schedule/",
        {"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T10:00:00+07:00", **body},
        format="json",
    )

    assert response.status_code == 400
    assert "greater than or equal to 1" in json.dumps(response.json())
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_a_time_filter_with_a_large_utc_offset_is_read_not_a_server_error(visit, english, offset):
    # ISO 8601 allows these offsets; PostgreSQL refuses them in a query, so the filter compares in UTC.
    response = english.get("/api/v1/visits/", {"start_after": f"2025-04-24T09:00:00{offset}"})

    assert response.status_code == 200
