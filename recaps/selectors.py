"""Reads of the leadership recap and the leadership dashboard, shared by the pages, the API and the exports.

Which visits count: a visit *received* in a period is one of the hosts' visits whose start falls in the
period (read in the host's zone) and that is booked or has taken place (``COUNTED_STATUSES``: scheduled,
in progress, completed, reported). Requests not booked yet (requested, accepted), declined, handed on and
cancelled ones do not count; the recap lists every request of the period by status so that they are seen.
A visit *made* is a visit, to any host, of a delegation sent by one of the hosts, in the same states.
"""

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import FollowUp, FollowUpStatus
from visits.enums import HOLDS_ROOMS, RegionKind, VisitKind, VisitStatus
from visits.models import Disposition, Institution, Visit
from visits.scoping import scope_to_hosts
from visits.selectors import visit_list
from visits.zones import zone_label

from .periods import Period

COUNTED_STATUSES = tuple(sorted(HOLDS_ROOMS))
# "What is coming": booked visits in the 30 days after the later of the period's end and now.
COMING_DAYS = 30


@dataclass(frozen=True)
class Recap:
    """The recap of ``hosts`` for ``period``. Every count is of visits (or follow-ups); ``people`` is the
    sum of the delegations' announced sizes (leader included). Rows are plain dicts, largest first:

    - ``by_status``: ``{"status", "label", "visits"}`` over every request of the period, counted or not;
    - ``by_province``: ``{"province", "visits", "people"}``; ``by_region``: ``{"code", "name", "province",
      "visits", "people"}``; ``by_kind``: ``{"kind", "label", "visits", "people"}``; ``by_topic``:
      ``{"topic", "visits"}`` (a visit with three topics counts once for each);
    - ``made_by_host``: ``{"host", "region", "visits", "people"}`` for the visits made;
    - ``visits``: one row per visit received (``local_start``/``local_end`` in the visit's zone);
    - ``follow_up_rows``: every follow-up of the visits received; ``coming``: booked visits ahead;
    - ``by_month``: ``{"month" (1–12), "year", "visits", "people"}`` for every month of the period, in
      order, zeros included;
    - ``follow_ups_by_unit``: ``{"owner_unit", "open", "done", "overdue"}``, most overdue first.
    """

    period: Period
    hosts: list[Institution]
    zone: str
    start: dt.datetime
    end: dt.datetime
    generated_at: dt.datetime
    received: int
    people: int
    made: int
    made_people: int
    follow_ups_open: int
    follow_ups_done: int
    follow_ups_overdue: int
    coming_from: dt.datetime
    coming_until: dt.datetime
    by_status: list[dict] = field(default_factory=list)
    by_province: list[dict] = field(default_factory=list)
    by_region: list[dict] = field(default_factory=list)
    by_kind: list[dict] = field(default_factory=list)
    by_topic: list[dict] = field(default_factory=list)
    made_by_host: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    follow_up_rows: list[dict] = field(default_factory=list)
    coming: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)
    follow_ups_by_unit: list[dict] = field(default_factory=list)

    @property
    def host(self) -> Institution | None:
        """The host whose letterhead the recap carries: the first of ``hosts``."""
        return self.hosts[0] if self.hosts else None


def recap_hosts(user) -> QuerySet[Institution]:
    """The hosts ``user`` may see a recap of, by name, with their regions: the user's own hosts
    (``HostMembership``), or for a superuser every institution that hosts visits or has members."""
    hosts = Institution.objects.select_related("region").order_by("name", "pk")
    scoped = scope_to_hosts(hosts, user, field="pk")
    if scoped is hosts:  # a superuser: not every guest institution, only those that host
        scoped = hosts.filter(Q(hosted_visits__isnull=False) | Q(memberships__isnull=False)).distinct()
    return scoped


def _rows_by_size(rows: list[dict]) -> list[dict]:
    return sorted(
        rows, key=lambda row: (-row["visits"], -row["people"], str(row.get("name") or row.get("host")))
    )


