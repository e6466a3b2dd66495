"""Registering a request letter (*surat permohonan*) through the API or the page never skips the
leadership's decision: the visit starts, and stays, ``requested``; a file naming another status is refused
(400, ``visit.status``), and so is a letter whose visit has already been decided, booked or cancelled
(409). The console import (``manage.py import_visit``) keeps taking the file's status as it is."""

import copy
import datetime as dt
import html
import io
import zoneinfo

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from delegations.models import Delegation
from tests.conftest import DEMO_FILE
from visits import roles
from visits.importer import load_visit_file
from visits.models import Disposition, Message, StatusChange, Visit
from visits.services import visit_import
from visits.services.importing import AlreadyDecided

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
BEFORE = dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB)
LETTER = "000.1.5/0417/Prokopim/2025"  # the demo file's request letter
CHANNELS = ["api", "page"]


@pytest.fixture(autouse=True)
def _before_the_visit():
    with time_machine.travel(BEFORE, tick=False):
        yield


@pytest.fixture
def request_file(demo_data) -> dict:
    """The demo file as a new request letter: no status, as a protocol officer types it."""
    data = copy.deepcopy(demo_data)
    data["visit"].pop("status", None)  # the demo file has none
    return data


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    api = APIClient()
    api.force_authenticate(staff_user)
    api.cookies["django_language"] = "en"
    return api


@pytest.fixture
def leader_api(make_user) -> APIClient:
    api = APIClient()
    api.force_authenticate(make_user("pimpinan", roles.LEADERSHIP, is_staff=True))
    return api


@pytest.fixture
def register(staff_user, staff_api):
    """``register(channel, data)``: the staff user sends the visit file through ``"api"`` (JSON) or
    ``"page"`` (YAML pasted into /visits/register/), in English; returns the response."""
    page = Client()
    page.force_login(staff_user)
    page.cookies["django_language"] = "en"

    def send(channel: str, data: dict):
        if channel == "api":
            return staff_api.post("/api/v1/visits/register/", data, format="json")
        return page.post("/visits/register/", {"text": yaml.safe_dump(data, allow_unicode=True)})

    return send


def problems_of(channel: str, response) -> list[tuple[str, str]]:
    """The (path, message) pairs a refused registration shows: the API's ``problems``, or the page's list."""
    if channel == "api":
        return [(p["path"], p["message"]) for p in response.json()["problems"]]
    text = html.unescape(response.content.decode())
    listed = text.split("nothing was saved:</p><ul>", 1)[1].split("</ul>", 1)[0]
    return [
        tuple(item.removeprefix("<code>").split("</code>: ", 1))
        for item in listed.removeprefix("<li>").removesuffix("</li>").split("</li><li>")
    ]


def snapshot(pk: int) -> dict:
    """Everything a re-registration could have changed on the visit."""
    visit = Visit.objects.get(pk=pk)
    return {
        "status": visit.status,
        "sequence": visit.sequence,
        "title": visit.title,
        "start": visit.start,
        "dispositions": Disposition.objects.filter(visit=visit).count(),
        "status_changes": StatusChange.objects.filter(visit=visit).count(),
        "messages": Message.objects.filter(visit=visit).count(),
        "agenda": list(
            visit.agenda_items.order_by("start", "pk").values_list("title", "start", "end", "holds_room")
        ),
    }


def status_message(status: str) -> str:
    return (
        f"is “{status}”, but a registered request always starts as “requested”: only the leadership decides "
        "on it; leave the field out or write “requested”"
    )


def decided_message(pk: int, label: str) -> str:
    return (
        f"Request letter {LETTER} is already registered as visit {pk}, which is “{label}” and no longer "
        "waits for the leadership's decision; change it on the visit's page."
    )


# --- 1. A new request names a status: refused, nothing saved --------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("status", ["accepted", "scheduled", "completed"])
def test_register_with_a_status_past_requested_is_400_and_saves_nothing(
    register, request_file, channel, status
):
    request_file["visit"]["status"] = status

    response = register(channel, request_file)

    assert response.status_code == 400
    assert problems_of(channel, response) == [("visit.status", status_message(status))]
    assert Visit.objects.count() == 0
    assert Delegation.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_register_with_a_status_is_refused_for_a_superuser_too(db, django_user_model, request_file):
    api = APIClient()
    api.force_authenticate(django_user_model.objects.create_superuser("admin", password="x-12345-y"))
    api.cookies["django_language"] = "en"
    request_file["visit"]["status"] = "scheduled"

    response = api.post("/api/v1/visits/register/", request_file, format="json")

    assert response.status_code == 400
    assert response.json()["problems"] == [{"path": "visit.status", "message": status_message("scheduled")}]
    assert Visit.objects.count() == 0


def test_register_with_a_status_is_refused_in_indonesian(register, staff_api, request_file):
    request_file["visit"]["status"] = "accepted"
    staff_api.cookies["django_language"] = "id"

    response = register("api", request_file)

    assert response.status_code == 400
    # Until locale/id holds the translation the message is the English source; either way it names the field.
    assert [p["path"] for p in response.json()["problems"]] == ["visit.status"]
    assert response.json()["detail"] == "Berkas kunjungan tidak dapat didaftarkan; tidak ada yang disimpan."


@pytest.mark.parametrize("channel", CHANNELS)
def test_register_saying_requested_creates_a_request(register, request_file, channel):
    request_file["visit"]["status"] = "requested"

    response = register(channel, request_file)

    assert response.status_code == (201 if channel == "api" else 302)
    visit = Visit.objects.get()
    assert visit.status == "requested"
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "requested")]
    assert set(visit.agenda_items.values_list("holds_room", flat=True)) == {False}


