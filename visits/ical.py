"""Building the iCalendar invitation of a visit (RFC 5545, iTIP RFC 5546) with the icalendar library.

One VEVENT per visit, whose UID never changes and whose SEQUENCE grows with each change the organizer
sends; times carry the host's IANA TZID, declared by a VTIMEZONE placed before the event.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from .enums import VisitStatus
from .models import Visit
from .selectors import Recipient, invitation_recipients
from .zones import zone_label

PRODID = "-//Sambang//Sambang visit scheduler//ID"


def venue_location(visit: Visit) -> str:
    """The LOCATION text: the main venue's name and address, or an empty string when there is none."""
    if visit.venue is None:
        return ""
    return ", ".join(part for part in (visit.venue.name, visit.venue.address) if part)


def agenda_lines(visit: Visit, zone: str | None = None) -> list[str]:
    """One line per agenda item, times in ``zone`` (default: the visit's): "09:00–09:15 Title · Place · Person"."""
    tz = zoneinfo.ZoneInfo(zone or visit.timezone)
    lines = []
    for item in visit.agenda_items.all():
        # The main venue goes without saying; another room or a site is named.
        room = item.venue.name if item.venue_id and item.venue_id != visit.venue_id else ""
        details = [part for part in (room, item.speaker_name) if part]
        suffix = "".join(f" · {part}" for part in details)
        start, end = item.start.astimezone(tz), item.end.astimezone(tz)
        day = (
            f"{start:%d/%m} " if visit.start.astimezone(tz).date() != visit.end.astimezone(tz).date() else ""
        )
        lines.append(f"{day}{start:%H:%M}–{end:%H:%M} {item.title}{suffix}")
    return lines


def invitation_description(visit: Visit, language: str | None = "id") -> str:
    """The DESCRIPTION: the topics and the agenda in the host's zone, written in ``language`` (None: the
    language already active, which spares a caller writing many events one switch per event)."""
    if language is not None:
        with translation.override(language):
            return invitation_description(visit, None)
    parts = [visit.title]
    if visit.topics:
        parts.append(_("Topics:") + "\n" + "\n".join(f"- {topic}" for topic in visit.topics))
    lines = agenda_lines(visit)
    if lines:
        label = zone_label(visit.timezone, visit.start)
        parts.append(_("Agenda (%(zone)s):") % {"zone": label} + "\n" + "\n".join(lines))
    delegation = visit.delegation
    parts.append(
        _("Delegation: %(institution)s, led by %(leader)s (%(position)s), %(size)s people.")
        % {
            "institution": delegation.institution.name,
            "leader": delegation.leader_name,
            "position": delegation.leader_position,
            "size": delegation.size,
        }
    )
    return "\n\n".join(parts)


def _new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _finish(calendar: Calendar, zones: set[str] | None = None) -> Calendar:
    """Add a VTIMEZONE, before the events, for every TZID they use (RFC 5545 §3.6.5). ``zones``, when
    the caller knows them, spares icalendar a walk through every property of every event."""
    if zones is None:
        calendar.add_missing_timezones()
    else:
        for index, zone in enumerate(sorted(zones)):
            calendar.subcomponents.insert(index, Timezone.from_tzid(zone))
    for zone in calendar.timezones:
        # icalendar notes in English that the rules cover 1970–2038; calendar clients show no use for it.
        zone.pop("COMMENT", None)
    return calendar


