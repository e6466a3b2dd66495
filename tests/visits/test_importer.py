"""import_visit: every entity, times, idempotency, updates, and each kind of bad input."""

import copy
import datetime as dt
import json
import zoneinfo

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from delegations.models import Delegation, Member
from reports.models import FollowUp, KeyPoint, Outcome
from visits.enums import OfficialRole, VenueKind, VisitStatus
from visits.importer import VisitFileError, parse_visit_data
from visits.models import AgendaItem, Institution, Official, Region, Venue, Visit, VisitOfficial
from visits.services import visit_import

from ..conftest import DEMO_FILE

UTC = dt.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
ALL_MODELS = [
    Region,
    Institution,
    Official,
    Venue,
    Visit,
    VisitOfficial,
    AgendaItem,
    Delegation,
    Member,
    KeyPoint,
    FollowUp,
    Outcome,
]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; test_import_messages_are_indonesian checks the default."""
    with translation.override("en"):
        yield


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_import_demo_creates_every_entity(visit):
    assert row_counts() == {
        "Region": 2,
        "Institution": 2,
        "Official": 3,
        "Venue": 4,
        "Visit": 1,
        "VisitOfficial": 3,
        "AgendaItem": 7,
        "Delegation": 1,
        "Member": 4,
        "KeyPoint": 9,
        "FollowUp": 1,
        "Outcome": 1,
    }
    assert visit.host.name == "Pemerintah Kota Malang"
    assert visit.host.region.code == "35.73"
    assert visit.delegation.institution.region.code == "51.08"
    assert visit.delegation.institution.region.timezone == "Asia/Makassar"
    assert visit.delegation.size == 12
    assert visit.delegation.request_letter_number == "000.1.5/0417/Prokopim/2025"
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.venue.name == "Ruang Sidang Balai Kota Malang"
    assert [(p.official.name, p.role) for p in visit.visit_officials.all()] == [
        ("Budi Santoso Contoh", OfficialRole.RECEIVING_OFFICIAL),
        ("Dewi Contoh", OfficialRole.PRESENTER),
        ("Agus Contoh", OfficialRole.RESOURCE_PERSON),
    ]
    assert Venue.objects.get(name="Ngalam Command Center (NCC)").kind == VenueKind.SITE
    tour = visit.agenda_items.get(kind="site_tour")
    assert (tour.venue.name, tour.official.name) == ("Ngalam Command Center (NCC)", "Dewi Contoh")
    guest_remarks = visit.agenda_items.all()[2]
    assert (guest_remarks.official, guest_remarks.guest_speaker) == (None, "I Komang Contoh")


def test_import_times_are_in_asia_jakarta(visit):
    assert visit.timezone == "Asia/Jakarta"
    # The programme opens at 09:00 WIB; arrival at 08:45 comes before the opening.
    assert visit.start == dt.datetime(2025, 4, 25, 2, 0, tzinfo=UTC)
    assert visit.end == dt.datetime(2025, 4, 25, 4, 30, tzinfo=UTC)
    first = visit.agenda_items.first()
    assert first.start.astimezone(WIB) == dt.datetime(2025, 4, 25, 8, 45, tzinfo=WIB)


def test_import_twice_creates_no_duplicates(visit):
    before = row_counts()

    call_command("import_visit", str(DEMO_FILE))

    assert row_counts() == before
    assert Visit.objects.get().uid == visit.uid


def test_import_same_file_reports_unchanged(visit, import_data, demo_data):
    result = import_data(demo_data)

    assert (result.created, result.changed, result.sequence_bumped) == (False, False, False)


def test_import_changed_file_updates_in_place(visit, import_data, demo_data):
    demo_data["visit"]["agenda"][4]["title"] = "Diskusi panel"
    demo_data["delegation"]["members"].pop()
    demo_data["outcome"]["points"] = demo_data["outcome"]["points"][:2]

    result = import_data(demo_data)

    assert (result.created, result.changed) == (False, True)
    assert result.visit.pk == visit.pk
    assert result.visit.uid == visit.uid
    assert list(visit.agenda_items.values_list("title", flat=True))[4] == "Diskusi panel"
    assert Member.objects.count() == 3
    assert KeyPoint.objects.count() == 2


def test_import_changed_schedule_after_invitations_bumps_sequence(visit, import_data, demo_data):
    Visit.objects.filter(pk=visit.pk).update(invitations_sent_at=dt.datetime(2025, 4, 15, tzinfo=UTC))
    demo_data["visit"]["agenda"][-1]["end"] = "11:20"

    result = import_data(demo_data)

    assert result.sequence_bumped is True
    assert Visit.objects.get(pk=visit.pk).sequence == 1


def test_import_unchanged_schedule_keeps_sequence(visit, import_data, demo_data):
    Visit.objects.filter(pk=visit.pk).update(invitations_sent_at=dt.datetime(2025, 4, 15, tzinfo=UTC))
    demo_data["outcome"]["news_byline"] = "abc/de"

    result = import_data(demo_data)

    assert (result.changed, result.sequence_bumped) == (True, False)
    assert Visit.objects.get(pk=visit.pk).sequence == 0


def test_import_unknown_field_is_a_warning(db, demo_data):
    demo_data["request"]["date_as_written_in_the_article"] = "Jumat (26/4/2025)"

    data = parse_visit_data(demo_data)

    assert data.warnings == ["request: unknown field “date_as_written_in_the_article” ignored"]


def test_import_json_multi_day_visit_in_wit(db, tmp_path):
    data = {
        "host": {
            "institution": "Pemerintah Kota Jayapura",
            "region": {
                "code": "94.71",
                "name": "Kota Jayapura",
                "kind": "kota",
                "province": "Papua",
                "timezone": "Asia/Jayapura",
            },
            "organizer": {
                "name": "Protokol Jayapura",
                "position": "Kabag Protokol",
                "email": "protokol@jayapura.example.org",
            },
            "officials": [
                {
                    "name": "Yohana Contoh",
                    "position": "Sekretaris Daerah",
                    "role": "receiving official",
                    "email": "sekda@jayapura.example.org",
                }
            ],
            "venues": [{"name": "Aula Kantor Wali Kota", "capacity": 80, "kind": "hall"}],
            "sites": [{"name": "Pasar Mama-Mama Papua", "capacity": 40}],
        },
        "delegation": {
            "institution": "Pemerintah Kota Bandung",
            "region": {
                "code": "32.73",
                "name": "Kota Bandung",
                "kind": "kota",
                "province": "Jawa Barat",
                "timezone": "Asia/Jakarta",
            },
            "leader": {
                "name": "Asep Contoh",
                "position": "Asisten Pemerintahan",
                "email": "asisten@bandung.example.org",
            },
            "size": 5,
        },
        "request": {"letter_number": "005/77/2025", "letter_date": "2025-05-02", "kind": "kunjungan kerja"},
        "visit": {
            "title": "Kunjungan Kerja Kota Bandung ke Kota Jayapura",
            "date": "2025-06-10",
            "end_date": "2025-06-11",
            "venue": "Aula Kantor Wali Kota",
            "agenda": [
                {
                    "start": "09:00",
                    "end": "11:00",
                    "kind": "presentation",
                    "title": "Paparan",
                    "speaker": "Yohana Contoh",
                },
                {
                    "date": "2025-06-11",
                    "start": "08:00",
                    "end": "10:00",
                    "kind": "site tour",
                    "title": "Peninjauan pasar",
                    "site": "Pasar Mama-Mama Papua",
                    "guide": "Yohana Contoh",
                },
            ],
        },
    }
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("import_visit", str(path))

    visit = Visit.objects.get()
    assert visit.timezone == "Asia/Jayapura"
    assert visit.start == dt.datetime(2025, 6, 10, 0, 0, tzinfo=UTC)
    assert visit.end == dt.datetime(2025, 6, 11, 1, 0, tzinfo=UTC)
    assert visit.venue is not None
    assert visit.venue.kind == VenueKind.HALL
    assert [i.start for i in visit.agenda_items.all()] == [
        dt.datetime(2025, 6, 10, 0, 0, tzinfo=UTC),
        dt.datetime(2025, 6, 10, 23, 0, tzinfo=UTC),
    ]


def _break(data: dict, change) -> dict:
    broken = copy.deepcopy(data)
    change(broken)
    return broken


BAD_INPUT = [
    pytest.param(
        lambda d: d["visit"].pop("title"),
        [("visit.title", "is missing")],
        id="missing-field",
    ),
    pytest.param(
        lambda d: d["visit"]["agenda"][3].update(start="10:30", end="10:15"),
        [("visit.agenda[3].end", "10:15 is not after the start 10:30")],
        id="end-before-start",
    ),
    pytest.param(
        lambda d: d["visit"].update(start="09:00", end="11:00"),
        [
            (
                "visit.agenda[6]",
                "2025-04-25 11:00–11:30 is outside the visit (2025-04-25 09:00–2025-04-25 11:00)",
            )
        ],
        id="agenda-item-outside-visit",
    ),
    pytest.param(
        lambda d: d["visit"]["agenda"][0].update(date="2025-04-26"),
        [("visit.agenda[0].date", "2025-04-26 is not one of the visit's days (2025-04-25 to 2025-04-25)")],
        id="agenda-item-on-another-day",
    ),
    pytest.param(
        lambda d: d["visit"]["agenda"][0].update(venue="Ruang Rapat Lantai 9"),
        [
            (
                "visit.agenda[0]",
                "venue or site “Ruang Rapat Lantai 9” is not one of the host's venues or sites",
            )
        ],
        id="unknown-venue",
    ),
    pytest.param(
        lambda d: d["visit"]["agenda"][1].update(speaker="Orang Lain"),
        [("visit.agenda[1].speaker", "“Orang Lain” is neither a host official nor in the delegation")],
        id="unknown-speaker",
    ),
    pytest.param(
        lambda d: d["delegation"]["region"].update(timezone="Asia/Bali"),
        [
            (
                "delegation.region.timezone",
                "“Asia/Bali” is not a known IANA time zone (for example Asia/Jakarta, Asia/Makassar, Asia/Jayapura)",
            )
        ],
        id="unknown-time-zone",
    ),
    pytest.param(
        lambda d: d["visit"].update(date="25/04/2025"),
        [("visit.date", "“25/04/2025” is not a date written as YYYY-MM-DD")],
        id="malformed-date",
    ),
    pytest.param(
        lambda d: d["visit"]["agenda"][0].update(start=615),
        [
            (
                "visit.agenda[0].start",
                "write the time in quotes as “HH:MM” (YAML reads an unquoted 10:15 as a number)",
            )
        ],
        id="unquoted-time",
    ),
    pytest.param(
        lambda d: d["delegation"].update(size=3),
        [("delegation.size", "is 3, but the leader and members already name 5 people")],
        id="size-smaller-than-names",
    ),
    pytest.param(
        lambda d: d["host"]["organizer"].update(email="bukan-email"),
        [("host.organizer.email", "“bukan-email” is not a valid e-mail address")],
        id="bad-email",
    ),
    pytest.param(
        lambda d: d["host"]["venues"][0].update(capacity=0),
        [("host.venues[0].capacity", "must be a whole number greater than zero")],
        id="capacity-zero",
    ),
    pytest.param(
        lambda d: d["request"].update(kind="piknik"),
        [
            (
                "request.kind",
                "“piknik” is not one of: studi komparasi, studi banding, kunjungan kerja, audiensi, "
                "kunjungan kehormatan, lainnya",
            )
        ],
        id="unknown-kind",
    ),
]


@pytest.mark.parametrize(("change", "problems"), BAD_INPUT)
def test_import_bad_input_is_refused_with_its_path(db, demo_data, change, problems):
    with pytest.raises(VisitFileError) as caught:
        parse_visit_data(_break(demo_data, change))

    assert caught.value.problems == problems


def test_import_command_bad_file_saves_nothing(db, tmp_path, demo_data):
    demo_data["visit"]["agenda"][1]["speaker"] = "Orang Lain"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(demo_data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_visit", str(path), "--language", "en")

    assert str(caught.value) == (
        f"{path} cannot be imported; nothing was saved:\n"
        "  visit.agenda[1].speaker: “Orang Lain” is neither a host official nor in the delegation"
    )
    assert sum(row_counts().values()) == 0


def test_import_command_unparsable_file(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("host: [unclosed", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_visit", str(path), "--language", "en")

    assert "is not valid YAML or JSON" in str(caught.value)
    assert sum(row_counts().values()) == 0


def test_import_model_rule_broken_mid_write_saves_nothing(db, demo_data):
    # A position longer than the column allows is caught by the model's own rules, after earlier rows
    # were written in the same transaction: all of it must roll back.
    demo_data["delegation"]["members"][3]["position"] = "x" * 301

    data = parse_visit_data(demo_data)

    with pytest.raises(VisitFileError) as caught:
        visit_import(data=data)

    assert caught.value.problems == [
        ("delegation.members[3].position", "Ensure this value has at most 300 characters (it has 301).")
    ]
    assert sum(row_counts().values()) == 0


def test_import_messages_are_indonesian_by_default(db, demo_data):
    demo_data["visit"].pop("title")

    with translation.override("id"), pytest.raises(VisitFileError) as caught:
        parse_visit_data(demo_data)

    assert caught.value.problems == [("visit.title", "belum diisi")]


def test_import_reports_every_problem_at_once(db, demo_data):
    demo_data["host"]["region"]["timezone"] = "Asia/Medan"
    demo_data["visit"]["agenda"][3].update(start="10:30", end="10:15")
    demo_data["visit"]["agenda"][6]["site"] = "Danau Toba"
    demo_data["visit"]["agenda"][1]["start"] = 615

    with pytest.raises(VisitFileError) as caught:
        parse_visit_data(demo_data)

    assert [path for path, _message in caught.value.problems] == [
        "host.region.timezone",
        "visit.agenda[1].start",
        "visit.agenda[3].end",
        "visit.agenda[6]",
    ]
