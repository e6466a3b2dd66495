"""The request workflow: registration, the leadership's disposition, booking, the reply letter, and the
audit trail; every transition only from the right state and for the right role."""

import copy
import datetime as dt
import io
import re
import zoneinfo

import pypdf
import pytest
import time_machine
from django.utils import translation

from visits import roles
from visits.enums import DispositionDecision, VisitStatus
from visits.letters import reply_letter_pdf
from visits.models import Disposition, ReplyLetter, StatusChange, Visit
from visits.services import ServiceError, visit_reschedule
from visits.services.workflow import (
    reply_letter_issue,
    visit_complete,
    visit_dispose,
    visit_report_approve,
    visit_start,
)

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
BEFORE = dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB)


def issue_letter(visit, number: str) -> ReplyLetter:
    """The host's reply letter to ``visit`` numbered ``number``, dated 14 April 2025, signed by the Sekda."""
    return reply_letter_issue(
        visit=visit,
        number=number,
        date=dt.date(2025, 4, 14),
        signed_by_name="Budi Santoso Contoh",
        signed_by_position="Sekretaris Daerah Kota Malang",
    )


@pytest.fixture(autouse=True)
def _english_and_before_the_visit():
    with translation.override("en"), time_machine.travel(BEFORE, tick=False):
        yield


@pytest.fixture
def leader(make_user):
    return make_user("pimpinan", roles.LEADERSHIP, is_staff=True)


@pytest.fixture
def request_file(demo_data) -> dict:
    data = copy.deepcopy(demo_data)
    data["visit"].pop("status", None)
    return data


def pdf_text(pdf: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )


def register(api_client, request_file) -> Visit:
    response = api_client.post("/api/v1/visits/register/", request_file, format="json")
    assert response.status_code == 201
    return Visit.objects.get(pk=response.json()["id"])


def test_register_creates_a_request_that_holds_no_room(db, api_client, request_file):
    visit = register(api_client, request_file)

    assert visit.status == VisitStatus.REQUESTED
    assert set(visit.agenda_items.values_list("holds_room", flat=True)) == {False}
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "requested")]


def test_register_bad_file_is_400_with_every_problem(db, api_client, request_file):
    request_file["visit"]["date"] = "25/04/2025"
    del request_file["delegation"]["leader"]

    response = api_client.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 400
    # Without a leader, the agenda's "I Komang Contoh" names nobody in the delegation either.
    assert [p["path"] for p in response.json()["problems"]] == [
        "delegation.leader",
        "visit.date",
        "visit.agenda[2].speaker",
    ]
    assert Visit.objects.count() == 0


def test_only_the_leadership_decides(db, api_client, staff_user, request_file):
    visit = register(api_client, request_file)

    with (
        translation.override("en"),
        pytest.raises(ServiceError) as caught,
    ):  # the API call left Indonesian active
        visit_dispose(visit=visit, decision=DispositionDecision.ACCEPT, by=staff_user)

    assert str(caught.value) == "Only the leadership decides on a visit request."
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.REQUESTED


def test_accept_then_book_then_run_the_visit(db, api_client, leader, request_file):
    visit = register(api_client, request_file)
    leader_client = api_client.__class__()
    leader_client.force_authenticate(leader)

    decided = leader_client.post(
        f"/api/v1/visits/{visit.pk}/dispose/", {"decision": "accept", "note": "Terima."}
    )
    booked = api_client.post(
        f"/api/v1/visits/{visit.pk}/schedule/",
        {
            "start": "2025-04-25T09:00:00+07:00",
            "end": "2025-04-25T11:30:00+07:00",
            "venue": visit.venue_id,
            "items": [
                {"start": "2025-04-25T09:00:00+07:00", "end": "2025-04-25T11:00:00+07:00", "title": "Paparan"}
            ],
        },
        format="json",
    )

    assert decided.status_code == 200
    assert booked.status_code == 200
    assert booked.json()["status"] == "scheduled"
    with time_machine.travel(dt.datetime(2025, 4, 25, 9, 5, tzinfo=WIB), tick=False):
        visit_start(visit=visit)
        visit_complete(visit=visit)
        visit_report_approve(visit=visit)
    history = list(StatusChange.objects.filter(visit=visit).values_list("from_status", "to_status"))
    assert history == [
        ("", "requested"),
        ("requested", "accepted"),
        ("accepted", "scheduled"),
        ("scheduled", "in_progress"),
        ("in_progress", "completed"),
        ("completed", "reported"),
    ]
    assert StatusChange.objects.get(to_status="accepted").by == leader
    assert set(visit.agenda_items.values_list("holds_room", flat=True)) == {True}


