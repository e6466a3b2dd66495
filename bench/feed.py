"""Benchmark: an iCalendar feed of 1,000 visits, against icalendar alone writing the same events.

Run from the project root:  .venv/bin/python bench/feed.py [--events 1000] [--repeat 5]

It builds a throw-away SQLite database in a temporary folder, creates the visits through the ORM
(one host, 1,000 visits with 7 agenda items and 3 officials each), then times, best of --repeat:
  - Sambang: ``selectors.feed_visits`` (the database reads) + ``ical.feed_calendar`` + ``to_ical()``,
    which is what ``GET /feeds/<token>.ics`` does;
  - icalendar alone: the same VEVENTs (same properties and texts, computed beforehand) built with
    icalendar's API and written with ``to_ical()``.
The target is Sambang ≤ 2 × icalendar alone. It prints the ratio for the writing alone (rows already
read, the like-for-like comparison) and for the whole request path including the database reads.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SAMBANG_VAR_DIR"] = tempfile.mkdtemp(prefix="sambang-bench-feed-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText  # noqa: E402

from delegations.models import Delegation  # noqa: E402
from visits.enums import FeedKind, VisitStatus  # noqa: E402
from visits.ical import feed_calendar, invitation_description, venue_location  # noqa: E402
from visits.models import AgendaItem, Institution, Official, Region, Venue, Visit, VisitOfficial  # noqa: E402
from visits.selectors import feed_visits  # noqa: E402
from visits.services import calendar_feed_create  # noqa: E402

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def build(events: int) -> Institution:
    region = Region.objects.create(code="35.73", name="Kota Malang", kind="kota", timezone="Asia/Jakarta")
    guest_region = Region.objects.create(
        code="51.08", name="Kabupaten Buleleng", kind="kabupaten", timezone="Asia/Makassar"
    )
    host = Institution.objects.create(
        name="Pemerintah Kota Malang",
        region=region,
        organizer_name="Protokol",
        organizer_email="p@malang.example.org",
    )
    officials = [
        Official.objects.create(institution=host, name=f"Pejabat {i}", position="Kepala", precedence=i)
        for i in range(3)
    ]
    room = Venue.objects.create(institution=host, name="Ruang Sidang", capacity=60, address="Jl. Tugu No. 1")
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=WIB)
    for n in range(events):
        guest = Institution.objects.create(name=f"Pemerintah Kabupaten Tamu {n}", region=guest_region)
        delegation = Delegation.objects.create(
            institution=guest,
            leader_name=f"Ketua {n}",
            leader_position="Wakil Bupati",
            size=10,
            request_letter_number=f"000/{n}/2026",
            request_letter_date=dt.date(2025, 12, 1),
        )
        day = start + dt.timedelta(days=n)
        visit = Visit.objects.create(
            host=host,
            delegation=delegation,
            kind="studi_komparasi",
            title=f"Studi Komparasi Tamu {n} ke Kota Malang",
            topics=["Kehumasan", "Command Center"],
            start=day,
            end=day + dt.timedelta(hours=2, minutes=30),
            timezone="Asia/Jakarta",
            venue=room,
            status=VisitStatus.CANCELLED if n % 10 == 0 else VisitStatus.SCHEDULED,
        )
        VisitOfficial.objects.bulk_create(
            VisitOfficial(visit=visit, official=o, role="presenter") for o in officials
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(
                visit=visit,
                start=day + dt.timedelta(minutes=20 * i),
                end=day + dt.timedelta(minutes=20 * i + 20),
                kind="remarks",
                title=f"Acara {i}",
                official=officials[i % 3],
            )
            for i in range(7)
        )
    return host


def plain_events(visits) -> list[dict]:
    """The same properties as Sambang's events, computed beforehand (not timed)."""
    return [
        {
            "uid": v.uid,
            "sequence": v.sequence,
            "start": v.start.astimezone(WIB),
            "end": v.end.astimezone(WIB),
            "summary": v.title,
            "location": venue_location(v),
            "description": invitation_description(v),
            "status": "CANCELLED" if v.status == VisitStatus.CANCELLED else "CONFIRMED",
            "organizer": v.host.organizer_email,
            "cn": v.host.organizer_name,
        }
        for v in visits
    ]


def icalendar_alone(events: list[dict], stamp: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//bench//")
    calendar.add("version", "2.0")
    for e in events:
        event = Event()
        event.add("uid", e["uid"])
        event.add("sequence", e["sequence"])
        event.add("dtstamp", stamp)
        event.add("dtstart", e["start"])
        event.add("dtend", e["end"])
        event.add("summary", e["summary"])
        event.add("location", e["location"])
        event.add("description", e["description"])
        event.add("status", e["status"])
        organizer = vCalAddress(f"mailto:{e['organizer']}")
        organizer.params["cn"] = vText(e["cn"])
        event.add("organizer", organizer)
        if e["status"] != "CANCELLED":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", -dt.timedelta(minutes=120))
            alarm.add("description", e["summary"])
            event.add_component(alarm)
        calendar.add_component(event)
    calendar.subcomponents.insert(0, Timezone.from_tzid("Asia/Jakarta"))  # the one zone the events use
    return calendar.to_ical()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    host = build(args.events)
    feed, _token = calendar_feed_create(host=host, kind=FeedKind.HOST)
    stamp = dt.datetime.now(dt.UTC)
    events = plain_events(list(feed_visits(feed=feed)))

    sambang = best(
        lambda: feed_calendar(visits=feed_visits(feed=feed), name="bench", now=stamp).to_ical(), args.repeat
    )
    fetched = list(feed_visits(feed=feed))
    writing = best(lambda: feed_calendar(visits=fetched, name="bench", now=stamp).to_ical(), args.repeat)
    queries = best(lambda: list(feed_visits(feed=feed)), args.repeat)
    alone = best(lambda: icalendar_alone(events, stamp), args.repeat)
    size = len(feed_calendar(visits=feed_visits(feed=feed), name="bench", now=stamp).to_ical())
    print(f"events: {args.events}  feed size: {size / 1024:.0f} KiB  (best of {args.repeat})")
    print(f"sambang feed, whole request path (queries + build + write): {sambang * 1000:.0f} ms")
    print(f"  of which the database reads alone:                        {queries * 1000:.0f} ms")
    print(f"sambang feed, rows already read (build + write):            {writing * 1000:.0f} ms")
    print(f"icalendar alone, same events (build + write):               {alone * 1000:.0f} ms")
    print(
        f"ratio, rows already read: {writing / alone:.2f}; whole path: {sambang / alone:.2f} (target <= 2.00)"
    )


if __name__ == "__main__":
    main()
