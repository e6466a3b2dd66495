"""The period of a recap: a month, a quarter or a year, as written in URLs ("2025-04", "2025-Q2", "2025").

A period is read in the host's time zone: the year 2025 of a host in WITA runs from 1 January 2025
00:00 WITA to 1 January 2026 00:00 WITA.
"""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.utils import dateformat, translation
from django.utils.translation import gettext as _

YEAR, QUARTER, MONTH = "year", "quarter", "month"
ROMAN_QUARTERS = ("I", "II", "III", "IV")
# Years outside this range are refused: nothing was scheduled before it, and beyond it zone arithmetic
# and spreadsheets stop agreeing (the API's date filters use the same bounds).
FIRST_YEAR, LAST_YEAR = 1900, 2200

_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-(?:(?P<quarter>[Qq][0-9])|(?P<month>[0-9]{2})))?")


class PeriodError(ValueError):
    """A period that cannot be read; ``str()`` says what is wrong and how to write one, translated."""


@dataclass(frozen=True)
class Period:
    """One calendar month (``number`` 1–12), quarter (1–4) or year (``number`` 0) of ``year``."""

    kind: str
    year: int
    number: int = 0

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read "2025" (a year), "2025-Q2" (a quarter, ``q`` accepted) or "2025-04" (a month).

        Raises ``PeriodError`` with a translated sentence for anything else: another shape, a year
        outside 1900–2200, quarter 0 or 5, month 00 or 13. Only ASCII digits are read.
        """
        match = _PATTERN.fullmatch(text or "")
        if not match:
            raise PeriodError(
                _(
                    "“%(text)s” is not a period: write a year (2025), a quarter (2025-Q2) or a month (2025-04)."
                )
                % {"text": text}
            )
        year = int(match["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if match["quarter"]:
            number = int(match["quarter"][1:])
            if not 1 <= number <= 4:
                raise PeriodError(_("A quarter is Q1, Q2, Q3 or Q4."))
            return cls(QUARTER, year, number)
        if match["month"]:
            number = int(match["month"])
            if not 1 <= number <= 12:
                raise PeriodError(_("A month is 01 to 12."))
            return cls(MONTH, year, number)
        return cls(YEAR, year)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        """The month, quarter or year (``kind``) that ``day`` falls in."""
        if kind == MONTH:
            return cls(MONTH, day.year, day.month)
        if kind == QUARTER:
            return cls(QUARTER, day.year, (day.month - 1) // 3 + 1)
        return cls(YEAR, day.year)

    @property
    def slug(self) -> str:
        """The period as written in URLs and file names: "2025", "2025-Q2", "2025-04"."""
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def first_day(self) -> dt.date:
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        return dt.date(self.year, 1, 1)

    @property
    def next_first_day(self) -> dt.date:
        """The day after the period's last day."""
        if self.kind == YEAR:
            return dt.date(self.year + 1, 1, 1)
        month = self.first_day.month + (3 if self.kind == QUARTER else 1)
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next_first_day - dt.timedelta(days=1)

    def bounds(self, zone: str) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes ``[start, end)``: local midnights in the IANA ``zone``."""
        tz = zoneinfo.ZoneInfo(zone)
        return (
            dt.datetime.combine(self.first_day, dt.time(0), tzinfo=tz),
            dt.datetime.combine(self.next_first_day, dt.time(0), tzinfo=tz),
        )

    def title(self, language: str = "id") -> str:
        """The period in words: "Tahun 2025", "Triwulan II 2025", "April 2025" (Django's month names)."""
        with translation.override(language):
            if self.kind == QUARTER:
                return _("Quarter %(roman)s %(year)s") % {
                    "roman": ROMAN_QUARTERS[self.number - 1],
                    "year": self.year,
                }
            if self.kind == MONTH:
                return dateformat.format(self.first_day, "F Y")
            return _("Year %(year)s") % {"year": self.year}

    def __str__(self) -> str:
        return self.slug
