"""Hostile or careless input found by attacking the importer, the API and the pages."""

import copy
import datetime as dt

import pytest
from django.utils import translation

from delegations.models import Delegation
from tests.conftest import DEMO_FILE
from visits.enums import VisitStatus
from visits.importer import VisitFileError, decode_visit_text, parse_visit_data
from visits.models import Message, Official, Region, Visit
from visits.services import visit_import


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def problems_of(data) -> list[tuple[str, str]]:
    with pytest.raises(VisitFileError) as caught:
        parse_visit_data(data)
    return caught.value.problems


def test_yaml_alias_bomb_is_refused_before_it_expands():
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b]\n'

    with pytest.raises(VisitFileError) as caught:
        decode_visit_text(text)

    assert "aliases (*name) are not allowed" in caught.value.problems[0][1]


@pytest.mark.parametrize(
    ("text", "json_file"),
    # An impossible date is not a syntax error: test_impossible_date_names_its_field.
    [("date: [2025-02-30\n", False), ("[" * 100_000, True), ('{"n": ' + "9" * 5000 + "}", True)],
)
def test_undecodable_files_give_a_message_not_a_traceback(text, json_file):
    with pytest.raises(VisitFileError) as caught:
        decode_visit_text(text, json_file=json_file)

    assert caught.value.problems[0][1].startswith("is not valid YAML or JSON")


@pytest.mark.parametrize("quote", ["", '"'])
def test_impossible_date_names_its_field(quote):
    text = DEMO_FILE.read_text(encoding="utf-8")
    text = text.replace("  date: 2025-04-25\n", f"  date: {quote}2027-02-30{quote}\n")
    text = text.replace("letter_date: 2025-04-10\n", f"letter_date: {quote}2027-13-01{quote}\n")

    problems = problems_of(decode_visit_text(text))

    assert problems == [
        ("request.letter_date", "2027-13-01 does not exist: check the day and the month"),
        ("visit.date", "2027-02-30 does not exist: check the day and the month"),
    ]


def test_unquoted_dates_are_read_as_dates(demo_data):
    data = parse_visit_data(decode_visit_text(DEMO_FILE.read_text(encoding="utf-8")))

    assert (data.letter_date, data.start.date()) == (dt.date(2025, 4, 10), dt.date(2025, 4, 25))


def test_a_date_in_another_shape_is_still_a_wrong_format(demo_data):
    demo_data["visit"]["date"] = "25-04-2025"

    assert problems_of(demo_data)[0] == ("visit.date", "“25-04-2025” is not a date written as YYYY-MM-DD")


def test_numbers_where_text_belongs_are_refused(demo_data):
    demo_data["request"]["letter_number"] = 271  # YAML's reading of an unquoted 0417
    demo_data["delegation"]["region"]["code"] = 51.1

    assert problems_of(demo_data) == [
        ("delegation.region.code", 'must be text; write it in quotes ("…")'),
        ("request.letter_number", 'must be text; write it in quotes ("…")'),
    ]


def test_line_breaks_and_control_characters_are_refused(demo_data):
    demo_data["visit"]["title"] = "Kunjungan\nBEGIN:VEVENT"
    demo_data["host"]["officials"][0]["name"] = "Nama\r\nBcc: evil@evil.example"
    demo_data["request"]["topics"] = ["ok", "\x1b[31mmerah"]

    paths = [path for path, _m in problems_of(demo_data)]

    assert paths[:3] == ["host.officials[0].name", "request.topics[1]", "visit.title"]


def test_overlong_or_too_many_list_items_are_refused(demo_data):
    demo_data["request"]["topics"] = ["x" * 301]
    demo_data["outcome"]["points"] = ["y"] * 101

    assert problems_of(demo_data) == [
        ("request.topics[0]", "is longer than 300 characters"),
        ("outcome.points", "has more than 100 items"),
    ]


def test_international_domain_is_stored_as_idna_and_unicode_local_part_refused(db, demo_data):
    demo_data["delegation"]["leader"]["email"] = "ketua@tämu.example.org"
    data = parse_visit_data(copy.deepcopy(demo_data))
    demo_data["delegation"]["leader"]["email"] = "kétua@tamu.example.org"

    assert data.leader.email == "ketua@xn--tmu-qla.example.org"
    assert problems_of(demo_data) == [
        ("delegation.leader.email", "“kétua@tamu.example.org” is not a valid e-mail address")
    ]


