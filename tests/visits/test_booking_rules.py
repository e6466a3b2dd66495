"""Booking and moving through the API and the move form: the agenda is never dropped and the room always
held, warnings need a recorded reason, a move re-checks warnings and may give a new end, a visit lasts at
most 14 days, and a registered request's agenda must not overlap itself."""

import copy
import datetime as dt
import zoneinfo

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import accepted_visit
from visits.enums import VisitStatus
from visits.models import AgendaItem, Venue, Visit
from visits.services.base import MAX_VISIT_LENGTH

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


def sidang() -> Venue:
    return Venue.objects.get(name="Ruang Sidang Balai Kota Malang")


def agenda(visit) -> list[tuple[str, str, str]]:
    return [
        (i.start.astimezone(WIB).isoformat(), i.end.astimezone(WIB).isoformat(), i.title)
        for i in AgendaItem.objects.filter(visit=visit).order_by("start", "pk")
    ]


def schedule(client, visit, **payload):
    return client.post(f"/api/v1/visits/{visit.pk}/schedule/", payload, format="json")


def reschedule(client, visit, **payload):
    return client.post(f"/api/v1/visits/{visit.pk}/reschedule/", payload, format="json")


# --- 1. Schedule without items keeps the agenda and holds the room -------------------------------------


def test_schedule_without_items_keeps_the_agenda_moved_and_holds_the_room(visit, english):
    before = agenda(visit)
    guest_rows = list(AgendaItem.objects.filter(visit=visit).exclude(guest_speaker="").values_list("pk"))

    moved = schedule(
        english,
        visit,
        start="2025-05-06T09:00:00+07:00",
        end="2025-05-06T11:30:00+07:00",
        venue=sidang().pk,
    )
    clash = schedule(
        english,
        accepted(visit),
        start="2025-05-06T10:00:00+07:00",
        end="2025-05-06T10:30:00+07:00",
        venue=sidang().pk,
        items=[],
    )

    assert moved.status_code == 200
    assert len(moved.json()["agenda"]) == len(before) == 7
    eleven_days = dt.timedelta(days=11)
    assert agenda(visit) == [
        (
            (dt.datetime.fromisoformat(start) + eleven_days).isoformat(),
            (dt.datetime.fromisoformat(end) + eleven_days).isoformat(),
            title,
        )
        for start, end, title in before
    ]
    assert (
        list(AgendaItem.objects.filter(visit=visit).exclude(guest_speaker="").values_list("pk")) == guest_rows
    )
    assert clash.status_code == 409
    assert [e["code"] for e in clash.json()["errors"]] == ["room_double_booked"]
    assert clash.json()["errors"][0]["other_visit"] == visit.pk


def test_schedule_without_items_rechecks_the_kept_agenda(visit, english):
    first = accepted(visit)
    assert (
        schedule(
            english,
            first,
            start="2025-05-06T09:00:00+07:00",
            end="2025-05-06T10:00:00+07:00",
            venue=sidang().pk,
            items=[],
        ).status_code
        == 200
    )

    response = schedule(
        english, visit, start="2025-05-06T09:00:00+07:00", end="2025-05-06T11:30:00+07:00", venue=sidang().pk
    )

    assert response.status_code == 409
    assert "room_double_booked" in [e["code"] for e in response.json()["errors"]]
    assert Visit.objects.get(pk=visit.pk).start == dt.datetime(2025, 4, 25, 9, 0, tzinfo=WIB)
    assert len(agenda(visit)) == 7


@pytest.mark.parametrize("items", [[], None], ids=["empty-list", "left-out-without-agenda"])
def test_schedule_with_no_agenda_books_one_meeting_in_the_room(visit, english, items):
    first, second = accepted(visit), accepted(visit)
    AgendaItem.objects.filter(visit=first).delete()
    window = {"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T11:00:00+07:00", "venue": sidang().pk}

    booked = schedule(english, first, **window, **({} if items is None else {"items": items}))
    clash = schedule(english, second, **window, items=[])

    assert booked.status_code == 200
    assert [(a["start"], a["end"], a["venue"]) for a in booked.json()["agenda"]] == [
        ("2025-05-06T09:00:00+07:00", "2025-05-06T11:00:00+07:00", "Ruang Sidang Balai Kota Malang")
    ]
    assert clash.status_code == 409
    assert [e["code"] for e in clash.json()["errors"]] == ["room_double_booked"]


# --- 2. Warnings need a reason ---------------------------------------------------------------------------


