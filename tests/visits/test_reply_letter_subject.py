"""The reply letter's subject and opening name the kind of visit once ("a working visit (kunjungan
kerja)", never "a working visit (kunjungan kerja) visit"), for every kind (visits.letters)."""

import datetime as dt
import io
import re
import zoneinfo

import pypdf
import pytest
import time_machine

from visits.enums import VisitKind
from visits.letters import reply_letter_pdf
from visits.models import Visit
from visits.services.workflow import reply_letter_issue

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

SUBJECTS = {
    VisitKind.COMPARATIVE_STUDY: "Reply to the request for a comparative study visit (studi komparasi)",
    VisitKind.STUDY_VISIT: "Reply to the request for a study visit (studi banding)",
    VisitKind.WORKING_VISIT: "Reply to the request for a working visit (kunjungan kerja)",
    VisitKind.AUDIENCE: "Reply to the request for an audience (audiensi)",
    VisitKind.COURTESY_CALL: "Reply to the request for a courtesy call",
    VisitKind.OTHER: "Reply to the request for a visit",
}


def pdf_text(pdf: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )


def test_every_kind_has_a_subject():
    assert set(SUBJECTS) == set(VisitKind)


@pytest.mark.parametrize("kind", list(VisitKind))
def test_english_reply_letter_names_the_kind_of_visit_once(visit, kind):
    Visit.objects.filter(pk=visit.pk).update(kind=kind)
    with time_machine.travel(dt.datetime(2025, 4, 14, 10, 0, tzinfo=WIB), tick=False):
        letter = reply_letter_issue(
            visit=Visit.objects.get(pk=visit.pk),
            number="000.1.5/0498/35.73.402/2025",
            date=dt.date(2025, 4, 14),
            signed_by_name="Budi Santoso Contoh",
            signed_by_position="Sekretaris Daerah Kota Malang",
        )

    text = pdf_text(reply_letter_pdf(letter=letter, language="en"))

    subject = SUBJECTS[kind]
    assert f"Subject : {subject} " in text
    opening = subject.removeprefix("Reply to the request for ")
    assert f"of 10 April 2025 concerning {opening}, we are pleased" in text
    assert ") visit" not in text
