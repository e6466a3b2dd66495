"""A visit or agenda item whose end equals its start is refused with "must end after it starts", not
"ends before it starts" (visits.conflicts, visits.importer)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from tests.factories import DelegationFactory, VisitFactory
from visits.enums import VisitStatus
from visits.importer import VisitFileError, parse_visit_data
from visits.models import Venue, Visit

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture
def english(api_client):
    api_client.cookies["django_language"] = "en"
    return api_client


def test_booking_that_ends_when_it_starts_must_end_after_it_starts(visit, english):
    other = VisitFactory(
        host=visit.host, venue=None, status=VisitStatus.ACCEPTED, delegation=DelegationFactory(size=10)
    )
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")
    moment = "2025-05-06T09:00:00+07:00"

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(
            f"/api/v1/visits/{other.pk}/schedule/",
            {"start": moment, "end": moment, "venue": sidang.pk, "items": []},
            format="json",
        )

    assert response.status_code == 409
    assert [(e["code"], e["message"]) for e in response.json()["errors"]] == [
        ("end_before_start", "The visit must end after it starts.")
    ]
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


def test_visit_file_whose_end_is_its_start_must_end_after_it_starts(demo_data):
    demo_data["visit"] |= {"start": "09:00", "end": "09:00"}

    with translation.override("en"), pytest.raises(VisitFileError) as caught:
        parse_visit_data(demo_data)

    assert ("visit.end", "the visit must end after it starts") in caught.value.problems
