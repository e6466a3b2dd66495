"""Documents of a visit (reports.services.document_add): recognised by content, size-limited, stored
under a name of our own with the extension of their real type."""

import io
import zipfile

import pytest
import time_machine
from django.utils import translation

from reports.models import Document, DocumentType
from reports.services import document_add, document_delete
from reports.uploads import DOCUMENT_MAX_BYTES
from visits.services import ServiceError

from .files import AFTER_THE_VISIT, MINIMAL_PDF, office_package, ole_file, phone_jpeg, upload


@pytest.fixture(autouse=True)
def after_the_visit():
    # Messages are checked in English, the source language.
    with translation.override("en"), time_machine.travel(AFTER_THE_VISIT, tick=False):
        yield


@pytest.mark.parametrize(
    ("data", "name", "content_type", "extension"),
    [
        (MINIMAL_PDF, "Paparan Diskominfo.pdf", DocumentType.PDF, "pdf"),
        (office_package("pptx"), "Paparan.pptx", DocumentType.PPTX, "pptx"),
        (office_package("docx"), "Notulen.docx", DocumentType.DOCX, "docx"),
        (office_package("xlsx"), "Daftar hadir.xlsx", DocumentType.XLSX, "xlsx"),
        (ole_file("PowerPoint Document"), "Paparan lama.ppt", DocumentType.PPT, "ppt"),
    ],
    ids=["pdf", "pptx", "docx", "xlsx", "ppt"],
)
def test_document_accepted_by_content(visit, data, name, content_type, extension):
    document = document_add(
        visit=visit, upload=upload(data, name=name, content_type="application/octet-stream")
    )

    assert document.content_type == content_type
    assert document.title == name.rsplit(".", 1)[0]
    assert document.size_bytes == len(data)
    assert document.file.name.startswith("documents/")
    assert document.file.name.endswith(f".{extension}")
    with document.file.open("rb") as handle:
        assert handle.read() == data


def test_document_type_from_content_not_name(visit):
    document = document_add(visit=visit, upload=upload(office_package("pptx"), name="slides.pdf"))

    assert document.content_type == DocumentType.PPTX
    assert document.file.name.endswith(".pptx")


def test_document_title_given_wins(visit):
    document = document_add(visit=visit, upload=upload(MINIMAL_PDF, name="x.pdf"), title="  Paparan SPBE  ")

    assert document.title == "Paparan SPBE"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Teks biasa yang diberi nama .pdf", "Only PDF, PowerPoint"),
        (phone_jpeg(), "Only PDF, PowerPoint"),
        (office_package("pptm"), "Only PDF, PowerPoint"),
        (office_package("pptx", macros=True), "macros"),
        (ole_file("WordDocument"), "Office 97–2003"),
        (b"PK\x03\x04 not really a zip", "Only PDF, PowerPoint"),
    ],
    ids=["text", "jpeg", "pptm", "pptx-with-macros", "doc", "broken-zip"],
)
def test_document_other_kinds_refused(visit, data, message):
    with pytest.raises(ServiceError, match=message):
        document_add(visit=visit, upload=upload(data, name="paparan.pdf"))

    assert Document.objects.count() == 0


def test_document_zip_without_office_content_types_refused(visit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.jpg", b"...")

    with pytest.raises(ServiceError, match="Only PDF, PowerPoint"):
        document_add(visit=visit, upload=upload(buffer.getvalue(), name="paparan.pptx"))


def test_document_over_20_mb_refused(visit):
    data = MINIMAL_PDF + b" " * DOCUMENT_MAX_BYTES

    with pytest.raises(ServiceError, match="at most 20"):
        document_add(visit=visit, upload=upload(data, name="besar.pdf"))

    assert Document.objects.count() == 0


def test_document_delete_removes_its_file_on_commit(visit, django_capture_on_commit_callbacks):
    document = document_add(visit=visit, upload=upload(MINIMAL_PDF, name="x.pdf"))
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)

    assert Document.objects.count() == 0
    assert storage.exists(name) is False
