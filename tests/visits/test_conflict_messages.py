"""Conflict and warning messages: the same guest institution elsewhere, never a visit against itself, times
in the host's zone with their label, and each sentence (and each reason prompt) once."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    InstitutionFactory,
    RegionFactory,
    VenueFactory,
    VisitFactory,
)
from visits.conflicts import check_booking
from visits.enums import VisitStatus

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=WIB), tick=False):
        yield


@pytest.fixture
def makassar(db):
    region = RegionFactory(code="73.71", name="Kota Makassar", timezone="Asia/Makassar")
    return InstitutionFactory(name="Pemerintah Kota Makassar", region=region)


@pytest.fixture
def buleleng(db):
    return InstitutionFactory(name="Pemerintah Kabupaten Buleleng")


def client_of(make_user, *hosts) -> APIClient:
    api = APIClient()
    api.cookies["django_language"] = "en"
    api.force_authenticate(make_user("staf-f3", "protocol", hosts=list(hosts), is_staff=True))
    return api


def booked(host, start, end, guest, **kwargs):
    """A booked visit of ``guest`` (an institution) at ``host`` holding one room for its whole window."""
    visit = VisitFactory(
        host=host,
        start=start,
        end=end,
        timezone=host.region.timezone,
        delegation=DelegationFactory(institution=guest),
        **kwargs,
    )
    AgendaItemFactory(visit=visit, start=start, end=end, venue=visit.venue)
    return visit


def at(day: int, hour: int, minute: int = 0, tz=WITA) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=tz)


@pytest.fixture
def english_makassar_pair(makassar, buleleng):
    """Two letters of the same guest institution to Makassar: the first booked, the second accepted."""
    first = booked(makassar, at(16, 10), at(16, 12), buleleng, title="Kunjungan pertama")
    second = VisitFactory(
        host=makassar,
        venue=None,
        status=VisitStatus.ACCEPTED,
        start=at(16, 11),
        end=at(16, 13),
        timezone="Asia/Makassar",
        delegation=DelegationFactory(institution=buleleng),
    )
    with translation.override("en"):
        yield makassar, first, second


def test_same_institution_with_another_letter_at_this_host_is_flagged(english_makassar_pair):
    makassar, first, second = english_makassar_pair

    report = check_booking(
        host=makassar,
        start=at(16, 11),
        end=at(16, 13),
        items=[],
        zone="Asia/Makassar",
        delegation_id=second.delegation_id,
        exclude_visit_id=second.pk,
    )

    (finding,) = [f for f in report.warnings if f.code == "delegation_elsewhere"]
    assert finding.message == (
        "Pemerintah Kabupaten Buleleng has another visit at that time: “Kunjungan pertama”, "
        "16/03/2027 10:00–12:00 WITA."
    )
    assert finding.other_visit == first.pk


def test_same_institution_at_another_host_is_flagged_without_its_details(makassar, buleleng):
    jayapura = InstitutionFactory(
        name="Pemerintah Kota Jayapura",
        region=RegionFactory(code="91.71", name="Kota Jayapura", timezone="Asia/Jayapura"),
    )
    # 12:00–14:00 WIT is 11:00–13:00 WITA.
    elsewhere = booked(
        jayapura,
        at(16, 12, tz=zoneinfo.ZoneInfo("Asia/Jayapura")),
        at(16, 14, tz=zoneinfo.ZoneInfo("Asia/Jayapura")),
        buleleng,
        title="Rahasia Jayapura",
    )
    mine = VisitFactory(
        host=makassar,
        venue=None,
        status=VisitStatus.ACCEPTED,
        delegation=DelegationFactory(institution=buleleng),
    )

    with translation.override("en"):
        report = check_booking(
            host=makassar,
            start=at(16, 10),
            end=at(16, 12),
            items=[],
            zone="Asia/Makassar",
            delegation_id=mine.delegation_id,
            exclude_visit_id=mine.pk,
        )

    (finding,) = [f for f in report.warnings if f.code == "delegation_elsewhere"]
    assert finding.as_dict() == {
        "code": "delegation_elsewhere",
        "message": "Pemerintah Kabupaten Buleleng has another visit at that time, at another host: "
        "16/03/2027 11:00–13:00 WITA.",
    }
    assert elsewhere.title not in finding.message


def test_conflict_check_does_not_flag_the_delegations_own_visit(make_user, english_makassar_pair):
    makassar, _first, second = english_makassar_pair
    # Its own requested window, outside the first visit's: the only visit it could clash with is itself.
    second.start, second.end = at(17, 9), at(17, 11)
    second.save()

    response = client_of(make_user, makassar).post(
        "/api/v1/conflicts/check/",
        {
            "host": makassar.pk,
            "start": "2027-03-17T09:00:00+08:00",
            "end": "2027-03-17T11:00:00+08:00",
            "items": [],
            "delegation": second.delegation_id,
        },
        format="json",
    )

    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == []


def test_conflict_check_does_not_flag_a_booked_visit_against_itself(make_user, makassar, buleleng):
    own = booked(makassar, at(17, 9), at(17, 11), buleleng)

    response = client_of(make_user, makassar).post(
        "/api/v1/conflicts/check/",
        {
            "host": makassar.pk,
            "start": "2027-03-17T09:00:00+08:00",
            "end": "2027-03-17T11:00:00+08:00",
            "items": [],
            "delegation": own.delegation_id,
        },
        format="json",
    )

    assert response.status_code == 200
    assert "delegation_elsewhere" not in [w["code"] for w in response.json()["warnings"]]


def test_conflict_messages_write_times_in_the_hosts_zone_with_its_label(make_user, makassar, buleleng):
    taken = booked(makassar, at(19, 10), at(19, 12), buleleng, title="Audiensi Buleleng")

    response = client_of(make_user, makassar).post(
        "/api/v1/conflicts/check/",
        {
            "host": makassar.pk,
            # 10:30–16:30 WITA sent as WIB
            "start": "2027-03-19T09:30:00+07:00",
            "end": "2027-03-19T15:30:00+07:00",
            "venue": taken.venue.pk,  # taken 10:00–12:00 WITA on Friday 19 March
            "items": [{"start": "2027-03-19T09:30:00+07:00", "end": "2027-03-19T15:30:00+07:00"}],
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert [e["message"] for e in body["errors"]] == [
        f"{taken.venue.name} is booked 19/03/2027 10:00–12:00 WITA for “Audiensi Buleleng” "
        "(with 15 minutes between bookings)."
    ]
    assert {w["code"]: w["message"] for w in body["warnings"]} == {
        "outside_office_hours": "19/03/2027 10:30–16:30 WITA is outside office hours (08:00–16:00 WITA).",
        "friday_prayer": "19/03/2027 10:30–16:30 WITA runs into the Friday-prayer window (11:30–13:00 WITA).",
    }


def test_reschedule_409_says_each_clash_once_and_lists_every_error(api_client, host):
    api_client.cookies["django_language"] = "en"
    room = VenueFactory(institution=host, name="Ruang Rapat Wali Kota")
    taken = booked(
        host, at(16, 9, tz=WIB), at(16, 12, tz=WIB), InstitutionFactory(), venue=room, title="Rapat A"
    )
    moving = VisitFactory(host=host, venue=room, start=at(17, 9, tz=WIB), end=at(17, 11, tz=WIB))
    AgendaItemFactory(visit=moving, start=at(17, 9, tz=WIB), end=at(17, 10, tz=WIB), venue=room)
    AgendaItemFactory(visit=moving, start=at(17, 10, tz=WIB), end=at(17, 11, tz=WIB), venue=room)

    response = api_client.post(
        f"/api/v1/visits/{moving.pk}/reschedule/", {"start": "2027-03-16T09:00:00+07:00"}, format="json"
    )

    body = response.json()
    sentence = (
        "Ruang Rapat Wali Kota is booked 16/03/2027 09:00–12:00 WIB for “Rapat A” (with 15 minutes between "
        "bookings)."
    )
    assert response.status_code == 409
    assert [(e["code"], e["item"], e["other_visit"]) for e in body["errors"]] == [
        ("room_double_booked", 0, taken.pk),
        ("room_double_booked", 1, taken.pk),
    ]
    assert body["detail"] == sentence


def test_booking_page_asks_one_reason_per_warning_listing_each_item(staff_client, host):
    staff_client.cookies["django_language"] = "en"
    other = VisitFactory(host=host, venue=None, status=VisitStatus.ACCEPTED)
    form = {
        "date": "2027-03-19",  # a Friday
        "start": "11:00",
        "end": "13:30",
        "action": "check",
        "item_start": ["11:00", "12:00"],
        "item_end": ["12:00", "13:30"],
        "item_title": ["Paparan", "Diskusi"],
        "item_kind": ["other", "other"],
        "item_venue": ["", ""],
        "item_official": ["", ""],
    }

    response = staff_client.post(f"/visits/{other.pk}/book/", form)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('name="reason_friday_prayer"') == 1
    assert body.count('data-code="friday_prayer"') == 1
    assert "<li>19/03/2027 11:00–12:00 WIB runs into the Friday-prayer window (11:30–13:00 WIB).</li>" in body
    assert "<li>19/03/2027 12:00–13:30 WIB runs into the Friday-prayer window (11:30–13:00 WIB).</li>" in body
