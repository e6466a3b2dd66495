"""Periods as written in URLs: 2025, 2025-Q2, 2025-04; their bounds in a zone and their titles."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from recaps.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2025", "year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2025-Q2", "quarter", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025-q4", "quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-12", "month", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
    ],
)
def test_period_parse(text, kind, first, last):
    period = Period.parse(text)

    assert (period.kind, period.first_day, period.last_day) == (kind, first, last)


def test_period_slug_round_trips():
    assert [Period.parse(text).slug for text in ("2025", "2025-q2", "2025-04")] == [
        "2025",
        "2025-Q2",
        "2025-04",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "A month is 01 to 12."),
        ("2025-00", "A month is 01 to 12."),
        ("2025-Q5", "A quarter is Q1, Q2, Q3 or Q4."),
        ("2025-Q0", "A quarter is Q1, Q2, Q3 or Q4."),
        ("1899", "The year must be between 1900 and 2200."),
        (
            "2025-4",
            "“2025-4” is not a period: write a year (2025), a quarter (2025-Q2) or a month (2025-04).",
        ),
        (
            "２０２５",
            "“２０２５” is not a period: write a year (2025), a quarter (2025-Q2) or a month (2025-04).",
        ),
        ("", "“” is not a period: write a year (2025), a quarter (2025-Q2) or a month (2025-04)."),
        (
            "2025-H1",
            "“2025-H1” is not a period: write a year (2025), a quarter (2025-Q2) or a month (2025-04).",
        ),
    ],
)
def test_period_parse_refuses_bad_input(text, message):
    with translation.override("en"), pytest.raises(PeriodError) as error:
        Period.parse(text)

    assert str(error.value) == message


def test_period_bounds_are_local_midnights():
    start, end = Period.parse("2025-Q2").bounds("Asia/Jayapura")

    assert (start, end) == (
        dt.datetime(2025, 4, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura")),
        dt.datetime(2025, 7, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura")),
    )
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 3, 31, 15, 0, tzinfo=dt.UTC)


def test_period_titles():
    assert Period.parse("2025-06").title("id") == "Juni 2025"
    assert Period.parse("2025-06").title("en") == "June 2025"
    assert Period.parse("2025-Q2").title("en") == "Quarter II 2025"
    assert Period.parse("2025").title("en") == "Year 2025"


def test_period_containing():
    day = dt.date(2025, 8, 17)

    assert [Period.containing(kind, day).slug for kind in ("month", "quarter", "year")] == [
        "2025-08",
        "2025-Q3",
        "2025",
    ]
