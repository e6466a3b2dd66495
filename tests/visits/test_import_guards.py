"""What registering or importing a visit file may not do: share one delegation between two hosts, accept
a request letter dated in the future; and what it must do: raise the SEQUENCE when a change alters what
the invitation shows (visits.services.importing, visits.importer)."""

import copy
import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import translation
from rest_framework.test import APIClient

from delegations.models import Delegation
from visits.importer import VisitFileError, parse_visit_data
from visits.models import Visit
from visits.services import visit_import
from visits.services.importing import RegisteredAtAnotherHost

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB)  # the demo's letter is dated 10 April 2025


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def admin_api(db) -> APIClient:
    api = APIClient()
    api.force_authenticate(User.objects.create_superuser("admin", "admin@example.org", "rahasia-123"))
    api.cookies["django_language"] = "en"
    return api


@pytest.fixture
def request_file(demo_data) -> dict:
    data = copy.deepcopy(demo_data)
    data["visit"].pop("status", None)
    return data


def for_batu(data: dict) -> dict:
    """The same request letter, as if addressed to another host (Kota Batu)."""
    data = copy.deepcopy(data)
    data["host"]["institution"] = "Pemerintah Kota Batu"
    data["host"]["region"] = {
        "code": "35.79",
        "name": "Kota Batu",
        "kind": "kota",
        "province": "Jawa Timur",
        "timezone": "Asia/Jakarta",
    }
    data["delegation"]["size"] = 20
    data["delegation"]["members"] = data["delegation"]["members"][:1]
    data["request"]["letter_date"] = "2025-04-11"
    return data


# --- One delegation per host ------------------------------------------------------------------------


def test_admin_registering_the_same_letter_for_another_host_is_409_and_changes_nothing(
    admin_api, request_file
):
    first = admin_api.post("/api/v1/visits/register/", request_file, format="json")
    malang = Visit.objects.get(pk=first.json()["id"])

    response = admin_api.post("/api/v1/visits/register/", for_batu(request_file), format="json")

    assert (first.status_code, response.status_code) == (201, 409)
    assert response.json() == {
        "detail": "Request letter 000.1.5/0417/Prokopim/2025 of Pemerintah Kabupaten Buleleng is already "
        f"registered for Pemerintah Kota Malang (visit {malang.pk}); it cannot be registered for Pemerintah "
        "Kota Batu too. A letter to another host has its own number: check the number in the file.",
        "visit": malang.pk,
    }
    delegation = Delegation.objects.get()
    assert (delegation.size, delegation.request_letter_date, delegation.members.count()) == (
        12,
        dt.date(2025, 4, 10),
        4,
    )
    assert Visit.objects.count() == 1
    assert not Visit.objects.filter(host__name="Pemerintah Kota Batu").exists()


def test_console_import_of_the_same_letter_for_another_host_is_refused(visit, demo_data):
    with pytest.raises(RegisteredAtAnotherHost):
        visit_import(data=parse_visit_data(for_batu(demo_data)))

    assert Delegation.objects.get().size == 12


# --- A letter cannot be dated in the future ---------------------------------------------------------


def test_registering_a_letter_dated_tomorrow_is_400_naming_the_field(admin_api, request_file):
    request_file["request"]["letter_date"] = "2025-04-13"

    response = admin_api.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "path": "request.letter_date",
            "message": "2025-04-13 is after today (2025-04-12): a letter cannot be dated in the future",
        }
    ]
    assert not Visit.objects.exists()


def test_registering_a_letter_received_in_the_future_is_400(admin_api, request_file):
    request_file["request"]["received_date"] = "2025-04-20"

    response = admin_api.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["request.received_date"]
    assert not Visit.objects.exists()


def test_today_is_read_in_the_hosts_zone(admin_api, request_file):
    # 12 April, 20:00 UTC is already 13 April 03:00 in Malang (WIB): a letter of the 13th is today's there.
    request_file["request"]["letter_date"] = "2025-04-13"

    with time_machine.travel(dt.datetime(2025, 4, 12, 20, 0, tzinfo=dt.UTC), tick=False):
        response = admin_api.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 201


def test_received_before_the_letter_was_written_is_refused(request_file):
    request_file["request"]["received_date"] = "2025-04-09"

    with translation.override("en"), pytest.raises(VisitFileError) as caught:
        parse_visit_data(request_file)

    assert caught.value.problems == [
        ("request.received_date", "2025-04-09 is before the letter's date 2025-04-10")
    ]


# --- SEQUENCE follows what the invitation shows ------------------------------------------------------


def invited(visit) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(invitations_sent_at=dt.datetime(2025, 4, 11, 9, 0, tzinfo=WIB))
    return Visit.objects.get(pk=visit.pk)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("delegation", "size", 15),
        ("delegation", "leader", {"name": "I Gede Contoh", "position": "Bupati Buleleng"}),
        ("request", "topics", ["Pengelolaan Command Center"]),
    ],
)
def test_a_change_the_invitation_shows_raises_the_sequence(
    visit, demo_data, import_data, section, key, value
):
    invited(visit)
    demo_data[section][key] = value
    if key == "leader":
        # The agenda names the old leader as a speaker.
        demo_data["visit"]["agenda"][2]["speaker"] = "I Gede Contoh"

    result = import_data(demo_data)

    assert (result.changed, result.sequence_bumped) == (True, True)
    assert Visit.objects.get(pk=visit.pk).sequence == 1


def test_a_change_the_invitation_does_not_show_keeps_the_sequence(visit, demo_data, import_data):
    invited(visit)
    demo_data["delegation"]["contact"]["phone"] = "+62 812-0000-0002"

    result = import_data(demo_data)

    assert (result.changed, result.sequence_bumped) == (True, False)
    assert Visit.objects.get(pk=visit.pk).sequence == 0


def test_import_visit_command_says_why_and_saves_nothing(visit, demo_data, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    path = tmp_path / "batu.json"
    path.write_text(json.dumps(for_batu(demo_data), default=str), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_visit", str(path), "--language", "en")

    assert str(refused.value).splitlines()[0] == f"{path} cannot be imported; nothing was saved:"
    assert "Pemerintah Kota Batu" in str(refused.value)
    assert Delegation.objects.get().size == 12
