"""The staff calendar: a month, a week or a day of visits, for the whole host, one room or one official."""

import calendar as pycalendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .enums import HOLDS_ROOMS, VisitStatus
from .models import Visit

VIEWS = ("month", "week", "day")


@dataclass
class Day:
    date: dt.date
    in_month: bool
    visits: list = field(default_factory=list)


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
    zone: str,
    venue_id: int | None = None,
    official_id: int | None = None,
    visits: QuerySet[Visit] | None = None,
) -> list[Day]:
    """The days of the view with the visits on each (booked ones and cancelled ones, which are shown
    struck through), read in ``zone``; for one room (main venue or an agenda item there) or one official.
    ``visits`` is where they are taken from (the pages pass the user's hosts' visits; default: all)."""
    first, last = calendar_range(view, anchor)
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
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
    for visit in visits:
        day = max(visit.start.astimezone(tz).date(), first)
        final = min(visit.end.astimezone(tz).date(), last)
        while day <= final:
            by_date[day].visits.append(visit)
            day += dt.timedelta(days=1)
    return days


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
