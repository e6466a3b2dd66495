"""Checking and cleaning uploaded files: photos (decoded and re-encoded with Pillow) and documents
(recognised by their first bytes and, for Office files, their package). Pure: bytes in, bytes or a type
out; nothing is written. A file's name is never trusted: what it is comes from what it holds.

Every refusal is a ``ServiceError`` whose text is for the person who uploaded the file.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from visits.services.base import ServiceError

from .models import DocumentType

# Photos: what phones send (JPEG, and PNG/WebP from screenshots and messaging apps). HEIC is not
# decoded by Pillow without a plugin; phones convert it to JPEG when sharing.
PHOTO_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The stored image fits in this square (pixels); a 12 MP phone photo (4032 × 3024) is scaled to 3000 × 2250.
PHOTO_MAX_SIDE = 3000
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85
WEBP_QUALITY = 85
THUMBNAIL_QUALITY = 80

# Documents: at most this many bytes (20 MiB).
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_EXTENSIONS = {
    DocumentType.PDF: "pdf",
    DocumentType.PPTX: "pptx",
    DocumentType.PPT: "ppt",
    DocumentType.DOCX: "docx",
    DocumentType.XLSX: "xlsx",
}
# ISO 32000-1 §7.5.2: a PDF starts with "%PDF-"; readers accept it within the first 1024 bytes.
PDF_MAGIC = b"%PDF-"
# [MS-CFB] §2.2: the header signature of an OLE compound file (.ppt, but also .doc and .xls).
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# [MS-PPT] §2.1.1: a PowerPoint 97–2003 file holds a stream named "PowerPoint Document"; stream names
# are stored UTF-16LE in the compound file's directory.
PPT_STREAM_NAME = "PowerPoint Document".encode("utf-16-le")
ZIP_MAGIC = b"PK\x03\x04"
# ECMA-376 Part 2 (Open Packaging Conventions): [Content_Types].xml names the main part's type, which
# says what the package is. Macro-enabled variants (.pptm, .docm, .xlsm) have other types and are refused.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": DocumentType.PPTX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DocumentType.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": DocumentType.XLSX,
}
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
CONTENT_TYPE_ATTRIBUTE = re.compile(r'ContentType\s*=\s*"([^"]+)"')


def read_upload(upload, *, limit: int) -> bytes:
    """The bytes of ``upload`` (a Django ``File``/``UploadedFile``), at most ``limit`` bytes.

    Raises ``ServiceError`` when it is empty or larger than ``limit``; reads no more than ``limit + 1``
    bytes, whatever size the upload claims.
    """
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_large(declared, limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit)
    if not data:
        raise ServiceError(_("The file is empty."))
    return data


def too_large(size: int, limit: int) -> ServiceError:
    return ServiceError(
        _("The file is %(size)s; at most %(limit)s is accepted.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    )


class PhotoSource(io.BytesIO):
    """An upload's bytes that note whether the decoder asked for more than there was: a photo cut short.

    Pillow refuses such a file only while its global ``ImageFile.LOAD_TRUNCATED_IMAGES`` is off, and
    WeasyPrint switches it on when imported (to render what it can); this check does not depend on it.
    """

    ran_out = False

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if not chunk and size != 0:
            self.ran_out = True
        return chunk


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: the image and its thumbnail in the same format, with no metadata."""

    image: bytes
    thumbnail: bytes
    extension: str  # "jpg", "png" or "webp"
    width: int  # of ``image``, pixels
    height: int


