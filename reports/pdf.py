"""Rendering a visit's post-visit report as PDF with WeasyPrint, from ``templates/reports/visit_report.html``.

WeasyPrint fetches resources only through ``ProjectFilesFetcher``: the project's static files, uploaded
media and the report's font files (``reports.fonts``). Any other URL (http, file, data, a loopback
address) is refused, so user text that smuggles in a link or a stylesheet import cannot make the server
fetch anything.

Before anything is laid out, every character of the report is looked up in the fonts' character maps: a
name no font can draw raises ``MissingGlyphs`` (saying which characters and where) instead of printing
empty boxes. Rendering can be bounded in time (``render_deadline``) and reports its progress by stage.
"""

import contextlib
import ctypes
import hashlib
import html.parser
import mimetypes
import re
import threading
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils._os import safe_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from visits.enums import VisitStatus
from visits.models import Visit
from visits.zones import local_range, long_date, long_date_range, zone_label

from . import fonts
from .models import AgendaNote, AttendanceKind

# A visit in one of these states has taken place, or is taking place, whatever its start time says.
HELD = (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED, VisitStatus.REPORTED)

# Relative URLs in the report resolve against this base; it names no real host.
BASE_URL = "https://sambang.invalid/"
# Part of every stored report's fingerprint: raise it when the report changes in a way that its HTML does
# not show (the template's HTML and report.css are hashed anyway).
REPORT_VERSION = "2"


class ResourceRefused(ValueError):
    """WeasyPrint asked for a URL outside the project's static and media files."""


class ProjectFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only ``/static/…`` (via the staticfiles finders), ``/media/…`` and
    the report's font files (``/fonts/…``, exactly the files ``reports.fonts.font_files()`` lists)."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            raise ResourceRefused(f"refused to fetch {url!r}: only the project's own files are allowed")
        path = unquote(parts.path)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
        found: str | None = None
        try:
            if path.startswith(fonts.FONT_URL_PREFIX):
                found = {unquote(url): str(file) for url, file in fonts.font_files().items()}.get(path)
            elif path.startswith(static_prefix):
                found = finders.find(path.removeprefix(static_prefix))
            elif path.startswith(media_prefix):
                found = safe_join(settings.MEDIA_ROOT, path.removeprefix(media_prefix))
                in_photos = path.removeprefix(media_prefix).startswith("photos/")
                if parts.query == "pdf" and in_photos and Path(found).is_file():
                    found = str(pdf_photo(Path(found)))
        except SuspiciousFileOperation as exc:  # a path that climbs out of the static or media folders
            raise ResourceRefused(f"refused to fetch {url!r}") from exc
        if not found or not Path(found).is_file():
            raise ResourceRefused(f"refused to fetch {url!r}: no such project file")
        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": mime})


# Photos are printed at most 170 × 105 mm: 1400 px on the long side is over 200 dpi there. The stored
# photo (up to 3000 px, several MB) would make a 25 MB PDF and double the renderer's memory (bench/report.py).
PDF_PHOTO_SIDE = 1400
PDF_PHOTO_DIR = "pdf"  # under the photo's own folder: photos/pdf/<name>.jpg


def pdf_photo(original: Path) -> Path:
    """The copy of the stored photo ``original`` that reports print: at most ``PDF_PHOTO_SIDE`` px, JPEG
    quality 85, made the first time it is asked for and kept next to it (``photos/pdf/``); made again when
    the original is newer. Returns its path. Side effect: writes that file (atomically)."""
    from PIL import Image

    target = original.parent / PDF_PHOTO_DIR / f"{original.stem}.jpg"
    if target.is_file() and target.stat().st_mtime_ns >= original.stat().st_mtime_ns:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(original) as image:
        scale = min(1.0, PDF_PHOTO_SIDE / max(image.size))
        fit = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image.draft("RGB", fit)  # a JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers ``fit``
        image = image.convert("RGB")
        image.thumbnail(fit, Image.Resampling.LANCZOS)
        partial = target.with_suffix(f".{threading.get_ident()}.part")
        image.save(partial, "JPEG", quality=85)
    partial.replace(target)
    return target


def nip_display(nip: str) -> str:
    """An 18-digit NIP as it is printed under a signature: "19780512 200501 1 002" (birth date,
    appointment month, sex, number; PP 11/2017). Anything else is printed as stored."""
    if len(nip) == 18 and nip.isdigit():
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def signature_context(visit: Visit, language: str) -> dict:
    """The signature block: who prepared and who approved the report, and "Malang, <long date>"."""
    outcome = getattr(visit, "outcome", None)

    def signer(role: str) -> dict:
        return {
            "name": getattr(outcome, f"{role}_by_name", ""),
            "position": getattr(outcome, f"{role}_by_position", ""),
            "nip": nip_display(getattr(outcome, f"{role}_by_nip", "")),
        }

    place = outcome.signed_place if outcome else ""
    day = outcome.signed_date if outcome else None
    signed_on = ", ".join(part for part in (place, long_date(day, language) if day else "") if part)
    return {"prepared": signer("prepared"), "approved": signer("approved"), "signed_on": signed_on}


