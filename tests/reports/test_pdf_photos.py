"""Photos are printed in the report from a copy of at most 1400 px, made once and removed with the photo."""

import io
from pathlib import Path

import pypdf
import time_machine
from django.conf import settings

from reports.pdf import report_pdf
from reports.selectors import outcome_visit_detail
from reports.services import photo_add, photo_delete

from .files import AFTER_THE_VISIT, phone_jpeg, upload


def test_photo_is_printed_from_a_1400_px_copy_removed_with_the_photo(
    visit, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        photo = photo_add(visit=visit, upload=upload(phone_jpeg(size=(2000, 1500), orientation=1)))
        pdf = report_pdf(visit=outcome_visit_detail().get(pk=visit.pk), language="id")
        images = [
            image.image.size for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for image in page.images
        ]
        copy = Path(settings.MEDIA_ROOT) / "photos" / "pdf" / f"{Path(photo.image.name).stem}.jpg"
        made = copy.is_file()
        with django_capture_on_commit_callbacks(execute=True):
            photo_delete(photo=photo)

    assert (photo.width, photo.height) == (2000, 1500)
    assert set(images) == {(1400, 1050)}
    assert made is True
    assert copy.exists() is False
