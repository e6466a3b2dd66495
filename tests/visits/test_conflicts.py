"""The scheduling rules: hard conflicts refuse a booking, warnings are recorded with their reason."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from tests.factories import DelegationFactory, OfficialFactory, VenueFactory, VisitFactory
from visits.conflicts import ProposedItem, check_booking, holiday_name, working_days_between
from visits.enums import VisitStatus
from visits.importer import VisitFileError, parse_visit_data
from visits.models import AgendaItem, Official, Venue, Visit
from visits.services import ServiceError, visit_cancel, visit_import, visit_reschedule
from visits.services.base import BookingConflict
from visits.services.scheduling import visit_schedule

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB)  # a Tuesday, 24 days before the demo visit


@pytest.fixture(autouse=True)
def _english_and_frozen():
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=WIB)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def new_accepted_visit(visit, **kwargs):
    """Another delegation's request to the same host, accepted by the leadership."""
    return VisitFactory(
        host=visit.host,
        venue=None,
        status=VisitStatus.ACCEPTED,
        delegation=DelegationFactory(size=kwargs.pop("size", 10)),
        **kwargs,
    )


def room(name: str) -> Venue:
    return Venue.objects.get(name=name)


def official(name: str) -> Official:
    return Official.objects.get(name=name)


def test_same_room_same_time_is_refused(visit):
    other = new_accepted_visit(visit)
    sidang = room("Ruang Sidang Balai Kota Malang")

    with pytest.raises(BookingConflict) as caught:
        visit_schedule(
            visit=other,
            start=dt.datetime(2025, 4, 25, 10, 0, tzinfo=WIB),
            end=dt.datetime(2025, 4, 25, 11, 0, tzinfo=WIB),
            venue=sidang,
            items=[
                ProposedItem(
                    dt.datetime(2025, 4, 25, 10, 0, tzinfo=WIB), dt.datetime(2025, 4, 25, 11, 0, tzinfo=WIB)
                )
            ],
        )

    (finding,) = caught.value.report.errors
    assert finding.code == "room_double_booked"
    assert finding.other_visit == visit.pk
    # Of the demo visit's items in that room that clash, the one starting last is named (the index is read
    # from the booking's end backwards: conflicts._check_rooms).
    assert finding.message == (
        "Ruang Sidang Balai Kota Malang is booked 25/04/2025 10:45–10:55 WIB for "
        "“Studi Komparasi Pemerintah Kabupaten Buleleng ke Pemerintah Kota Malang” (with 15 minutes between bookings)."
    )
    other.refresh_from_db()
    assert (other.status, AgendaItem.objects.filter(visit=other).count()) == (VisitStatus.ACCEPTED, 0)


def test_room_buffer_counts_but_cancelled_visits_do_not(visit):
    sidang = room("Ruang Sidang Balai Kota Malang")
    right_after = [
        ProposedItem(
            dt.datetime(2025, 4, 25, 11, 0, tzinfo=WIB),
            dt.datetime(2025, 4, 25, 12, 0, tzinfo=WIB),
            sidang.pk,
        )
    ]
    # The demo's last item in the Ruang Sidang ends 10:55; 11:00 is inside the 15-minute buffer.
    report = check_booking(
        host=visit.host,
        start=right_after[0].start,
        end=right_after[0].end,
        items=right_after,
        zone="Asia/Jakarta",
    )
    assert codes(report.errors) == ["room_double_booked"]

    visit_cancel(visit=visit, reason="Batal.")

    report = check_booking(
        host=visit.host,
        start=right_after[0].start,
        end=right_after[0].end,
        items=right_after,
        zone="Asia/Jakarta",
    )
    assert codes(report.errors) == []


def test_official_in_two_places_is_refused(visit):
    hall = VenueFactory(institution=visit.host, name="Aula Lantai 2")
    dewi = official("Dewi Contoh")
    items = [
        ProposedItem(
            dt.datetime(2025, 4, 25, 9, 45, tzinfo=WIB),
            dt.datetime(2025, 4, 25, 10, 30, tzinfo=WIB),
            hall.pk,
            dewi.pk,
        )
    ]

    report = check_booking(
        host=visit.host, start=items[0].start, end=items[0].end, items=items, zone="Asia/Jakarta"
    )

    assert codes(report.errors) == ["official_double_booked"]
    assert report.errors[0].message.startswith("Dewi Contoh is already in “Studi Komparasi")


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([ProposedItem(at(6, 9), at(6, 10)), ProposedItem(at(6, 9, 30), at(6, 11))], "agenda_overlap"),
        ([ProposedItem(at(6, 10), at(6, 9))], "end_before_start"),
        ([ProposedItem(at(6, 12), at(6, 13, 30))], "outside_visit"),
    ],
)
def test_bad_agenda_in_one_submission_is_refused(visit, items, code):
    report = check_booking(host=visit.host, start=at(6, 9), end=at(6, 12), items=items, zone="Asia/Jakarta")

    assert code in codes(report.errors)