def attendance_context(visit: Visit) -> dict:
    """Attendance rows (leader, members, walk-ins) and how many of them were present."""
    rows = sorted(
        visit.attendances.all(),
        key=lambda row: (list(AttendanceKind.values).index(row.kind), row.pk),
    )
    return {"attendance": rows, "present_count": sum(1 for row in rows if row.present)}


def report_context(visit: Visit, language: str) -> dict:
    """The template context of a report: long dates and times in the host's and the delegation's zones,
    and what was recorded (attendance, agenda notes, quotes, photos, the signature block).

    A visit that has not started yet is still rendered, marked as a draft (``not_started``): one before its
    start time that nobody has marked as started (a visit may be marked as started from 00:00 of its day,
    when the delegation arrives early)."""
    guest_zone = visit.delegation.institution.region.timezone
    tz = zoneinfo.ZoneInfo(visit.timezone)
    local_start = visit.start.astimezone(tz)
    multi_day = local_start.date() != visit.end.astimezone(tz).date()
    notes = {note.agenda_item_id: note.text for note in AgendaNote.objects.filter(agenda_item__visit=visit)}
    rows = []
    for item in visit.agenda_items.all():
        rows.append(
            {
                "time": f"{item.start.astimezone(tz):%H:%M}–{item.end.astimezone(tz):%H:%M}",
                "day": long_date(item.start.astimezone(tz), language),
                "item": item,
                "note": notes.get(item.pk, ""),
            }
        )
    return {
        "visit": visit,
        "host": visit.host,
        "delegation": visit.delegation,
        "date": long_date_range(visit.start, visit.end, visit.timezone, language),
        "host_time": local_range(visit.start, visit.end, visit.timezone, language, with_date=multi_day),
        "guest_time": local_range(visit.start, visit.end, guest_zone, language, with_date=multi_day)
        if zone_label(guest_zone, visit.start) != zone_label(visit.timezone, visit.start)
        else None,
        "host_zone": zone_label(visit.timezone, visit.start),
        "agenda": rows,
        "multi_day": multi_day,
        "officials": visit.visit_officials.all(),
        "members": visit.delegation.members.all(),
        "key_points": visit.key_points.all(),
        "follow_ups": visit.follow_ups.all(),
        "letter_date": long_date(visit.delegation.request_letter_date, language),
        "not_started": visit.status not in HELD and visit.start > timezone.now(),
        "cancelled": visit.status == VisitStatus.CANCELLED,
        **attendance_context(visit),
        "quotes": visit.quotes.all(),
        "photos": visit.photos.all(),
        "signature": signature_context(visit, language),
    }


class RenderTimeLimit(Exception):  # noqa: N818 - named for what happened, like Celery's TimeLimitExceeded
    """Rendering the report took longer than its time limit (``settings.SAMBANG_PDF_TIME_LIMIT``)."""


@dataclass(frozen=True)
class MissingGlyph:
    """A character none of the report's fonts can draw, and where it occurs ("Delegation member 3: name")."""

    char: str
    where: tuple[str, ...]

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        return unicodedata.name(self.char, _("unnamed character"))


class MissingGlyphs(Exception):  # noqa: N818 - a plural noun reads best at the raise and in the except
    """Some characters of the report have a glyph in none of its fonts (``reports.fonts``); nothing was
    rendered. ``missing`` lists each character once, in order of appearance; ``hint`` says which font
    to install when a family the report knows is not installed on this machine."""

    def __init__(self, missing: list[MissingGlyph], hint: str = ""):
        super().__init__(missing, hint)
        self.missing = missing
        self.hint = hint

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        """The error in the active language, as pages and the API show it."""
        listed = "; ".join(
            _("%(char)s (%(codepoint)s %(name)s) in %(where)s")
            % {
                "char": glyph.char,
                "codepoint": glyph.codepoint,
                "name": glyph.name,
                "where": ", ".join(glyph.where),
            }
            for glyph in self.missing
        )
        text = _(
            "The report cannot be printed: no font of the report has these characters: %(list)s. "
            "Correct the text, or ask the administrator to install a font that has them."
        ) % {"list": listed}
        if self.hint:
            text += " " + _("Missing on this server: %(fonts)s.") % {"fonts": self.hint}
        return text


