"""Files made in the tests: photos drawn with Pillow (with EXIF and GPS when asked), Office packages
written with zipfile, and the times around the demo visit (Friday 25 April 2025, 08:45–12:30 WIB)."""

import datetime as dt
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

BEFORE_THE_VISIT = dt.datetime(2025, 4, 24, 3, 0, tzinfo=dt.UTC)
AFTER_THE_VISIT = dt.datetime(2025, 4, 25, 7, 0, tzinfo=dt.UTC)  # 14:00 WIB, the same day

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def two_colour_image(size=(400, 300), mode="RGB") -> Image.Image:
    """Left half red, right half blue: which way the stored photo was turned can be read from it."""
    image = Image.new(mode, size, RED if mode == "RGB" else (*RED, 255))
    image.paste(BLUE if mode == "RGB" else (*BLUE, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def phone_jpeg(size=(400, 300), orientation=6) -> bytes:
    """A JPEG as a phone writes it held upright: pixels stored sideways, EXIF orientation 6 (turn 90°
    clockwise to view), the camera's make and a GPS position (Balai Kota Malang)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "ContohPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (7.0, 58.0, 40.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (112.0, 38.0, 0.0)
    buffer = io.BytesIO()
    two_colour_image(size).save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def image_bytes(image_format: str, size=(400, 300), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    two_colour_image(size, mode).save(buffer, image_format, **options)
    return buffer.getvalue()


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A 100-byte PNG that claims 50 000 × 50 000 pixels: decoding it would need gigabytes of memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


OOXML_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}
OOXML_MAIN_PART = {"pptx": "/ppt/presentation.xml", "docx": "/word/document.xml", "xlsx": "/xl/workbook.xml"}


def office_package(kind: str, *, macros: bool = False) -> bytes:
    """A minimal Office Open XML package of ``kind`` ("pptx", "docx", "xlsx", "pptm")."""
    part = OOXML_MAIN_PART.get(kind, "/ppt/presentation.xml")
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{OOXML_TYPES[kind]}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(part.lstrip("/"), "<x/>")
        if macros:
            archive.writestr("ppt/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def ole_file(stream_name: str) -> bytes:
    """The start of an OLE compound file whose directory names ``stream_name`` (UTF-16LE), as a
    PowerPoint 97–2003 file names "PowerPoint Document" and a Word 97–2003 file "WordDocument"."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# For a test that stops a render with its time limit: the limit is an asynchronous exception
# (reports.pdf.render_deadline), and one delivered while a weakref finalizer or a gc callback runs is
# dropped there by CPython and reported as "unraisable"; the render still fails as it should (the deadline
# raises again on exit, which the test checks). Only that report is ignored, nothing else unraisable.
RENDER_STOPPED = pytest.mark.filterwarnings(
    r"ignore:(?s)Exception ignored in.*RenderTimeLimit:pytest.PytestUnraisableExceptionWarning"
)
