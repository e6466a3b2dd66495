"""The scheduling rules: what makes a booking impossible (errors) and what staff should know (warnings).

A booking is a visit's window and its agenda items (each with a room or site and a host official). The
rooms, officials, their clashes and the rooms' capacities are read in one query, through the indexes on
(venue, start, end) and (official, start, end), so checking one item against 100,000 booked ones takes
about a millisecond (bench/conflicts.py).

Errors (a booking with any is refused):
- ``room_double_booked``: a room or site already holds a live item overlapping this one, the host's
  buffer (``Institution.venue_buffer_minutes``) included;
- ``official_double_booked``: a host official is already in an overlapping item;
- ``agenda_overlap``: two items of the same booking overlap;
- ``outside_visit``: an item lies outside the visit's window (an arrival may begin up to two hours
  before the opening, as in the visit file format);
- ``end_before_start``, ``in_the_past``, ``foreign_room``, ``foreign_official``: bad input.

Warnings (staff may go ahead, giving a reason that is recorded):
- ``holiday``: a national holiday or *cuti bersama* (the ``holidays`` package, categories public and
  government, per SKB 3 Menteri);
- ``weekend``, ``not_reception_day``, ``outside_office_hours``, ``short_notice`` (fewer working days than
  the host's lead time), ``friday_prayer`` (an item runs into the Friday-prayer window, in the host's
  zone), ``over_capacity`` (the delegation is larger than a room or site), ``delegation_elsewhere`` (the
  guest institution, ``Delegation.institution``, has another booked visit at that time, at this host or
  another, whatever its letter).

Every time in a message is written in the host's zone with its label ("25/04/2025 10:00–12:00 WITA"),
whatever offset the caller sent.
"""

import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import holidays
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from delegations.models import Delegation

from .enums import HOLDS_ROOMS
from .models import AgendaItem, Institution, Official, Venue, Visit
from .zones import long_date, zone_label

ARRIVAL_LEAD = dt.timedelta(hours=2)
# Rooms and officials read per query by ``_read_resources`` (two per agenda item; the API takes 100 items).
ROWS_PER_QUERY = 200


@dataclass(frozen=True)
class ProposedItem:
    """One agenda item of a booking: aware start and end, room or site, host official (ids or None), and
    the speaker from outside the host's officials (the guest's leader giving remarks, say), kept only
    when no official is named; conflicts are checked for officials, not guest speakers."""

    start: dt.datetime
    end: dt.datetime
    venue_id: int | None = None
    official_id: int | None = None
    title: str = ""
    kind: str = ""
    guest_speaker: str = ""


@dataclass
class Finding:
    """One clash: a stable ``code``, a message in the active language, and what it is about."""

    code: str
    message: str
    item: int | None = None  # index of the proposed item, when it concerns one
    other_visit: int | None = None  # the visit it clashes with, when there is one
    day: str | None = None  # the date, for day rules (holiday, weekend …)

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass
class ConflictReport:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def distinct_errors(self) -> list[Finding]:
        """The errors without repeated sentences, in order: two items clashing with the same booking give
        the same message, which a reader needs once (``errors`` keeps each finding)."""
        distinct, seen = [], set()
        for finding in self.errors:
            if finding.message not in seen:
                seen.add(finding.message)
                distinct.append(finding)
        return distinct

    def error_text(self) -> str:
        """Every error's message once, in order, as one paragraph (``distinct_errors``)."""
        return " ".join(finding.message for finding in self.distinct_errors())

    def warnings_by_code(self) -> list[tuple[str, list[Finding]]]:
        """The warnings grouped by ``code`` in order of first appearance: staff give one reason per code
        (``overrides``), so a form asks once per code and lists the findings under it."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.warnings:
            groups.setdefault(finding.code, []).append(finding)
        return list(groups.items())

    def as_dict(self) -> dict:
        return {
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
        }


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id" if language == "id" else "en_US"
    )


def holiday_name(day: dt.date) -> str | None:
    """The national holiday or *cuti bersama* on ``day`` (Indonesia), named in the active language."""
    return _holidays(day.year, (get_language() or "id")[:2]).get(day)


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``: Monday–Friday, holidays and cuti bersama excluded."""
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and holiday_name(day) is None:
            count += 1
    return count


