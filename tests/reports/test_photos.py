"""Photos of a visit (reports.services.photo_add): checked by content, turned upright, stripped of EXIF
and GPS, scaled, thumbnailed; the stored files are read back with Pillow."""

import io

import pytest
import time_machine
import weasyprint  # noqa: F401  (the web process has it imported; it sets ImageFile.LOAD_TRUNCATED_IMAGES)
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from reports.models import Photo
from reports.services import photo_add, photo_delete
from visits.services import ServiceError

from .files import AFTER_THE_VISIT, image_bytes, phone_jpeg, png_bomb, upload


@pytest.fixture(autouse=True)
def after_the_visit():
    # Messages are checked in English, the source language; the pages' tests check the Indonesian.
    with translation.override("en"), time_machine.travel(AFTER_THE_VISIT, tick=False):
        yield


def stored(field) -> Image.Image:
    with field.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def colour_at(image: Image.Image, xy) -> str:
    red, _green, blue = image.convert("RGB").getpixel(xy)
    return "red" if red > blue else "blue"


def test_photo_upright_by_exif_orientation(visit):
    photo = photo_add(visit=visit, upload=upload(phone_jpeg(size=(400, 300))), caption="Foto bersama")
    image = stored(photo.image)

    # Stored sideways as 400 × 300 with orientation 6: upright it is 300 × 400, the left half on top.
    assert (photo.width, photo.height) == (300, 400)
    assert image.size == (300, 400)
    assert colour_at(image, (150, 50)) == "red"
    assert colour_at(image, (150, 350)) == "blue"


def test_photo_has_no_exif_and_no_gps_left(visit):
    data = phone_jpeg()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825) != {}  # the upload does carry GPS

    photo = photo_add(visit=visit, upload=upload(data))
    image = stored(photo.image)
    thumbnail = stored(photo.thumbnail)

    assert "exif" not in image.info
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(0x8825) == {}
    assert "exif" not in thumbnail.info
    assert dict(thumbnail.getexif()) == {}
    with photo.image.open("rb") as handle:
        raw = handle.read()
    assert b"Exif" not in raw
    assert b"ContohPhone" not in raw


def test_photo_records_size_caption_order_and_format(visit):
    data = phone_jpeg()
    first = photo_add(visit=visit, upload=upload(data), caption="Pembukaan")
    second = photo_add(visit=visit, upload=upload(data), caption="Diskusi")

    assert (first.size_bytes, first.caption, first.order) == (len(data), "Pembukaan", 1)
    assert (second.caption, second.order) == ("Diskusi", 2)
    assert stored(first.image).format == "JPEG"
    assert first.image.name.startswith("photos/")
    assert first.image.name.endswith(".jpg")
    assert first.thumbnail.name.startswith("photos/thumbs/")


def test_photo_file_name_is_not_the_uploaders(visit):
    photo = photo_add(visit=visit, upload=upload(phone_jpeg(), name="../../IMG_0001 rumah saya.jpg"))

    assert "IMG_0001" not in photo.image.name
    assert "rumah" not in photo.image.name


def test_photo_large_is_scaled_to_3000_and_thumbnail_to_480(visit):
    photo = photo_add(visit=visit, upload=upload(image_bytes("JPEG", size=(4032, 3024))))

    assert (photo.width, photo.height) == (3000, 2250)
    assert stored(photo.image).size == (3000, 2250)
    assert stored(photo.thumbnail).size == (480, 360)


@pytest.mark.parametrize(
    ("image_format", "mode", "extension", "content_type"),
    [
        ("PNG", "RGBA", "png", "image/png"),
        ("PNG", "RGB", "png", "image/png"),
        ("WEBP", "RGB", "webp", "image/webp"),
    ],
)
def test_photo_png_and_webp_accepted_and_kept(visit, image_format, mode, extension, content_type):
    data = image_bytes(image_format, mode=mode)

    photo = photo_add(visit=visit, upload=upload(data, name=f"layar.{extension}", content_type=content_type))
    image = stored(photo.image)

    assert image.format == image_format
    assert image.mode == mode
    assert photo.image.name.endswith(f".{extension}")
    assert (photo.width, photo.height) == (400, 300)
    assert stored(photo.thumbnail).format == image_format


def test_photo_format_read_from_content_not_name(visit):
    photo = photo_add(
        visit=visit, upload=upload(image_bytes("PNG"), name="foto.jpg", content_type="image/jpeg")
    )

    assert stored(photo.image).format == "PNG"
    assert photo.image.name.endswith(".png")


@pytest.mark.parametrize(
    "data",
    [
        b"Ini bukan foto, hanya teks.\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><image href='http://127.0.0.1:9/x.png'/></svg>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    ],
    ids=["text", "svg", "gif"],
)
def test_photo_not_jpeg_png_webp_refused(visit, data):
    with pytest.raises(ServiceError, match="not a JPEG, PNG or WebP image"):
        photo_add(visit=visit, upload=upload(data, name="foto.jpg"))

    assert Photo.objects.count() == 0


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_photo_cut_short_refused(visit, image_format):
    # Whatever Pillow's global LOAD_TRUNCATED_IMAGES says: WeasyPrint, imported above, switches it on.
    data = image_bytes(image_format, size=(800, 600))

    with pytest.raises(ServiceError, match="could not be read"):
        photo_add(visit=visit, upload=upload(data[: len(data) * 2 // 3]))


def test_photo_over_the_size_limit_refused(visit, settings):
    settings.SAMBANG_PHOTO_MAX_BYTES = 1000
    data = phone_jpeg()
    assert len(data) > 1000

    with pytest.raises(ServiceError, match="at most 1000"):
        photo_add(visit=visit, upload=upload(data))

    assert Photo.objects.count() == 0


def test_photo_decompression_bomb_refused(visit):
    with pytest.raises(ServiceError, match="too many pixels"):
        photo_add(visit=visit, upload=upload(png_bomb(), name="bom.png", content_type="image/png"))

    assert Photo.objects.count() == 0


def test_photo_just_over_pillows_pixel_limit_refused(visit, monkeypatch):
    # Between MAX_IMAGE_PIXELS and twice that Pillow only warns; the service refuses all the same.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 400 * 300 - 1)

    with pytest.raises(ServiceError, match="too many pixels"):
        photo_add(visit=visit, upload=upload(image_bytes("PNG")))


def test_photo_empty_file_refused(visit):
    with pytest.raises(ServiceError, match="empty"):
        photo_add(visit=visit, upload=upload(b""))


def test_photo_delete_removes_its_files_on_commit(visit, django_capture_on_commit_callbacks):
    photo = photo_add(visit=visit, upload=upload(phone_jpeg()))
    names = [photo.image.name, photo.thumbnail.name]

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo)

    assert Photo.objects.count() == 0
    assert [name for name in names if default_storage.exists(name)] == []
