"""Control characters in what is typed about a visit's outcome (follow-ups, quotes, attendance, key points,
agenda notes) and in a host's officials and venues: refused with a message, nothing saved; line breaks
kept where a field has several lines. Also: the report render's retry takes no fields."""

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from reports.models import AgendaNote, Attendance, FollowUp, KeyPoint, Quote, RenderStatus
from reports.services import (
    agenda_notes_set,
    attendance_record,
    follow_up_add,
    key_points_set,
    quote_add,
    report_render_request,
)
from visits.models import Official, Venue
from visits.services.base import ServiceError

from .files import AFTER_THE_VISIT, RENDER_STOPPED


@pytest.fixture(autouse=True)
def after_the_visit():
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        yield


@pytest.fixture
def english():
    """Service messages are checked in English, the source language, whatever an earlier test left
    active (the test settings' language is Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def api(api_client):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api_client


@pytest.fixture
def follow_up(visit):
    return follow_up_add(visit=visit, text="Kirim SOP", owner_unit="Bagian Protokol")


def test_follow_up_text_with_a_control_character_is_refused(follow_up, api):
    response = api.patch(f"/api/v1/follow-ups/{follow_up.pk}/", {"text": "SOP \u0001 x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Remove the control characters from the follow-up."}
    follow_up.refresh_from_db()
    assert follow_up.text == "Kirim SOP"


def test_follow_up_owner_unit_must_be_one_line(follow_up, api):
    response = api.patch(
        f"/api/v1/follow-ups/{follow_up.pk}/", {"owner_unit": "Diskominfo\r\nBcc: x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Write the owning unit on one line, without line breaks or tabs."}
    follow_up.refresh_from_db()
    assert follow_up.owner_unit == "Bagian Protokol"


def test_follow_up_text_keeps_its_line_breaks_and_tabs(follow_up, api):
    response = api.patch(
        f"/api/v1/follow-ups/{follow_up.pk}/", {"text": "Kirim:\r\n-\tSOP\r\n-\tpaparan"}, format="json"
    )

    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert follow_up.text == "Kirim:\n-\tSOP\n-\tpaparan"


def test_follow_up_created_with_del_is_refused(visit, api):
    before = FollowUp.objects.count()

    response = api.post(
        "/api/v1/follow-ups/", {"visit": visit.pk, "text": "Rapat\u007f lanjutan"}, format="json"
    )

    assert response.status_code == 400
    assert FollowUp.objects.count() == before


def test_quote_with_a_control_character_is_refused(visit, english):
    with pytest.raises(ServiceError) as refused:
        quote_add(visit=visit, speaker_name="Budi\u0000 Santoso", words="Selamat datang.")

    assert str(refused.value) == "Remove the control characters from the speaker's name."
    assert not Quote.objects.filter(words="Selamat datang.").exists()


def test_quote_words_refuse_escape_but_keep_line_breaks(visit, english):
    with pytest.raises(ServiceError) as refused:
        quote_add(visit=visit, speaker_name="Budi", words="Halo \u001b[31m")
    quote = quote_add(visit=visit, speaker_name="Budi", words="Baris satu.\nBaris dua.")

    assert str(refused.value) == "Remove the control characters from the words."
    assert quote.words == "Baris satu.\nBaris dua."


def test_attendance_name_with_a_line_break_is_refused(visit, english):
    before = Attendance.objects.count()

    with pytest.raises(ServiceError) as refused:
        attendance_record(visit=visit, kind="walk_in", name="Evil\nBcc: x@evil.example")

    assert str(refused.value) == "Write the name on one line, without line breaks or tabs."
    assert Attendance.objects.count() == before


def test_key_points_with_a_control_character_save_nothing(visit, english):
    key_points_set(visit=visit, texts=["Pertama"])

    with pytest.raises(ServiceError) as refused:
        key_points_set(visit=visit, texts=["Baru", "Kedua\u0007"])

    assert str(refused.value) == "Remove the control characters from key point 2."
    assert list(KeyPoint.objects.filter(visit=visit).values_list("text", flat=True)) == ["Pertama"]


def test_agenda_note_with_a_control_character_is_refused(visit, english):
    item = visit.agenda_items.order_by("start").first()

    with pytest.raises(ServiceError) as refused:
        agenda_notes_set(visit=visit, notes={item.pk: "Catatan\u0008"})

    assert str(refused.value) == f"Remove the control characters from the note on “{item.title}”."
    assert not AgendaNote.objects.filter(agenda_item=item).exists()


# Officials and venues (visits/resource_serializers.py)


def test_official_with_a_control_character_is_400_and_not_saved(host, api):
    response = api.post(
        "/api/v1/officials/",
        {"institution": host.pk, "name": "Dr.\u0001 Wahyu", "position": "Asisten\nI", "precedence": 2},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["It contains control characters."],
        "position": ["It must be one line, without line breaks."],
    }
    assert not Official.objects.filter(name__contains="Wahyu").exists()


def test_official_patch_with_a_tab_is_400(host, api):
    official = Official.objects.create(institution=host, name="Dr. Wahyu", position="Asisten I")

    response = api.patch(f"/api/v1/officials/{official.pk}/", {"unit": "Bagian\tUmum"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"unit": ["It contains control characters."]}
    official.refresh_from_db()
    assert official.unit == ""


def test_venue_description_keeps_lines_but_the_name_must_be_one_line(host, api):
    refused = api.post(
        "/api/v1/venues/",
        {"institution": host.pk, "name": "Aula\r\nUtama", "kind": "meeting_room", "capacity": 50},
        format="json",
    )
    created = api.post(
        "/api/v1/venues/",
        {
            "institution": host.pk,
            "name": "Aula Utama",
            "kind": "meeting_room",
            "capacity": 50,
            "description": "Lantai 2.\nAda proyektor.",
        },
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"name": ["It must be one line, without line breaks."]}
    assert created.status_code == 201
    assert Venue.objects.get(pk=created.json()["id"]).description == "Lantai 2.\nAda proyektor."


# The report render's retry
@RENDER_STOPPED
def test_report_render_retry_refuses_unknown_fields(visit, staff_user, settings, no_gc_callbacks):
    settings.SAMBANG_PDF_TIME_LIMIT = 0.001
    failed = report_render_request(visit=visit, by=staff_user, language="en")
    settings.SAMBANG_PDF_TIME_LIMIT = 60
    api = APIClient()
    api.force_authenticate(staff_user)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = api.post(f"/api/v1/report-renders/{failed.pk}/retry/", {"force": True}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"force": ["Unknown field."]}
    failed.refresh_from_db()
    assert failed.status == RenderStatus.FAILED


def test_admin_official_form_refuses_a_control_character(host, client, django_user_model):
    admin_user = django_user_model.objects.create_superuser(username="admin", password="rahasia-123")
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        "/admin/visits/official/add/",
        {"institution": host.pk, "name": "Dr.\u0001 Wahyu", "position": "Asisten I", "precedence": 2},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": ["It contains control characters."]}
    assert not Official.objects.filter(position="Asisten I").exists()
