"""The reply letter (*surat balasan*) as PDF, with the host's letterhead, from templates/visits/reply_letter.html."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from reports.pdf import BASE_URL, ProjectFilesFetcher

from .enums import VisitKind
from .models import ReplyLetter
from .zones import local_range, long_date, plain_date, zone_label

# What the letter calls the visit it answers, by ``VisitKind``, article included. The kinds' own labels
# cannot be followed by "visit": "Working visit (kunjungan kerja)" already is one ("a working visit
# (kunjungan kerja) visit"), and a courtesy call or an audience is not "a … visit" at all.
REQUESTED_VISIT = {
    VisitKind.COMPARATIVE_STUDY: _("a comparative study visit (studi komparasi)"),
    VisitKind.STUDY_VISIT: _("a study visit (studi banding)"),
    VisitKind.WORKING_VISIT: _("a working visit (kunjungan kerja)"),
    VisitKind.AUDIENCE: _("an audience (audiensi)"),
    VisitKind.COURTESY_CALL: _("a courtesy call"),
    VisitKind.OTHER: _("a visit"),
}


def reply_letter_pdf(*, letter: ReplyLetter, language: str = "id") -> bytes:
    """The letter as PDF bytes (A4), in ``language``: the visit's day, times (host's and guest's zones) and
    place as the letter gave them when it was issued (``ReplyLetter.visit_start`` …), not as the visit has
    them now.

    Fetches only the project's static and media files (the report's URL fetcher). Writes nothing.
    """
    visit, host, delegation = letter.visit, letter.host, letter.visit.delegation
    guest_zone = delegation.institution.region.timezone
    start, end = letter.visit_start or visit.start, letter.visit_end or visit.end
    with translation.override(language):
        context = {
            "letter": letter,
            "visit": visit,
            "host": host,
            "delegation": delegation,
            "place": host.region.name.removeprefix("Kota ").removeprefix("Kabupaten "),
            "letter_date": plain_date(letter.date, language),
            "request_date": plain_date(delegation.request_letter_date, language),
            "date": long_date(start.astimezone(visit.tzinfo), language),
            "host_time": local_range(start, end, visit.timezone, language, with_date=False),
            "guest_time": local_range(start, end, guest_zone, language, with_date=False)
            if zone_label(guest_zone, start) != zone_label(visit.timezone, start)
            else None,
            "venue_name": letter.venue_name,
            "venue_address": letter.venue_address,
            "scheduled": letter.booked,
            "requested_visit": str(REQUESTED_VISIT.get(visit.kind, REQUESTED_VISIT[VisitKind.OTHER])),
        }
        html = render_to_string("visits/reply_letter.html", context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=ProjectFilesFetcher()).write_pdf()
