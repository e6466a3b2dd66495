"""factory_boy factories for rows the tests need in bulk (query-count tests, lists)."""

import datetime as dt
import zoneinfo

import factory

from delegations.models import Delegation, Member
from visits.enums import AgendaKind, OfficialRole, VenueKind, VisitKind, VisitStatus
from visits.models import AgendaItem, Institution, Official, Region, Venue, Visit, VisitOfficial

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"99.{n:02d}")
    name = factory.Sequence(lambda n: f"Kota Contoh {n}")
    kind = "kota"
    province = "Provinsi Contoh"
    timezone = "Asia/Jakarta"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Pemerintah Kota Contoh {n}")
    region = factory.SubFactory(RegionFactory)
    organizer_name = "Staf Protokol"
    organizer_email = factory.Sequence(lambda n: f"protokol{n}@host.example.org")


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Pejabat {n}")
    position = "Sekretaris Daerah"
    email = factory.Sequence(lambda n: f"pejabat{n}@host.example.org")
    precedence = 1


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Ruang Rapat {n}")
    kind = VenueKind.MEETING_ROOM
    capacity = 40


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    institution = factory.SubFactory(InstitutionFactory)
    leader_name = factory.Sequence(lambda n: f"Ketua {n}")
    leader_position = "Wakil Bupati"
    leader_email = factory.Sequence(lambda n: f"ketua{n}@guest.example.org")
    size = 8
    request_letter_number = factory.Sequence(lambda n: f"000/{n}/2025")
    request_letter_date = dt.date(2025, 4, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    delegation = factory.SubFactory(DelegationFactory)
    name = factory.Sequence(lambda n: f"Anggota {n}")
    email = factory.Sequence(lambda n: f"anggota{n}@guest.example.org")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    host = factory.SubFactory(InstitutionFactory)
    delegation = factory.SubFactory(DelegationFactory)
    kind = VisitKind.COMPARATIVE_STUDY
    title = factory.Sequence(lambda n: f"Studi Banding {n}")
    start = dt.datetime(2025, 5, 6, 9, 0, tzinfo=WIB)
    end = dt.datetime(2025, 5, 6, 12, 0, tzinfo=WIB)
    timezone = "Asia/Jakarta"
    venue = factory.SubFactory(VenueFactory, institution=factory.SelfAttribute("..host"))
    status = VisitStatus.SCHEDULED


class VisitOfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitOfficial

    visit = factory.SubFactory(VisitFactory)
    official = factory.SubFactory(OfficialFactory, institution=factory.SelfAttribute("..visit.host"))
    role = OfficialRole.RECEIVING_OFFICIAL


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    visit = factory.SubFactory(VisitFactory)
    start = factory.SelfAttribute("visit.start")
    end = factory.LazyAttribute(lambda o: o.visit.start + dt.timedelta(minutes=30))
    kind = AgendaKind.REMARKS
    title = factory.Sequence(lambda n: f"Acara {n}")


def accepted_visit(host) -> Visit:
    """A visit of ``host`` accepted by the leadership and not booked yet (no room), delegation of 10."""
    return VisitFactory(
        host=host, venue=None, status=VisitStatus.ACCEPTED, delegation=DelegationFactory(size=10)
    )


def full_visit(**kwargs) -> Visit:
    """A scheduled visit with one receiving official, two members and two agenda items."""
    visit = VisitFactory(**kwargs)
    VisitOfficialFactory(visit=visit)
    MemberFactory.create_batch(2, delegation=visit.delegation)
    AgendaItemFactory(visit=visit)
    AgendaItemFactory(
        visit=visit, start=visit.start + dt.timedelta(minutes=30), end=visit.start + dt.timedelta(minutes=90)
    )
    return visit