def _province_label(province: str, kind: str) -> str:
    if province:
        return province
    return _("Abroad") if kind == RegionKind.FOREIGN else _("Region not given")


def _months(period: Period, visits: list[dict], zone: str) -> list[dict]:
    """Visits and people per month of ``period``, from the visit rows already read (months in ``zone``)."""
    tz = zoneinfo.ZoneInfo(zone)
    months = []
    day = period.first_day
    while day < period.next_first_day:
        months.append({"year": day.year, "month": day.month, "visits": 0, "people": 0})
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    index = {(row["year"], row["month"]): row for row in months}
    for visit in visits:
        local = visit["start"].astimezone(tz)
        row = index.get((local.year, local.month))
        if row is not None:
            row["visits"] += 1
            row["people"] += visit["people"]
    return months


def _topics(values: list[list]) -> list[dict]:
    """Topics counted per visit; spellings that differ only in case or spaces are one topic (the first
    spelling seen is kept)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for topics in values:
        seen = set()
        for topic in topics if isinstance(topics, list) else []:
            text = " ".join(str(topic).split())
            key = text.casefold()
            if not text or key in seen:
                continue
            seen.add(key)
            spelling.setdefault(key, text)
            counts[key] += 1
    return [
        {"topic": spelling[key], "visits": n}
        for key, n in sorted(counts.items(), key=lambda item: (-item[1], spelling[item[0]].casefold()))
    ]


def recap_for(*, hosts: Sequence[Institution], period: Period, now: dt.datetime | None = None) -> Recap:
    """The recap of the visits of ``hosts`` (Institutions with ``region`` loaded, already scoped to the
    reader: see ``recap_hosts``) in ``period``, read in the first host's zone (the server's with no host).

    ``now`` (aware; default: the current time) sets "what is coming" and which open follow-ups are overdue
    (due before today in that zone). Reads only: 11 queries whatever the number of visits; counts and sums
    are done by the database (topics, stored as a JSON list per visit, are counted here from one query,
    as SQLite and PostgreSQL unnest JSON arrays differently).
    """
    hosts = list(hosts)
    now = now or timezone.now()
    zone = hosts[0].region.timezone if hosts else settings.TIME_ZONE
    start, end = period.bounds(zone)
    today = timezone.localtime(now, start.tzinfo).date()
    host_ids = [host.pk for host in hosts]
    in_period = Visit.objects.filter(host_id__in=host_ids, start__gte=start, start__lt=end)
    counted = in_period.filter(status__in=COUNTED_STATUSES)

    totals = counted.aggregate(visits=Count("pk"), people=Coalesce(Sum("delegation__size"), 0))
    status_labels = dict(VisitStatus.choices)
    by_status = [
        {
            "status": row["status"],
            "label": status_labels.get(row["status"], row["status"]),
            "visits": row["n"],
        }
        for row in in_period.order_by().values("status").annotate(n=Count("pk"))
    ]
    by_status.sort(
        key=lambda row: list(status_labels).index(row["status"]) if row["status"] in status_labels else 99
    )

    region = "delegation__institution__region__"
    by_region = [
        {
            "code": row[f"{region}code"],
            "name": row[f"{region}name"],
            "province": _province_label(row[f"{region}province"], row[f"{region}kind"]),
            "visits": row["visits"],
            "people": row["people"],
        }
        for row in counted.order_by()
        .values(f"{region}code", f"{region}name", f"{region}province", f"{region}kind")
        .annotate(visits=Count("pk"), people=Coalesce(Sum("delegation__size"), 0))
    ]
    by_region = _rows_by_size(by_region)
    # Provinces are rolled up from the region rows above (already counted by the database): no second scan.
    provinces: dict[str, dict] = {}
    for row in by_region:
        total = provinces.setdefault(row["province"], {"province": row["province"], "visits": 0, "people": 0})
        total["visits"] += row["visits"]
        total["people"] += row["people"]
    by_province = sorted(
        provinces.values(), key=lambda row: (-row["visits"], -row["people"], str(row["province"]))
    )

    kind_labels = dict(VisitKind.choices)
    by_kind = [
        {
            "kind": row["kind"],
            "label": kind_labels.get(row["kind"], row["kind"]),
            "visits": row["visits"],
            "people": row["people"],
        }
        for row in counted.order_by()
        .values("kind")
        .annotate(visits=Count("pk"), people=Coalesce(Sum("delegation__size"), 0))
    ]
    by_kind = sorted(by_kind, key=lambda row: (-row["visits"], -row["people"], row["kind"]))
    by_topic = _topics(list(counted.order_by().values_list("topics", flat=True)))

    made = Visit.objects.filter(
        delegation__institution_id__in=host_ids, start__gte=start, start__lt=end, status__in=COUNTED_STATUSES
    )
    made_by_host = _rows_by_size(
        [
            {
                "host": row["host__name"],
                "region": row["host__region__name"],
                "visits": row["visits"],
                "people": row["people"],
            }
            for row in made.order_by()
            .values("host__name", "host__region__name")
            .annotate(visits=Count("pk"), people=Coalesce(Sum("delegation__size"), 0))
        ]
    )

    follow_ups = FollowUp.objects.filter(visit__in=counted)
    follow_up_counts = follow_ups.aggregate(
        open=Count("pk", filter=Q(status=FollowUpStatus.OPEN)),
        done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
        overdue=Count("pk", filter=Q(status=FollowUpStatus.OPEN, due_date__lt=today)),
    )
    follow_ups_by_unit = sorted(
        (
            {
                "owner_unit": row["owner_unit"],
                "open": row["open"],
                "done": row["done"],
                "overdue": row["overdue"],
            }
            for row in follow_ups.order_by()
            .values("owner_unit")
            .annotate(
                open=Count("pk", filter=Q(status=FollowUpStatus.OPEN)),
                done=Count("pk", filter=Q(status=FollowUpStatus.DONE)),
                overdue=Count("pk", filter=Q(status=FollowUpStatus.OPEN, due_date__lt=today)),
            )
        ),
        key=lambda row: (-row["overdue"], -row["open"], -row["done"], row["owner_unit"]),
    )
    follow_up_status = dict(FollowUpStatus.choices)
    follow_up_rows = [
        {
            "visit_id": row["visit_id"],
            "visit": row["visit__title"],
            "visit_date": timezone.localtime(row["visit__start"], _zone(row["visit__timezone"])).date(),
            "text": row["text"],
            "owner_unit": row["owner_unit"],
            "due_date": row["due_date"],
            "status": row["status"],
            "status_label": follow_up_status.get(row["status"], row["status"]),
            "overdue": row["status"] == FollowUpStatus.OPEN
            and row["due_date"] is not None
            and row["due_date"] < today,
        }
        for row in follow_ups.order_by("visit__start", "visit_id", "position").values(
            "visit_id",
            "visit__title",
            "visit__start",
            "visit__timezone",
            "text",
            "owner_unit",
            "due_date",
            "status",
        )
    ]

    visits = [
        _visit_row(row, status_labels, kind_labels)
        for row in counted.order_by("start", "pk").values(*VISIT_FIELDS)
    ]

    by_month = _months(period, visits, zone)

    coming_from = max(now, end)
    coming_until = coming_from + dt.timedelta(days=COMING_DAYS)
    coming = [
        _visit_row(row, status_labels, kind_labels)
        for row in Visit.objects.filter(
            host_id__in=host_ids, status=VisitStatus.SCHEDULED, start__gte=coming_from, start__lt=coming_until
        )
        .order_by("start", "pk")
        .values(*VISIT_FIELDS)
    ]

    return Recap(
        period=period,
        hosts=hosts,
        zone=zone,
        start=start,
        end=end,
        generated_at=now,
        received=totals["visits"],
        people=totals["people"],
        made=sum(row["visits"] for row in made_by_host),
        made_people=sum(row["people"] for row in made_by_host),
        follow_ups_open=follow_up_counts["open"],
        follow_ups_done=follow_up_counts["done"],
        follow_ups_overdue=follow_up_counts["overdue"],
        coming_from=coming_from,
        coming_until=coming_until,
        by_status=by_status,
        by_province=by_province,
        by_region=by_region,
        by_kind=by_kind,
        by_topic=by_topic,
        made_by_host=made_by_host,
        visits=visits,
        follow_up_rows=follow_up_rows,
        coming=coming,
        by_month=by_month,
        follow_ups_by_unit=follow_ups_by_unit,
    )


VISIT_FIELDS = (
    "pk",
    "title",
    "kind",
    "status",
    "start",
    "end",
    "timezone",
    "topics",
    "host__name",
    "delegation__size",
    "delegation__leader_name",
    "delegation__institution__name",
    "delegation__institution__region__name",
    "delegation__institution__region__province",
    "delegation__institution__region__kind",
)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _visit_row(row: dict, status_labels: dict, kind_labels: dict) -> dict:
    """One visit as the recap lists it: local start and end in the visit's own zone, labels translated."""
    tz = _zone(row["timezone"])
    local_start, local_end = row["start"].astimezone(tz), row["end"].astimezone(tz)
    return {
        "id": row["pk"],
        "title": row["title"],
        "kind": row["kind"],
        "kind_label": kind_labels.get(row["kind"], row["kind"]),
        "status": row["status"],
        "status_label": status_labels.get(row["status"], row["status"]),
        "start": row["start"],
        "end": row["end"],
        "timezone": row["timezone"],
        "local_start": local_start,
        "local_end": local_end,
        # Dates and times as read in the visit's zone, ready to print (a template would turn an aware
        # datetime into the server's zone).
        "date": local_start.date(),
        "time": f"{local_start:%H:%M}–{local_end:%H:%M} {zone_label(row['timezone'], row['start'])}",
        "topics": [str(topic) for topic in row["topics"]] if isinstance(row["topics"], list) else [],
        "host": row["host__name"],
        "institution": row["delegation__institution__name"],
        "region": row["delegation__institution__region__name"],
        "province": _province_label(
            row["delegation__institution__region__province"], row["delegation__institution__region__kind"]
        ),
        "leader": row["delegation__leader_name"],
        "people": row["delegation__size"],
    }


