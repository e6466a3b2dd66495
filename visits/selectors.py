"""Reads shared by pages, the API, tasks and report builders."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from .enums import HOLDS_ROOMS, FeedKind, MessageKind, OfficialRole, VisitStatus
from .models import AgendaItem, Visit, VisitOfficial


def visit_list() -> QuerySet[Visit]:
    """Visits with what a list row shows (host, delegation institution and region, main venue) in one query."""
    return Visit.objects.select_related("host__region", "delegation__institution__region", "venue").order_by(
        "-start", "pk"
    )


def visit_detail() -> QuerySet[Visit]:
    """Visits with everything a visit page, an invitation or a report shows, prefetched."""
    return (
        visit_list()
        .select_related("outcome")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("venue", "official")),
            Prefetch("visit_officials", queryset=VisitOfficial.objects.select_related("official")),
            "delegation__members",
            "key_points",
            "follow_ups",
        )
    )


def visit_for_message(kind: str) -> QuerySet[Visit]:
    """Visits with what one outbox message of ``kind`` (a ``MessageKind``) shows, and nothing more.

    Every message shows the agenda, the venue, the delegation and the host's contact; invitations, updates
    and cancellations also list every ATTENDEE (host officials and the delegation's members). A reminder is
    plain text, so it skips the attendees: loading a 100-member delegation for each of its 100 reminders was
    most of the sending time (bench/reminders.py).
    """
    queryset = visit_list().prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("venue", "official"))
    )
    if kind == MessageKind.REMINDER:
        return queryset
    return queryset.prefetch_related(
        Prefetch("visit_officials", queryset=VisitOfficial.objects.select_related("official")),
        "delegation__members",
    )


@dataclass(frozen=True)
class Recipient:
    """One person an invitation goes to, with the zone their times are shown in."""

    name: str
    email: str
    timezone: str
    language: str
    role: str  # iCalendar ROLE (RFC 5545 §3.2.16): CHAIR, REQ-PARTICIPANT or OPT-PARTICIPANT
    side: str  # "host" or "guest"
    position: str = ""


def invitation_recipients(*, visit: Visit) -> list[Recipient]:
    """Everyone invited to ``visit`` who has an e-mail address, host officials first by precedence.

    The receiving official is the CHAIR; other officials, the delegation's leader, contact person and
    members are REQ-PARTICIPANTs. The same address is listed once (a contact person who is also a member
    gets one invitation). Host officials read the host's zone, the delegation its own region's zone.
    """
    recipients: list[Recipient] = []
    seen: set[str] = set()

    def add(name, email, zone, language, role, side, position=""):
        key = (email or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            recipients.append(Recipient(name, email.strip(), zone, language, role, side, position))

    for part in visit.visit_officials.all():
        role = "CHAIR" if part.role == OfficialRole.RECEIVING_OFFICIAL else "REQ-PARTICIPANT"
        add(
            part.official.name,
            part.official.email,
            visit.timezone,
            "id",
            role,
            "host",
            part.official.position,
        )
    delegation = visit.delegation
    guest_zone = delegation.institution.region.timezone
    add(
        delegation.leader_name,
        delegation.leader_email,
        guest_zone,
        delegation.language,
        "REQ-PARTICIPANT",
        "guest",
        delegation.leader_position,
    )
    add(
        delegation.contact_name,
        delegation.contact_email,
        guest_zone,
        delegation.language,
        "REQ-PARTICIPANT",
        "guest",
        delegation.contact_position,
    )
    for member in delegation.members.all():
        add(
            member.name,
            member.email,
            guest_zone,
            delegation.language,
            "REQ-PARTICIPANT",
            "guest",
            member.position,
        )
    return recipients


def feed_visits(*, feed) -> QuerySet[Visit]:
    """The visits a calendar feed shows: its host's booked visits (scheduled, completed, cancelled; not
    mere requests), for one official (on the visit or in its agenda), venue (main or in its agenda) or
    delegation when the feed is for one. Only what an event shows is fetched: three queries in all."""
    visits = Visit.objects.filter(
        host_id=feed.host_id,
        status__in=[*HOLDS_ROOMS, VisitStatus.CANCELLED],
    )
    if feed.kind == FeedKind.OFFICIAL:
        visits = visits.filter(
            Q(pk__in=VisitOfficial.objects.filter(official=feed.official_id).values("visit"))
            | Q(pk__in=AgendaItem.objects.filter(official=feed.official_id).values("visit"))
        )
    elif feed.kind == FeedKind.VENUE:
        visits = visits.filter(
            Q(venue=feed.venue_id) | Q(pk__in=AgendaItem.objects.filter(venue=feed.venue_id).values("visit"))
        )
    elif feed.kind == FeedKind.DELEGATION:
        visits = visits.filter(delegation=feed.delegation_id)
    agenda = AgendaItem.objects.select_related("venue", "official").only(
        "visit_id", "start", "end", "title", "guest_speaker", "venue__name", "official__name"
    )
    return (
        visits.select_related("host", "venue", "delegation__institution")
        .only(
            *("uid", "sequence", "title", "topics", "start", "end", "timezone", "status", "all_day"),
            *("host__name", "host__organizer_name", "host__organizer_email"),
            *("venue__name", "venue__address"),
            *("delegation__leader_name", "delegation__leader_position", "delegation__size"),
            "delegation__institution__name",
        )
        .prefetch_related(Prefetch("agenda_items", queryset=agenda))
        .order_by("start", "pk")
    )
