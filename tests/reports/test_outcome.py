"""Recording what happened at a visit: the services (attendance, notes, key points, quotes, follow-ups,
signature block), when recording is open, and the staff page /visits/<id>/outcome/ as a browser sees it."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.utils import translation

from reports.models import AgendaNote, Attendance, FollowUp, KeyPoint, Outcome, Photo, Quote
from reports.services import (
    NotRecordable,
    agenda_notes_set,
    attendance_set,
    follow_ups_set,
    key_points_set,
    photo_add,
    quote_add,
    quotes_set,
    report_signature_set,
)
from tests.factories import MemberFactory, VisitFactory
from visits.enums import VisitStatus
from visits.models import Visit
from visits.services import ServiceError

from .files import AFTER_THE_VISIT, BEFORE_THE_VISIT, phone_jpeg, upload

SCRIPT_QUOTE = '<script>alert(1)</script><img src="http://127.0.0.1:9/x.png">'


@pytest.fixture
def after_the_visit():
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        yield


@pytest.fixture
def english():
    """Service messages are checked in English, the source language; the page's in Indonesian."""
    with translation.override("en"):
        yield


def page(staff_client, visit):
    return staff_client.get(f"/visits/{visit.pk}/outcome/")


def post(staff_client, visit, data, **kwargs):
    return staff_client.post(f"/visits/{visit.pk}/outcome/", data, **kwargs)


def alert(body: str) -> str:
    """The text of the page's error notice."""
    match = re.search(r'<p class="notice bad" role="alert">(.*?)</p>', body, re.S)
    return unescape(match[1]) if match else ""


# When recording is open


def test_recording_before_the_visit_refused(visit, english):
    with (
        time_machine.travel(BEFORE_THE_VISIT, tick=False),
        pytest.raises(NotRecordable, match="not started yet"),
    ):
        quote_add(visit=visit, speaker_name="Budi Santoso Contoh", words="Selamat datang.")

    assert Quote.objects.count() == 0


def test_recording_once_the_visit_started(visit):
    during = visit.start + dt.timedelta(minutes=5)

    with time_machine.travel(during, tick=False):
        quote = quote_add(visit=visit, speaker_name="Budi Santoso Contoh", words="Selamat datang.")

    assert quote.order == 1


def test_recording_on_a_cancelled_visit_refused(visit, after_the_visit, english):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    visit.refresh_from_db()

    with pytest.raises(NotRecordable, match="cancelled"):
        key_points_set(visit=visit, texts=["Satu."])


# Attendance


def test_attendance_set_records_leader_members_and_walk_ins(visit, after_the_visit):
    members = list(visit.delegation.members.all())

    attendance_set(
        visit=visit,
        leader_present=True,
        present_member_ids=[members[0].pk, members[2].pk],
        walk_ins=[
            {"name": "Putu Contoh", "position": "Staf Humas", "institution": "Diskominfo Buleleng"},
            {"name": "", "position": "", "institution": ""},
        ],
    )

    rows = [(a.kind, a.name, a.present) for a in Attendance.objects.filter(visit=visit)]
    assert rows == [
        ("leader", "I Komang Contoh", True),
        ("member", "I Made Contoh", True),
        ("member", "Gusti Ayu Contoh", False),
        ("member", "Ketut Contoh", True),
        ("member", "Wayan Contoh", False),
        ("walk_in", "Putu Contoh", True),
    ]


def test_attendance_set_again_replaces(visit, after_the_visit):
    member = visit.delegation.members.first()
    attendance_set(visit=visit, leader_present=True, present_member_ids=[member.pk])

    attendance_set(visit=visit, leader_present=False, present_member_ids=[])

    assert Attendance.objects.filter(visit=visit, present=True).count() == 0
    assert Attendance.objects.filter(visit=visit).count() == 5


def test_attendance_member_of_another_delegation_refused(visit, after_the_visit, english):
    stranger = MemberFactory()

    with pytest.raises(ServiceError, match="not on this delegation's member list"):
        attendance_set(visit=visit, leader_present=True, present_member_ids=[stranger.pk])

    assert Attendance.objects.count() == 0


