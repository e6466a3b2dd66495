"""Query counts of the lists that had none elsewhere: each is run with 1 and with 3 rows and must do the
same, literal number of queries (the other lists are counted beside their own tests: the visit list in
test_pages and test_api, the calendar in test_calendar_and_booking_pages, the public feed in test_feeds,
the outcome page and lists in tests/reports)."""

import datetime as dt

import pytest
import time_machine

from delegations.services import delegation_page_token
from tests.factories import AgendaItemFactory, MemberFactory, VenueFactory
from visits.enums import VisitStatus
from visits.models import StatusChange
from visits.services import calendar_feed_create

DURING = dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("rows", [1, 3])
def test_feeds_page_query_count_constant(visit, staff_client, django_assert_num_queries, rows):
    official = visit.host.officials.first()
    for index in range(rows):
        calendar_feed_create(host=visit.host, kind="official", official=official, label=f"Feed {index}")

    # session, user, role groups, the user's hosts, feeds (with host, official, venue, delegation), hosts,
    # officials, venues, delegations
    with django_assert_num_queries(9):
        response = staff_client.get("/feeds/")

    assert response.status_code == 200
    assert len(response.context["feeds"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_api_visit_history_query_count_constant(visit, api_client, django_assert_num_queries, rows):
    StatusChange.objects.filter(visit=visit).delete()
    for index in range(rows):
        StatusChange.objects.create(
            visit=visit, from_status=VisitStatus.ACCEPTED, to_status=VisitStatus.SCHEDULED, note=f"{index}"
        )

    # role groups, the user's hosts, the visit (with its prefetches: agenda, officials, members, key points,
    # follow-ups), the status changes with who made them
    with django_assert_num_queries(9):
        response = api_client.get(f"/api/v1/visits/{visit.pk}/history/")

    assert [row["note"] for row in response.json()] == [str(i) for i in range(rows)]


@pytest.mark.parametrize("rows", [1, 3])
def test_delegation_page_query_count_constant(visit, client, django_assert_num_queries, rows):
    visit.delegation.members.all().delete()
    MemberFactory.create_batch(rows, delegation=visit.delegation)
    token = delegation_page_token(delegation=visit.delegation)

    # the delegation, its last visit's end, its visits (with agenda, officials, members, key points and
    # follow-ups prefetched), its members
    with time_machine.travel(DURING, tick=False), django_assert_num_queries(9):
        response = client.get(f"/d/{token}/")

    assert response.status_code == 200
    assert len([m for m in response.context["member_rows"] if m is not None]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_visit_page_query_count_constant_in_agenda_rows(visit, staff_client, django_assert_num_queries, rows):
    visit.agenda_items.all().delete()
    for index in range(rows):
        AgendaItemFactory(
            visit=visit,
            start=visit.start + dt.timedelta(minutes=30 * index),
            end=visit.start + dt.timedelta(minutes=30 * index + 20),
        )

    # session, user, the user's hosts, the visit with its joins, five prefetches (agenda, officials,
    # members, key points, follow-ups), the outbox, the history, the dispositions, the reply letters, the
    # user's groups
    with django_assert_num_queries(14):
        response = staff_client.get(f"/visits/{visit.pk}/")

    assert response.status_code == 200
    assert len(response.context["visit"].agenda_items.all()) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_api_free_slots_query_count_constant(host, api_client, django_assert_num_queries, rows):
    for index in range(rows):
        VenueFactory(institution=host, name=f"Ruang {index}")

    # role groups, the user's hosts, the host, its officials named (none), the rooms, the bookings in range
    with time_machine.travel(DURING, tick=False), django_assert_num_queries(5):
        response = api_client.get(
            "/api/v1/free-slots/",
            {
                "host": host.pk,
                "first_day": "2025-05-05",
                "last_day": "2025-05-05",
                "duration": 60,
                "limit": 100,
            },
        )

    assert response.status_code == 200
    assert len({slot["venue"] for slot in response.json()}) == rows