@pytest.mark.parametrize(
    ("value", "zone"), [("0001-01-01", "Asia/Jakarta"), ("9999-12-31", "America/New_York")]
)
def test_dates_outside_2000_to_2100_are_refused(demo_data, value, zone):
    demo_data["visit"]["date"] = value
    demo_data["visit"]["timezone"] = zone

    assert problems_of(demo_data)[0] == ("visit.date", f"{value} is not between 2000 and 2100")


def test_a_time_the_clocks_skip_is_refused(demo_data):
    demo_data["visit"].update(timezone="America/New_York", date="2025-03-09")
    demo_data["visit"]["agenda"] = [
        {"start": "02:45", "end": "03:15", "title": "Rapat", "kind": "discussion"}
    ]

    assert problems_of(demo_data)[0] == (
        "visit.agenda[0].start",
        "02:45 does not exist on 2025-03-09 in this time zone (the clocks skip it)",
    )


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "Asia/" + "x" * 300])
def test_odd_or_overlong_time_zones_are_refused(demo_data, zone):
    demo_data["visit"]["timezone"] = zone

    assert problems_of(demo_data)[0][0] == "visit.timezone"


def test_a_file_cannot_rewrite_a_region_other_visits_use(visit, demo_data):
    demo_data["delegation"]["institution"] = "Pemerintah Kabupaten Lain"
    demo_data["delegation"]["region"] = {
        "code": "51.08",
        "name": "Kabupaten Salah Ketik",
        "kind": "kota",
        "province": "Papua",
        "timezone": "Asia/Jayapura",
    }
    demo_data["request"]["letter_number"] = "9/9/2025"
    demo_data["visit"]["status"] = "requested"

    result = visit_import(data=parse_visit_data(demo_data))

    region = Region.objects.get(code="51.08")
    assert (region.name, region.timezone) == ("Kabupaten Buleleng", "Asia/Makassar")
    assert "region 51.08 is known as Kabupaten Buleleng (Asia/Makassar)" in " ".join(result.warnings)


def test_a_file_without_e_mails_does_not_erase_them(visit, demo_data):
    for official in demo_data["host"]["officials"]:
        official.pop("email")

    visit_import(data=parse_visit_data(demo_data))

    assert Official.objects.get(name="Budi Santoso Contoh").email == "sekda@malang.example.org"


def test_a_file_without_status_keeps_a_completed_visit_completed(visit, demo_data):
    Visit.objects.filter(pk=visit.pk).update(
        status=VisitStatus.COMPLETED, invitations_sent_at=dt.datetime(2025, 4, 15, tzinfo=dt.UTC)
    )
    demo_data["visit"].pop("status", None)

    result = visit_import(data=parse_visit_data(demo_data))

    assert (result.visit.status, result.visit.sequence) == (VisitStatus.COMPLETED, 0)


def test_the_host_visiting_itself_is_refused_whatever_the_case(db, demo_data):
    demo_data["delegation"]["institution"] = "pemerintah  kota MALANG"

    with pytest.raises(VisitFileError) as caught:
        visit_import(data=parse_visit_data(demo_data))

    assert caught.value.problems == [("delegation.institution", "is the host itself")]
    assert Delegation.objects.count() == 0


def test_agenda_listed_out_of_order_reimports_unchanged(db, demo_data):
    demo_data["visit"]["agenda"].reverse()
    visit_import(data=parse_visit_data(copy.deepcopy(demo_data)))

    again = visit_import(data=parse_visit_data(demo_data))

    assert again.changed is False


def test_non_ascii_digits_in_api_ids_are_not_found(visit, api_client):
    assert api_client.get("/api/v1/visits/１/").status_code == 404
    assert api_client.post("/api/v1/visits/１/send-invitations/").status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59:59-12:00"])
def test_api_date_filters_out_of_range_are_400(visit, api_client, value):
    response = api_client.get("/api/v1/visits/", {"start_after": value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["start_after"]


def test_outbox_rows_cannot_be_deleted_in_the_admin(visit, admin_client, django_capture_on_commit_callbacks):
    from visits.services import visit_invitations_send

    with django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    message = Message.objects.first()

    response = admin_client.post(f"/admin/visits/message/{message.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Message.objects.filter(pk=message.pk).exists()


def test_regional_language_variant_cookie_is_honoured(visit, staff_client):
    staff_client.cookies["django_language"] = "en-us"

    assert "<h1>Visits</h1>" in staff_client.get("/").content.decode()


def test_cancelled_visit_downloads_as_a_cancellation(visit, staff_client):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)

    response = staff_client.get(f"/visits/{visit.pk}/invitation.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=CANCEL"
    assert b"METHOD:CANCEL" in response.content
    assert b"STATUS:CANCELLED" in response.content