class _TextOf(html.parser.HTMLParser):
    """The text of an HTML document as it is printed: character references decoded, styles left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def printed_text(document: str) -> str:
    """What the HTML ``document`` prints: its text outside ``<style>`` and ``<title>``."""
    parser = _TextOf()
    parser.feed(document)
    parser.close()
    return "".join(parser.parts)


def _instance_texts(obj, label: str) -> list[tuple[str, str]]:
    """(where, text) for each text field of a model instance: "Delegation member 3: position"."""
    if obj is None:
        return []
    return [
        (f"{label}: {f.verbose_name}", value)
        for f in obj._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and isinstance(value := getattr(obj, f.attname), str)
        and value
    ]


def report_texts(context: dict) -> list[tuple[str, str]]:
    """Every piece of typed text the report prints, with where it comes from, in the active language:
    [("Visit: title", "…"), ("Delegation member 3: name", "…"), …]. Read from ``report_context``."""

    def each(rows, attr=None) -> list[tuple[str, str]]:
        found = []
        for number, row in enumerate(rows, start=1):
            obj = getattr(row, attr) if attr else row
            found += _instance_texts(obj, f"{capfirst(obj._meta.verbose_name)} {number}")
        return found

    visit = context["visit"]
    institution = context["delegation"].institution
    texts = _instance_texts(visit, capfirst(_("visit")))
    texts += [(f"{capfirst(_('visit'))}: {_('topics')}", str(topic)) for topic in visit.topics or []]
    for obj in (context["host"], context["delegation"], institution, institution.region, visit.venue):
        if obj is not None:
            texts += _instance_texts(obj, capfirst(obj._meta.verbose_name))
    texts += _instance_texts(getattr(visit, "outcome", None), capfirst(_("signature block")))
    texts += each([row["item"] for row in context["agenda"]])
    texts += [
        (f"{capfirst(_('agenda note'))} {number}", row["note"])
        for number, row in enumerate(context["agenda"], start=1)
        if row["note"]
    ]
    texts += each([row["item"].venue for row in context["agenda"] if row["item"].venue])
    texts += each(context["officials"], "official")
    for name in ("members", "attendance", "key_points", "quotes", "follow_ups", "photos"):
        texts += each(context[name])
    return texts


def glyph_check(texts: list[tuple[str, str]], document: str) -> list[fonts.FontFamily]:
    """The font families the report needs, after checking that every character of ``texts`` (from
    ``report_texts``) and of the finished ``document`` has a glyph in one of them.

    Raises ``MissingGlyphs`` listing each uncovered character with its code point, Unicode name and the
    places it occurs (the template's own words when no typed text has it)."""
    families, missing = fonts.families_for("".join(text for _where, text in texts) + printed_text(document))
    if not missing:
        return families
    glyphs = [
        MissingGlyph(
            char, tuple(where for where, text in texts if char in text) or (_("the report's own text"),)
        )
        for char in missing
    ]
    hint = "; ".join(family.covers for family in fonts.report_families() if not family.faces)
    raise MissingGlyphs(glyphs, hint)


@dataclass(frozen=True)
class ReportSource:
    """A report ready to render: its HTML (fonts included) and its fingerprint (``report_fingerprint``)."""

    html: str
    fingerprint: str


def report_html(*, visit: Visit, language: str | None = None) -> str:
    """The report as HTML (the PDF's source): ``visit`` from ``visits.selectors.visit_detail()``, or from
    ``reports.selectors.outcome_visit_detail()``, which prefetches what was recorded as well.

    Raises ``MissingGlyphs`` when a character has no glyph in the report's fonts."""
    return report_source(visit=visit, language=language).html


def report_source(*, visit: Visit, language: str | None = None) -> ReportSource:
    """The report's HTML with the ``@font-face`` rules of the fonts its text needs, and its fingerprint.

    Raises ``MissingGlyphs`` when a character of the report has no glyph in any of the report's fonts."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = report_context(visit, language)
        texts = report_texts(context)
        families, _missing = fonts.families_for("".join(text for _where, text in texts))
        context["font_css"] = fonts.font_face_css(families)
        document = render_to_string("reports/visit_report.html", context)
        needed = glyph_check(texts, document)
        if needed != families:  # the template's own words need a family the typed text does not
            context["font_css"] = fonts.font_face_css(needed)
            document = render_to_string("reports/visit_report.html", context)
    return ReportSource(document, report_fingerprint(document))


MEDIA_SRC = re.compile(r'src="/?' + re.escape(settings.MEDIA_URL.strip("/")) + r'/([^"]+)"')


def report_fingerprint(document: str) -> str:
    """SHA-256 (hex) of everything a report PDF is made from: ``REPORT_VERSION``, the HTML ``document``,
    report.css, the font files and the identity (name, size, modification time) of every media file the
    HTML shows (photos, the logo). Two renders with the same fingerprint give the same PDF."""
    digest = hashlib.sha256(f"{REPORT_VERSION}\n{fonts.fonts_identity()}\n".encode())
    digest.update(document.encode())
    css = finders.find("css/report.css")
    digest.update(Path(css).read_bytes() if css else b"")
    for name in sorted({src.split("?", 1)[0] for src in MEDIA_SRC.findall(document)}):
        try:
            stat = Path(safe_join(settings.MEDIA_ROOT, unquote(name))).stat()
            digest.update(f"\n{name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        except (OSError, SuspiciousFileOperation):
            digest.update(f"\n{name}|missing".encode())
    return digest.hexdigest()


class render_deadline:  # noqa: N801 - used as a context manager, like contextlib's lower-case helpers
    """``with render_deadline(seconds):`` raises ``RenderTimeLimit`` in the calling thread once ``seconds``
    have passed, even in the middle of WeasyPrint's layout (an asynchronous exception, delivered between two
    Python bytecodes; a long call into C finishes first). ``None`` means no limit.

    Why not only Celery's ``soft_time_limit``: Celery enforces it in prefork workers alone, while
    ``make run`` runs a thread pool and the tests run tasks in the caller. The task has Celery's limits
    as well, as a backstop (``reports.tasks``)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._active = False
        self._fired = False
        self._shielded = False
        self._timer: threading.Timer | None = None

    def _fire(self):
        with self._lock:
            if self._active:
                self._fired = True
                if not self._shielded:
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self._thread), ctypes.py_object(RenderTimeLimit)
                    )

    @contextlib.contextmanager
    def shielded(self):
        """``with deadline.shielded():`` runs its body without being interrupted: a database write (the
        render's progress) must not be cut in the middle of talking to the server, which would leave the
        connection unusable. A limit that passes meanwhile raises ``RenderTimeLimit`` when the body ends."""
        with self._lock:
            if self._fired and self._active:
                # Passed already: take back the exception not yet delivered and stop here, before the body.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread), None)
                raise RenderTimeLimit
            self._shielded = True
        try:
            yield
        finally:
            with self._lock:
                self._shielded = False
                due = self._fired and self._active
        if due:
            raise RenderTimeLimit

    def __enter__(self):
        if self.seconds is not None:
            self._thread = threading.get_ident()
            self._active = True
            self._timer = threading.Timer(self.seconds, self._fire)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._timer is None:
            return False
        self._timer.cancel()
        with self._lock:
            self._active = False
            fired = self._fired
            if fired:  # an exception set but not delivered yet must not escape into the caller's code
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread), None)
        if fired and exc_type is None:
            raise RenderTimeLimit
        return False


