"""The recap's numbers for the hand-counted visits of ``conftest.recap_data`` (second quarter of 2025)."""

import datetime as dt

from recaps.periods import Period
from recaps.selectors import recap_for
from tests.factories import DelegationFactory, VisitFactory
from tests.recaps.conftest import NOW, WIB


def q2(data):
    return recap_for(hosts=[data.host], period=Period.parse("2025-Q2"), now=NOW)


def test_recap_counts_booked_and_held_visits_only(recap_data):
    recap = q2(recap_data)

    assert (recap.received, recap.people) == (3, 22)
    assert [row["id"] for row in recap.visits] == [recap_data.v1.pk, recap_data.v2.pk, recap_data.v3.pk]


def test_recap_by_status_lists_every_request_of_the_period(recap_data):
    assert [(row["status"], row["visits"]) for row in q2(recap_data).by_status] == [
        ("requested", 1),
        ("scheduled", 1),
        ("completed", 1),
        ("reported", 1),
        ("cancelled", 1),
    ]


def test_recap_by_province_and_region(recap_data):
    recap = q2(recap_data)

    assert recap.by_province == [
        {"province": "Bali", "visits": 2, "people": 15},
        {"province": "Jawa Timur", "visits": 1, "people": 7},
    ]
    assert [
        (row["code"], row["name"], row["province"], row["visits"], row["people"]) for row in recap.by_region
    ] == [
        ("51.08", "Kabupaten Buleleng", "Bali", 1, 10),
        ("35.78", "Kota Surabaya", "Jawa Timur", 1, 7),
        ("51.71", "Kota Denpasar", "Bali", 1, 5),
    ]


def test_recap_by_kind_topic_and_month(recap_data):
    recap = q2(recap_data)

    assert [(row["kind"], row["visits"], row["people"]) for row in recap.by_kind] == [
        ("studi_komparasi", 2, 17),
        ("studi_banding", 1, 5),
    ]
    # "smart  City" is the same topic as "Smart city" (case and spaces), spelled as first seen.
    assert recap.by_topic == [{"topic": "Smart city", "visits": 2}, {"topic": "Kehumasan", "visits": 1}]
    assert [(row["month"], row["visits"], row["people"]) for row in recap.by_month] == [
        (4, 1, 10),
        (5, 1, 5),
        (6, 1, 7),
    ]


def test_recap_follow_ups_of_counted_visits(recap_data):
    recap = q2(recap_data)

    assert (recap.follow_ups_open, recap.follow_ups_done, recap.follow_ups_overdue) == (2, 1, 1)
    assert [(row["text"], row["overdue"]) for row in recap.follow_up_rows] == [
        ("Kirim bahan paparan", True),
        ("Tanda tangan MoU", False),
        ("Kunjungan balasan", False),
    ]
    assert recap.follow_ups_by_unit == [
        {"owner_unit": "Bagian Humas", "open": 1, "done": 0, "overdue": 1},
        {"owner_unit": "Bagian Kerja Sama", "open": 1, "done": 1, "overdue": 0},
    ]


def test_recap_visits_made_and_coming(recap_data):
    recap = q2(recap_data)

    assert (recap.made, recap.made_people) == (1, 6)
    assert recap.made_by_host == [
        {
            "host": "Pemerintah Kota Lain",
            "region": "Kota Semarang",
            "visits": 1,
            "people": 6,
        }
    ]
    assert [row["id"] for row in recap.coming] == [recap_data.coming.pk]
    assert (recap.coming_from, recap.coming_until) == (NOW, NOW + dt.timedelta(days=30))


def test_recap_period_is_read_in_the_host_zone(recap_data):
    # 30 June 23:30 WIB is in June; 1 July 00:30 WIB is in July although it is still 30 June in UTC.
    june = recap_for(hosts=[recap_data.host], period=Period.parse("2025-06"), now=NOW)
    july = recap_for(hosts=[recap_data.host], period=Period.parse("2025-07"), now=NOW)

    assert [row["title"] for row in june.visits] == ["Kunjungan Surabaya"]
    assert [row["title"] for row in july.visits] == ["Juli Surabaya", "Datang Denpasar"]
    assert june.visits[0]["date"] == dt.date(2025, 6, 30)
    assert june.visits[0]["time"] == "23:30–01:30 WIB"


def test_recap_of_another_host_counts_only_its_visits(recap_data):
    recap = recap_for(hosts=[recap_data.other_host], period=Period.parse("2025-Q2"), now=NOW)

    assert [row["title"] for row in recap.visits] == ["Buleleng di kota lain", "Kota Uji ke Kota Lain"]


def _visits(host, count):
    for n in range(count):
        VisitFactory(
            host=host,
            delegation=DelegationFactory(),
            start=dt.datetime(2025, 5, 1 + n, 9, 0, tzinfo=WIB),
            end=dt.datetime(2025, 5, 1 + n, 11, 0, tzinfo=WIB),
            topics=["A", "B"],
        )


def test_recap_query_count_with_one_visit(recap_data, django_assert_num_queries):
    host = recap_data.other_host
    _visits(host, 1)

    with django_assert_num_queries(11):
        recap_for(hosts=[host], period=Period.parse("2025"), now=NOW)


def test_recap_query_count_with_three_visits(recap_data, django_assert_num_queries):
    host = recap_data.other_host
    _visits(host, 3)

    with django_assert_num_queries(11):
        recap_for(hosts=[host], period=Period.parse("2025"), now=NOW)
