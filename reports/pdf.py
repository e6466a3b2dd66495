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
from django.utils import translation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from visits.models import Visit
from visits.zones import local_range, long_date, long_date_range, zone_label

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


def report_context(visit: Visit, language: str) -> dict:
    """The template context of a report: long dates and times in the host's and the delegation's zones."""
    guest_zone = visit.delegation.institution.region.timezone
    tz = zoneinfo.ZoneInfo(visit.timezone)
    local_start = visit.start.astimezone(tz)
    multi_day = local_start.date() != visit.end.astimezone(tz).date()
    rows = []
    for item in visit.agenda_items.all():
        rows.append(
            {
                "time": f"{item.start.astimezone(tz):%H:%M}–{item.end.astimezone(tz):%H:%M}",
                "day": long_date(item.start.astimezone(tz), language),
                "item": item,
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
    }


def report_html(*, visit: Visit, language: str | None = None) -> str:
    """The report as HTML (the PDF's source): ``visit`` from ``selectors.visit_detail()``."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_to_string("reports/visit_report.html", report_context(visit, language))


def report_pdf(*, visit: Visit, language: str | None = None) -> bytes:
    """The post-visit report of ``visit`` as PDF bytes (A4), written in ``language`` (default: the site's).

    Pure: reads the visit, writes nothing. Fetches only the project's static and media files.
    """
    html = report_html(visit=visit, language=language)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=ProjectFilesFetcher()).write_pdf()
