"""The report PDF with what was recorded (attendance, agenda notes, quotes, photos, the signature block),
read back with pypdf; and the draft banner of a visit that has not happened yet."""

import datetime as dt
import io
import logging

import pypdf
import pytest
import time_machine

from reports.pdf import report_pdf
from reports.selectors import outcome_visit_detail
from reports.services import (
    agenda_notes_set,
    attendance_set,
    photo_add,
    quote_add,
    report_signature_set,
)
from visits.selectors import visit_detail

from .files import AFTER_THE_VISIT, BEFORE_THE_VISIT, image_bytes, phone_jpeg, upload
from .test_pdf import IMG_TAG, LINK_TAG, read_pdf, weasyprint_complaints

QUOTE = "Kerja sama ini kami harapkan berlanjut."
CAPTIONS = ["Wakil Bupati Buleleng menyerahkan cendera mata", "Rombongan meninjau Ngalam Command Center"]


@pytest.fixture
def recorded(visit):
    """The demo visit after the event: attendance, a note, a quote, two photos and the signature block."""
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        members = list(visit.delegation.members.all())
        attendance_set(
            visit=visit,
            leader_present=True,
            present_member_ids=[m.pk for m in members[:3]],
            walk_ins=[
                {"name": "Putu Contoh", "position": "Fotografer", "institution": "Diskominfo Buleleng"}
            ],
        )
        agenda_notes_set(visit=visit, notes={visit.agenda_items.all()[4].pk: "Tiga pertanyaan tentang NCC."})
        quote_add(
            visit=visit,
            speaker_name="Budi Santoso Contoh",
            speaker_position="Sekretaris Daerah Kota Malang",
            words=QUOTE,
        )
        photo_add(visit=visit, upload=upload(phone_jpeg(size=(800, 600))), caption=CAPTIONS[0])
        photo_add(
            visit=visit,
            upload=upload(image_bytes("PNG", size=(600, 400)), name="ncc.png", content_type="image/png"),
            caption=CAPTIONS[1],
        )
        report_signature_set(
            visit=visit,
            prepared_by_name="Rina Contoh",
            prepared_by_position="Analis Keprotokolan",
            prepared_by_nip="198305122009012003",
            approved_by_name="Hendra Contoh",
            approved_by_position="Kepala Bagian Protokol dan Komunikasi Pimpinan",
            approved_by_nip="19750817 199903 1 004",
            signed_place="Malang",
            signed_date=dt.date(2025, 4, 28),
        )
    return outcome_visit_detail().get(pk=visit.pk)


def pdf_text(visit, language="id") -> tuple[str, int, int]:
    """The PDF's text (whitespace made single), its page count and how many different images it embeds."""
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        pdf = report_pdf(visit=visit, language=language)
    text, pages = read_pdf(pdf)
    # WeasyPrint may share one resource dictionary between pages: count each embedded image once.
    images = len({image.data for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for image in page.images})
    return text, pages, images


def test_report_shows_quote_with_speaker(recorded):
    text, _pages, _images = pdf_text(recorded)

    assert f"“{QUOTE}”" in text
    assert "— Budi Santoso Contoh, Sekretaris Daerah Kota Malang" in text


def test_report_shows_photos_with_captions(recorded):
    text, pages, images = pdf_text(recorded)

    assert f"Foto 1. {CAPTIONS[0]}" in text
    assert f"Foto 2. {CAPTIONS[1]}" in text
    assert "Dokumentasi" in text
    assert images == 2
    assert pages >= 3  # the report, then the photo page(s)


def test_report_shows_signature_block(recorded):
    text, _pages, _images = pdf_text(recorded)

    assert "Malang, Senin, 28 April 2025" in text
    assert "Mengetahui," in text
    assert "Yang membuat laporan," in text
    assert "Hendra Contoh" in text
    assert "NIP 19750817 199903 1 004" in text
    assert "Rina Contoh" in text
    assert "NIP 19830512 200901 2 003" in text
    assert "Kepala Bagian Protokol dan Komunikasi Pimpinan" in text


def test_report_shows_attendance(recorded):
    text, _pages, _images = pdf_text(recorded)

    assert "Kehadiran" in text
    assert "I Komang Contoh Wakil Bupati Buleleng (ketua rombongan) Hadir" in text
    assert "Wayan Contoh Pranata Humas Tidak hadir" in text
    assert "Putu Contoh Fotografer, Diskominfo Buleleng (tidak terdaftar) Hadir" in text
    assert "5 dari 6 orang hadir." in text


def test_report_shows_agenda_note(recorded):
    text, _pages, _images = pdf_text(recorded)

    assert "Diskusi dan tanya jawab Tiga pertanyaan tentang NCC." in text


def test_report_english(recorded):
    text, _pages, _images = pdf_text(recorded, language="en")

    assert "Approved by," in text
    assert "Malang, Monday, 28 April 2025" in text
    assert f"Photo 1. {CAPTIONS[0]}" in text


def test_report_without_signatories_leaves_room_to_write(visit):
    text, _pages, images = pdf_text(visit)

    assert "Mengetahui," in text
    assert "……………………………………" in text
    assert images == 0


def test_report_quote_html_is_text_and_nothing_is_fetched(visit, caplog):
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        quote_add(visit=visit, speaker_name=f"Budi {IMG_TAG}", words=f"Lihat {IMG_TAG} dan {LINK_TAG} ini.")
    visit = outcome_visit_detail().get(pk=visit.pk)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        text, _pages, images = pdf_text(visit)

    squeezed = "".join(text.split())
    assert "".join(f"“Lihat {IMG_TAG} dan {LINK_TAG} ini.”".split()) in squeezed
    assert "".join(f"— Budi {IMG_TAG}".split()) in squeezed
    assert images == 0
    # WeasyPrint logs every image or stylesheet it failed to load; nothing was even tried.
    assert weasyprint_complaints(caplog.records) == []


def test_report_of_a_visit_not_yet_held_is_a_draft(visit):
    with time_machine.travel(BEFORE_THE_VISIT, tick=False):
        text, pages = read_pdf(report_pdf(visit=visit, language="id"))

    assert "DRAF — kunjungan belum berlangsung" in text
    assert text.count("DRAF") == pages + 1  # the banner, and the running head of every page


def test_report_of_a_held_visit_is_not_a_draft(visit):
    text, _pages, _images = pdf_text(visit)

    assert "DRAF" not in text


def test_report_download_before_the_visit_works_with_the_banner(visit, staff_client):
    with time_machine.travel(BEFORE_THE_VISIT, tick=False):
        response = staff_client.get(f"/visits/{visit.pk}/report.pdf")

    text, _pages = read_pdf(response.content)
    assert response.status_code == 200
    assert "DRAF — kunjungan belum berlangsung" in text


def test_report_from_visit_detail_selector_too(recorded):
    # The visit page's download passes a visit from visits.selectors.visit_detail(): the recorded rows
    # are read all the same.
    text, _pages, images = pdf_text(visit_detail().get(pk=recorded.pk))

    assert f"“{QUOTE}”" in text
    assert images == 2
