"""Every list endpoint of /api/v1/ reads a constant number of queries: the same literal count with 1 and
with 3 rows, for a protocol user of one host (so the host scoping is part of what is counted)."""

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from reports.models import Attendance, Document, FollowUp, Photo, Quote
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    InstitutionFactory,
    MemberFactory,
    OfficialFactory,
    RegionFactory,
    VenueFactory,
    VisitFactory,
    VisitOfficialFactory,
)
from visits.enums import FeedKind, MessageKind, VisitStatus
from visits.models import CalendarFeed, Disposition, HostMembership, Message, StatusChange
from visits.roles import PROTOCOL

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
_serial = itertools.count()


def _visit(host, **extra):
    return VisitFactory(host=host, **extra)


def visits(host, n):
    for _ in range(n):
        visit = _visit(host)
        VisitOfficialFactory(visit=visit)
        MemberFactory.create_batch(2, delegation=visit.delegation)
        AgendaItemFactory(visit=visit)
    return "/api/v1/visits/", {}


def history(host, n):
    visit = _visit(host)
    user = User.objects.create_user(username=f"u{next(_serial)}")
    for index in range(n):
        StatusChange.objects.create(
            visit=visit, from_status="", to_status=VisitStatus.SCHEDULED, by=user, note=f"{index}"
        )
    return f"/api/v1/visits/{visit.pk}/history/", {}


def regions(host, n):
    # The host's own region is one row already.
    RegionFactory.create_batch(n - 1)
    return "/api/v1/regions/", {}


def institutions(host, n):
    # The host itself, and the guest institution of each of its other visits.
    for _ in range(n - 1):
        _visit(host)
    return "/api/v1/institutions/", {}


def officials(host, n):
    OfficialFactory.create_batch(n, institution=host)
    return "/api/v1/officials/", {}


def venues(host, n):
    VenueFactory.create_batch(n, institution=host)
    return "/api/v1/venues/", {}


def agenda_items(host, n):
    visit = _visit(host)
    official = OfficialFactory(institution=host)
    for index in range(n):
        start = visit.start + dt.timedelta(minutes=30 * index)
        AgendaItemFactory(
            visit=visit,
            start=start,
            end=start + dt.timedelta(minutes=30),
            venue=VenueFactory(institution=host),
            official=official,
        )
    return "/api/v1/agenda-items/", {"visit": visit.pk}


def dispositions(host, n):
    visit = _visit(host)
    for _ in range(n):
        user = User.objects.create_user(username=f"u{next(_serial)}")
        Disposition.objects.create(visit=visit, decision="accept", decided_by=user)
    return "/api/v1/dispositions/", {}


def messages(host, n):
    visit = _visit(host)
    for index in range(n):
        Message.objects.create(
            visit=visit,
            kind=MessageKind.INVITE,
            sequence=0,
            recipient_name="Tamu",
            recipient_email=f"tamu{index}@example.org",
            recipient_timezone="Asia/Jakarta",
        )
    return "/api/v1/messages/", {}


def calendar_feeds(host, n):
    visit = _visit(host)
    targets = [
        {"kind": FeedKind.HOST},
        {"kind": FeedKind.VENUE, "venue": visit.venue},
        {"kind": FeedKind.DELEGATION, "delegation": visit.delegation},
    ]
    for target in targets[:n]:
        CalendarFeed.objects.create(host=host, token_hash=f"{next(_serial):064d}", **target)
    return "/api/v1/calendar-feeds/", {}


def delegations(host, n):
    for _ in range(n):
        visit = _visit(host, delegation=DelegationFactory())
        MemberFactory.create_batch(2, delegation=visit.delegation)
    return "/api/v1/delegations/", {}


def delegation_members(host, n):
    visit = _visit(host)
    MemberFactory.create_batch(n, delegation=visit.delegation)
    return f"/api/v1/delegations/{visit.delegation_id}/members/", {}


def attendance(host, n):
    visit = _visit(host, status=VisitStatus.COMPLETED)
    for index in range(n):
        Attendance.objects.create(visit=visit, kind="walk_in", name=f"Tamu {index}")
    return "/api/v1/attendance/", {"visit": visit.pk}


def quotes(host, n):
    visit = _visit(host, status=VisitStatus.COMPLETED)
    for index in range(n):
        Quote.objects.create(visit=visit, speaker_name="Sekda", words=f"Kata {index}", order=index)
    return "/api/v1/quotes/", {"visit": visit.pk}


def follow_ups(host, n):
    visit = _visit(host, status=VisitStatus.COMPLETED)
    for index in range(n):
        FollowUp.objects.create(visit=visit, position=index, text=f"Tindak lanjut {index}")
    return "/api/v1/follow-ups/", {"visit": visit.pk}


def photos(host, n):
    visit = _visit(host, status=VisitStatus.COMPLETED)
    for index in range(n):
        Photo.objects.create(
            visit=visit,
            image=f"photos/p{index}.jpg",
            thumbnail=f"photos/thumbs/p{index}.jpg",
            order=index,
            width=640,
            height=480,
            size_bytes=1000,
        )
    return "/api/v1/photos/", {"visit": visit.pk}


def documents(host, n):
    visit = _visit(host, status=VisitStatus.COMPLETED)
    for index in range(n):
        Document.objects.create(
            visit=visit,
            file=f"documents/d{index}.pdf",
            title=f"Paparan {index}",
            content_type="application/pdf",
            size_bytes=1000,
        )
    return "/api/v1/documents/", {"visit": visit.pk}


# Endpoint: (rows builder, queries). A host's user costs two queries (role groups for the permission, the
# hosts they work for for the scoping); a paginated list then counts its rows and reads its page.
LISTS = {
    # user 2, count, page with host, delegation institution and region, venue joined
    "visits": (visits, 4),
    # user 2, the visit (get_object through visit_detail: 1 + 5 prefetches), its changes with users joined
    "history": (history, 9),
    # role groups only (regions are not scoped), count, page
    "regions": (regions, 3),
    "institutions": (institutions, 4),
    "officials": (officials, 4),
    "venues": (venues, 4),
    # visit, venue and official joined into the page
    "agenda-items": (agenda_items, 4),
    "dispositions": (dispositions, 4),
    "messages": (messages, 4),
    "calendar-feeds": (calendar_feeds, 4),
    # + the members, prefetched in one query
    "delegations": (delegations, 5),
    # user 2, the delegation (get_object) and its prefetched members, count, page
    "delegation-members": (delegation_members, 6),
    "attendance": (attendance, 4),
    "quotes": (quotes, 4),
    "follow-ups": (follow_ups, 4),
    "photos": (photos, 4),
    "documents": (documents, 4),
}


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("endpoint", list(LISTS))
def test_list_query_count_constant(db, django_assert_num_queries, endpoint, rows):
    build, queries = LISTS[endpoint]
    host = InstitutionFactory()
    url, params = build(host, rows)
    user = User.objects.create_user(username=f"protokol{next(_serial)}")
    user.groups.add(Group.objects.get_or_create(name=PROTOCOL)[0])
    HostMembership.objects.create(user=user, host=host)
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_num_queries(queries):
        response = client.get(url, params)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"] if isinstance(body, dict) else len(body)) == rows