def test_naive_and_past_bookings_are_refused(visit):
    naive = check_booking(
        host=visit.host,
        start=dt.datetime(2025, 5, 6, 9),  # noqa: DTZ001 - the naive input under test
        end=dt.datetime(2025, 5, 6, 12),  # noqa: DTZ001
        items=[],
        zone="Asia/Jakarta",
    )
    past = check_booking(
        host=visit.host, start=at(20, 9, month=3), end=at(20, 12, month=3), items=[], zone="Asia/Jakarta"
    )

    assert codes(naive.errors) == ["naive_datetime"]
    assert codes(past.errors) == ["in_the_past"]


def test_room_or_official_of_another_host_is_refused(visit):
    stranger_room, stranger = VenueFactory(), OfficialFactory()
    items = [ProposedItem(at(6, 9), at(6, 10), stranger_room.pk, stranger.pk)]

    report = check_booking(host=visit.host, start=at(6, 9), end=at(6, 10), items=items, zone="Asia/Jakarta")

    assert codes(report.errors) == ["foreign_room", "foreign_official"]


def test_holiday_cuti_bersama_weekend_and_lead_time_warn(visit):
    # 2 April 2025 is cuti bersama of Idul Fitri, and only one working day away.
    report = check_booking(
        host=visit.host, start=at(2, 9, month=4), end=at(2, 11, month=4), items=[], zone="Asia/Jakarta"
    )
    saturday = check_booking(host=visit.host, start=at(10, 9), end=at(10, 11), items=[], zone="Asia/Jakarta")

    assert codes(report.warnings) == ["holiday", "short_notice"]
    assert report.warnings[0].message == "Wednesday, 2 April 2025 is a holiday: Eid al-Fitr Joint Holiday."
    assert codes(saturday.warnings) == ["weekend"]
    assert report.ok


