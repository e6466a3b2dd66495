"""The post-visit report PDF, read back with a text extractor, and the URL fetcher that guards it."""

import datetime as dt
import io
import logging
import zoneinfo

import pypdf
import pytest
import time_machine
from django.conf import settings

from reports.pdf import ProjectFilesFetcher, ResourceRefused, report_context, report_pdf
from tests.demo import DEMO_AGENDA_TITLES, DEMO_TITLE
from visits.enums import VisitStatus
from visits.models import Visit
from visits.selectors import visit_detail

DEMO_KEY_POINT_STARTS = [
    "Sekretaris Daerah menguraikan kependudukan Kota Malang",
    "Visi itu dijalankan lewat program unggulan",
    "Program Ngalam Pinter dipadukan dengan kota cerdas",
    "Malang memegang Tri Bina Cita",
    "Ngalam Command Center menopang kota cerdas",
    "Buleleng memilih Malang karena potensi daerah",
    "Buleleng, kabupaten terluas di Bali",
    "Buleleng ingin mempelajari cara Malang",
    "Rombongan meninjau NCC",
]
IMG_TAG = '<img src="http://127.0.0.1:9/x.png">'
LINK_TAG = '<link rel=stylesheet href="file:///etc/passwd">'


def weasyprint_complaints(records) -> list[str]:
    """WeasyPrint's log messages, less its notice that libharfbuzz-subset is missing (a laptop without
    root may lack it; ``make setup`` and ``.ci/run`` install it where they can): nothing about fetching."""
    return [
        r.getMessage()
        for r in records
        if r.name.startswith("weasyprint") and "instead of HarfBuzz-Subset" not in r.getMessage()
    ]


def read_pdf(pdf: bytes) -> tuple[str, int]:
    """The PDF's text with runs of whitespace made single spaces, and its number of pages."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_report_pdf_shows_the_visit(visit):
    text, _pages = read_pdf(report_pdf(visit=visit, language="id"))

    assert DEMO_TITLE in text
    assert "PEMERINTAH KOTA MALANG" in text
    assert [title for title in DEMO_AGENDA_TITLES if title not in text] == []
    assert [start for start in DEMO_KEY_POINT_STARTS if start not in text] == []
    assert "Tukar-menukar SOP publikasi Command Center" in text


def test_report_pdf_indonesian_long_date(visit):
    text, _pages = read_pdf(report_pdf(visit=visit, language="id"))

    assert "Jumat, 25 April 2025" in text


def test_report_pdf_english_long_date(visit):
    text, _pages = read_pdf(report_pdf(visit=visit, language="en"))

    assert "Friday, 25 April 2025" in text


def test_report_pdf_default_language_is_indonesian(visit):
    text, _pages = read_pdf(report_pdf(visit=visit))

    assert "Jumat, 25 April 2025" in text


def test_report_pdf_indonesian_page_footer(visit):
    text, pages = read_pdf(report_pdf(visit=visit, language="id"))

    assert f"Halaman 1 dari {pages}" in text


def test_report_pdf_english_page_footer(visit):
    text, pages = read_pdf(report_pdf(visit=visit, language="en"))

    assert f"Page 1 of {pages}" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/",
        "https://sambang.invalid/static/../../etc/passwd",
        "https://sambang.invalid/media/../../../etc/passwd",
    ],
)
def test_fetcher_refuses_outside_project_files(url):
    with pytest.raises(ResourceRefused):
        ProjectFilesFetcher().fetch(url)


def test_fetcher_serves_report_css():
    response = ProjectFilesFetcher().fetch("https://sambang.invalid/static/css/report.css")

    assert response.content_type == "text/css"
    assert response.read() == (settings.BASE_DIR / "static" / "css" / "report.css").read_bytes()


def test_report_pdf_key_point_html_is_text_not_markup(demo_data, import_data, caplog):
    demo_data["outcome"]["points"][0] = f"Tautan {IMG_TAG} dan {LINK_TAG} selesai."
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        text, _pages = read_pdf(report_pdf(visit=visit, language="id"))

    # The line may wrap inside a URL ("file:///etc/ passwd"), so compare with all whitespace removed.
    squeezed = "".join(text.split())
    assert "".join(IMG_TAG.split()) in squeezed
    assert "".join(LINK_TAG.split()) in squeezed
    # WeasyPrint logs every image or stylesheet it failed to load; nothing was even tried.
    assert weasyprint_complaints(caplog.records) == []


@pytest.mark.parametrize(
    ("status", "draft"),
    [(VisitStatus.SCHEDULED, True), (VisitStatus.IN_PROGRESS, False)],
    ids=["scheduled", "marked-started"],
)
def test_a_visit_marked_started_before_its_start_time_is_not_a_draft(visit, status, draft):
    # 07:30 WIB on the visit's day, before its 09:00 start: the delegation arrived early.
    Visit.objects.filter(pk=visit.pk).update(status=status)
    with time_machine.travel(
        dt.datetime(2025, 4, 25, 7, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")), tick=False
    ):
        context = report_context(visit_detail().get(pk=visit.pk), "en")

    assert context["not_started"] is draft
