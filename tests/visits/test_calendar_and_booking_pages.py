"""The calendar pages and the booking form (checked on the server)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import accepted_visit, full_visit
from visits.enums import VisitStatus
from visits.models import AgendaItem, Official, Venue, Visit

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture
def english(staff_client):
    staff_client.cookies["django_language"] = "en"
    return staff_client


def test_month_calendar_shows_the_visit(visit, english):
    response = english.get("/calendar/", {"view": "month", "date": "2025-04-01"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "April 2025" in body
    assert f'href="/visits/{visit.pk}/"' in body
    # The chip names the guest shortly; the whole title, guest and room are in its title attribute.
    assert '<span class="time">09:00</span> Pemkab Buleleng</a>' in body
    assert "Times in WIB." in body


@pytest.mark.parametrize("view", ["week", "day"])
def test_week_and_day_views_filter_by_room_and_official(visit, english, view):
    site = Venue.objects.get(name="Ngalam Command Center (NCC)")
    lobby = Venue.objects.get(name="Lobi Balai Kota Malang")
    agus = Official.objects.get(name="Agus Contoh")

    by_site = english.get(
        "/calendar/", {"view": view, "date": "2025-04-25", "venue": site.pk}
    ).content.decode()
    by_agus = english.get(
        "/calendar/", {"view": view, "date": "2025-04-25", "official": agus.pk}
    ).content.decode()
    by_lobby = english.get(
        "/calendar/", {"view": view, "date": "2025-04-25", "venue": lobby.pk}
    ).content.decode()
    next_week = english.get(
        "/calendar/", {"view": view, "date": "2025-05-06", "venue": lobby.pk}
    ).content.decode()

    assert visit.title in by_site
    assert visit.title in by_agus  # a resource person of the visit, though in no agenda item
    assert visit.title in by_lobby  # the arrival is held in the lobby
    assert visit.title not in next_week


def test_calendar_bad_parameters_fall_back(visit, english):
    response = english.get("/calendar/", {"view": "year", "date": "kemarin", "venue": "x"})

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_calendar_query_count_constant(host, english, django_assert_num_queries, rows):
    for n in range(rows):
        full_visit(
            host=host,
            start=dt.datetime(2025, 5, 6 + n, 9, 0, tzinfo=WIB),
            end=dt.datetime(2025, 5, 6 + n, 12, 0, tzinfo=WIB),
        )

    # session, user, role groups, the user's host ids, the hosts with their zones, visits, rooms, officials
    with django_assert_num_queries(8):
        response = english.get("/calendar/", {"view": "month", "date": "2025-05-01"})

    assert response.content.decode().count('class="chip') == rows


def accepted(visit):
    return accepted_visit(visit.host)


def test_booking_form_checks_then_books(visit, english):
    other = accepted(visit)
    hall = Venue.objects.get(name="Lobi Balai Kota Malang")
    form = {"date": "2025-05-06", "start": "09:00", "end": "11:00", "venue": hall.pk, "title": "Audiensi"}

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        checked = english.post(f"/visits/{other.pk}/book/", {**form, "action": "check"})
        booked = english.post(f"/visits/{other.pk}/book/", {**form, "action": "book"})

    assert "No conflict" in checked.content.decode()
    assert booked.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.start) == (VisitStatus.SCHEDULED, dt.datetime(2025, 5, 6, 9, 0, tzinfo=WIB))


def test_booking_form_refuses_the_taken_room_with_a_clear_message(visit, english):
    other = accepted(visit)
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(
            f"/visits/{other.pk}/book/",
            {"date": "2025-04-25", "start": "10:00", "end": "11:00", "venue": sidang.pk, "action": "book"},
        )

    assert response.status_code == 409
    assert "Ruang Sidang Balai Kota Malang is booked 25/04/2025 10:45–10:55" in response.content.decode()
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.ACCEPTED


def test_booking_form_asks_a_reason_for_each_warning(visit, english):
    other = accepted(visit)
    hall = Venue.objects.get(name="Lobi Balai Kota Malang")
    form = {"date": "2025-05-10", "start": "09:00", "end": "10:00", "venue": hall.pk, "action": "book"}

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        refused = english.post(f"/visits/{other.pk}/book/", form)
        accepted_with_reason = english.post(
            f"/visits/{other.pk}/book/", {**form, "reason_weekend": "Permintaan Sekda."}
        )

    assert refused.status_code == 409
    assert (
        "Give a reason to go ahead despite: Saturday, 10 May 2025 falls on a weekend."
        in refused.content.decode()
    )
    assert accepted_with_reason.status_code == 302
    assert Visit.objects.get(pk=other.pk).booking_warnings[0]["reason"] == "Permintaan Sekda."


def test_booking_form_suggests_free_slots(visit, english):
    other = accepted(visit)

    with time_machine.travel(dt.datetime(2025, 4, 24, 9, 0, tzinfo=WIB), tick=False):
        response = english.get(f"/visits/{other.pk}/book/")

    assert response.status_code == 200
    assert len(response.context["suggestions"]) == 6


def test_booking_form_with_nonsense_times_is_400(visit, english):
    other = accepted(visit)

    response = english.post(
        f"/visits/{other.pk}/book/", {"date": "besok", "start": "9", "end": "", "action": "book"}
    )

    assert response.status_code == 400
    assert "Give the date and the start and end times." in response.content.decode()


def test_booking_form_live_check_returns_only_the_findings(visit, english):
    other = accepted(visit)
    sidang = Venue.objects.get(name="Ruang Sidang Balai Kota Malang")

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(
            f"/visits/{other.pk}/book/",
            {"date": "2025-04-25", "start": "10:00", "end": "11:00", "venue": sidang.pk, "action": "check"},
            headers={"X-Requested-With": "fetch"},
        )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'data-code="room_double_booked"' in body


def test_booking_form_edits_the_agenda(visit, english):
    other = accepted(visit)
    hall = Venue.objects.get(name="Lobi Balai Kota Malang")
    site = Venue.objects.get(name="Ngalam Command Center (NCC)")
    dewi = Official.objects.get(name="Dewi Contoh")
    form = {
        "date": "2025-05-06",
        "start": "09:00",
        "end": "11:30",
        "venue": hall.pk,
        "action": "book",
        "item_start": ["09:00", "10:00", ""],
        "item_end": ["10:00", "11:30", ""],
        "item_title": ["Paparan", "Peninjauan NCC", ""],
        "item_kind": ["presentation", "site_tour", "other"],
        "item_venue": ["", str(site.pk), ""],
        "item_official": [str(dewi.pk), str(dewi.pk), ""],
    }

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(f"/visits/{other.pk}/book/", form)

    assert response.status_code == 302
    rows = list(
        other.agenda_items.order_by("start").values_list("title", "kind", "venue__name", "official__name")
    )
    assert rows == [
        ("Paparan", "presentation", "Lobi Balai Kota Malang", "Dewi Contoh"),
        ("Peninjauan NCC", "site_tour", "Ngalam Command Center (NCC)", "Dewi Contoh"),
    ]


def test_booking_form_refuses_overlapping_agenda_rows(visit, english):
    other = accepted(visit)
    form = {
        "date": "2025-05-06",
        "start": "09:00",
        "end": "11:00",
        "action": "book",
        "item_start": ["09:00", "09:30"],
        "item_end": ["10:00", "10:30"],
        "item_title": ["A", "B"],
        "item_kind": ["other", "other"],
        "item_venue": ["", ""],
        "item_official": ["", ""],
    }

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(f"/visits/{other.pk}/book/", form)

    assert response.status_code == 409
    assert "Items 1 and 2 of the agenda overlap." in response.content.decode()


def test_booking_form_prefills_the_agenda_moved_to_the_chosen_slot(visit, english):
    response = english.get(
        f"/visits/{visit.pk}/book/", {"date": "2025-05-06", "start": "10:00", "end": "12:30"}
    )

    rows = response.context["values"]["rows"]
    assert [(r["start"], r["end"]) for r in rows][:2] == [("09:45", "10:00"), ("10:00", "10:15")]


def test_booking_form_keeps_a_guest_speaker_and_books_one_from_the_api(visit, english, api_client):
    other = accepted(visit)
    hall = Venue.objects.get(name="Lobi Balai Kota Malang")
    AgendaItem.objects.create(
        visit=other,
        start=other.start,
        end=other.start + dt.timedelta(minutes=30),
        title="Sambutan Sekda tamu",
        kind="remarks",
        guest_speaker="Lalu Contoh Saputra",
    )
    query = {"date": "2025-05-06", "start": "09:00", "end": "11:00", "venue": hall.pk}

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        page = english.get(f"/visits/{other.pk}/book/", query).content.decode()
        booked = english.post(
            f"/visits/{other.pk}/book/",
            {
                **query,
                "action": "book",
                "item_start": ["09:00"],
                "item_end": ["09:30"],
                "item_title": ["Sambutan Sekda tamu"],
                "item_kind": ["remarks"],
                "item_venue": [""],
                "item_official": [""],
                "item_guest_speaker": ["Lalu Contoh Saputra"],
            },
        )
        after_page = list(other.agenda_items.values_list("guest_speaker", flat=True))
        api = api_client.post(
            f"/api/v1/visits/{other.pk}/schedule/",
            {
                "start": "2025-05-07T09:00:00+07:00",
                "end": "2025-05-07T10:00:00+07:00",
                "venue": hall.pk,
                "items": [
                    {
                        "start": "2025-05-07T09:00:00+07:00",
                        "end": "2025-05-07T09:30:00+07:00",
                        "title": "Sambutan",
                        "guest_speaker": "Baiq Contoh",
                    }
                ],
            },
            format="json",
        )

    assert 'value="Lalu Contoh Saputra"' in page
    assert booked.status_code == 302
    assert after_page == ["Lalu Contoh Saputra"]
    assert api.status_code == 200, api.json()
    assert list(other.agenda_items.values_list("guest_speaker", flat=True)) == ["Baiq Contoh"]
    assert api.json()["agenda"][0]["speaker"] == "Baiq Contoh"


def test_booking_form_posted_without_the_guest_speaker_column_still_reads_its_rows(visit, english):
    other = accepted(visit)
    hall = Venue.objects.get(name="Lobi Balai Kota Malang")
    form = {
        "date": "2025-05-06",
        "start": "09:00",
        "end": "11:00",
        "venue": hall.pk,
        "action": "book",
        "item_start": ["09:00"],
        "item_end": ["10:00"],
        "item_title": ["Paparan"],
        "item_kind": ["presentation"],
        "item_venue": [""],
        "item_official": [""],
    }

    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = english.post(f"/visits/{other.pk}/book/", form)

    assert response.status_code == 302
    assert list(other.agenda_items.values_list("title", flat=True)) == ["Paparan"]