def photo_clean(data: bytes) -> CleanPhoto:
    """Decode ``data`` as a JPEG, PNG or WebP photo (by its content) and re-encode it for storage.

    The photo is turned upright by its EXIF orientation (``ImageOps.exif_transpose``), converted to sRGB
    when it carries a colour profile, scaled down to fit ``PHOTO_MAX_SIDE`` pixels, and written again
    without any metadata: no EXIF (so no GPS position, time or camera), no XMP, no comments, no
    profile. JPEG is written at quality 85; PNG stays PNG and WebP stays WebP. The thumbnail fits
    ``THUMBNAIL_SIDE`` pixels. An animated image keeps only its first frame.

    Raises ``ServiceError`` when the data is not one of those formats or cannot be decoded, or when
    it has more pixels than Pillow's ``Image.MAX_IMAGE_PIXELS`` (a decompression bomb: a small file
    that would take gigabytes of memory to decode).
    """
    source = PhotoSource(data)
    try:
        image = Image.open(source, formats=list(PHOTO_EXTENSIONS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Over the limit Pillow warns (an error under the test settings), over twice the limit it raises.
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        # SyntaxError is how some Pillow parsers report a broken header.
        raise ServiceError(
            _("This file is not a JPEG, PNG or WebP image. Send the photo as taken by the phone.")
        ) from exc
    with image:
        image_format = image.format or ""
        if Image.MAX_IMAGE_PIXELS and image.width * image.height > Image.MAX_IMAGE_PIXELS:
            raise too_many_pixels()
        try:
            if image_format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result still covers the stored size.
                image.draft(None, (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            source.ran_out = False
            image.load()
            if source.ran_out:
                raise OSError("image file is truncated")
            upright = ImageOps.exif_transpose(image)
            upright = to_srgb(upright)
            upright = upright.convert(stored_mode(upright, image_format))
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
            # A fresh info dict: the encoders take EXIF, XMP, comments and profiles from it.
            upright.info = {}
            thumb = upright.copy()
            thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
            thumb.info = {}
            return CleanPhoto(
                image=encode(upright, image_format, thumbnail=False),
                thumbnail=encode(thumb, image_format, thumbnail=True),
                extension=PHOTO_EXTENSIONS[image_format],
                width=upright.width,
                height=upright.height,
            )
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels() from exc
        except (OSError, ValueError, SyntaxError, KeyError) as exc:
            raise ServiceError(
                _("The image could not be read; it may be damaged or cut short. Try sending it again.")
            ) from exc


def too_many_pixels() -> ServiceError:
    return ServiceError(
        _("The image has too many pixels to be processed safely. Send a photo of at most %(mp)s megapixels.")
        % {"mp": (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000}
    )


def to_srgb(image: Image.Image) -> Image.Image:
    """``image`` converted from its embedded ICC profile to sRGB, so that dropping the profile keeps its
    colours (iPhones write Display P3). A profile that littleCMS cannot use is ignored."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def stored_mode(image: Image.Image, image_format: str) -> str:
    """The pixel mode to store: JPEG holds grey or RGB; PNG and WebP keep transparency when there is any."""
    if image_format == "JPEG":
        return "L" if image.mode == "L" else "RGB"
    return "RGBA" if image.has_transparency_data else "RGB"


def encode(image: Image.Image, image_format: str, *, thumbnail: bool) -> bytes:
    """``image`` written as ``image_format`` with no metadata at all."""
    options: dict = {}
    if image_format == "JPEG":
        options = {"quality": THUMBNAIL_QUALITY if thumbnail else JPEG_QUALITY, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": THUMBNAIL_QUALITY if thumbnail else WEBP_QUALITY}
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def document_type(data: bytes) -> DocumentType:
    """What ``data`` is, by its content: PDF, PowerPoint (.pptx, .ppt), Word (.docx) or Excel (.xlsx).

    Raises ``ServiceError`` for anything else, including macro-enabled Office files and Word or Excel
    97–2003 files (which can carry macros that are hard to see).
    """
    if PDF_MAGIC in data[:1024]:
        return DocumentType.PDF
    if data.startswith(OLE_MAGIC):
        if PPT_STREAM_NAME in data:
            return DocumentType.PPT
        raise ServiceError(
            _(
                "Of the Office 97–2003 formats only PowerPoint (.ppt) is accepted; save the file as .docx or .xlsx."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return ooxml_type(data)
    raise not_a_document()


def not_a_document() -> ServiceError:
    return ServiceError(
        _("Only PDF, PowerPoint (.pptx, .ppt), Word (.docx) and Excel (.xlsx) files are accepted.")
    )


def ooxml_type(data: bytes) -> DocumentType:
    """The type of an Office Open XML package from its ``[Content_Types].xml``; nothing is extracted.

    Raises ``ServiceError`` for a ZIP that is not such a package, one that holds macros
    (``vbaProject.bin``), or one whose main part is of another type.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                raise not_a_document()
            # ZipExtFile stops at the declared size, so a lying entry cannot inflate past it.
            content_types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression method.
        raise not_a_document() from exc
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ServiceError(
            _("Files with macros are not accepted; save it without macros (.pptx, .docx, .xlsx).")
        )
    found = {
        OOXML_MAIN_TYPES[value]
        for value in CONTENT_TYPE_ATTRIBUTE.findall(content_types)
        if value in OOXML_MAIN_TYPES
    }
    if len(found) != 1:
        raise not_a_document()
    return found.pop()