def test_wrong_transitions_are_refused(visit, leader):
    with pytest.raises(ServiceError) as caught:
        visit_report_approve(visit=visit)
    assert str(caught.value) == "A visit that is “Scheduled” cannot become “Reported”."

    with pytest.raises(ServiceError) as caught:
        visit_complete(visit=visit)  # "now" is 12 April; the visit starts on the 25th
    assert str(caught.value) == "A visit cannot be completed before its day."

    with pytest.raises(ServiceError):
        visit_dispose(visit=visit, decision=DispositionDecision.ACCEPT, by=leader)


def test_declined_visit_cannot_be_completed_and_its_letter_gives_the_reason(
    db, api_client, leader, request_file
):
    visit = register(api_client, request_file)

    with pytest.raises(ServiceError):
        visit_dispose(visit=visit, decision=DispositionDecision.DECLINE, by=leader)  # no reason
    visit_dispose(
        visit=visit,
        decision=DispositionDecision.DECLINE,
        by=leader,
        note="Sudah ada agenda pimpinan di luar kota.",
    )
    visit.refresh_from_db()
    letter = issue_letter(visit, "000.1.5/0512/35.73.402/2025")

    assert visit.status == VisitStatus.DECLINED
    with pytest.raises(ServiceError):
        visit_complete(visit=visit)
    assert (letter.accepted, letter.reason) == (False, "Sudah ada agenda pimpinan di luar kota.")
    text = pdf_text(reply_letter_pdf(letter=letter, language="id"))
    assert "Sudah ada agenda pimpinan di luar kota." in text
    assert "000.1.5/0512/35.73.402/2025" in text


def test_forwarding_names_the_agency(db, api_client, leader, request_file):
    visit = register(api_client, request_file)

    with pytest.raises(ServiceError):
        visit_dispose(visit=visit, decision=DispositionDecision.FORWARD, by=leader)
    visit_dispose(
        visit=visit, decision=DispositionDecision.FORWARD, by=leader, forwarded_to="Diskominfo Kota Malang"
    )

    assert Disposition.objects.get().forwarded_to == "Diskominfo Kota Malang"
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.FORWARDED


def test_acceptance_letter_pdf_reads_right(visit):
    letter = issue_letter(visit, "000.1.5/0498/35.73.402/2025")

    text = pdf_text(reply_letter_pdf(letter=letter, language="id"))

    assert "PEMERINTAH KOTA MALANG" in text
    assert "Malang, 14 April 2025" in text
    assert "000.1.5/0498/35.73.402/2025" in text
    assert "Pemerintah Kabupaten Buleleng" in text
    assert "000.1.5/0417/Prokopim/2025" in text  # their request letter
    assert "Jumat, 25 April 2025" in text
    assert "09:00–11:30 WIB (10:00–12:30 WITA)" in text
    assert "Ruang Sidang Balai Kota Malang" in text
    assert "Budi Santoso Contoh" in text


def test_an_issued_letter_keeps_its_time_and_place_and_the_page_asks_for_a_new_one(visit, staff_client):
    letter = issue_letter(visit, "000.1.5/0498/35.73.402/2025")
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0, tzinfo=WIB), tick=False):
        visit_reschedule(visit=visit, start=dt.datetime(2025, 5, 7, 13, 0, tzinfo=WIB))
    Visit.objects.filter(pk=visit.pk).update(venue=None)

    text = pdf_text(reply_letter_pdf(letter=ReplyLetter.objects.get(pk=letter.pk), language="id"))
    staff_client.cookies["django_language"] = "en"
    page = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert "Jumat, 25 April 2025" in text
    assert "09:00–11:30 WIB (10:00–12:30 WITA)" in text
    assert "Ruang Sidang Balai Kota Malang" in text
    assert "Rabu, 7 Mei 2025" not in text
    assert f'id="letter-{letter.pk}-outdated"' in page
    assert "It gives the visit's earlier time or place: issue a new letter." in page


