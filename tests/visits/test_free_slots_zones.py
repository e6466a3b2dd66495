"""Free slots written in the host's own zone, and a duration no office day can hold refused with a reason."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.factories import InstitutionFactory, RegionFactory, VenueFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=WIB), tick=False):
        yield


def host_in(zone: str, code: str, name: str):
    host = InstitutionFactory(
        name=f"Pemerintah {name}", region=RegionFactory(code=code, name=name, timezone=zone)
    )
    VenueFactory(institution=host, name=f"Ruang Rapat {name}")
    return host


def client_of(make_user, host) -> APIClient:
    api = APIClient()
    api.cookies["django_language"] = "en"
    api.force_authenticate(make_user(f"staf-{host.pk}", "protocol", hosts=[host], is_staff=True))
    return api


@pytest.mark.parametrize(
    ("zone", "code", "name", "first", "last"),
    [
        ("Asia/Makassar", "73.71", "Kota Makassar", "2027-03-16T08:00:00+08:00", "2027-03-16T10:00:00+08:00"),
        ("Asia/Jayapura", "91.71", "Kota Jayapura", "2027-03-16T08:00:00+09:00", "2027-03-16T10:00:00+09:00"),
        ("Asia/Jakarta", "35.71", "Kota Kediri", "2027-03-16T08:00:00+07:00", "2027-03-16T10:00:00+07:00"),
    ],
)
def test_free_slots_are_written_in_the_hosts_zone(db, make_user, zone, code, name, first, last):
    host = host_in(zone, code, name)

    response = client_of(make_user, host).get(
        "/api/v1/free-slots/",
        {"host": host.pk, "first_day": "2027-03-16", "last_day": "2027-03-16", "duration": 120},
    )

    assert response.status_code == 200
    assert (response.json()[0]["start"], response.json()[0]["end"]) == (first, last)


def test_free_slots_longer_than_the_office_day_is_400_with_the_reason(db, make_user):
    host = host_in("Asia/Makassar", "73.71", "Kota Makassar")

    response = client_of(make_user, host).get(
        "/api/v1/free-slots/",
        {"host": host.pk, "first_day": "2027-03-16", "last_day": "2027-03-16", "duration": 600},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "duration": [
            "A visit of 600 minutes is longer than the host's office hours allow (08:00–16:00, 480 minutes)."
        ]
    }


def test_free_slots_of_the_whole_office_day_is_found(db, make_user):
    host = host_in("Asia/Makassar", "73.71", "Kota Makassar")

    response = client_of(make_user, host).get(
        "/api/v1/free-slots/",
        {"host": host.pk, "first_day": "2027-03-16", "last_day": "2027-03-16", "duration": 480},
    )

    assert response.status_code == 200
    assert [slot["start"] for slot in response.json()] == ["2027-03-16T08:00:00+08:00"]
