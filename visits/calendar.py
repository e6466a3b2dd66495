"""The staff calendar: a month, a week or a day of visits, for the whole host, one room or one official.

Times are read in the zone of the host being viewed (WIB, WITA or WIT, ``Region.timezone``), never the
server's. When the calendar shows hosts of different zones at once (no host chosen, a user of a province
in WITA and a city in WIT), each visit is placed and written in its own zone (``Visit.timezone``) and
carries its label, so that no time is shown in a zone its host does not keep.

A visit over several days shows, on each day, that day's own part: the earliest start to the latest end of
its agenda items on that day, or, on a day without items, its window cut to that day.
"""

import calendar as pycalendar
import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from reports.news import short_name

from .enums import HOLDS_ROOMS, VisitStatus
from .models import AgendaItem, Institution, Visit
from .scoping import scope_to_hosts
from .zones import zone_label

VIEWS = ("month", "week", "day")


@dataclass
class Entry:
    """One visit as one day shows it: that day's part (aware, in the zone it is read in) and the zone's
    label ("WITA")."""

    visit: Visit
    start: dt.datetime
    end: dt.datetime
    zone: str

    @property
    def continued(self) -> bool:
        """Whether this part only carries on a visit begun on an earlier day (it starts at midnight)."""
        return self.visit.start < self.start and self.start.time() == dt.time.min

    @property
    def start_text(self) -> str:
        return f"{self.start:%H:%M}"

    @property
    def times(self) -> str:
        """ "10:00–12:00"; a part that runs to the end of the day ends at "24:00"."""
        end = "24:00" if self.end.date() > self.start.date() and self.end.time() == dt.time.min else None
        return f"{self.start:%H:%M}–{end or f'{self.end:%H:%M}'}"

    @property
    def guest(self) -> str:
        """The guest institution as a chip names it: "Pemkab Buleleng" (``reports.news.short_name``)."""
        return short_name(self.visit.delegation.institution)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    visits: list[Entry] = field(default_factory=list)


def calendar_hosts(user) -> QuerySet[Institution]:
    """The hosts whose visits ``user`` may see in the calendar, by name, with their regions: the user's own
    hosts, or for a superuser every institution that hosts visits or has members (not every guest)."""
    hosts = Institution.objects.select_related("region").order_by("name", "pk")
    scoped = scope_to_hosts(hosts, user, field="pk")
    if scoped is hosts:
        scoped = hosts.filter(Q(hosted_visits__isnull=False) | Q(memberships__isnull=False)).distinct()
    return scoped


def calendar_zone(hosts: list[Institution], default: str) -> str | None:
    """The one IANA zone the calendar of ``hosts`` is read in: theirs when they share it, ``default`` when
    there is no host, ``None`` when they keep different zones (each visit is then read in its own)."""
    zones = {host.region.timezone for host in hosts}
    if not zones:
        return default
    return zones.pop() if len(zones) == 1 else None