def test_a_letter_matching_the_visit_is_not_flagged(visit, staff_client):
    letter = issue_letter(visit, "000.1.5/0499/35.73.402/2025")

    page = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert f"/reply-letter/{letter.pk}.pdf" in page
    assert f'id="letter-{letter.pk}-outdated"' not in page


def test_reply_letter_number_is_unique_per_host_and_needs_a_decision(db, api_client, visit, request_file):
    reply_letter_issue(
        visit=visit, number="A/1", date=dt.date(2025, 4, 14), signed_by_name="X", signed_by_position="Y"
    )

    with pytest.raises(ServiceError):
        reply_letter_issue(
            visit=visit, number="A/1", date=dt.date(2025, 4, 14), signed_by_name="X", signed_by_position="Y"
        )
    assert ReplyLetter.objects.count() == 1

    response = api_client.post(
        f"/api/v1/visits/{visit.pk}/reply-letters/",
        {"number": "A/2", "date": "2025-04-14", "signed_by_name": "X", "signed_by_position": "Y"},
    )
    assert response.status_code == 201
    pdf = api_client.get(f"/api/v1/visits/{visit.pk}/reply-letter.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_visit_page_offers_the_decision_only_to_the_leadership(
    db, client, api_client, leader, staff_user, request_file
):
    visit = register(api_client, request_file)

    client.cookies["django_language"] = "en"
    client.force_login(staff_user)
    staff_page = client.get(f"/visits/{visit.pk}/").content.decode()
    client.force_login(leader)
    leader_page = client.get(f"/visits/{visit.pk}/").content.decode()
    posted = client.post(f"/visits/{visit.pk}/dispose/", {"decision": "accept"})

    assert "Waiting for the leadership" in staff_page
    assert f'action="/visits/{visit.pk}/dispose/"' not in staff_page
    assert f'action="/visits/{visit.pk}/dispose/"' in leader_page
    assert posted.status_code == 302
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.ACCEPTED


def test_letters_issued_before_the_upgrade_get_their_visits_current_terms(visit):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("visits.migrations.0009_reply_letter_keeps_its_terms")
    old = ReplyLetter.objects.create(
        visit=visit,
        host=visit.host,
        number="000.1.5/0001/lama",
        date=dt.date(2025, 4, 14),
        accepted=True,
        signed_by_name="Budi Santoso Contoh",
        signed_by_position="Sekretaris Daerah Kota Malang",
    )

    migration.terms_from_the_visit(apps, None)

    old.refresh_from_db()
    assert (old.visit_start, old.visit_end, old.venue_name, old.booked) == (
        visit.start,
        visit.end,
        "Ruang Sidang Balai Kota Malang",
        True,
    )
    assert not old.differs_from(visit)


def test_a_superseded_letter_says_so_and_only_the_newest_may_ask_for_a_new_one(visit, staff_client):
    first = issue_letter(visit, "000.1.5/0500/35.73.402/2025")
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0, tzinfo=WIB), tick=False):
        visit_reschedule(visit=visit, start=dt.datetime(2025, 5, 7, 13, 0, tzinfo=WIB))
    second = issue_letter(Visit.objects.get(pk=visit.pk), "000.1.5/0501/35.73.402/2025")
    staff_client.cookies["django_language"] = "en"

    page = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert f'id="letter-{first.pk}-outdated"' not in page
    assert f'id="letter-{second.pk}-outdated"' not in page
    assert "replaced by the letter above" in page


def test_the_visit_page_lists_the_warnings_booked_despite_with_their_reasons(visit, staff_client):
    Visit.objects.filter(pk=visit.pk).update(
        booking_warnings=[
            {
                "code": "weekend",
                "message": "Saturday, 10 May 2025 falls on a weekend.",
                "reason": "Acara <b>khusus</b>",
            }
        ]
    )

    page = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert 'id="booking-warnings"' in page
    assert "Saturday, 10 May 2025 falls on a weekend." in page
    assert "Acara &lt;b&gt;khusus&lt;/b&gt;" in page


def test_a_visit_booked_without_warnings_lists_none(visit, staff_client):
    Visit.objects.filter(pk=visit.pk).update(booking_warnings=[])

    assert 'id="booking-warnings"' not in staff_client.get(f"/visits/{visit.pk}/").content.decode()
