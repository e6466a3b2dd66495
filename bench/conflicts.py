"""Benchmark: the conflict check of one agenda item against 100,000 booked items, and the free-slot search.

Run from the project root:
    .venv/bin/python bench/conflicts.py                     # SQLite in a temporary folder (the embedded default)
    .venv/bin/python bench/conflicts.py --database postgres://postgres@127.0.0.1:5432/sambang_bench

It migrates a fresh database (a PostgreSQL database of that name is created and dropped), books
``--items`` agenda items (default 100,000: 10 rooms, 30 officials, items of 45 minutes on working hours
over the years), then prints:
  - the median and 95th percentile of ``conflicts.check_booking`` for one agenda item with a room and an
    official, over ``--checks`` random times (target: median ≤ 5 ms);
  - the time of ``slots.free_slots`` over 30 working days with 5 required officials and 10 rooms
    (target ≤ 200 ms).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(database: str | None) -> None:
    os.environ["SAMBANG_VAR_DIR"] = tempfile.mkdtemp(prefix="sambang-bench-conflicts-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if database:
        import psycopg

        parts = urlsplit(database)
        name = parts.path.lstrip("/")
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database
    else:
        os.environ.pop("DATABASE_URL", None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="a PostgreSQL URL; default: SQLite in a temporary folder")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=300)
    args = parser.parse_args()
    prepare(args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from delegations.models import Delegation
    from visits.conflicts import ProposedItem, check_booking
    from visits.models import AgendaItem, Institution, Official, Region, Venue, Visit
    from visits.slots import free_slots

    wib = zoneinfo.ZoneInfo("Asia/Jakarta")
    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="35.73", name="Kota Malang", kind="kota", timezone="Asia/Jakarta")
    host = Institution.objects.create(
        name="Pemerintah Kota Malang", region=region, organizer_email="p@x.example.org"
    )
    rooms = [Venue.objects.create(institution=host, name=f"Ruang {i}", capacity=60) for i in range(10)]
    people = [
        Official.objects.create(institution=host, name=f"Pejabat {i}", position="Kepala") for i in range(30)
    ]
    guest = Institution.objects.create(name="Tamu", region=region)
    delegation = Delegation.objects.create(
        institution=guest,
        leader_name="Ketua",
        leader_position="Bupati",
        size=10,
        request_letter_number="1",
        request_letter_date=dt.date(2025, 1, 1),
    )

    began = time.perf_counter()
    per_visit = 10
    day0 = dt.datetime(2020, 1, 6, 8, 0, tzinfo=wib)
    slots_per_day = 10  # 45-minute items from 08:00, every 48 minutes
    visits, items = [], []
    for n in range(args.items // per_visit):
        start = day0 + dt.timedelta(days=n // len(rooms))
        visits.append(
            Visit(
                host=host,
                delegation=delegation,
                kind="studi_banding",
                title=f"V{n}",
                start=start,
                end=start + dt.timedelta(hours=8),
                timezone="Asia/Jakarta",
                status="scheduled",
            )
        )
    Visit.objects.bulk_create(visits, batch_size=2000)
    visits = list(Visit.objects.order_by("pk"))
    for n, visit in enumerate(visits):
        room = rooms[n % len(rooms)]
        for k in range(per_visit):
            start = visit.start + dt.timedelta(minutes=48 * (k % slots_per_day))
            items.append(
                AgendaItem(
                    visit=visit,
                    start=start,
                    end=start + dt.timedelta(minutes=45),
                    venue=room,
                    official=people[(n + k) % len(people)],
                    title="Acara",
                    kind="remarks",
                )
            )
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; booked {AgendaItem.objects.count():,} agenda items in "
        f"{time.perf_counter() - began:.1f} s"
    )

    last_day = visits[-1].start
    rng = random.Random(7)
    timings = []
    for _ in range(args.checks):
        offset = rng.randrange(0, (last_day - day0).days)
        start = day0 + dt.timedelta(days=offset, minutes=rng.choice([0, 15, 30, 200]))
        item = ProposedItem(
            start, start + dt.timedelta(minutes=45), rng.choice(rooms).pk, rng.choice(people).pk
        )
        t = time.perf_counter()
        check_booking(
            host=host, start=item.start, end=item.end, items=[item], zone="Asia/Jakarta", allow_past=True
        )
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    print(
        f"conflict check of one item (room + official) against {len(items):,}: "
        f"median {statistics.median(timings):.2f} ms, p95 {timings[int(len(timings) * 0.95)]:.2f} ms "
        f"over {len(timings)} checks (target: median <= 5 ms)"
    )

    first = (last_day - dt.timedelta(days=20)).date()  # half in the booked years, half after them
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        found = free_slots(
            host=host,
            first_day=first,
            last_day=first + dt.timedelta(days=41),
            duration=dt.timedelta(hours=2),
            official_ids=[p.pk for p in people[:5]],
            venue_ids=[r.pk for r in rooms],
            limit=20,
            now=dt.datetime(2000, 1, 1, tzinfo=wib),
        )
        runs.append((time.perf_counter() - t) * 1000)
    print(
        f"free-slot search, 42 days (30 working days), 5 officials, 10 rooms: best {min(runs):.0f} ms, "
        f"median {statistics.median(runs):.0f} ms; {len(found)} slots returned (target <= 200 ms)"
    )
    if args.database:
        connection.close()
        parts = urlsplit(args.database)
        import psycopg

        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


if __name__ == "__main__":
    main()