def lead_time_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The first date that is at least ``working_days`` working days after ``today`` (holidays and cuti
    bersama do not count): a visit on an earlier date comes at short notice."""
    day, counted = today, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and holiday_name(day) is None:
            counted += 1
    return day


def _fmt(moment: dt.datetime, tz) -> str:
    """The date and time of a range's start in ``tz``: "25/04/2025 10:00" (the label follows its end)."""
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _until(moment: dt.datetime, tz) -> str:
    """The time a range ends in ``tz`` with the zone's label: "12:00 WITA" (``zones.zone_label``)."""
    return f"{moment.astimezone(tz):%H:%M} {zone_label(tz.key, moment)}"


def check_booking(
    *,
    host: Institution,
    start: dt.datetime,
    end: dt.datetime,
    items: list[ProposedItem],
    zone: str,
    delegation_id: int | None = None,
    delegation_size: int = 0,
    exclude_visit_id: int | None = None,
    now: dt.datetime | None = None,
    allow_past: bool = False,
) -> ConflictReport:
    """Check a proposed booking of ``host`` from ``start`` to ``end`` (aware) with ``items``.

    ``zone`` is the IANA zone the host's rules are read in. ``exclude_visit_id`` leaves out the visit being
    rescheduled. ``allow_past`` lets a record of a past visit be checked (imports). Reads the database;
    writes nothing. Returns a ``ConflictReport``; never raises for a clash.
    """
    report = ConflictReport()
    tz = zoneinfo.ZoneInfo(zone)
    now = now or timezone.now()
    if (
        timezone.is_naive(start)
        or timezone.is_naive(end)
        or any(timezone.is_naive(i.start) or timezone.is_naive(i.end) for i in items)
    ):
        report.errors.append(Finding("naive_datetime", _("Every time must carry its time zone.")))
        return report
    if end <= start:
        report.errors.append(Finding("end_before_start", _("The visit must end after it starts.")))
        return report
    if start < now and not allow_past:
        report.errors.append(Finding("in_the_past", _("A new booking cannot start in the past.")))

    _check_items_themselves(report, items, start, end, tz)
    # Clashes with other bookings are looked for only when the items themselves are sound.
    resources = _check_resources(report, host, items, exclude_visit_id, tz, clashes=not report.errors)
    if report.errors and not any(f.code.endswith("double_booked") for f in report.errors):
        return report
    _check_days_and_hours(report, host, start, end, items, tz, now)
    _check_capacity(report, items, delegation_size, resources)
    if delegation_id is not None:
        _check_guest_elsewhere(report, host, delegation_id, start, end, exclude_visit_id, tz)
    return report


def _check_guest_elsewhere(report, host, delegation_id, start, end, exclude_visit_id, tz) -> None:
    """Warn when the delegation's institution has another booked visit overlapping ``start``–``end``, under
    any letter and at any host. Only booked visits count (``HOLDS_ROOMS``): a request not yet booked holds
    no time. The delegation's own visit at this host is the one being booked and never clashes with
    itself, even when the caller gives no ``exclude_visit_id``. Another host's visit is told by its time
    only: its title and id are that host's business."""
    institution = Delegation.objects.filter(pk=delegation_id).values("institution_id")
    clash = (
        Visit.objects.filter(
            delegation__institution_id=Subquery(institution),
            status__in=HOLDS_ROOMS,
            start__lt=end,
            end__gt=start,
        )
        .exclude(pk=exclude_visit_id)
        .exclude(delegation_id=delegation_id, host=host)
        .select_related("delegation__institution")
        .only("start", "end", "title", "host_id", "delegation__institution__name")
        .order_by("start", "pk")
        .first()
    )
    if clash is None:
        return
    times = {
        "institution": clash.delegation.institution.name,
        "start": _fmt(clash.start, tz),
        "end": _until(clash.end, tz),
    }
    if clash.host_id == host.pk:
        message = _("%(institution)s has another visit at that time: “%(title)s”, %(start)s–%(end)s.")
        report.warnings.append(
            Finding("delegation_elsewhere", message % {**times, "title": clash.title}, other_visit=clash.pk)
        )
    else:
        message = _("%(institution)s has another visit at that time, at another host: %(start)s–%(end)s.")
        report.warnings.append(Finding("delegation_elsewhere", message % times))


