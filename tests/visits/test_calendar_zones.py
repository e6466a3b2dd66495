"""The calendar in the host's own zone (WIB, WITA, WIT), a multi-day visit day by day, and month chips
that tell visits apart."""

import datetime as dt
import zoneinfo

import pytest

from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    InstitutionFactory,
    RegionFactory,
    VisitFactory,
)

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")


def host_in(zone: str, code: str, name: str):
    region = RegionFactory(code=code, name=name, timezone=zone)
    return InstitutionFactory(name=f"Pemerintah {name}", region=region)


@pytest.fixture
def makassar(db):
    return host_in("Asia/Makassar", "73.71", "Kota Makassar")


@pytest.fixture
def jayapura(db):
    return host_in("Asia/Jayapura", "91.71", "Kota Jayapura")


def visit_at(host, start: dt.datetime, end: dt.datetime, **kwargs):
    return VisitFactory(host=host, start=start, end=end, timezone=host.region.timezone, **kwargs)


def page(client, user, **query) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get("/calendar/", query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("view", ["week", "day"])
def test_calendar_of_a_wita_host_shows_wita_times(client, make_user, makassar, view):
    visit_at(
        makassar, dt.datetime(2027, 3, 16, 10, 0, tzinfo=WITA), dt.datetime(2027, 3, 16, 12, 0, tzinfo=WITA)
    )
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)

    body = page(client, user, view=view, date="2027-03-16")

    assert "10:00–12:00" in body
    assert "09:00–11:00" not in body
    assert "Times in WITA." in body
    assert "WIB" not in body


def test_calendar_of_a_wit_host_month_chip_in_wit(client, make_user, jayapura):
    visit_at(
        jayapura, dt.datetime(2027, 3, 16, 10, 0, tzinfo=WIT), dt.datetime(2027, 3, 16, 12, 0, tzinfo=WIT)
    )
    user = make_user("jayapura", "protocol", hosts=[jayapura], is_staff=True)

    body = page(client, user, view="month", date="2027-03-01")

    assert '<span class="time">10:00</span>' in body
    assert "Times in WIT." in body


def test_calendar_early_morning_wit_visit_is_on_its_own_day(client, make_user, jayapura):
    # 00:30–02:00 WIT on the 17th is 22:30–00:00 WIB on the 16th: read in WIB it is on the wrong day.
    visit_at(
        jayapura, dt.datetime(2027, 3, 17, 0, 30, tzinfo=WIT), dt.datetime(2027, 3, 17, 2, 0, tzinfo=WIT)
    )
    user = make_user("jayapura", "protocol", hosts=[jayapura], is_staff=True)

    the_16th = page(client, user, view="day", date="2027-03-16")
    the_17th = page(client, user, view="day", date="2027-03-17")

    assert "00:30–02:00" not in the_16th
    assert "00:30–02:00" in the_17th


def test_calendar_of_several_zones_labels_each_visit_and_narrows_to_a_host(
    client, make_user, makassar, jayapura
):
    visit_at(
        makassar, dt.datetime(2027, 3, 16, 10, 0, tzinfo=WITA), dt.datetime(2027, 3, 16, 12, 0, tzinfo=WITA)
    )
    visit_at(
        jayapura, dt.datetime(2027, 3, 16, 13, 0, tzinfo=WIT), dt.datetime(2027, 3, 16, 14, 0, tzinfo=WIT)
    )
    user = make_user("both", "protocol", hosts=[makassar, jayapura], is_staff=True)

    mixed = page(client, user, view="day", date="2027-03-16")
    only_makassar = page(client, user, view="day", date="2027-03-16", host=makassar.pk)

    assert "10:00–12:00 WITA" in mixed
    assert "13:00–14:00 WIT" in mixed
    assert "Times in each host's own zone, written beside each visit." in mixed
    assert f'<option value="{makassar.pk}" selected>' in only_makassar
    assert "Times in WITA." in only_makassar
    assert "10:00–12:00" in only_makassar
    assert "13:00–14:00" not in only_makassar
    assert f"host={makassar.pk}" in only_makassar  # kept in the previous/next links


def test_calendar_of_one_zone_hosts_writes_the_label_once(client, make_user, makassar):
    other = host_in("Asia/Makassar", "53.71", "Kota Kupang")
    visit_at(
        makassar, dt.datetime(2027, 3, 16, 10, 0, tzinfo=WITA), dt.datetime(2027, 3, 16, 12, 0, tzinfo=WITA)
    )
    visit_at(
        other, dt.datetime(2027, 3, 16, 13, 0, tzinfo=WITA), dt.datetime(2027, 3, 16, 14, 0, tzinfo=WITA)
    )
    user = make_user("wita", "protocol", hosts=[makassar, other], is_staff=True)

    body = page(client, user, view="day", date="2027-03-16")

    assert "Times in WITA." in body
    assert ">10:00–12:00</td>" in body
    assert ">13:00–14:00</td>" in body