def visit_event(
    *,
    visit: Visit,
    stamp: dt.datetime,
    language: str | None = "id",
    cancelled: bool = False,
    attendees: list[Recipient] | None = None,
) -> Event:
    """The VEVENT of ``visit``: UID, SEQUENCE, DTSTAMP ``stamp`` (UTC), times with the host's TZID (or
    DATE values for an all-day visit), SUMMARY, LOCATION, DESCRIPTION, STATUS, ORGANIZER, an ATTENDEE
    for each of ``attendees`` (none when None), and a DISPLAY VALARM unless ``cancelled``."""
    tz = zoneinfo.ZoneInfo(visit.timezone)
    host = visit.host
    event = Event()
    event.add("uid", visit.uid)
    event.add("sequence", visit.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    if visit.all_day:
        # DATE values; DTEND is the day after the last day (exclusive, RFC 5545 §3.6.1).
        event.add("dtstart", visit.start.astimezone(tz).date())
        event.add("dtend", visit.end.astimezone(tz).date() + dt.timedelta(days=1))
    else:
        event.add("dtstart", visit.start.astimezone(tz))
        event.add("dtend", visit.end.astimezone(tz))
    event.add("summary", visit.title)
    location = venue_location(visit)
    if location:
        event.add("location", location)
    event.add("description", invitation_description(visit, language))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("class", "PUBLIC")

    organizer = vCalAddress(f"mailto:{host.organizer_email}")
    organizer.params["cn"] = vText(host.organizer_name or host.name)
    event.add("organizer", organizer)
    for person in attendees or []:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["cutype"] = vText("INDIVIDUAL")
        attendee.params["role"] = vText(person.role)
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)

    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -dt.timedelta(minutes=settings.SAMBANG_ALARM_MINUTES))
        alarm.add("description", visit.title)
        event.add_component(alarm)
    return event


def invitation_calendar(
    *,
    visit: Visit,
    method: str = "REQUEST",
    language: str = "id",
    now: dt.datetime | None = None,
    attendees: list[Recipient] | None = None,
) -> Calendar:
    """The visit's calendar object for an iTIP ``method``: REQUEST (default), CANCEL or PUBLISH.

    ``visit`` should come from ``selectors.visit_detail()`` (agenda, officials and members prefetched).
    DTSTAMP is ``now`` (default: the current time) in UTC; DTSTART/DTEND carry the host's TZID; each of
    ``attendees`` (default: everyone invited) is an ATTENDEE with CN, ROLE, PARTSTAT=NEEDS-ACTION and
    RSVP=TRUE (RFC 5546 §3.2.2); the ORGANIZER is the host's protocol office; a DISPLAY VALARM fires
    ``SAMBANG_ALARM_MINUTES`` before. A CANCEL has STATUS:CANCELLED and no alarm (RFC 5546 §3.2.5);
    PUBLISH (a download to import) has no ATTENDEE and no RSVP (§3.2.1).
    """
    if method == "PUBLISH":
        people: list[Recipient] = []
    else:
        people = attendees if attendees is not None else invitation_recipients(visit=visit)
    calendar = _new_calendar(method)
    calendar.add_component(
        visit_event(
            visit=visit,
            stamp=now or timezone.now(),
            language=language,
            cancelled=method == "CANCEL" or visit.status == VisitStatus.CANCELLED,
            attendees=people,
        )
    )
    return _finish(calendar)


def feed_calendar(*, visits, name: str, language: str = "id", now: dt.datetime | None = None) -> Calendar:
    """A subscription calendar (no METHOD, as CalDAV and webcal feeds are) of ``visits``, named ``name``.

    ``visits`` should be ``selectors.feed_visits(...)`` (prefetched). Cancelled visits stay in the feed
    with STATUS:CANCELLED, so subscribed calendars drop them instead of keeping a stale copy. No
    ATTENDEE is listed: a feed is read by people who subscribed, not addressed to invitees.
    """
    stamp = now or timezone.now()
    calendar = _new_calendar(None)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    zones = set()
    with translation.override(language):
        for visit in visits:
            calendar.add_component(
                visit_event(
                    visit=visit, stamp=stamp, language=None, cancelled=visit.status == VisitStatus.CANCELLED
                )
            )
            if not visit.all_day:
                zones.add(visit.timezone)
    return _finish(calendar, zones)


def calendar_bytes(calendar: Calendar) -> bytes:
    """The calendar as RFC 5545 text: UTF-8, CRLF line ends, lines folded at 75 octets."""
    return calendar.to_ical()