def test_attendance_walk_in_without_name_refused(visit, after_the_visit, english):
    with pytest.raises(ServiceError, match="Walk-in 1: Fill in the name."):
        attendance_set(
            visit=visit, leader_present=True, present_member_ids=[], walk_ins=[{"position": "Staf"}]
        )


def test_attendance_survives_a_member_leaving_the_list(visit, after_the_visit):
    member = visit.delegation.members.first()
    attendance_set(visit=visit, leader_present=True, present_member_ids=[member.pk])

    member.delete()

    row = Attendance.objects.get(visit=visit, name="I Made Contoh")
    assert (row.member_id, row.present) == (None, True)


# Quotes


def test_quote_without_speaker_refused(visit, after_the_visit, english):
    with pytest.raises(ServiceError, match="^Fill in the speaker's name.$"):
        quote_add(visit=visit, speaker_name="  ", words="Kerja sama ini kami harapkan berlanjut.")

    assert Quote.objects.count() == 0


def test_quote_without_words_refused(visit, after_the_visit, english):
    with pytest.raises(ServiceError, match="^Fill in the words.$"):
        quote_add(visit=visit, speaker_name="Budi Santoso Contoh", words="")


def test_quote_typed_quotation_marks_dropped(visit, after_the_visit):
    quote = quote_add(visit=visit, speaker_name="Budi", words="“Selamat datang di Malang.”")

    assert quote.words == "Selamat datang di Malang."


def test_quotes_set_keeps_changes_adds_and_removes(visit, after_the_visit):
    first = quote_add(visit=visit, speaker_name="A", words="Satu.")
    second = quote_add(visit=visit, speaker_name="B", words="Dua.")

    quotes_set(
        visit=visit,
        rows=[
            {"id": str(second.pk), "speaker_name": "B", "speaker_position": "Sekda", "words": "Dua, diubah."},
            {"id": "", "speaker_name": "C", "speaker_position": "", "words": "Tiga."},
            {"id": "", "speaker_name": "", "speaker_position": "", "words": ""},
        ],
    )

    rows = [(q.pk == second.pk, q.speaker_name, q.words, q.order) for q in Quote.objects.filter(visit=visit)]
    assert rows == [(True, "B", "Dua, diubah.", 1), (False, "C", "Tiga.", 2)]
    assert Quote.objects.filter(pk=first.pk).exists() is False


def test_quotes_set_row_without_speaker_refused_and_nothing_saved(visit, after_the_visit, english):
    with pytest.raises(ServiceError, match="^Quote 2: Fill in the speaker's name.$"):
        quotes_set(
            visit=visit,
            rows=[
                {"speaker_name": "A", "words": "Satu."},
                {"speaker_name": "", "speaker_position": "Sekda", "words": "Tanpa pembicara."},
            ],
        )

    assert Quote.objects.count() == 0


# Follow-ups, notes, key points, signature


def test_follow_ups_set_numbers_in_order(visit, after_the_visit):
    existing = FollowUp.objects.get(visit=visit)

    follow_ups_set(
        visit=visit,
        rows=[
            {
                "text": "Kirim paparan",
                "owner_unit": "Diskominfo",
                "due_date": dt.date(2025, 5, 2),
                "status": "open",
            },
            {"id": existing.pk, "text": existing.text, "owner_unit": existing.owner_unit, "status": "done"},
        ],
    )

    rows = [(f.position, f.text, f.due_date, f.status) for f in FollowUp.objects.filter(visit=visit)]
    assert rows == [
        (1, "Kirim paparan", dt.date(2025, 5, 2), "open"),
        (2, "Tukar-menukar SOP publikasi Command Center", None, "done"),
    ]


def test_follow_ups_set_bad_date_and_status_refused(visit, after_the_visit, english):
    with pytest.raises(ServiceError) as caught:
        follow_ups_set(visit=visit, rows=[{"text": "X", "due_date": "31/02/2025", "status": "maybe"}])

    assert str(caught.value) == (
        "Follow-up 1: Choose the status: open or completed. Follow-up 1: The due date is not a date."
    )


