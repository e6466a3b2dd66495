"""Benchmark: the annual leadership recap over 500 visits, as PDF and as XLSX.

Run from the project root:  .venv/bin/python bench/recap.py [--visits 500] [--repeat 3]

It builds a throw-away SQLite database in a temporary folder and creates, through the ORM, one host
(Kota Malang, WIB) and --visits visits in 2025 from 40 regions of 10 provinces: each with its own
delegation (5–24 named members), four agenda items, up to three follow-ups and one to three topics; kinds
and statuses are mixed (about 85% booked or held, the rest requested, declined or cancelled), and 20
visits made by the host's own delegations to other hosts. Then, best of --repeat, it times:
  - ``recap_for`` (the database reads) and the queries it runs;
  - ``recap_pdf`` on top of it (what ``GET /recaps/2025.pdf`` does), and its page count;
  - ``recap_xlsx`` on top of it (``GET /recaps/2025.xlsx``).
The target is the annual recap PDF (reads included) ≤ 10 s.
"""

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SAMBANG_VAR_DIR"] = tempfile.mkdtemp(prefix="sambang-bench-recap-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from delegations.models import Delegation, Member  # noqa: E402
from recaps.pdf import recap_pdf  # noqa: E402
from recaps.periods import Period  # noqa: E402
from recaps.selectors import recap_for  # noqa: E402
from recaps.xlsx import recap_xlsx  # noqa: E402
from reports.models import FollowUp, FollowUpStatus  # noqa: E402
from visits.enums import VisitKind, VisitStatus  # noqa: E402
from visits.models import AgendaItem, Institution, Region, Venue, Visit  # noqa: E402

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
PROVINCES = [
    ("51", "Bali", "Asia/Makassar"),
    ("52", "Nusa Tenggara Barat", "Asia/Makassar"),
    ("35", "Jawa Timur", "Asia/Jakarta"),
    ("33", "Jawa Tengah", "Asia/Jakarta"),
    ("32", "Jawa Barat", "Asia/Jakarta"),
    ("73", "Sulawesi Selatan", "Asia/Makassar"),
    ("64", "Kalimantan Timur", "Asia/Makassar"),
    ("13", "Sumatera Barat", "Asia/Jakarta"),
    ("91", "Papua", "Asia/Jayapura"),
    ("81", "Maluku", "Asia/Jayapura"),
]
TOPICS = [
    "Smart city",
    "Pelayanan publik",
    "Command center",
    "Pengelolaan sampah",
    "Kehumasan",
    "Pariwisata",
    "UMKM",
    "Perizinan terpadu",
    "Stunting",
    "Reformasi birokrasi",
]
STATUSES = (
    [VisitStatus.REPORTED] * 9
    + [VisitStatus.COMPLETED] * 5
    + [VisitStatus.SCHEDULED] * 3
    + [VisitStatus.REQUESTED, VisitStatus.DECLINED, VisitStatus.CANCELLED]
)