@pytest.mark.parametrize("view", ["week", "day"])
def test_multi_day_visit_shows_each_days_own_part(client, make_user, makassar, view):
    visit = visit_at(
        makassar, dt.datetime(2027, 2, 9, 8, 30, tzinfo=WITA), dt.datetime(2027, 2, 11, 10, 0, tzinfo=WITA)
    )
    AgendaItemFactory(visit=visit, start=visit.start, end=dt.datetime(2027, 2, 9, 12, 0, tzinfo=WITA))
    AgendaItemFactory(
        visit=visit,
        start=dt.datetime(2027, 2, 9, 13, 0, tzinfo=WITA),
        end=dt.datetime(2027, 2, 9, 15, 30, tzinfo=WITA),
    )
    AgendaItemFactory(
        visit=visit,
        start=dt.datetime(2027, 2, 11, 9, 0, tzinfo=WITA),
        end=dt.datetime(2027, 2, 11, 10, 0, tzinfo=WITA),
    )
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)

    days = [page(client, user, view=view, date=f"2027-02-{n:02d}") for n in (9, 10, 11)]
    week = page(client, user, view="week", date="2027-02-09")

    if view == "day":
        assert ">08:30–15:30</td>" in days[0]  # its items on the 9th
        assert ">00:00–24:00</td>" in days[1]  # no item on the 10th: the window cut to the day
        assert ">09:00–10:00</td>" in days[2]  # its item on the 11th
    assert "08:30–10:00" not in week
    assert [t in week for t in (">08:30–15:30<", ">00:00–24:00<", ">09:00–10:00<")] == [True, True, True]


def test_multi_day_visit_without_items_is_cut_to_each_day(client, make_user, makassar):
    visit_at(
        makassar, dt.datetime(2027, 2, 9, 13, 0, tzinfo=WITA), dt.datetime(2027, 2, 10, 11, 0, tzinfo=WITA)
    )
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)

    week = page(client, user, view="week", date="2027-02-09")

    assert ">13:00–24:00</td>" in week
    assert ">00:00–11:00</td>" in week


def test_month_chip_names_the_guest_shortly_and_titles_the_whole(client, make_user, makassar):
    buleleng = InstitutionFactory(name="Pemerintah Kabupaten Buleleng")
    visit = visit_at(
        makassar,
        dt.datetime(2027, 3, 16, 8, 0, tzinfo=WITA),
        dt.datetime(2027, 3, 16, 10, 0, tzinfo=WITA),
        delegation=DelegationFactory(institution=buleleng),
        title="Studi Komparasi Kehumasan",
    )
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)

    body = page(client, user, view="month", date="2027-03-01")

    assert '<span class="time">08:00</span> Pemkab Buleleng</a>' in body
    assert (
        f'title="08:00–10:00 WITA · Studi Komparasi Kehumasan · Pemerintah Kabupaten Buleleng · {visit.venue.name}"'
        in body
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_calendar_of_multi_day_visits_query_count_constant(
    client, make_user, makassar, django_assert_num_queries, rows
):
    for n in range(rows):
        visit = visit_at(
            makassar,
            dt.datetime(2027, 2, 1 + 3 * n, 9, 0, tzinfo=WITA),
            dt.datetime(2027, 2, 2 + 3 * n, 12, 0, tzinfo=WITA),
        )
        AgendaItemFactory(visit=visit)
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)
    client.force_login(user)

    # session, user, role groups, the user's host ids, the hosts with their zones, visits, their agenda
    # items (only for visits over several days), rooms, officials
    with django_assert_num_queries(9):
        response = client.get("/calendar/", {"view": "month", "date": "2027-02-01"})

    assert response.content.decode().count('class="chip') == 2 * rows


def test_month_chip_of_a_continuing_day_shows_no_midnight_start(client, make_user, makassar):
    visit_at(
        makassar, dt.datetime(2027, 2, 9, 13, 0, tzinfo=WITA), dt.datetime(2027, 2, 10, 11, 0, tzinfo=WITA)
    )
    user = make_user("makassar", "protocol", hosts=[makassar], is_staff=True)

    body = page(client, user, view="month", date="2027-02-01")

    assert body.count('<span class="time">13:00</span>') == 1
    assert body.count('<span class="time"><span aria-label="continued">⋯</span></span>') == 1
    assert '<span class="time">00:00</span>' not in body