def test_agenda_notes_set_and_clear(visit, after_the_visit):
    items = list(visit.agenda_items.all())

    agenda_notes_set(visit=visit, notes={items[3].pk: "Paparan 40 menit, 12 slide.", items[4].pk: ""})
    agenda_notes_set(visit=visit, notes={items[4].pk: "Tiga pertanyaan."})
    agenda_notes_set(visit=visit, notes={items[3].pk: ""})

    assert [(n.agenda_item_id, n.text) for n in AgendaNote.objects.all()] == [
        (items[4].pk, "Tiga pertanyaan.")
    ]


def test_agenda_note_for_another_visits_item_refused(visit, after_the_visit, english):
    other = VisitFactory(start=visit.start, end=visit.end)
    item = other.agenda_items.create(start=other.start, end=other.end, title="Lain")

    with pytest.raises(ServiceError, match="another visit"):
        agenda_notes_set(visit=visit, notes={item.pk: "Catatan"})


def test_key_points_set_replaces_in_order(visit, after_the_visit):
    key_points_set(visit=visit, texts=["Pertama.", "", "  Kedua.  "])

    assert [(p.position, p.text) for p in KeyPoint.objects.filter(visit=visit)] == [
        (1, "Pertama."),
        (2, "Kedua."),
    ]


def test_signature_nip_digits_kept(visit, after_the_visit):
    outcome = report_signature_set(
        visit=visit,
        prepared_by_name="Rina Contoh",
        prepared_by_nip="19780512 200501 2 002",
        signed_place="Malang",
        signed_date=dt.date(2025, 4, 25),
    )

    assert (outcome.prepared_by_nip, outcome.signed_place) == ("197805122005012002", "Malang")
    assert Outcome.objects.get(visit=visit).news_byline == "yul/yn"  # the rest of the outcome is kept


def test_signature_short_nip_refused(visit, after_the_visit, english):
    with pytest.raises(ServiceError, match="The approver's NIP must have 18 digits"):
        report_signature_set(visit=visit, approved_by_nip="1978 0512")


# The staff page


def test_outcome_page_shows_the_forms(visit, staff_client, after_the_visit):
    response = page(staff_client, visit)

    body = response.content.decode()
    assert response.status_code == 200
    assert "I Komang Contoh, Wakil Bupati Buleleng" in body
    assert 'name="present" value="' in body
    assert "Tukar-menukar SOP publikasi Command Center" in body
    assert 'value="Malang"' in body  # the signing place defaults to the host's city
    assert "disabled" not in body


def test_outcome_page_before_the_visit_says_so_and_disables_the_forms(visit, staff_client):
    with time_machine.travel(BEFORE_THE_VISIT, tick=False):
        response = page(staff_client, visit)

    body = response.content.decode()
    assert (
        '<p class="notice bad">Kunjungan ini belum dimulai; hasilnya dapat dicatat setelah kunjungan berlangsung.</p>'
        in body
    )
    assert body.count("<fieldset disabled>") == body.count("<fieldset") == 8


def test_outcome_page_needs_staff(visit, client, django_user_model):
    user = django_user_model.objects.create_user(username="tamu", password="rahasia-123")

    assert page(client, visit).status_code == 302
    client.force_login(user)
    assert page(client, visit).status_code == 403


def test_outcome_page_link_on_the_visit_page(visit, staff_client):
    body = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert f'href="/visits/{visit.pk}/outcome/"' in body