def calendar_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date a ``view`` around ``anchor`` shows (a month view shows whole weeks)."""
    if view == "day":
        return anchor, anchor
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        return first, first + dt.timedelta(days=6)
    first_of_month = anchor.replace(day=1)
    last_of_month = anchor.replace(day=pycalendar.monthrange(anchor.year, anchor.month)[1])
    first = first_of_month - dt.timedelta(days=first_of_month.weekday())
    last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    return first, last


def calendar_days(
    *,
    view: str,
    anchor: dt.date,
    zone: str | None,
    venue_id: int | None = None,
    official_id: int | None = None,
    visits: QuerySet[Visit] | None = None,
) -> list[Day]:
    """The days of the view with the visits on each (booked ones and cancelled ones, which are shown
    struck through) as ``Entry`` rows; for one room (main venue or an agenda item there) or one official.

    ``zone`` is the IANA zone every visit is read in, or ``None`` to read each in its own
    (``Visit.timezone``). ``visits`` is where they are taken from (the pages pass the user's hosts' visits;
    default: all). Two queries: the visits, and the agenda items of those that span several days (none
    when no visit does).
    """
    first, last = calendar_range(view, anchor)
    # Without one zone, take a day more on each side (no zone is a day off UTC) and place each visit by
    # its own zone below.
    margin = dt.timedelta(days=0 if zone else 1)
    bound = zoneinfo.ZoneInfo(zone or "UTC")
    start = dt.datetime.combine(first - margin, dt.time.min, tzinfo=bound)
    end = dt.datetime.combine(last + dt.timedelta(days=1) + margin, dt.time.min, tzinfo=bound)
    visits = (
        (Visit.objects.all() if visits is None else visits)
        .filter(start__lt=end, end__gt=start, status__in=[*HOLDS_ROOMS, VisitStatus.CANCELLED])
        .select_related("delegation__institution", "venue")
    )
    if venue_id:
        visits = visits.filter(Q(venue_id=venue_id) | Q(agenda_items__venue_id=venue_id))
    if official_id:
        visits = visits.filter(
            Q(visit_officials__official_id=official_id) | Q(agenda_items__official_id=official_id)
        )
    visits = list(visits.distinct().order_by("start"))
    days = []
    day = first
    while day <= last:
        days.append(Day(day, view != "month" or day.month == anchor.month))
        day += dt.timedelta(days=1)
    by_date = {d.date: d for d in days}
    spans = {visit.pk: _local_days(visit, zoneinfo.ZoneInfo(zone or visit.timezone)) for visit in visits}
    items = _items_by_visit([pk for pk, (a, b) in spans.items() if a != b])
    for visit in visits:
        tz = zoneinfo.ZoneInfo(zone or visit.timezone)
        label = zone_label(zone or visit.timezone, visit.start)
        day, final = spans[visit.pk]
        day = max(day, first)
        while day <= min(final, last):
            part_start, part_end = _part_of_day(visit, day, tz, items.get(visit.pk, []))
            by_date[day].visits.append(Entry(visit, part_start, part_end, label))
            day += dt.timedelta(days=1)
    for each in days:
        each.visits.sort(key=lambda entry: (entry.start, entry.visit.pk))
    return days


def _local_days(visit: Visit, tz: zoneinfo.ZoneInfo) -> tuple[dt.date, dt.date]:
    """The first and last day ``visit`` touches in ``tz`` (a visit ending at midnight ends the day before)."""
    last = visit.end.astimezone(tz)
    if last.time() == dt.time.min and visit.end > visit.start:
        last -= dt.timedelta(microseconds=1)
    return visit.start.astimezone(tz).date(), last.date()


def _items_by_visit(visit_ids: list[int]) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """The agenda items' ``(start, end)`` of each visit in ``visit_ids``; no query for none."""
    found = defaultdict(list)
    if visit_ids:
        rows = AgendaItem.objects.filter(visit_id__in=visit_ids).values_list("visit_id", "start", "end")
        for visit_id, start, end in rows:
            found[visit_id].append((start, end))
    return found


def _part_of_day(visit: Visit, day: dt.date, tz: zoneinfo.ZoneInfo, items: list) -> tuple:
    """``visit``'s part on ``day`` in ``tz``: its items of that day (earliest start to latest end, cut to
    the day), else its window cut to the day. A one-day visit is its window."""
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    today = [(a, b) for a, b in items if a < next_midnight and b > midnight]
    if today:
        start, end = min(a for a, _b in today), max(b for _a, b in today)
    else:
        start, end = visit.start, visit.end
    return max(start, midnight).astimezone(tz), min(end, next_midnight).astimezone(tz)


def step(view: str, anchor: dt.date, direction: int) -> dt.date:
    """The anchor of the previous (-1) or next (+1) month, week or day."""
    if view == "day":
        return anchor + dt.timedelta(days=direction)
    if view == "week":
        return anchor + dt.timedelta(days=7 * direction)
    month = anchor.month + direction
    year = anchor.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1)