# --- 2. The letter is registered again ------------------------------------------------------------------


def decided_visit(state: str, register, request_file, staff_api, leader_api) -> int:
    """Register the demo letter through the API and take its visit to ``state`` the way users do."""
    response = register("api", request_file)
    assert response.status_code == 201
    pk = response.json()["id"]
    if state == "cancelled":
        assert staff_api.post(f"/api/v1/visits/{pk}/cancel/", {"reason": "Batal."}).status_code == 200
        return pk
    decision = {"accepted": "accept", "scheduled": "accept", "declined": "decline"}[state]
    decided = leader_api.post(f"/api/v1/visits/{pk}/dispose/", {"decision": decision, "note": "Catatan."})
    assert decided.status_code == 200
    if state == "scheduled":
        visit = Visit.objects.get(pk=pk)
        booked = staff_api.post(
            f"/api/v1/visits/{pk}/schedule/",
            {
                "start": "2025-04-25T09:00:00+07:00",
                "end": "2025-04-25T11:30:00+07:00",
                "venue": visit.venue_id,
                "items": [
                    {
                        "start": "2025-04-25T09:00:00+07:00",
                        "end": "2025-04-25T11:00:00+07:00",
                        "title": "Paparan",
                    }
                ],
            },
            format="json",
        )
        assert booked.status_code == 200
        assert staff_api.post(f"/api/v1/visits/{pk}/send-invitations/").status_code == 202
    return pk


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("state", "label", "dispositions"),
    [
        ("accepted", "Accepted, to be scheduled", 1),
        ("declined", "Declined", 1),
        ("scheduled", "Scheduled", 1),
        ("cancelled", "Cancelled", 0),
    ],
)
def test_register_again_after_the_request_left_requested_is_409_and_changes_nothing(
    register,
    request_file,
    staff_api,
    leader_api,
    django_capture_on_commit_callbacks,
    channel,
    state,
    label,
    dispositions,
):
    with django_capture_on_commit_callbacks(execute=True):
        pk = decided_visit(state, register, request_file, staff_api, leader_api)
    before = snapshot(pk)
    assert (before["status"], before["dispositions"]) == (state, dispositions)
    changed = copy.deepcopy(request_file)
    changed["visit"]["title"] = "Judul yang lain"
    changed["visit"]["agenda"][0]["start"] = "07:30"

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = register(channel, changed)

    assert response.status_code == 409
    if channel == "api":
        assert response.json() == {"detail": decided_message(pk, label), "visit": pk}
    else:
        assert problems_of(channel, response) == [("request.letter_number", decided_message(pk, label))]
    assert snapshot(pk) == before
    assert Visit.objects.count() == 1
    assert queued == []


def test_register_again_after_invitations_keeps_the_sequence_and_the_outbox(
    register, request_file, staff_api, leader_api, django_capture_on_commit_callbacks
):
    # The tester's case: accepted, booked and invited, then the letter is registered again unchanged.
    with django_capture_on_commit_callbacks(execute=True):
        pk = decided_visit("scheduled", register, request_file, staff_api, leader_api)
    invited = snapshot(pk)
    assert invited["messages"] > 0
    assert invited["agenda"][0][3] is True  # booked: the agenda holds its room

    response = register("api", request_file)

    assert response.status_code == 409
    assert snapshot(pk) == invited
    assert list(Disposition.objects.filter(visit_id=pk).values_list("decision", flat=True)) == ["accept"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_register_again_while_requested_updates_the_request(register, request_file, channel):
    first = register("api", request_file)
    assert first.status_code == 201
    changed = copy.deepcopy(request_file)
    changed["visit"]["title"] = "Judul yang diperbaiki"

    response = register(channel, changed)

    assert response.status_code == (200 if channel == "api" else 302)
    visit = Visit.objects.get()
    assert (visit.pk, visit.status, visit.title) == (first.json()["id"], "requested", "Judul yang diperbaiki")
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "requested")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_register_again_while_requested_naming_a_status_is_400_and_changes_nothing(
    register, request_file, channel
):
    pk = register("api", request_file).json()["id"]
    before = snapshot(pk)
    changed = copy.deepcopy(request_file)
    changed["visit"]["status"] = "scheduled"
    changed["visit"]["title"] = "Judul yang lain"

    response = register(channel, changed)

    assert response.status_code == 400
    assert problems_of(channel, response) == [("visit.status", status_message("scheduled"))]
    assert snapshot(pk) == before
    assert before["status"] == "requested"


def test_service_refuses_a_users_registration_of_a_decided_visit(visit, staff_user):
    # The demo visit, imported at the console as scheduled: a user may not register its letter again.
    data = load_visit_file(DEMO_FILE)
    data.status = None
    before = snapshot(visit.pk)

    with pytest.raises(AlreadyDecided) as caught:
        visit_import(data=data, by=staff_user)

    assert caught.value.visit.pk == visit.pk
    assert snapshot(visit.pk) == before


# --- 3. The console import keeps migrating records as they are ------------------------------------------


def test_console_import_still_takes_the_files_status(visit, demo_data, tmp_path):
    data = copy.deepcopy(demo_data)
    data["visit"]["status"] = "completed"
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    call_command("import_visit", str(path), "--language", "en", stdout=io.StringIO(), stderr=io.StringIO())

    assert Visit.objects.get().status == "completed"
    assert list(StatusChange.objects.filter(visit=visit).values_list("from_status", "to_status")) == [
        ("", "scheduled"),
        ("scheduled", "completed"),
    ]
