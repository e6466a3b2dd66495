"""The leadership recap as an Excel workbook (.xlsx) with openpyxl: sheets Summary, Visits, By region and
Follow-ups (names translated). Values keep their types: dates are dates, counts are numbers, an overdue
flag is a boolean; user text is always a text cell, never a formula (a title "=HYPERLINK(…)" stays text).
"""

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .selectors import Recap

DATE_FORMAT = "DD/MM/YYYY"  # as Indonesian offices write dates
BOLD = Font(bold=True)


def _cell_value(value):
    """``value`` as a cell takes it: a lazy translation as text in the language active now; text without
    the control characters XML 1.0 cannot hold (openpyxl raises ``IllegalCharacterError`` on them). Forms
    and the API refuse them today, but a row saved before, or straight into the database, must not break
    the leadership's workbook: they are removed, as no one typed them on purpose."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _append(sheet: Worksheet, values: list, *, bold: bool = False) -> None:
    """Append one row; text stays text (openpyxl would read "=…" as a formula), dates get ``DATE_FORMAT``."""
    sheet.append([_cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif cell.is_date:
            cell.number_format = DATE_FORMAT
        if bold:
            cell.font = BOLD


def _table(sheet: Worksheet, header: list[str], rows: list[list]) -> None:
    _append(sheet, header, bold=True)
    for row in rows:
        _append(sheet, row)


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary(sheet: Worksheet, recap: Recap, language: str) -> None:
    tz = recap.start.tzinfo
    _append(sheet, [_("Recap of visits, %(period)s") % {"period": recap.period.title(language)}], bold=True)
    _append(sheet, [_("Host"), ", ".join(host.name for host in recap.hosts)])
    _append(sheet, [_("Period"), recap.period.slug])
    _append(sheet, [_("First day"), recap.period.first_day])
    _append(sheet, [_("Last day"), recap.period.last_day])
    _append(sheet, [_("Made on"), timezone.localtime(recap.generated_at, tz).date()])
    _append(sheet, [])
    _append(sheet, [_("Visits received"), recap.received])
    _append(sheet, [_("Guests received (delegation sizes, leaders included)"), recap.people])
    _append(sheet, [_("Visits made by our delegations"), recap.made])
    _append(sheet, [_("People in our delegations"), recap.made_people])
    _append(sheet, [_("Follow-ups open"), recap.follow_ups_open])
    _append(sheet, [_("Follow-ups overdue"), recap.follow_ups_overdue])
    _append(sheet, [_("Follow-ups completed"), recap.follow_ups_done])
    _append(sheet, [_("Visits coming"), len(recap.coming)])
    _append(sheet, [])
    _table(
        sheet,
        [_("Province"), _("Visits"), _("People")],
        [[row["province"], row["visits"], row["people"]] for row in recap.by_province],
    )
    _append(sheet, [])
    _table(
        sheet,
        [_("Kind of visit"), _("Visits"), _("People")],
        [[row["label"], row["visits"], row["people"]] for row in recap.by_kind],
    )
    _append(sheet, [])
    _table(sheet, [_("Topic"), _("Visits")], [[row["topic"], row["visits"]] for row in recap.by_topic])
    _append(sheet, [])
    _table(sheet, [_("Status"), _("Visits")], [[row["label"], row["visits"]] for row in recap.by_status])
    _widths(sheet, [52, 28, 12])


def recap_xlsx(*, recap: Recap, language: str | None = None) -> bytes:
    """The recap (from ``selectors.recap_for``) as .xlsx bytes, labels in ``language`` (default: the site's).

    Sheets, in order: Summary (totals, then by province, kind, topic and status), Visits (one row per visit
    received: local date, time, title, kind, status, delegation, region, province, leader, people, topics),
    By region (code, region, province, visits, people) and Follow-ups (visit date, visit, follow-up, owner,
    due date, status, overdue). Pure: reads nothing more, writes nothing.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        workbook = Workbook()
        summary = workbook.active
        summary.title = _("Summary")
        _summary(summary, recap, language)

        visits = workbook.create_sheet(_("Visits"))
        _table(
            visits,
            [
                _("No."),
                _("Date"),
                _("Time"),
                _("Visit"),
                _("Kind of visit"),
                _("Status"),
                _("Delegation"),
                _("Region"),
                _("Province"),
                _("Led by"),
                _("People"),
                _("Topics"),
            ],
            [
                [
                    number,
                    row["date"],
                    row["time"],
                    row["title"],
                    row["kind_label"],
                    row["status_label"],
                    row["institution"],
                    row["region"],
                    row["province"],
                    row["leader"],
                    row["people"],
                    ", ".join(row["topics"]),
                ]
                for number, row in enumerate(recap.visits, start=1)
            ],
        )
        _widths(visits, [6, 12, 18, 48, 28, 18, 36, 26, 22, 26, 9, 40])

        regions = workbook.create_sheet(_("By region"))
        _table(
            regions,
            [_("Code"), _("Region"), _("Province"), _("Visits"), _("People")],
            [
                [row["code"], row["name"], row["province"], row["visits"], row["people"]]
                for row in recap.by_region
            ],
        )
        _widths(regions, [10, 34, 28, 10, 10])

        follow_ups = workbook.create_sheet(_("Follow-ups"))
        _table(
            follow_ups,
            [_("Visit date"), _("Visit"), _("Follow-up"), _("Owner"), _("Due"), _("Status"), _("Overdue")],
            [
                [
                    row["visit_date"],
                    row["visit"],
                    row["text"],
                    row["owner_unit"],
                    row["due_date"],
                    row["status_label"],
                    row["overdue"],
                ]
                for row in recap.follow_up_rows
            ],
        )
        _widths(follow_ups, [12, 40, 60, 28, 12, 14, 10])
        for sheet in (visits, regions, follow_ups):
            sheet.freeze_panes = "A2"
            if sheet.max_row > 1:
                sheet.auto_filter.ref = sheet.dimensions
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
