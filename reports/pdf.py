"""Rendering a visit's post-visit report as PDF with WeasyPrint, from ``templates/reports/visit_report.html``.

WeasyPrint fetches resources only through ``ProjectFilesFetcher``: the project's static files and
uploaded media. Any other URL (http, file, data, a loopback address) is refused, so user text that
smuggles in a link or a stylesheet import cannot make the server fetch anything.
"""

import mimetypes
import zoneinfo
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from visits.enums import VisitStatus
from visits.models import Visit
from visits.zones import local_range, long_date, long_date_range, zone_label

from .models import AgendaNote, AttendanceKind

# Relative URLs in the report resolve against this base; it names no real host.
BASE_URL = "https://sambang.invalid/"


class ResourceRefused(ValueError):
    """WeasyPrint asked for a URL outside the project's static and media files."""


class ProjectFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only ``/static/…`` (via the staticfiles finders) and ``/media/…``."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            raise ResourceRefused(f"refused to fetch {url!r}: only the project's own files are allowed")
        path = unquote(parts.path)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
        found: str | None = None
        try:
            if path.startswith(static_prefix):
                found = finders.find(path.removeprefix(static_prefix))
            elif path.startswith(media_prefix):
                found = safe_join(settings.MEDIA_ROOT, path.removeprefix(media_prefix))
        except SuspiciousFileOperation as exc:  # a path that climbs out of the static or media folders
            raise ResourceRefused(f"refused to fetch {url!r}") from exc
        if not found or not Path(found).is_file():
            raise ResourceRefused(f"refused to fetch {url!r}: no such project file")
        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": mime})


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

    A visit that has not started yet is still rendered, marked as a draft (``not_started``)."""
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
        "not_started": visit.start > timezone.now(),
        "cancelled": visit.status == VisitStatus.CANCELLED,
        **attendance_context(visit),
        "quotes": visit.quotes.all(),
        "photos": visit.photos.all(),
        "signature": signature_context(visit, language),
    }


def report_html(*, visit: Visit, language: str | None = None) -> str:
    """The report as HTML (the PDF's source): ``visit`` from ``visits.selectors.visit_detail()``, or from
    ``reports.selectors.outcome_visit_detail()``, which prefetches what was recorded as well."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_to_string("reports/visit_report.html", report_context(visit, language))


def report_pdf(*, visit: Visit, language: str | None = None) -> bytes:
    """The post-visit report of ``visit`` as PDF bytes (A4), written in ``language`` (default: the site's).

    A visit that has not started yet is rendered all the same, under a "DRAFT" banner on every page:
    staff prepare the report's frame (agenda, delegation, signatories) before the day, and a draft that
    says what it is is more useful than a refusal. A cancelled visit's report says it was cancelled.

    Pure: reads the visit, writes nothing. Fetches only the project's static and media files (the
    letterhead's logo, the photos).
    """
    html = report_html(visit=visit, language=language)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=ProjectFilesFetcher()).write_pdf()
