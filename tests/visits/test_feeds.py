"""Calendar feeds: secret URL, what each kind shows, cancelled visits, revocation."""

import datetime as dt

import icalendar
import pytest
import vobject

from tests.factories import OfficialFactory, VenueFactory, full_visit
from visits.enums import FeedKind, VisitStatus
from visits.models import CalendarFeed, Official, Venue, Visit
from visits.services import ServiceError, calendar_feed_create, calendar_feed_revoke


def fetch(client, token):
    return client.get(f"/feeds/{token}.ics")


def test_host_feed_serves_the_visit_to_anyone_with_the_url(visit, client):
    feed, token = calendar_feed_create(host=visit.host, kind=FeedKind.HOST, label="Semua kunjungan")

    response = fetch(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "Pemerintah Kota Malang: Semua kunjungan"
    (event,) = calendar.events
    assert (str(event["UID"]), str(event["STATUS"])) == (visit.uid, "CONFIRMED")
    assert "ATTENDEE" not in event
    assert vobject.readOne(response.content.decode("utf-8")).vevent.uid.value == visit.uid
    assert CalendarFeed.objects.get().token_hash != token


def test_cancelled_visit_stays_in_feed_as_cancelled(visit, client):
    _feed, token = calendar_feed_create(host=visit.host, kind=FeedKind.HOST)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED, sequence=1)

    event = icalendar.Calendar.from_ical(fetch(client, token).content).events[0]

    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CANCELLED", 1)


def test_official_feed_shows_only_that_officials_visits(visit, client):
    other = full_visit(host=visit.host)
    dewi = Official.objects.get(name="Dewi Contoh")
    _feed, token = calendar_feed_create(host=visit.host, kind=FeedKind.OFFICIAL, official=dewi)

    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(fetch(client, token).content).events]

    assert uids == [visit.uid]
    assert other.uid not in uids


def test_venue_feed_includes_visits_touring_the_site(visit, client):
    site = Venue.objects.get(name="Ngalam Command Center (NCC)")
    _feed, token = calendar_feed_create(host=visit.host, kind=FeedKind.VENUE, venue=site)

    events = icalendar.Calendar.from_ical(fetch(client, token).content).events

    assert [str(e["UID"]) for e in events] == [visit.uid]


def test_revoked_or_unknown_feed_is_not_found(visit, client):
    feed, token = calendar_feed_create(host=visit.host, kind=FeedKind.HOST)

    calendar_feed_revoke(feed=feed)

    assert fetch(client, token).status_code == 404
    assert fetch(client, "not-a-token").status_code == 404


@pytest.mark.parametrize("case", ["official-of-another-host", "venue-for-host-kind", "no-target"])
def test_feed_with_wrong_target_is_refused(visit, case):
    stranger = OfficialFactory()
    arguments = {
        "official-of-another-host": {"kind": FeedKind.OFFICIAL, "official": stranger},
        "venue-for-host-kind": {"kind": FeedKind.HOST, "venue": VenueFactory(institution=visit.host)},
        "no-target": {"kind": FeedKind.VENUE},
    }[case]

    with pytest.raises(ServiceError):
        calendar_feed_create(host=visit.host, **arguments)

    assert CalendarFeed.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 3])
def test_feed_query_count_constant(db, client, django_assert_num_queries, rows):
    visits = [full_visit() for _ in range(rows)]
    host = visits[0].host
    Visit.objects.filter(pk__in=[v.pk for v in visits]).update(host=host)
    _feed, token = calendar_feed_create(host=host, kind=FeedKind.HOST)

    with django_assert_num_queries(3):  # the feed, its visits, their agenda items
        response = fetch(client, token)

    assert len(icalendar.Calendar.from_ical(response.content).events) == rows


def test_feed_page_creates_shows_url_once_and_revokes(visit, staff_client):
    response = staff_client.post(
        "/feeds/", {"host": visit.host.pk, "kind": "host", "label": "Kalender Sekda"}
    )

    assert response.status_code == 200
    url = response.context["new_url"]
    assert url.startswith("http://testserver/feeds/")
    assert url.endswith(".ics")
    assert staff_client.get(url.removeprefix("http://testserver")).status_code == 200
    assert url not in staff_client.get("/feeds/").content.decode()
    feed = CalendarFeed.objects.get()
    staff_client.post(f"/feeds/{feed.pk}/revoke/")
    assert staff_client.get(url.removeprefix("http://testserver")).status_code == 404


def test_feed_page_needs_staff(client):
    assert client.get("/feeds/").status_code == 302


def test_feed_respects_event_times(visit, client):
    _feed, token = calendar_feed_create(
        host=visit.host, kind=FeedKind.DELEGATION, delegation=visit.delegation
    )

    event = icalendar.Calendar.from_ical(fetch(client, token).content).events[0]

    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 4, 25, 2, 0, tzinfo=dt.UTC)