def build(visits: int, rng: random.Random) -> Institution:
    host_region = Region.objects.create(
        code="35.73", name="Kota Malang", kind="kota", province="Jawa Timur", timezone="Asia/Jakarta"
    )
    host = Institution.objects.create(
        name="Pemerintah Kota Malang",
        region=host_region,
        letterhead_subtitle="Sekretariat Daerah",
        address="Jl. Tugu No. 1, Malang 65119",
        phone="(0341) 551257",
        email="protokol@malangkota.go.id",
        organizer_name="Bagian Protokol",
        organizer_email="protokol@malangkota.go.id",
    )
    room = Venue.objects.create(institution=host, name="Ruang Sidang Balai Kota", capacity=80)
    regions = []
    for code, province, zone in PROVINCES:
        for n in range(1, 5):
            regions.append(
                Region.objects.create(
                    code=f"{code}.{n:02d}",
                    name=f"Kabupaten {province} {n}",
                    kind="kabupaten",
                    province=province,
                    timezone=zone,
                )
            )
    kinds = list(VisitKind.values)
    for n in range(visits):
        region = regions[n % len(regions)]
        guest = Institution.objects.create(name=f"Pemerintah {region.name} ({n})", region=region)
        size = rng.randint(6, 25)
        delegation = Delegation.objects.create(
            institution=guest,
            leader_name=f"Ketua Rombongan {n}",
            leader_position="Wakil Bupati",
            size=size,
            request_letter_number=f"005/{n}/2025",
            request_letter_date=dt.date(2025, 1, 1),
        )
        Member.objects.bulk_create(
            Member(delegation=delegation, name=f"Anggota {n}-{m}", order=m) for m in range(size - 1)
        )
        day = dt.datetime(2025, 1, 2, 9, 0, tzinfo=WIB) + dt.timedelta(days=n * 363 // visits)
        visit = Visit.objects.create(
            host=host,
            delegation=delegation,
            kind=kinds[n % len(kinds)],
            title=f"Studi Komparasi {guest.name} tentang {TOPICS[n % len(TOPICS)]}",
            topics=rng.sample(TOPICS, rng.randint(1, 3)),
            start=day,
            end=day + dt.timedelta(hours=3),
            timezone="Asia/Jakarta",
            venue=room,
            status=rng.choice(STATUSES),
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(
                visit=visit,
                start=day + dt.timedelta(minutes=45 * i),
                end=day + dt.timedelta(minutes=45 * i + 45),
                title=f"Acara {i}",
                venue=room,
            )
            for i in range(4)
        )
        FollowUp.objects.bulk_create(
            FollowUp(
                visit=visit,
                position=i,
                text=f"Tindak lanjut {i} dari kunjungan {n}: kirim bahan paparan dan MoU",
                owner_unit="Bagian Kerja Sama",
                due_date=(day + dt.timedelta(days=30)).date(),
                status=rng.choice([FollowUpStatus.OPEN, FollowUpStatus.DONE]),
            )
            for i in range(rng.randint(0, 3))
        )
    for n in range(20):  # visits the host's own delegations made
        other = Institution.objects.create(name=f"Pemerintah Tujuan {n}", region=regions[n])
        delegation = Delegation.objects.create(
            institution=host,
            leader_name="Sekretaris Daerah",
            leader_position="Sekda",
            size=8,
            request_letter_number=f"100/{n}/2025",
            request_letter_date=dt.date(2025, 1, 1),
        )
        day = dt.datetime(2025, 2, 1, 9, 0, tzinfo=WIB) + dt.timedelta(days=n * 15)
        Visit.objects.create(
            host=other,
            delegation=delegation,
            kind=VisitKind.STUDY_VISIT,
            title=f"Kunjungan ke {other.name}",
            start=day,
            end=day + dt.timedelta(hours=2),
            timezone=regions[n].timezone,
            status=VisitStatus.COMPLETED,
        )
    return Institution.objects.select_related("region").get(pk=host.pk)


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    host = build(args.visits, random.Random(2025))
    print(f"setup: {args.visits} visits built in {time.perf_counter() - began:.1f} s")
    period = Period.parse("2025")
    now = dt.datetime(2025, 12, 15, 12, 0, tzinfo=WIB)

    with CaptureQueriesContext(connection) as queries:
        recap = recap_for(hosts=[host], period=period, now=now)
    reads, _recap = best(lambda: recap_for(hosts=[host], period=period, now=now), args.repeat)
    pdf_time, pdf = best(
        lambda: recap_pdf(recap=recap_for(hosts=[host], period=period, now=now), language="id"), args.repeat
    )
    xlsx_time, xlsx = best(
        lambda: recap_xlsx(recap=recap_for(hosts=[host], period=period, now=now), language="id"), args.repeat
    )
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"recap 2025: {recap.received} visits received, {recap.people} people, {len(recap.by_region)} regions, "
        f"{len(recap.follow_up_rows)} follow-ups, {recap.made} visits made  (best of {args.repeat})"
    )
    print(f"recap_for (database reads):   {reads * 1000:.0f} ms in {len(queries.captured_queries)} queries")
    print(
        f"annual recap PDF (reads + render): {pdf_time:.2f} s  ({pages} pages, {len(pdf) / 1024:.0f} KiB)  target <= 10 s: {'ok' if pdf_time <= 10 else 'MISSED'}"
    )
    print(f"annual recap XLSX (reads + write): {xlsx_time:.2f} s  ({len(xlsx) / 1024:.0f} KiB)")
    if os.environ.get("RECAP_BENCH_KEEP_PDF"):
        Path(os.environ["RECAP_BENCH_KEEP_PDF"]).write_bytes(pdf)


if __name__ == "__main__":
    main()