def _check_items_themselves(report, items, start, end, tz) -> None:
    for index, item in enumerate(items):
        if item.end <= item.start:
            report.errors.append(
                Finding("end_before_start", _("This item must end after it starts."), item=index)
            )
            continue
        earliest = start - ARRIVAL_LEAD if item.kind == "arrival" else start
        if item.start < earliest or item.end > end:
            report.errors.append(
                Finding(
                    "outside_visit",
                    _("%(start)s–%(end)s is outside the visit.")
                    % {"start": _fmt(item.start, tz), "end": _until(item.end, tz)},
                    item=index,
                )
            )
    for i, first in enumerate(items):
        for j in range(i + 1, len(items)):
            second = items[j]
            if first.start < second.end and second.start < first.end:
                report.errors.append(
                    Finding(
                        "agenda_overlap",
                        _("Items %(first)s and %(second)s of the agenda overlap.")
                        % {"first": i + 1, "second": j + 1},
                        item=j,
                    )
                )


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """The quoted table and column names the resources query uses, from the models' metadata."""
    q = connection.ops.quote_name
    item = AgendaItem._meta
    names = {
        "item": q(item.db_table),
        "item_pk": q(item.pk.column),
        "item_start": q(item.get_field("start").column),
        "item_end": q(item.get_field("end").column),
        "item_visit": q(item.get_field("visit").column),
        "item_holds": q(item.get_field("holds_room").column),
        "visit": q(Visit._meta.db_table),
        "visit_pk": q(Visit._meta.pk.column),
        "visit_title": q(Visit._meta.get_field("title").column),
    }
    for kind, model in (("venue", Venue), ("official", Official)):
        names[kind] = q(model._meta.db_table)
        names[f"{kind}_pk"] = q(model._meta.pk.column)
        names[f"{kind}_owner"] = q(model._meta.get_field("institution").column)
        names[f"{kind}_name"] = q(model._meta.get_field("name").column)
        names[f"item_{kind}"] = q(item.get_field(kind).column)
    names["venue_capacity"] = "r." + q(Venue._meta.get_field("capacity").column)
    names["official_capacity"] = "NULL"
    return names


_CLASH_SQL = (
    "(SELECT a.{item_pk} FROM {item} a WHERE a.{item_resource} = r.{pk} AND a.{item_holds} "
    "AND a.{item_start} < %s AND a.{item_end} > %s{exclude} ORDER BY a.{item_start} DESC, a.{item_pk} DESC LIMIT 1)"
)
_RESOURCE_SQL = (
    "SELECT %s AS item, '{kind}' AS kind, r.{owner} AS institution_id, r.{name} AS name, "
    "{capacity} AS capacity, {clash} AS clash FROM {table} r WHERE r.{pk} = %s"
)
_RESOURCES_SQL = (
    "SELECT x.item, x.kind, x.institution_id, x.name, x.capacity, x.clash, "
    "c.{item_start}, c.{item_end}, c.{item_visit}, v.{visit_title} FROM ({rows}) x "
    "LEFT JOIN {item} c ON c.{item_pk} = x.clash LEFT JOIN {visit} v ON v.{visit_pk} = c.{item_visit}"
)


def _resource_sql(kind: str, *, clashes: bool, exclude_visit: bool) -> str:
    """One row of the resources query, for a room (``kind`` "venue") or a host official ("official"):
    the resource's owner, name and capacity (NULL for an official) and the id of the live item holding it
    at an overlapping time, the one starting last (NULL without ``clashes``). That order reads the
    (resource, start, end) index backwards from the booking's end and meets an overlapping row at once;
    in start order the database walked through every earlier booking of the resource.

    Parameters, in order: the item's index, then with ``clashes`` the range's end and start (and the visit
    left out, with ``exclude_visit``), then the resource's id."""
    names = _names()
    clash = "CAST(NULL AS INTEGER)"  # typed: PostgreSQL compares it with an id; a bare NULL is text
    if clashes:
        exclude = " AND a.{item_visit} <> %s".format(**names) if exclude_visit else ""
        clash = _CLASH_SQL.format(
            **names, item_resource=names[f"item_{kind}"], pk=names[f"{kind}_pk"], exclude=exclude
        )
    return _RESOURCE_SQL.format(
        kind=kind,
        owner=names[f"{kind}_owner"],
        name=names[f"{kind}_name"],
        capacity=names[f"{kind}_capacity"],
        clash=clash,
        table=names[kind],
        pk=names[f"{kind}_pk"],
    )