def test_schedule_with_a_warning_and_no_reason_is_409_listing_it(visit, english):
    other = accepted(visit)
    window = {"start": "2025-05-10T09:00:00+07:00", "end": "2025-05-10T10:00:00+07:00", "venue": sidang().pk}

    response = schedule(english, other, **window)

    assert response.status_code == 409
    body = response.json()
    assert body["reasons_missing"] == ["weekend"]
    assert body["warnings"] == [
        {"code": "weekend", "message": "Saturday, 10 May 2025 falls on a weekend.", "day": "2025-05-10"}
    ]
    assert [e["code"] for e in body["errors"]] == ["reason_required"]
    assert body["detail"] == (
        "Every warning needs a reason to go ahead: send them in “overrides” as {code: reason}."
    )
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED
    assert not AgendaItem.objects.filter(visit=other).exists()


def test_schedule_with_the_reason_records_it(visit, english):
    other = accepted(visit)

    response = schedule(
        english,
        other,
        start="2025-05-10T09:00:00+07:00",
        end="2025-05-10T10:00:00+07:00",
        venue=sidang().pk,
        overrides={"weekend": "  Permintaan Sekda. "},
    )

    assert response.status_code == 200
    assert response.json()["warnings"] == [
        {
            "code": "weekend",
            "message": "Saturday, 10 May 2025 falls on a weekend.",
            "day": "2025-05-10",
            "reason": "Permintaan Sekda.",
        }
    ]
    assert Visit.objects.get(pk=other.pk).booking_warnings == [
        {
            "code": "weekend",
            "message": "Saturday, 10 May 2025 falls on a weekend.",
            "day": "2025-05-10",
            "reason": "Permintaan Sekda.",
        }
    ]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"typo": "x"},
            {
                "typo": [
                    "“typo” is not a warning code; known codes: delegation_elsewhere, friday_prayer, "
                    "holiday, not_reception_day, outside_office_hours, over_capacity, short_notice, weekend."
                ]
            },
        ),
        ({"weekend": "   "}, {"weekend": ["Give the reason as text."]}),
        ({"weekend": 5}, {"weekend": ["Give the reason as text."]}),
        ({"weekend": None}, {"weekend": ["Give the reason as text."]}),
    ],
)
def test_schedule_bad_overrides_are_400_naming_the_code(visit, english, overrides, errors):
    other = accepted(visit)

    response = schedule(
        english,
        other,
        start="2025-05-10T09:00:00+07:00",
        end="2025-05-10T10:00:00+07:00",
        venue=sidang().pk,
        overrides=overrides,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"overrides": errors}
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


# --- 3. A move re-checks warnings ----------------------------------------------------------------------


def test_reschedule_onto_cuti_bersama_needs_a_reason(visit, english):
    refused = reschedule(english, visit, start="2025-05-13T09:00:00+07:00")

    assert refused.status_code == 409
    assert refused.json()["reasons_missing"] == ["holiday"]
    assert refused.json()["warnings"] == [
        {
            "code": "holiday",
            "message": "Tuesday, 13 May 2025 is a holiday: Vesak Joint Holiday.",
            "day": "2025-05-13",
        }
    ]
    assert Visit.objects.get(pk=visit.pk).start == dt.datetime(2025, 4, 25, 9, 0, tzinfo=WIB)

    moved = reschedule(
        english, visit, start="2025-05-13T09:00:00+07:00", overrides={"holiday": "Jadwal Wabup."}
    )

    assert moved.status_code == 200
    assert moved.json()["start"] == "2025-05-13T09:00:00+07:00"
    assert Visit.objects.get(pk=visit.pk).booking_warnings == [
        {
            "code": "holiday",
            "message": "Tuesday, 13 May 2025 is a holiday: Vesak Joint Holiday.",
            "day": "2025-05-13",
            "reason": "Jadwal Wabup.",
        }
    ]


def test_reschedule_into_friday_prayer_warns_and_replaces_old_warnings(visit, english):
    Visit.objects.filter(pk=visit.pk).update(
        booking_warnings=[{"code": "weekend", "message": "old", "reason": "old"}]
    )

    refused = reschedule(english, visit, start="2025-05-02T10:00:00+07:00")
    moved = reschedule(
        english, visit, start="2025-05-02T10:00:00+07:00", overrides={"friday_prayer": "Selesai 11.45."}
    )

    assert refused.status_code == 409
    assert refused.json()["reasons_missing"] == ["friday_prayer"]
    assert moved.status_code == 200
    # The discussion (11:15–11:45), the ceremony and the site tour run into 11:30–13:00.
    assert [(w["code"], w["item"], w["reason"]) for w in Visit.objects.get(pk=visit.pk).booking_warnings] == [
        ("friday_prayer", 4, "Selesai 11.45."),
        ("friday_prayer", 5, "Selesai 11.45."),
        ("friday_prayer", 6, "Selesai 11.45."),
    ]


