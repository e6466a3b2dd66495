"""Indonesian time-zone labels and local-time formatting.

Indonesia has three zones (Keppres 41/1987): WIB = UTC+7 (Asia/Jakarta, Asia/Pontianak),
WITA = UTC+8 (Asia/Makassar) and WIT = UTC+9 (Asia/Jayapura). Other zones are labelled by their own
abbreviation when it is alphabetic, else by their UTC offset ("UTC+05:30").
"""

import datetime as dt
import zoneinfo

from django.utils import dateformat, translation

INDONESIAN_ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(zone: str, when: dt.datetime) -> str:
    """The label a reader expects beside a time in ``zone`` at the aware instant ``when``."""
    if zone in INDONESIAN_ZONE_LABELS:
        return INDONESIAN_ZONE_LABELS[zone]
    local = when.astimezone(zoneinfo.ZoneInfo(zone))
    abbreviation = local.tzname() or ""
    if abbreviation.isalpha():
        return abbreviation
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def long_date(day: dt.date | dt.datetime, language: str = "id") -> str:
    """A long date with its weekday computed from the date: "Jumat, 25 April 2025" (Django's locale names)."""
    with translation.override(language):
        return dateformat.format(day, "l, j F Y")


def plain_date(day: dt.date | dt.datetime, language: str = "id") -> str:
    """A date without its weekday, as letters write it: "10 April 2025" (Django's locale month names)."""
    with translation.override(language):
        return dateformat.format(day, "j F Y")


def long_date_range(start: dt.datetime, end: dt.datetime, zone: str, language: str = "id") -> str:
    """The days of ``start``–``end`` read in ``zone``: "Jumat, 25 April 2025", or
    "Kamis, 10 Desember 2026 – Jumat, 11 Desember 2026" when they fall on different days."""
    tz = zoneinfo.ZoneInfo(zone)
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    if first == last:
        return long_date(first, language)
    return f"{long_date(first, language)} – {long_date(last, language)}"


def local_range(
    start: dt.datetime, end: dt.datetime, zone: str, language: str = "id", *, with_date: bool = True
) -> str:
    """``start``–``end`` (aware) as read in ``zone``: "Jumat, 25 April 2025, 10:00–12:30 WITA".

    When the range crosses midnight in that zone, both dates are written out. ``with_date=False`` gives
    just "10:00–12:30 WITA" for a range within one day.
    """
    tz = zoneinfo.ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    label = zone_label(zone, start)
    if local_start.date() == local_end.date():
        times = f"{local_start:%H:%M}–{local_end:%H:%M} {label}"
        return f"{long_date(local_start, language)}, {times}" if with_date else times
    return (
        f"{long_date(local_start, language)} {local_start:%H:%M} – "
        f"{long_date(local_end, language)} {local_end:%H:%M} {label}"
    )