def test_holiday_names_follow_the_language():
    with translation.override("id"):
        assert holiday_name(dt.date(2025, 4, 2)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert working_days_between(dt.date(2025, 4, 1), dt.date(2025, 4, 9)) == 2  # 8 and 9 April


def test_an_id_no_database_holds_is_not_the_hosts_and_raises_nothing(visit):
    # SQLite cannot even take 2**63 as a parameter; the check reads such an id as no room of the host's.
    items = [ProposedItem(at(6, 9), at(6, 10), 2**63, -1)]

    report = check_booking(host=visit.host, start=at(6, 9), end=at(6, 10), items=items, zone="Asia/Jakarta")

    assert codes(report.errors) == ["foreign_room", "foreign_official"]


def test_rooms_officials_clashes_and_capacity_are_read_in_one_query(visit, django_assert_num_queries):
    sidang, ncc = room("Ruang Sidang Balai Kota Malang"), room("Ngalam Command Center (NCC)")
    dewi = official("Dewi Contoh")
    start = dt.datetime(2025, 4, 25, 9, 0, tzinfo=WIB)
    items = [
        ProposedItem(start, start + dt.timedelta(hours=1), sidang.pk, dewi.pk),
        ProposedItem(start + dt.timedelta(hours=1), start + dt.timedelta(hours=2), ncc.pk),
    ]

    with django_assert_num_queries(1):
        report = check_booking(
            host=visit.host,
            start=start,
            end=start + dt.timedelta(hours=2),
            items=items,
            zone="Asia/Jakarta",
            delegation_size=30,
        )

    assert codes(report.errors) == ["room_double_booked", "room_double_booked", "official_double_booked"]
    assert [f.item for f in report.errors] == [0, 1, 0]
    assert all(f.other_visit == visit.pk for f in report.errors)


def test_friday_prayer_office_hours_reception_days_capacity(visit):
    host = visit.host
    host.reception_days = [0, 1, 2, 3]
    host.save()
    site = room("Ngalam Command Center (NCC)")  # holds 25
    items = [ProposedItem(at(9, 11), at(9, 12), site.pk), ProposedItem(at(9, 15), at(9, 17))]

    report = check_booking(
        host=host, start=at(9, 11), end=at(9, 17), items=items, zone="Asia/Jakarta", delegation_size=30
    )

    assert codes(report.warnings) == [
        "not_reception_day",
        "outside_office_hours",
        "friday_prayer",
        "over_capacity",
    ]


def test_same_delegation_never_clashes_with_its_own_visit(visit):
    # Before: checking the demo delegation against its own visit, without ``exclude_visit_id``, warned that
    # it was "booked elsewhere". Another visit of its institution is tested in test_conflict_messages.py.
    report = check_booking(
        host=visit.host,
        start=dt.datetime(2025, 4, 25, 13, 0, tzinfo=WIB) - dt.timedelta(hours=3),
        end=dt.datetime(2025, 4, 25, 14, 0, tzinfo=WIB),
        items=[],
        zone="Asia/Jakarta",
        delegation_id=visit.delegation_id,
    )

    assert "delegation_elsewhere" not in codes(report.warnings)


def test_schedule_records_warnings_with_reasons(visit):
    other = new_accepted_visit(visit)
    hall = VenueFactory(institution=visit.host, name="Aula Lantai 2", capacity=80)

    booked, report = visit_schedule(
        visit=other,
        start=at(10, 9),
        end=at(10, 11),
        venue=hall,
        items=[ProposedItem(at(10, 9), at(10, 11), title="Audiensi")],
        overrides={"weekend": "Permintaan khusus Sekda."},
    )

    assert booked.status == VisitStatus.SCHEDULED
    assert booked.booking_warnings == [
        {
            "code": "weekend",
            "message": "Saturday, 10 May 2025 falls on a weekend.",
            "day": "2025-05-10",
            "reason": "Permintaan khusus Sekda.",
        }
    ]
    assert list(booked.agenda_items.values_list("venue__name", flat=True)) == ["Aula Lantai 2"]


def test_schedule_can_require_a_reason_for_each_warning(visit):
    other = new_accepted_visit(visit)

    with pytest.raises(BookingConflict) as caught:
        visit_schedule(
            visit=other, start=at(10, 9), end=at(10, 11), venue=None, items=[], require_reasons=True
        )

    assert codes(caught.value.report.errors) == ["reason_required"]


def test_schedule_refused_for_cancelled_visit(visit):
    other = new_accepted_visit(visit)
    visit_cancel(visit=other, reason="Batal.")
    other.refresh_from_db()

    with pytest.raises(ServiceError):
        visit_schedule(visit=other, start=at(6, 9), end=at(6, 10), venue=None, items=[])


def test_reschedule_into_a_clash_is_refused_and_moves_nothing(visit):
    other = new_accepted_visit(visit)
    visit_schedule(
        visit=other,
        start=at(6, 9),
        end=at(6, 11),
        venue=room("Ruang Sidang Balai Kota Malang"),
        items=[ProposedItem(at(6, 9), at(6, 11), title="Paparan")],
    )

    with pytest.raises(BookingConflict):
        visit_reschedule(visit=visit, start=at(6, 9, 30))

    assert Visit.objects.get(pk=visit.pk).start == dt.datetime(2025, 4, 25, 9, 0, tzinfo=WIB)


def test_importing_a_clashing_visit_is_refused(visit, demo_data):
    demo_data["delegation"]["institution"] = "Pemerintah Kabupaten Jembrana"
    demo_data["delegation"]["region"] = {
        "code": "51.01",
        "name": "Kabupaten Jembrana",
        "kind": "kabupaten",
        "province": "Bali",
        "timezone": "Asia/Makassar",
    }
    demo_data["request"]["letter_number"] = "005/12/2025"

    with pytest.raises(VisitFileError) as caught:
        visit_import(data=parse_visit_data(demo_data))

    assert [path for path, _m in caught.value.problems][:2] == ["visit.agenda[0]", "visit.agenda[1]"]
    assert Visit.objects.count() == 1


def test_an_agenda_longer_than_one_query_takes_is_read_in_several(visit):
    # 260 two-minute items with a room and an official each: 520 rows, more terms than SQLite allows in
    # one compound SELECT (500). The last one clashes with the demo visit's official.
    hall = VenueFactory(institution=visit.host, name="Aula Besar", capacity=300)
    dewi = official("Dewi Contoh")
    start = dt.datetime(2025, 4, 25, 0, 0, tzinfo=WIB)
    items = [
        ProposedItem(
            start + dt.timedelta(minutes=2 * n),
            start + dt.timedelta(minutes=2 * n + 2),
            hall.pk,
            OfficialFactory(institution=visit.host).pk if n < 259 else dewi.pk,
        )
        for n in range(259)
    ] + [
        ProposedItem(
            dt.datetime(2025, 4, 25, 9, 45, tzinfo=WIB),
            dt.datetime(2025, 4, 25, 9, 47, tzinfo=WIB),
            hall.pk,
            dewi.pk,
        )
    ]

    report = check_booking(
        host=visit.host,
        start=start,
        end=dt.datetime(2025, 4, 25, 12, 0, tzinfo=WIB),
        items=items,
        zone="Asia/Jakarta",
        allow_past=True,
    )

    assert codes(report.errors) == ["official_double_booked"]
    assert report.errors[0].item == 259


def test_id_zero_is_no_room_or_official_of_the_hosts(visit):
    items = [ProposedItem(at(6, 9), at(6, 10), 0, 0)]

    report = check_booking(host=visit.host, start=at(6, 9), end=at(6, 10), items=items, zone="Asia/Jakarta")

    assert codes(report.errors) == ["foreign_room", "foreign_official"]
