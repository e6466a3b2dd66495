"""The leadership recap as PDF with WeasyPrint, from ``templates/recaps/recap.html``.

The recap reuses the visit report's letterhead partial, stylesheet and URL fetcher
(``reports.pdf.ProjectFilesFetcher``): only the project's static and media files are read, anything else
is refused. Charts are inline SVG (``recaps.charts``).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from reports.models import FollowUpStatus
from reports.pdf import BASE_URL, ProjectFilesFetcher
from visits.zones import plain_date

from .charts import bar_chart
from .selectors import Recap

# The PDF lists at most this many open follow-ups (overdue first); the spreadsheet has every one, and the
# table by owning unit counts them all. An annual recap of 500 visits would otherwise be mostly this list.
MAX_FOLLOW_UPS = 30


def recap_title(recap: Recap, language: str) -> str:
    """ "Rekap Kunjungan Triwulan II 2025": the recap's title, in ``language``."""
    with translation.override(language):
        return _("Recap of visits, %(period)s") % {"period": recap.period.title(language)}


def recap_context(recap: Recap, language: str) -> dict:
    """The template context: the recap, its title and date range in words, and the charts as SVG."""
    # Overdue first, then by due date: what the leadership should chase.
    open_follow_ups = sorted(
        (row for row in recap.follow_up_rows if row["status"] == FollowUpStatus.OPEN),
        key=lambda row: (
            not row["overdue"],
            row["due_date"] is None,
            row["due_date"] or recap.period.first_day,
        ),
    )
    with translation.override(language):
        others = _("Others")
        charts = {
            "province": bar_chart(
                title=_("Visits by origin province"),
                rows=[(row["province"], row["visits"]) for row in recap.by_province],
                others=others,
            ),
            "kind": bar_chart(
                title=_("Visits by kind"),
                rows=[(row["label"], row["visits"]) for row in recap.by_kind],
                others=others,
            ),
            "topic": bar_chart(
                title=_("Visits by topic"),
                rows=[(row["topic"], row["visits"]) for row in recap.by_topic],
                others=others,
            ),
        }
        if len(recap.by_month) > 1:
            charts["month"] = bar_chart(
                title=_("Visits by month"),
                rows=[
                    (
                        formats.date_format(recap.period.first_day.replace(month=row["month"]), "F"),
                        row["visits"],
                    )
                    for row in recap.by_month
                ],
                others=others,
            )
        return {
            "recap": recap,
            "host": recap.host,
            "title": recap_title(recap, language),
            "period_title": recap.period.title(language),
            "range": f"{plain_date(recap.period.first_day, language)} – {plain_date(recap.period.last_day, language)}",
            "generated_on": plain_date(timezone.localtime(recap.generated_at, recap.start.tzinfo), language),
            "coming_range": f"{plain_date(recap.coming_from.astimezone(recap.start.tzinfo), language)} – "
            f"{plain_date(recap.coming_until.astimezone(recap.start.tzinfo), language)}",
            "open_follow_ups": open_follow_ups[:MAX_FOLLOW_UPS],
            "more_follow_ups": max(0, len(open_follow_ups) - MAX_FOLLOW_UPS),
            "charts": charts,
        }


def recap_html(*, recap: Recap, language: str | None = None) -> str:
    """The recap as HTML (the PDF's source)."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_to_string("recaps/recap.html", recap_context(recap, language))


def recap_pdf(*, recap: Recap, language: str | None = None) -> bytes:
    """The recap (from ``selectors.recap_for``) as PDF bytes (A4) in ``language`` (default: the site's):
    the first host's *kop surat*, the period's title, the totals, charts and tables by province, region,
    kind, topic and month, the visits made, the open follow-ups, what is coming, and the list of visits.

    Pure: reads nothing more from the database, writes nothing. Fetches only the project's static and
    media files (the stylesheet, the letterhead's logo).
    """
    html = recap_html(recap=recap, language=language)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=ProjectFilesFetcher()).write_pdf()