def _read_resources(host, items, exclude_visit_id, *, clashes: bool) -> dict[tuple[int, str], dict | None]:
    """Every room and host official of the booking in one query (a UNION ALL of one row each, joined to
    the clashing item and its visit; one query per ``ROWS_PER_QUERY`` of them): ``{(item index, "venue" | "official"): row or None}``, None when no
    such resource exists. A row holds ``institution_id``, ``name``, ``capacity`` and ``clash``: None, or
    the clashing item's ``start``, ``end`` (aware), ``visit_id`` and ``title`` (its visit's).

    Raw SQL built from the models' metadata: bench/conflicts.py measured the ORM's building of this query
    at most of the check's time on PostgreSQL (the database answers in a fraction of a millisecond)."""
    buffer = dt.timedelta(minutes=host.venue_buffer_minutes)
    adapt = connection.ops.adapt_datetimefield_value
    parts, wanted = [], []
    for index, item in enumerate(items):
        for kind, pk, pad in (
            ("venue", item.venue_id, buffer),
            ("official", item.official_id, dt.timedelta()),
        ):
            if pk is None:
                continue
            wanted.append((index, kind))
            if not 0 < int(pk) < 2**63:
                continue  # no such row (SQLite cannot even take the number); read as not the host's
            row_params = [index]
            if clashes:
                row_params += [adapt(item.end + pad), adapt(item.start - pad)]
                row_params += [int(exclude_visit_id)] if exclude_visit_id else []
            parts.append(
                (
                    _resource_sql(kind, clashes=clashes, exclude_visit=bool(exclude_visit_id)),
                    row_params + [int(pk)],
                )
            )
    found = {}
    # One query for a booking of up to ROWS_PER_QUERY rooms and officials (every agenda the API and the pages
    # take); a longer one, from a visit file, in several: SQLite allows 500 terms in a compound SELECT.
    for first in range(0, len(parts), ROWS_PER_QUERY):
        chunk = parts[first : first + ROWS_PER_QUERY]
        sql = _RESOURCES_SQL.format(**_names(), rows=" UNION ALL ".join(part for part, _params in chunk))
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for _part, params in chunk for value in params])
            for index, kind, owner, name, capacity, clash, start, end, visit_id, title in cursor.fetchall():
                found[index, kind] = {
                    "institution_id": owner,
                    "name": name,
                    "capacity": capacity,
                    "clash": None
                    if clash is None
                    else {"start": _aware(start), "end": _aware(end), "visit_id": visit_id, "title": title},
                }
    return {key: found.get(key) for key in wanted}