Progress = Callable[[int, str], None]


def render_pdf(
    source: ReportSource, *, progress: Progress | None = None, time_limit: float | None = None
) -> bytes:
    """The PDF bytes of ``source`` (from ``report_source``). ``progress(percent, stage)`` is called as the
    render advances ("layout" at 20 %, "writing" at 80 %), never interrupted by the time limit (it may write
    to the database: ``render_deadline.shielded``); ``time_limit`` in seconds or ``None``.

    Raises ``RenderTimeLimit`` past the time limit. Fetches only project files (``ProjectFilesFetcher``)."""
    report = progress or (lambda percent, stage: None)
    with render_deadline(time_limit) as deadline:
        with deadline.shielded():
            report(20, "layout")
        document = HTML(string=source.html, base_url=BASE_URL, url_fetcher=ProjectFilesFetcher()).render()
        with deadline.shielded():
            report(80, "writing")
        pdf = document.write_pdf()
    return pdf


def report_pdf(*, visit: Visit, language: str | None = None, time_limit: float | None = None) -> bytes:
    """The post-visit report of ``visit`` as PDF bytes (A4), written in ``language`` (default: the site's).

    A visit that has not started yet is rendered all the same, under a "DRAFT" banner on every page:
    staff prepare the report's frame (agenda, delegation, signatories) before the day, and a draft that
    says what it is is more useful than a refusal. A cancelled visit's report says it was cancelled.

    Raises ``MissingGlyphs`` (a character no font of the report has) before rendering, ``RenderTimeLimit``
    past ``time_limit`` seconds. Pure: reads the visit, writes nothing. Fetches only the project's static
    and media files (the letterhead's logo, the photos) and the report's fonts.
    """
    return render_pdf(report_source(visit=visit, language=language), time_limit=time_limit)