@dataclass(frozen=True)
class Dashboard:
    """What the leadership dashboard shows for one host: visits of this week (Monday to Sunday in the
    host's zone, not declined, handed on or cancelled), requests waiting for the leadership's decision
    (requested, no *disposisi* yet; oldest start first) and the latest visits with a report (completed or
    reported, latest end first, at most ``LATEST_REPORTS``)."""

    host: Institution
    week_start: dt.date
    week_end: dt.date
    this_week: list[Visit]
    waiting: list[Visit]
    latest_reports: list[Visit]


LATEST_REPORTS = 10
NOT_HAPPENING = (VisitStatus.DECLINED, VisitStatus.FORWARDED, VisitStatus.CANCELLED)


def dashboard_for(*, user, host: Institution, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard of ``host`` (with ``region`` loaded) as ``user`` may see it: three queries, each
    scoped with ``scope_to_hosts`` (a host the user does not work for gives empty lists). Reads only."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(host.region.timezone)
    today = timezone.localtime(now, tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    week_from = dt.datetime.combine(monday, dt.time(0), tzinfo=tz)
    visits = scope_to_hosts(visit_list(), user).filter(host=host)
    this_week = visits.filter(start__gte=week_from, start__lt=week_from + dt.timedelta(days=7)).exclude(
        status__in=NOT_HAPPENING
    )
    waiting = visits.filter(status=VisitStatus.REQUESTED).exclude(
        Exists(Disposition.objects.filter(visit=OuterRef("pk")))
    )
    latest = visits.filter(status__in=(VisitStatus.COMPLETED, VisitStatus.REPORTED))
    return Dashboard(
        host=host,
        week_start=monday,
        week_end=monday + dt.timedelta(days=6),
        this_week=list(this_week.order_by("start", "pk")),
        waiting=list(waiting.order_by("start", "pk")),
        latest_reports=list(latest.order_by("-end", "-pk")[:LATEST_REPORTS]),
    )
