"""The recap PDF, read back with a text extractor (pypdf)."""

import datetime as dt
import io
import re

from pypdf import PdfReader

from recaps.pdf import recap_pdf
from recaps.periods import Period
from recaps.selectors import recap_for
from tests.factories import DelegationFactory, VisitFactory
from tests.recaps.conftest import NOW, WIB


def pdf_text(pdf: bytes) -> list[str]:
    """The PDF's text, one entry a line, page after page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).splitlines()


def test_recap_pdf_has_title_totals_and_tables(recap_data):
    recap = recap_for(hosts=[recap_data.host], period=Period.parse("2025-Q2"), now=NOW)

    lines = pdf_text(recap_pdf(recap=recap, language="en"))

    assert lines[:4] == [
        "PEMERINTAH KOTA UJI",
        "Jl. Merdeka 1",
        "RECAP OF VISITS, QUARTER II 2025",
        "1 April 2025 – 30 June 2025",
    ]
    assert "Visits received 3" in lines
    assert "Follow-ups open 2 (1 overdue)" in lines
    assert "Visits coming 1 (10 July 2025 – 9 August 2025)" in lines
    # The province table and its total; the region table with Kemendagri codes.
    assert lines.index("1 Bali 2 15") + 2 == lines.index("Total 3 22")
    assert "1 51.08 Kabupaten Buleleng Bali 1 10" in lines
    assert "1 Comparative study (studi komparasi) 2 17" in lines
    assert "1 Smart city 2" in lines
    assert "1 Pemerintah Kota Lain Kota Semarang 1 6" in lines
    # The charts are SVG in the PDF: their labels are text, with the count in each.
    assert lines[lines.index("Jawa Timur (1)") : lines.index("Jawa Timur (1)") + 3] == [
        "Jawa Timur (1)",
        "Bali (2)",
        "Visits by origin province",
    ]
    assert lines[-1] == "Page 4 of 4"


def test_recap_pdf_in_indonesian_month(recap_data):
    recap = recap_for(hosts=[recap_data.host], period=Period.parse("2025-06"), now=NOW)

    lines = pdf_text(recap_pdf(recap=recap, language="id"))

    assert "1 Juni 2025 – 30 Juni 2025" in lines
    assert any("JUNI 2025" in line for line in lines[:4])
    assert re.fullmatch(r"Halaman (\d+) dari \1", lines[-1])


def test_recap_pdf_prints_user_text_as_text(recap_data, caplog):
    hostile = '<img src="file:///etc/hosts"><b>'
    VisitFactory(
        host=recap_data.other_host,
        delegation=DelegationFactory(),
        title=hostile,
        topics=[hostile],
        start=dt.datetime(2025, 9, 1, 9, 0, tzinfo=WIB),
        end=dt.datetime(2025, 9, 1, 11, 0, tzinfo=WIB),
    )
    recap = recap_for(hosts=[recap_data.other_host], period=Period.parse("2025-09"), now=NOW)

    text = "\n".join(pdf_text(recap_pdf(recap=recap, language="en")))

    assert f"1 {hostile} 1" in text  # the topic table
    assert f"{hostile} (1)" in text  # the topic chart's label, escaped inside the SVG
    assert "refused" not in caplog.text.lower()  # nothing was even asked for
