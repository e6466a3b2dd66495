"""A small, hand-counted set of visits for the recap tests.

Host: Pemerintah Kota Uji (WIB). Period of interest: the second quarter of 2025 (1 April 00:00 WIB to
1 July 00:00 WIB). "Now" is 10 July 2025, 12:00 WIB.

Counted (received, booked or held, start in Q2):
  v1 Buleleng (Bali)     studi_komparasi  reported   10 people  25 Apr 10:00 WITA  topics Smart city, Kehumasan
  v2 Denpasar (Bali)     studi_banding    completed   5 people   2 May            topics "smart  City"
  v3 Surabaya (Jatim)    studi_komparasi  scheduled   7 people  30 Jun 23:30 WIB  no topics
Not counted: v4 abroad, cancelled (3); v5 Buleleng, requested (4); v6 Surabaya, 31 Mar 23:00 WIB (Q1);
  edge Surabaya, scheduled, 1 Jul 00:30 WIB (Q3, though still 30 June in UTC); coming Denpasar,
  scheduled, 15 Jul (within 30 days of now); later Denpasar, scheduled, 20 Aug (beyond); another host's
  visit from Buleleng in May.
Made: the host's own delegation (6 people) at the other host, 10 May, completed; one more, cancelled.
Follow-ups: v1 open due 30 Apr (overdue on 10 July), v1 done; v2 open due 1 Aug; v4 open (not counted).
"""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest

from reports.models import FollowUp
from tests.factories import DelegationFactory, InstitutionFactory, RegionFactory, VisitFactory
from visits.enums import VisitKind, VisitStatus

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2025, 7, 10, 12, 0, tzinfo=WIB)


def _visit(host, institution, size, start, **fields):
    delegation = DelegationFactory(institution=institution, size=size)
    fields.setdefault("status", VisitStatus.COMPLETED)
    fields.setdefault("kind", VisitKind.COMPARATIVE_STUDY)
    return VisitFactory(
        host=host,
        delegation=delegation,
        start=start,
        end=start + dt.timedelta(hours=2),
        timezone=str(start.tzinfo),
        venue=None,
        **fields,
    )


@pytest.fixture
def recap_data(db):
    host_region = RegionFactory(
        code="35.99", name="Kota Uji", kind="kota", province="Jawa Timur", timezone="Asia/Jakarta"
    )
    host = InstitutionFactory(name="Pemerintah Kota Uji", region=host_region, address="Jl. Merdeka 1")
    other_host = InstitutionFactory(
        name="Pemerintah Kota Lain",
        region=RegionFactory(
            code="33.74", name="Kota Semarang", kind="kota", province="Jawa Tengah", timezone="Asia/Jakarta"
        ),
    )
    buleleng = InstitutionFactory(
        name="Pemerintah Kabupaten Buleleng",
        region=RegionFactory(
            code="51.08",
            name="Kabupaten Buleleng",
            kind="kabupaten",
            province="Bali",
            timezone="Asia/Makassar",
        ),
    )
    denpasar = InstitutionFactory(
        name="Pemerintah Kota Denpasar",
        region=RegionFactory(
            code="51.71", name="Kota Denpasar", kind="kota", province="Bali", timezone="Asia/Makassar"
        ),
    )
    surabaya = InstitutionFactory(
        name="Pemerintah Kota Surabaya",
        region=RegionFactory(
            code="35.78", name="Kota Surabaya", kind="kota", province="Jawa Timur", timezone="Asia/Jakarta"
        ),
    )
    abroad = InstitutionFactory(
        name="Penang Island City Council",
        region=RegionFactory(
            code="MY-07", name="Penang", kind="luar_negeri", province="", timezone="Asia/Kuala_Lumpur"
        ),
    )

    v1 = _visit(
        host,
        buleleng,
        10,
        dt.datetime(2025, 4, 25, 10, 0, tzinfo=WITA),
        status=VisitStatus.REPORTED,
        topics=["Smart city", "Kehumasan"],
        title="Studi Komparasi Buleleng",
    )
    v2 = _visit(
        host,
        denpasar,
        5,
        dt.datetime(2025, 5, 2, 9, 0, tzinfo=WITA),
        kind=VisitKind.STUDY_VISIT,
        topics=["smart  City"],
        title="Studi Banding Denpasar",
    )
    v3 = _visit(
        host,
        surabaya,
        7,
        dt.datetime(2025, 6, 30, 23, 30, tzinfo=WIB),
        status=VisitStatus.SCHEDULED,
        title="Kunjungan Surabaya",
    )
    v4 = _visit(
        host,
        abroad,
        3,
        dt.datetime(2025, 5, 20, 9, 0, tzinfo=WIB),
        kind=VisitKind.AUDIENCE,
        status=VisitStatus.CANCELLED,
        title="Audiensi Penang",
    )
    v5 = _visit(
        host,
        buleleng,
        4,
        dt.datetime(2025, 6, 3, 9, 0, tzinfo=WIB),
        status=VisitStatus.REQUESTED,
        title="Permohonan Buleleng",
    )
    _visit(host, surabaya, 9, dt.datetime(2025, 3, 31, 23, 0, tzinfo=WIB), title="Maret Surabaya")
    _visit(
        host,
        surabaya,
        9,
        dt.datetime(2025, 7, 1, 0, 30, tzinfo=WIB),
        status=VisitStatus.SCHEDULED,
        title="Juli Surabaya",
    )
    coming = _visit(
        host,
        denpasar,
        12,
        dt.datetime(2025, 7, 15, 9, 0, tzinfo=WIB),
        status=VisitStatus.SCHEDULED,
        title="Datang Denpasar",
    )
    _visit(
        host,
        denpasar,
        12,
        dt.datetime(2025, 8, 20, 9, 0, tzinfo=WIB),
        status=VisitStatus.SCHEDULED,
        title="Agustus Denpasar",
    )
    _visit(other_host, buleleng, 20, dt.datetime(2025, 5, 5, 9, 0, tzinfo=WIB), title="Buleleng di kota lain")
    made = _visit(
        other_host, host, 6, dt.datetime(2025, 5, 10, 9, 0, tzinfo=WIB), title="Kota Uji ke Kota Lain"
    )
    _visit(
        other_host,
        host,
        6,
        dt.datetime(2025, 5, 12, 9, 0, tzinfo=WIB),
        status=VisitStatus.CANCELLED,
        title="Batal ke Kota Lain",
    )

    FollowUp.objects.create(
        visit=v1,
        position=1,
        text="Kirim bahan paparan",
        owner_unit="Bagian Humas",
        due_date=dt.date(2025, 4, 30),
    )
    FollowUp.objects.create(
        visit=v1, position=2, text="Tanda tangan MoU", owner_unit="Bagian Kerja Sama", status="done"
    )
    FollowUp.objects.create(
        visit=v2,
        position=1,
        text="Kunjungan balasan",
        owner_unit="Bagian Kerja Sama",
        due_date=dt.date(2025, 8, 1),
    )
    FollowUp.objects.create(visit=v4, position=1, text="Tidak dihitung", owner_unit="Bagian Humas")
    return SimpleNamespace(
        host=host, other_host=other_host, v1=v1, v2=v2, v3=v3, v4=v4, v5=v5, coming=coming, made=made
    )
