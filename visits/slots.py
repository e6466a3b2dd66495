"""Free-slot search: the earliest times a visit of a given length can be held, ranked by warnings.

For each working hour grid point (every ``step`` minutes from the host's office opening until a visit of
``duration`` would end at closing) on each day of the range, and each candidate room, a slot is free when
the room is free (with the host's buffer) and every required official is free. Hard rules come first;
free slots are then ranked by how many warnings they carry (holiday, weekend, not a reception day,
Friday prayer, short notice, over capacity), then by time. All bookings in the range are read in two
queries and checked in memory.
"""

import bisect
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .conflicts import holiday_name, lead_time_cutoff
from .enums import VenueKind
from .models import AgendaItem, Institution, Venue


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    venue_id: int
    venue_name: str
    warnings: list[str] = field(default_factory=list)


class _Busy:
    """Sorted busy intervals of one room or official, for fast overlap tests."""

    def __init__(self, intervals):
        self.intervals = sorted(intervals)
        self.starts = [a for a, _b in self.intervals]
        self.longest = max((b - a for a, b in self.intervals), default=dt.timedelta(0))

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        # Any interval starting before ``end`` and ending after ``start``; intervals starting before
        # start - longest cannot reach ``start``.
        low = bisect.bisect_left(self.starts, start - self.longest)
        high = bisect.bisect_left(self.starts, end)
        return any(b > start for _a, b in self.intervals[low:high])


def office_day(host: Institution) -> dt.timedelta:
    """How long the host's office day is (``office_opens`` to ``office_closes``): no free slot is longer."""
    opens = dt.datetime.combine(dt.date.min, host.office_opens)
    closes = dt.datetime.combine(dt.date.min, host.office_closes)
    return max(closes - opens, dt.timedelta(0))


def free_slots(
    *,
    host: Institution,
    first_day: dt.date,
    last_day: dt.date,
    duration: dt.timedelta,
    official_ids: list[int],
    venue_ids: list[int] | None = None,
    venue_kind: str | None = None,
    min_capacity: int = 0,
    step_minutes: int = 30,
    limit: int = 20,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """The ``limit`` best free slots of ``duration`` between ``first_day`` and ``last_day`` (host's dates),
    each with aware ``start`` and ``end`` in the host's zone (``host.region.timezone``). None when
    ``duration`` is longer than the office day (``office_day``): a caller that must explain it checks first.

    Rooms: ``venue_ids`` when given, else every room of the host of ``venue_kind`` (any kind but tour
    sites when None) holding at least ``min_capacity``. Raises ``ValueError`` for a non-positive duration or a reversed range.
    """
    if duration <= dt.timedelta(0) or last_day < first_day:
        raise ValueError("duration must be positive and the range must not be reversed")
    tz = zoneinfo.ZoneInfo(host.region.timezone)
    now = now or timezone.now()
    rooms = Venue.objects.filter(institution=host)
    if venue_ids:
        rooms = rooms.filter(pk__in=venue_ids)
    else:
        # A tour site is not where a visit is received; it is chosen for an agenda item.
        rooms = rooms.filter(kind=venue_kind) if venue_kind else rooms.exclude(kind=VenueKind.SITE)
        if min_capacity:
            rooms = rooms.filter(capacity__gte=min_capacity)
    rooms = list(rooms.order_by("name"))
    range_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    buffer = dt.timedelta(minutes=host.venue_buffer_minutes)
    live = AgendaItem.objects.filter(
        holds_room=True, start__lt=range_end + buffer, end__gt=range_start - buffer
    )
    room_busy: dict[int, list] = {room.pk: [] for room in rooms}
    for venue_id, start, end in live.filter(venue_id__in=room_busy).values_list("venue_id", "start", "end"):
        room_busy[venue_id].append((start - buffer, end + buffer))
    person_busy: dict[int, list] = {pk: [] for pk in official_ids}
    people = live.filter(Q(official_id__in=official_ids)).values_list("official_id", "start", "end")
    for official_id, start, end in people:
        person_busy[official_id].append((start, end))
    rooms_index = {pk: _Busy(v) for pk, v in room_busy.items()}
    people_index = [_Busy(v) for v in person_busy.values()]

    found: list[Slot] = []
    cutoff = lead_time_cutoff(now.astimezone(tz).date(), host.lead_time_days)
    day = first_day
    while day <= last_day:
        day_warnings = []
        if holiday_name(day):
            day_warnings.append("holiday")
        if day.weekday() >= 5:
            day_warnings.append("weekend")
        elif day.weekday() not in host.reception_days:
            day_warnings.append("not_reception_day")
        if day < cutoff:
            day_warnings.append("short_notice")
        start = dt.datetime.combine(day, host.office_opens, tzinfo=tz)
        closing = dt.datetime.combine(day, host.office_closes, tzinfo=tz)
        while start + duration <= closing:
            end = start + duration
            if start >= now and not any(busy.overlaps(start, end) for busy in people_index):
                prayer = day.weekday() == 4 and (
                    start < dt.datetime.combine(day, host.friday_prayer_end, tzinfo=tz)
                    and dt.datetime.combine(day, host.friday_prayer_start, tzinfo=tz) < end
                )
                for room in rooms:
                    if rooms_index[room.pk].overlaps(start, end):
                        continue
                    warnings = list(day_warnings)
                    if prayer:
                        warnings.append("friday_prayer")
                    if min_capacity and room.capacity < min_capacity:
                        warnings.append("over_capacity")
                    found.append(Slot(start, end, room.pk, room.name, warnings))
            start += dt.timedelta(minutes=step_minutes)
        day += dt.timedelta(days=1)
    found.sort(key=lambda slot: (len(slot.warnings), slot.start, slot.venue_name))
    return found[:limit]