def test_move_form_asks_for_reasons_then_moves(visit, staff_client):
    staff_client.cookies["django_language"] = "en"
    url = f"/visits/{visit.pk}/reschedule/"

    asked = staff_client.post(url, {"date": "2025-05-13", "time": "09:00"})
    moved = staff_client.post(url, {"date": "2025-05-13", "time": "09:00", "reason_holiday": "Jadwal Wabup."})

    assert asked.status_code == 409
    assert 'name="reason_holiday"' in asked.content.decode()
    assert "Tuesday, 13 May 2025 is a holiday: Vesak Joint Holiday." in asked.content.decode()
    assert moved.status_code == 302
    stored = Visit.objects.get(pk=visit.pk)
    assert stored.start == dt.datetime(2025, 5, 13, 9, 0, tzinfo=WIB)
    assert [(w["code"], w["reason"]) for w in stored.booking_warnings] == [("holiday", "Jadwal Wabup.")]


# --- 4. A move may give the new end ----------------------------------------------------------------------


def test_reschedule_with_end_gives_the_new_end(visit, english):
    response = reschedule(english, visit, start="2025-05-06T09:00:00+07:00", end="2025-05-06T12:00:00+07:00")

    assert response.status_code == 200
    assert (response.json()["start"], response.json()["end"]) == (
        "2025-05-06T09:00:00+07:00",
        "2025-05-06T12:00:00+07:00",
    )
    assert agenda(visit)[-1][:2] == ("2025-05-06T11:00:00+07:00", "2025-05-06T11:30:00+07:00")


def test_reschedule_with_an_end_that_cuts_the_agenda_is_409(visit, english):
    response = reschedule(english, visit, start="2025-05-06T09:00:00+07:00", end="2025-05-06T11:00:00+07:00")

    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["outside_visit"]
    assert Visit.objects.get(pk=visit.pk).end == dt.datetime(2025, 4, 25, 11, 30, tzinfo=WIB)


def test_reschedule_with_an_end_before_the_start_is_400(visit, english):
    response = reschedule(english, visit, start="2025-05-06T08:45:00+07:00", end="2025-05-06T08:00:00+07:00")

    assert response.status_code == 400
    assert response.json()["errors"] == {"end": ["The visit must end after it starts."]}


# --- 5. At most 14 days ---------------------------------------------------------------------------------


def test_schedule_of_a_ten_year_visit_is_400(visit, english):
    other = accepted(visit)

    response = schedule(
        english, other, start="2027-04-15T09:00:00+07:00", end="2037-04-15T11:00:00+07:00", venue=sidang().pk
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "end": ["A visit lasts at most 14 days; this one would last 3653.1 days."]
    }
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


def test_reschedule_longer_than_fourteen_days_is_400(visit, english):
    response = reschedule(english, visit, start="2025-05-06T09:00:00+07:00", end="2025-05-21T09:00:00+07:00")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "end": ["A visit lasts at most 14 days; this one would last 15 days."]
    }


def test_fourteen_days_exactly_is_allowed(visit, english):
    other = accepted(visit)
    start = dt.datetime(2025, 5, 5, 9, 0, tzinfo=WIB)

    response = schedule(
        english,
        other,
        start=start.isoformat(),
        end=(start + MAX_VISIT_LENGTH).isoformat(),
        venue=sidang().pk,
        items=[{"start": start.isoformat(), "end": "2025-05-05T10:00:00+07:00"}],
        overrides={"weekend": "Kunjungan panjang.", "holiday": "Kunjungan panjang."},
    )

    assert response.status_code == 200


def test_register_of_a_visit_longer_than_fourteen_days_is_400(db, english, demo_data):
    request_file = copy.deepcopy(demo_data)
    request_file["visit"].pop("status", None)
    request_file["request"]["letter_date"] = "2025-03-20"  # before NOW
    request_file["visit"]["end_date"] = "2025-05-25"
    request_file["visit"]["end"] = "12:00"

    response = english.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"path": "visit.end_date", "message": "A visit lasts at most 14 days; this one would last 30.1 days."}
    ]
    assert not Visit.objects.exists()


# --- 6. A registered request's agenda must not overlap itself ------------------------------------------


def test_register_refuses_an_official_in_two_overlapping_items_like_the_importer(
    db, english, demo_data, tmp_path
):
    request_file = copy.deepcopy(demo_data)
    request_file["visit"].pop("status", None)
    request_file["request"]["letter_date"] = "2025-03-20"  # before NOW
    request_file["visit"]["agenda"][1]["end"] = "09:20"  # Budi 09:00–09:20 overlaps the next item
    request_file["visit"]["agenda"][2]["speaker"] = "Budi Santoso Contoh"
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump(request_file, allow_unicode=True), encoding="utf-8")

    response = english.post("/api/v1/visits/register/", request_file, format="json")
    with pytest.raises(CommandError) as caught:
        call_command("import_visit", str(path), "--language", "en")

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"path": "visit.agenda[2]", "message": "Items 2 and 3 of the agenda overlap."}
    ]
    assert "visit.agenda[2]: Items 2 and 3 of the agenda overlap." in str(caught.value)
    assert not Visit.objects.exists()
