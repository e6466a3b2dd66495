"""The recap spreadsheet, read back with openpyxl: four sheets, typed values, text never a formula."""

import datetime as dt
import io

import openpyxl

from recaps.periods import Period
from recaps.selectors import recap_for
from recaps.xlsx import recap_xlsx
from tests.recaps.conftest import NOW


def workbook(recap_data, language="en"):
    recap = recap_for(hosts=[recap_data.host], period=Period.parse("2025-Q2"), now=NOW)
    return openpyxl.load_workbook(io.BytesIO(recap_xlsx(recap=recap, language=language)))


def cell_value(value):
    # A spreadsheet date comes back as a datetime at midnight (no zone): compare it as the date it is.
    return value.date() if isinstance(value, dt.datetime) else value


def rows(sheet):
    return [[cell_value(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def test_recap_xlsx_sheets(recap_data):
    assert workbook(recap_data).sheetnames == ["Summary", "Visits", "By region", "Follow-ups"]


def test_recap_xlsx_summary_is_typed(recap_data):
    summary = {row[0]: row[1] for row in rows(workbook(recap_data)["Summary"]) if row and row[0]}

    assert summary["Period"] == "2025-Q2"
    assert summary["First day"] == dt.date(2025, 4, 1)
    assert summary["Last day"] == dt.date(2025, 6, 30)
    assert summary["Visits received"] == 3
    assert summary["Guests received (delegation sizes, leaders included)"] == 22
    assert summary["Visits made by our delegations"] == 1
    assert (summary["Follow-ups open"], summary["Follow-ups overdue"], summary["Follow-ups completed"]) == (
        2,
        1,
        1,
    )
    assert summary["Bali"] == 2
    assert summary["Smart city"] == 2


def test_recap_xlsx_visits_sheet(recap_data):
    sheet = rows(workbook(recap_data)["Visits"])

    assert sheet[0][:4] == ["No.", "Date", "Time", "Visit"]
    assert sheet[1] == [
        1,
        dt.date(2025, 4, 25),
        "10:00–12:00 WITA",
        "Studi Komparasi Buleleng",
        "Comparative study (studi komparasi)",
        "Reported",
        "Pemerintah Kabupaten Buleleng",
        "Kabupaten Buleleng",
        "Bali",
        recap_data.v1.delegation.leader_name,
        10,
        "Smart city, Kehumasan",
    ]
    assert len(sheet) == 4


def test_recap_xlsx_regions_and_follow_ups(recap_data):
    book = workbook(recap_data)

    assert rows(book["By region"]) == [
        ["Code", "Region", "Province", "Visits", "People"],
        ["51.08", "Kabupaten Buleleng", "Bali", 1, 10],
        ["35.78", "Kota Surabaya", "Jawa Timur", 1, 7],
        ["51.71", "Kota Denpasar", "Bali", 1, 5],
    ]
    assert rows(book["Follow-ups"])[1:] == [
        [
            dt.date(2025, 4, 25),
            "Studi Komparasi Buleleng",
            "Kirim bahan paparan",
            "Bagian Humas",
            dt.date(2025, 4, 30),
            "Open",
            True,
        ],
        [
            dt.date(2025, 4, 25),
            "Studi Komparasi Buleleng",
            "Tanda tangan MoU",
            "Bagian Kerja Sama",
            None,
            "Completed",
            False,
        ],
        [
            dt.date(2025, 5, 2),
            "Studi Banding Denpasar",
            "Kunjungan balasan",
            "Bagian Kerja Sama",
            dt.date(2025, 8, 1),
            "Open",
            False,
        ],
    ]


def test_recap_xlsx_text_is_never_a_formula(recap_data):
    recap_data.v1.title = '=HYPERLINK("http://example.invalid","klik")'
    recap_data.v1.save()

    cell = workbook(recap_data)["Visits"]["D2"]

    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.invalid","klik")', "s")


def test_recap_xlsx_in_indonesian_keeps_numbers(recap_data):
    book = workbook(recap_data, language="id")

    assert rows(book.worksheets[2])[1] == ["51.08", "Kabupaten Buleleng", "Bali", 1, 10]
