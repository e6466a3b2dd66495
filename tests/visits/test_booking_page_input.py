"""The booking page (``/visits/<id>/book/``) refuses a room that is not the host's and an empty date or
time with the form shown again (400), and books nothing (visits.views.VisitBookView)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import DelegationFactory, VenueFactory, VisitFactory
from visits.enums import VisitStatus
from visits.models import AgendaItem, Venue, Visit

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB)
FORM = {"date": "2025-05-06", "start": "09:00", "end": "10:00", "action": "book"}


@pytest.fixture
def english(staff_client):
    staff_client.cookies["django_language"] = "en"
    return staff_client


@pytest.fixture
def accepted(visit) -> Visit:
    """An accepted visit of the demo host, without a room or agenda yet."""
    return VisitFactory(
        host=visit.host, venue=None, status=VisitStatus.ACCEPTED, delegation=DelegationFactory(size=10)
    )


def book(client, visit, **form):
    with time_machine.travel(NOW, tick=False):
        return client.post(f"/visits/{visit.pk}/book/", {**FORM, **form})


def assert_nothing_booked(visit):
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.status, stored.venue_id) == (VisitStatus.ACCEPTED, None)
    assert not AgendaItem.objects.filter(visit=visit).exists()


def test_booking_in_another_hosts_room_is_400(accepted, english):
    theirs = VenueFactory()

    response = book(english, accepted, venue=theirs.pk)

    assert response.status_code == 400
    assert response.context["form_errors"] == ["That room or site is not one of the host's."]
    assert "That room or site is not one of the host&#x27;s." in response.content.decode()
    assert_nothing_booked(accepted)


@pytest.mark.parametrize("venue", ["9999", "abc", "-1"])
def test_booking_in_an_unknown_room_is_400(accepted, english, venue):
    response = book(english, accepted, venue=venue)

    assert response.status_code == 400
    assert response.context["form_errors"] == ["That room or site is not one of the host's."]
    assert_nothing_booked(accepted)


def test_checking_another_hosts_room_is_400_too(accepted, english):
    response = book(english, accepted, venue=VenueFactory().pk, action="check")

    assert response.status_code == 400
    assert response.context["form_errors"] == ["That room or site is not one of the host's."]


@pytest.mark.parametrize("empty", ["date", "start", "end"])
def test_booking_without_date_or_time_is_400(accepted, english, empty):
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")

    response = book(english, accepted, venue=sidang.pk, **{empty: ""})

    assert response.status_code == 400
    assert response.context["form_errors"] == ["Give the date and the start and end times."]
    assert_nothing_booked(accepted)


def test_booking_in_the_hosts_own_room_still_books(accepted, english):
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")

    response = book(english, accepted, venue=sidang.pk)

    assert response.status_code == 302
    stored = Visit.objects.get(pk=accepted.pk)
    assert (stored.status, stored.venue_id) == (VisitStatus.SCHEDULED, sidang.pk)


def test_free_slots_on_the_page_ignore_another_hosts_official_and_room(accepted, english, monkeypatch):
    # Another host's ids would let the page show when that host's people and rooms are busy.
    from tests.factories import OfficialFactory
    from visits import views

    asked = []
    monkeypatch.setattr(views, "free_slots", lambda **kwargs: asked.append(kwargs) or [])
    stranger, strange_room = OfficialFactory(), VenueFactory()
    own = accepted.host.officials.first()

    with time_machine.travel(NOW, tick=False):
        english.get(f"/visits/{accepted.pk}/book/", {"official": stranger.pk, "venue": strange_room.pk})
        english.get(f"/visits/{accepted.pk}/book/", {"official": own.pk})

    assert (asked[0]["official_ids"], asked[0]["venue_ids"]) == ([], None)
    assert asked[1]["official_ids"] == [own.pk]