def _aware(value) -> dt.datetime:
    """A datetime read by raw SQL, aware: PostgreSQL gives it so; SQLite gives Django's UTC text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _check_resources(report, host, items, exclude_visit_id, tz, *, clashes: bool = True) -> dict:
    """Each item's room or site and host official: refused when not the host's (``foreign_room``,
    ``foreign_official``; then nothing else is checked), else when already held at an overlapping time by
    another live booking (``room_double_booked``, with the host's buffer between bookings;
    ``official_double_booked``; only with ``clashes``). One query for all of it (``_read_resources``). An id
    that no row has (0, say) is not the host's.
    Returns what was read, for the capacity check."""
    found = _read_resources(host, items, exclude_visit_id, clashes=clashes)
    for index, kind in sorted(found, key=lambda key: (key[0], key[1] != "venue")):
        if (found[index, kind] or {}).get("institution_id") != host.pk:
            if kind == "venue":
                message = Finding(
                    "foreign_room", _("That room or site is not one of the host's."), item=index
                )
            else:
                message = Finding(
                    "foreign_official", _("That official is not one of the host's."), item=index
                )
            report.errors.append(message)
    if report.errors:
        return found
    for (index, kind), row in sorted(found.items(), key=lambda entry: (entry[0][1] != "venue", entry[0][0])):
        clash = row["clash"]
        if clash is None:
            continue
        times = {"start": _fmt(clash["start"], tz), "end": _until(clash["end"], tz), "visit": clash["title"]}
        if kind == "venue":
            code = "room_double_booked"
            message = _(
                "%(room)s is booked %(start)s–%(end)s for “%(visit)s” (with %(buffer)s minutes between bookings)."
            ) % {**times, "room": row["name"], "buffer": host.venue_buffer_minutes}
        else:
            code = "official_double_booked"
            message = _("%(official)s is already in “%(visit)s” %(start)s–%(end)s.") % {
                **times,
                "official": row["name"],
            }
        report.errors.append(Finding(code, message, item=index, other_visit=clash["visit_id"]))
    return found


def _check_days_and_hours(report, host, start, end, items, tz, now) -> None:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    seen_days = set()
    while day <= local_end.date():
        seen_days.add(day)
        name = holiday_name(day)
        if name:
            report.warnings.append(
                Finding(
                    "holiday",
                    _("%(day)s is a holiday: %(name)s.")
                    % {"day": long_date(day, get_language() or "id"), "name": name},
                    day=day.isoformat(),
                )
            )
        if day.weekday() >= 5:
            report.warnings.append(
                Finding(
                    "weekend",
                    _("%(day)s falls on a weekend.") % {"day": long_date(day, get_language() or "id")},
                    day=day.isoformat(),
                )
            )
        elif day.weekday() not in host.reception_days:
            report.warnings.append(
                Finding(
                    "not_reception_day",
                    _("%(day)s is not one of the host's reception days.")
                    % {"day": long_date(day, get_language() or "id")},
                    day=day.isoformat(),
                )
            )
        day += dt.timedelta(days=1)
    spans = [(i.start, i.end) for i in items] or [(start, end)]
    for index, (first, last) in enumerate(spans):
        a, b = first.astimezone(tz), last.astimezone(tz)
        if a.time() < host.office_opens or b.time() > host.office_closes or a.date() != b.date():
            report.warnings.append(
                Finding(
                    "outside_office_hours",
                    _("%(start)s–%(end)s is outside office hours (%(opens)s–%(closes)s).")
                    % {
                        "start": _fmt(a, tz),
                        "end": _until(b, tz),
                        "opens": host.office_opens.strftime("%H:%M"),
                        "closes": f"{host.office_closes:%H:%M} {zone_label(tz.key, a)}",
                    },
                    item=index if items else None,
                )
            )
            break
    for index, (first, last) in enumerate(spans):
        a, b = first.astimezone(tz), last.astimezone(tz)
        if a.weekday() == 4:
            window_start = dt.datetime.combine(a.date(), host.friday_prayer_start, tzinfo=tz)
            window_end = dt.datetime.combine(a.date(), host.friday_prayer_end, tzinfo=tz)
            if a < window_end and window_start < b:
                report.warnings.append(
                    Finding(
                        "friday_prayer",
                        _("%(start)s–%(end)s runs into the Friday-prayer window (%(from)s–%(to)s).")
                        % {
                            "start": _fmt(a, tz),
                            "end": _until(b, tz),
                            "from": host.friday_prayer_start.strftime("%H:%M"),
                            "to": f"{host.friday_prayer_end:%H:%M} {zone_label(tz.key, a)}",
                        },
                        item=index if items else None,
                    )
                )
    if start >= now and local_start.date() < lead_time_cutoff(now.astimezone(tz).date(), host.lead_time_days):
        lead = working_days_between(now.astimezone(tz).date(), local_start.date())
        report.warnings.append(
            Finding(
                "short_notice",
                _("Only %(days)s working days before the visit; the host asks for %(needed)s.")
                % {"days": lead, "needed": host.lead_time_days},
            )
        )


def _check_capacity(report, items, delegation_size: int, resources: dict) -> None:
    """Warn for each room or site smaller than the delegation (``resources``: what ``_read_resources``
    read, so no query)."""
    if not delegation_size:
        return
    rooms = {}
    for (index, kind), row in resources.items():
        if kind == "venue" and row is not None:
            rooms.setdefault(items[index].venue_id, (index, row))
    for venue_id in sorted(rooms):
        index, row = rooms[venue_id]
        if (row["capacity"] or 0) < delegation_size:
            report.warnings.append(
                Finding(
                    "over_capacity",
                    _("%(room)s holds %(capacity)s people; the delegation is %(size)s.")
                    % {"room": row["name"], "capacity": row["capacity"], "size": delegation_size},
                    item=index,
                )
            )


def items_of(visit: Visit) -> list[ProposedItem]:
    """The visit's current agenda as proposed items (for a reschedule check)."""
    return [
        ProposedItem(i.start, i.end, i.venue_id, i.official_id, i.title, i.kind)
        for i in visit.agenda_items.all().order_by("start", "end", "pk")
    ]


__all__ = ["ConflictReport", "Finding", "ProposedItem", "check_booking", "holiday_name", "items_of"]