def test_outcome_page_attendance_saved(visit, staff_client, after_the_visit):
    member = visit.delegation.members.first()

    response = post(
        staff_client,
        visit,
        {
            "section": "attendance",
            "leader_present": "on",
            "present": [str(member.pk)],
            "name": ["Putu Contoh", ""],
            "position": ["Staf", ""],
            "institution": ["", ""],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/outcome/#attendance"
    assert Attendance.objects.filter(visit=visit, present=True).count() == 3


def test_outcome_page_quote_without_speaker_keeps_what_was_typed(visit, staff_client, after_the_visit):
    response = post(
        staff_client,
        visit,
        {
            "section": "quotes",
            "id": ["", ""],
            "speaker_name": ["", "Budi Santoso Contoh"],
            "speaker_position": ["Sekretaris Daerah", ""],
            "words": ["Kerja sama ini kami harapkan berlanjut.", "Selamat datang."],
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert alert(body) == "Kutipan 1: Isi nama pembicara."
    assert "Kerja sama ini kami harapkan berlanjut.</textarea>" in body
    assert 'value="Sekretaris Daerah"' in body
    assert 'value="Budi Santoso Contoh"' in body
    assert Quote.objects.count() == 0


def test_outcome_page_html_in_a_quote_is_shown_as_text(visit, staff_client, after_the_visit):
    quote_add(visit=visit, speaker_name="<b>Budi</b>", words=SCRIPT_QUOTE)

    body = page(staff_client, visit).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert '<img src="http://127.0.0.1:9/x.png">' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in body
    assert "&lt;b&gt;Budi&lt;/b&gt;" in body


def test_outcome_page_photo_upload(visit, staff_client, after_the_visit):
    response = post(
        staff_client,
        visit,
        {"section": "photo_add", "caption": "Foto bersama", "image": upload(phone_jpeg())},
    )

    photo = Photo.objects.get(visit=visit)
    assert response.status_code == 302
    assert (photo.caption, photo.width, photo.height) == ("Foto bersama", 300, 400)
    body = page(staff_client, visit).content.decode()
    assert f'src="/media/{photo.thumbnail.name}"' in body


def test_outcome_page_text_as_photo_refused_with_caption_kept(visit, staff_client, after_the_visit):
    response = post(
        staff_client,
        visit,
        {"section": "photo_add", "caption": "Foto bersama", "image": upload(b"bukan foto", name="foto.jpg")},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert alert(body).startswith("Berkas ini bukan gambar JPEG, PNG, atau WebP.")
    assert 'id="id_photo_caption" name="caption" maxlength="300" value="Foto bersama"' in body
    assert Photo.objects.count() == 0


def test_outcome_page_signature_bad_date_keeps_what_was_typed(visit, staff_client, after_the_visit):
    response = post(
        staff_client,
        visit,
        {
            "section": "signature",
            "prepared_by_name": "Rina Contoh",
            "prepared_by_nip": "123",
            "signed_date": "x",
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert alert(body) == "NIP penyusun harus 18 digit. Tanggal penandatanganan tidak berupa tanggal."
    assert 'value="Rina Contoh"' in body
    assert 'value="123"' in body


def test_outcome_page_recording_before_the_visit_refused(visit, staff_client):
    with time_machine.travel(BEFORE_THE_VISIT, tick=False):
        response = post(staff_client, visit, {"section": "key_points", "key_points": "Satu"})

    assert response.status_code == 400
    assert "belum dimulai" in alert(response.content.decode())
    assert KeyPoint.objects.filter(visit=visit, text="Satu").exists() is False


def test_outcome_page_unknown_section_refused(visit, staff_client, after_the_visit):
    assert post(staff_client, visit, {"section": "delete_everything"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 3])
def test_outcome_page_query_count_constant(
    visit, staff_client, after_the_visit, django_assert_num_queries, rows
):
    for index in range(rows):
        quote_add(visit=visit, speaker_name=f"Pembicara {index}", words="Kata-kata.")
        photo_add(visit=visit, upload=upload(phone_jpeg()), caption=f"Foto {index}")
    attendance_set(visit=visit, leader_present=True, present_member_ids=[])

    # session, user, the visit with its joins, then one query per prefetched list: agenda items, their
    # notes, officials, members, key points, follow-ups, attendance, quotes, photos, documents.
    with django_assert_num_queries(15):  # + the user's role groups and hosts
        response = page(staff_client, visit)

    assert response.status_code == 200
