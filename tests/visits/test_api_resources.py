"""The API's reference data and records (visits/api_resources.py) as a client of one host sees them:
regions, institutions, officials, venues, agenda items, dispositions, messages and calendar feeds; what
each role may do; another host's rows; bad input, with nothing half-saved."""

import datetime as dt
import itertools
import zoneinfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    InstitutionFactory,
    OfficialFactory,
    RegionFactory,
    VenueFactory,
    VisitFactory,
    full_visit,
)
from visits.enums import MessageKind, MessageStatus, VisitStatus
from visits.models import (
    AgendaItem,
    CalendarFeed,
    Disposition,
    HostMembership,
    Message,
    Official,
    Venue,
    Visit,
)
from visits.roles import LEADERSHIP, PROTOCOL

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
_names = itertools.count()


@pytest.fixture(autouse=True)
def _before_the_visits():
    # The factories' visits are on Tuesday 6 May 2025, 09:00–12:00 WIB; bookings must be in the future.
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        yield


def client_for(host, group: str = PROTOCOL) -> APIClient:
    """An API client of a new user in ``group`` who works for ``host``, reading English messages."""
    user = User.objects.create_user(username=f"{group}-{next(_names)}", password="rahasia-123")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    HostMembership.objects.create(user=user, host=host)
    client = APIClient()
    client.force_authenticate(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def visit(db):
    """A scheduled visit with one official, two members and two items: 09:00–09:30 and 09:30–10:30 WIB."""
    return full_visit()


@pytest.fixture
def host(visit):
    return visit.host


@pytest.fixture
def protocol(host):
    return client_for(host)


@pytest.fixture
def leadership(host):
    return client_for(host, LEADERSHIP)


@pytest.fixture
def other_visit(db):
    """A visit of another host, with its own rooms and officials."""
    return full_visit()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- Regions -------------------------------------------------------------------------------------------


@pytest.fixture
def regions(db):
    return {
        "jatim": RegionFactory(code="35", name="Jawa Timur", kind="provinsi"),
        "malang": RegionFactory(code="35.73", name="Kota Malang", kind="kota"),
        "kab_malang": RegionFactory(code="35.07", name="Kabupaten Malang", kind="kabupaten"),
        "bali": RegionFactory(code="51", name="Bali", kind="provinsi"),
        "buleleng": RegionFactory(code="51.08", name="Kabupaten Buleleng", kind="kabupaten"),
    }


def test_regions_filter_by_parent_kind_code_and_search(regions, db):
    reader = client_for(InstitutionFactory(), LEADERSHIP)

    by_parent = reader.get("/api/v1/regions/", {"parent": "35"})
    by_kind = reader.get("/api/v1/regions/", {"kind": "provinsi"})
    by_code = reader.get("/api/v1/regions/", {"code": "51.08"})
    by_name = reader.get("/api/v1/regions/", {"search": "malang"})

    assert [r["code"] for r in by_parent.json()["results"]] == ["35.07", "35.73"]
    assert [r["code"] for r in by_kind.json()["results"]] == ["35", "51"]
    assert by_code.json()["results"] == [
        {
            "id": regions["buleleng"].pk,
            "code": "51.08",
            "name": "Kabupaten Buleleng",
            "kind": "kabupaten",
            "province": "Provinsi Contoh",
            "parent": "51",
            "timezone": "Asia/Jakarta",
        }
    ]
    assert [r["code"] for r in by_name.json()["results"]] == ["35.07", "35.73"]


def test_regions_are_read_only(regions, db):
    protocol = client_for(InstitutionFactory())

    response = protocol.post(
        "/api/v1/regions/", {"code": "99", "name": "X", "kind": "provinsi"}, format="json"
    )

    assert response.status_code == 405


def test_regions_refuse_anonymous_and_a_user_without_role(regions, db):
    nobody = User.objects.create_user(username="tamu")
    client = APIClient()
    client.force_authenticate(nobody)

    assert APIClient().get("/api/v1/regions/").status_code == 401
    assert client.get("/api/v1/regions/").status_code == 403


# --- Institutions --------------------------------------------------------------------------------------


def test_institutions_are_own_hosts_and_guests_of_their_visits(visit, other_visit, leadership):
    response = leadership.get("/api/v1/institutions/", {"ordering": "id"})

    assert response.status_code == 200
    assert ids(response) == sorted([visit.host_id, visit.delegation.institution_id])


def test_institution_of_another_host_is_404(visit, other_visit, leadership):
    assert leadership.get(f"/api/v1/institutions/{other_visit.host_id}/").status_code == 404
    assert leadership.get(f"/api/v1/institutions/{visit.host_id}/").json()["name"] == visit.host.name


# --- Officials and venues ------------------------------------------------------------------------------


def test_officials_list_only_the_users_hosts(visit, other_visit, leadership):
    response = leadership.get("/api/v1/officials/")

    assert ids(response) == [visit.visit_officials.get().official_id]


def test_official_create_update_delete(host, protocol):
    created = protocol.post(
        "/api/v1/officials/",
        {"institution": host.pk, "name": "Dr. Wahyu", "position": "Asisten I", "precedence": 2},
        format="json",
    )
    pk = created.json()["id"]
    changed = protocol.patch(f"/api/v1/officials/{pk}/", {"position": "Asisten II"}, format="json")
    removed = protocol.delete(f"/api/v1/officials/{pk}/")

    assert created.status_code == 201
    assert created.json() == {
        "id": pk,
        "institution": host.pk,
        "name": "Dr. Wahyu",
        "position": "Asisten I",
        "unit": "",
        "email": "",
        "precedence": 2,
    }
    assert changed.status_code == 200
    assert changed.json()["position"] == "Asisten II"
    assert removed.status_code == 204
    assert not Official.objects.filter(pk=pk).exists()


def test_official_for_another_host_is_400_and_not_saved(host, other_visit, protocol):
    response = protocol.post(
        "/api/v1/officials/",
        {"institution": other_visit.host_id, "name": "Penyusup", "position": "X"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["institution"]
    assert not Official.objects.filter(name="Penyusup").exists()


def test_official_of_another_host_is_404_for_every_verb(other_visit, protocol):
    pk = other_visit.visit_officials.get().official_id

    assert protocol.get(f"/api/v1/officials/{pk}/").status_code == 404
    assert protocol.patch(f"/api/v1/officials/{pk}/", {"name": "X"}, format="json").status_code == 404
    assert protocol.delete(f"/api/v1/officials/{pk}/").status_code == 404
    assert Official.objects.get(pk=pk).name != "X"


def test_official_in_an_agenda_cannot_be_removed(visit, protocol):
    official = visit.visit_officials.get().official

    response = protocol.delete(f"/api/v1/officials/{official.pk}/")

    assert response.status_code == 409
    assert response.json() == {"detail": "It is still used by a visit or its agenda; change those first."}
    assert Official.objects.filter(pk=official.pk).exists()


def test_official_writes_are_refused_to_the_leadership(host, leadership):
    response = leadership.post(
        "/api/v1/officials/", {"institution": host.pk, "name": "A", "position": "B"}, format="json"
    )

    assert response.status_code == 403
    assert not Official.objects.filter(name="A").exists()


def test_official_unknown_fields_are_listed(host, protocol):
    response = protocol.post(
        "/api/v1/officials/",
        {"institution": host.pk, "name": "A", "position": "B", "jabatan": "x", "nip": "1"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some fields are invalid: jabatan, nip.",
        "errors": {"jabatan": ["Unknown field."], "nip": ["Unknown field."]},
    }
    assert not Official.objects.filter(name="A").exists()


def test_official_wrong_types_and_malformed_json_are_400(host, protocol):
    wrong = protocol.post(
        "/api/v1/officials/",
        {"institution": "satu", "name": ["A"], "position": "B", "precedence": "tinggi"},
        format="json",
    )
    malformed = protocol.post("/api/v1/officials/", data='{"name": "A",', content_type="application/json")
    not_an_object = protocol.post("/api/v1/officials/", [1, 2], format="json")

    assert wrong.status_code == 400
    assert sorted(wrong.json()["errors"]) == ["institution", "name", "precedence"]
    assert malformed.status_code == 400
    assert malformed.json()["detail"] == "The request body is not valid JSON (line 1, column 14)."
    assert not_an_object.status_code == 400
    assert Official.objects.count() == 1


def test_official_cannot_move_to_another_of_the_users_hosts(host, protocol):
    official = OfficialFactory(institution=host)
    second = InstitutionFactory()
    HostMembership.objects.create(user=protocol.handler._force_user, host=second)

    response = protocol.patch(f"/api/v1/officials/{official.pk}/", {"institution": second.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"institution": ["An official cannot be moved to another host."]}


def test_venue_create_filter_and_duplicate_name(host, protocol):
    created = protocol.post(
        "/api/v1/venues/",
        {"institution": host.pk, "name": "Aula Utama", "kind": "hall", "capacity": 300},
        format="json",
    )
    duplicate = protocol.post(
        "/api/v1/venues/",
        {"institution": host.pk, "name": "Aula Utama", "kind": "hall", "capacity": 10},
        format="json",
    )
    large = protocol.get("/api/v1/venues/", {"capacity": 100})

    assert created.status_code == 201
    assert duplicate.status_code == 400
    assert ids(large) == [created.json()["id"]]
    assert Venue.objects.get(name="Aula Utama").capacity == 300


def test_venue_capacity_must_be_positive(host, protocol):
    response = protocol.post(
        "/api/v1/venues/", {"institution": host.pk, "name": "Kosong", "capacity": 0}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["capacity"]


def test_venue_in_use_cannot_be_removed_and_another_hosts_is_404(visit, other_visit, protocol):
    assert protocol.delete(f"/api/v1/venues/{visit.venue_id}/").status_code == 409
    assert protocol.delete(f"/api/v1/venues/{other_visit.venue_id}/").status_code == 404
    assert Venue.objects.filter(pk__in=[visit.venue_id, other_visit.venue_id]).count() == 2


# --- Agenda items --------------------------------------------------------------------------------------


def titles(visit) -> list[str]:
    return list(AgendaItem.objects.filter(visit=visit).order_by("start").values_list("title", flat=True))


def item_body(visit, **extra) -> dict:
    return {
        "visit": visit.pk,
        "start": "2025-05-06T11:00:00+07:00",
        "end": "2025-05-06T11:30:00+07:00",
        "title": "Ramah tamah",
        "kind": "meal",
        **extra,
    }


def test_agenda_item_added_through_the_booking(visit, protocol):
    before = titles(visit)

    response = protocol.post(
        "/api/v1/agenda-items/", item_body(visit, guest_speaker="Ibu Rina"), format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "visit": visit.pk,
        "start": "2025-05-06T11:00:00+07:00",
        "end": "2025-05-06T11:30:00+07:00",
        "kind": "meal",
        "title": "Ramah tamah",
        # An item without a room is held in the visit's main venue, as a booking does.
        "venue": visit.venue_id,
        "venue_name": visit.venue.name,
        "official": None,
        "official_name": None,
        "guest_speaker": "Ibu Rina",
    }
    assert titles(visit) == [*before, "Ramah tamah"]
    assert AgendaItem.objects.get(pk=body["id"]).holds_room is True


def test_agenda_item_times_are_written_in_the_visit_zone(db):
    visit = full_visit(
        timezone="Asia/Jayapura",
        start=dt.datetime(2025, 5, 6, 9, 0, tzinfo=WIT),
        end=dt.datetime(2025, 5, 6, 12, 0, tzinfo=WIT),
    )
    protocol = client_for(visit.host)

    response = protocol.post(
        "/api/v1/agenda-items/",
        item_body(visit, start="2025-05-06T09:00:00+07:00", end="2025-05-06T09:30:00+07:00"),
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["start"], response.json()["end"]) == (
        "2025-05-06T11:00:00+09:00",
        "2025-05-06T11:30:00+09:00",
    )


def test_agenda_item_overlap_is_409_and_nothing_changes(visit, protocol):
    before = list(AgendaItem.objects.filter(visit=visit).order_by("pk").values_list("pk", "title"))

    response = protocol.post(
        "/api/v1/agenda-items/",
        item_body(visit, start="2025-05-06T09:15:00+07:00", end="2025-05-06T09:45:00+07:00"),
        format="json",
    )

    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["agenda_overlap", "agenda_overlap"]
    assert list(AgendaItem.objects.filter(visit=visit).order_by("pk").values_list("pk", "title")) == before


def test_agenda_item_in_a_room_held_by_another_visit_is_409(visit, protocol):
    rival = VisitFactory(host=visit.host, venue=visit.venue)
    AgendaItemFactory(
        visit=rival,
        venue=visit.venue,
        start=dt.datetime(2025, 5, 6, 11, 0, tzinfo=WIB),
        end=dt.datetime(2025, 5, 6, 12, 0, tzinfo=WIB),
    )

    response = protocol.post("/api/v1/agenda-items/", item_body(visit, venue=visit.venue_id), format="json")

    assert response.status_code == 409
    errors = response.json()["errors"]
    assert [(e["code"], e["other_visit"]) for e in errors] == [("room_double_booked", rival.pk)]
    assert AgendaItem.objects.filter(visit=visit).count() == 2


def test_agenda_item_with_another_hosts_room_or_official_is_400(visit, other_visit, protocol):
    foreign_official = other_visit.visit_officials.get().official_id

    response = protocol.post(
        "/api/v1/agenda-items/",
        item_body(visit, venue=other_visit.venue_id, official=foreign_official),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "venue": ["That room or site is not one of the visit's host's."],
        "official": ["That official is not one of the visit's host's."],
    }
    assert AgendaItem.objects.filter(visit=visit).count() == 2


def test_agenda_item_for_another_hosts_visit_is_400(visit, other_visit, protocol):
    response = protocol.post("/api/v1/agenda-items/", item_body(other_visit), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["visit"]
    assert AgendaItem.objects.filter(visit=other_visit).count() == 2


def test_agenda_item_of_a_visit_not_yet_scheduled_is_409(host, protocol):
    accepted = VisitFactory(host=host, status=VisitStatus.ACCEPTED)

    response = protocol.post("/api/v1/agenda-items/", item_body(accepted), format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Agenda items can be changed on a scheduled visit; book this one first "
        f"(POST /api/v1/visits/{accepted.pk}/schedule/)."
    }
    assert Visit.objects.get(pk=accepted.pk).status == VisitStatus.ACCEPTED
    assert not AgendaItem.objects.filter(visit=accepted).exists()


def test_agenda_item_bad_input_is_400_listing_each_field(visit, protocol):
    response = protocol.post(
        "/api/v1/agenda-items/",
        {
            "visit": visit.pk,
            "start": "2025-05-06T11:00:00",  # no UTC offset
            "end": 1100,
            "title": "",
            "kind": "pesta",
            "ruang": 3,
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["end", "kind", "ruang", "start", "title"]
    assert errors["start"] == ["Give the time with its UTC offset, e.g. 2025-05-02T09:00:00+07:00."]
    assert errors["ruang"] == ["Unknown field."]
    assert AgendaItem.objects.filter(visit=visit).count() == 2


def test_agenda_item_end_before_start_is_400(visit, protocol):
    response = protocol.post(
        "/api/v1/agenda-items/",
        item_body(visit, start="2025-05-06T11:00:00+07:00", end="2025-05-06T10:00:00+07:00"),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"end": ["The end must be after the start."]}


def test_agenda_item_update_rebooks_and_keeps_the_others(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")

    response = protocol.patch(
        f"/api/v1/agenda-items/{second.pk}/", {"title": "Paparan inovasi"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["start"], body["end"]) == (
        "Paparan inovasi",
        "2025-05-06T09:30:00+07:00",
        "2025-05-06T10:30:00+07:00",
    )
    assert titles(visit) == [first.title, "Paparan inovasi"]
    assert AgendaItem.objects.get(pk=body["id"]).title == "Paparan inovasi"


def test_agenda_item_update_into_a_clash_is_409_and_nothing_changes(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")

    response = protocol.patch(
        f"/api/v1/agenda-items/{second.pk}/",
        {"start": "2025-05-06T09:00:00+07:00", "end": "2025-05-06T09:20:00+07:00"},
        format="json",
    )

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=second.pk).start == dt.datetime(2025, 5, 6, 9, 30, tzinfo=WIB)


def test_agenda_item_update_keeps_its_id_and_is_logged_as_an_update(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")
    LogEntry.objects.all().delete()

    response = protocol.patch(
        f"/api/v1/agenda-items/{second.pk}/", {"title": "Paparan inovasi"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["id"] == second.pk
    assert protocol.get(f"/api/v1/agenda-items/{second.pk}/").json()["title"] == "Paparan inovasi"
    assert list(AgendaItem.objects.filter(visit=visit).order_by("start").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(AgendaItem))
    assert [(e.object_pk, e.action) for e in entries] == [(str(second.pk), LogEntry.Action.UPDATE)]
    assert entries.get().changes_dict["title"] == [second.title, "Paparan inovasi"]


def test_agenda_item_update_into_a_clash_is_409_and_keeps_the_ids(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")

    response = protocol.put(
        f"/api/v1/agenda-items/{second.pk}/",
        {"start": "2025-05-06T09:15:00+07:00", "end": "2025-05-06T09:45:00+07:00", "title": "Paparan"},
        format="json",
    )

    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["agenda_overlap"]
    assert list(AgendaItem.objects.filter(visit=visit).order_by("pk").values_list("pk", "start")) == [
        (first.pk, first.start),
        (second.pk, second.start),
    ]


def test_agenda_item_added_or_removed_leaves_the_other_ids(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")

    added = protocol.post("/api/v1/agenda-items/", item_body(visit), format="json")
    removed = protocol.delete(f"/api/v1/agenda-items/{first.pk}/")

    assert (added.status_code, removed.status_code) == (201, 204)
    assert sorted(AgendaItem.objects.filter(visit=visit).values_list("pk", flat=True)) == [
        second.pk,
        added.json()["id"],
    ]


def test_agenda_item_cannot_move_to_another_visit(visit, protocol):
    item = AgendaItem.objects.filter(visit=visit).first()
    other = VisitFactory(host=visit.host)

    response = protocol.patch(f"/api/v1/agenda-items/{item.pk}/", {"visit": other.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "An agenda item cannot be moved to another visit."}


def test_agenda_item_delete_rebooks_the_rest(visit, protocol):
    first, second = AgendaItem.objects.filter(visit=visit).order_by("start")

    response = protocol.delete(f"/api/v1/agenda-items/{first.pk}/")

    assert response.status_code == 204
    assert titles(visit) == [second.title]


def test_agenda_change_after_invitations_raises_the_sequence(visit, protocol):
    Visit.objects.filter(pk=visit.pk).update(invitations_sent_at=dt.datetime(2025, 3, 30, tzinfo=WIB))

    protocol.post("/api/v1/agenda-items/", item_body(visit), format="json")

    assert Visit.objects.get(pk=visit.pk).sequence == 1


def test_agenda_items_of_another_host_are_404_and_not_listed(visit, other_visit, protocol):
    theirs = AgendaItem.objects.filter(visit=other_visit).first()

    listed = protocol.get("/api/v1/agenda-items/")

    assert sorted(ids(listed)) == sorted(AgendaItem.objects.filter(visit=visit).values_list("pk", flat=True))
    assert protocol.get(f"/api/v1/agenda-items/{theirs.pk}/").status_code == 404
    assert (
        protocol.patch(f"/api/v1/agenda-items/{theirs.pk}/", {"title": "X"}, format="json").status_code == 404
    )
    assert protocol.delete(f"/api/v1/agenda-items/{theirs.pk}/").status_code == 404
    assert AgendaItem.objects.filter(visit=other_visit).count() == 2


def test_agenda_item_filters(visit, protocol):
    official = visit.visit_officials.get().official
    AgendaItem.objects.filter(visit=visit, start=visit.start).update(official=official)

    by_official = protocol.get("/api/v1/agenda-items/", {"official": official.pk})
    by_range = protocol.get("/api/v1/agenda-items/", {"start_after": "2025-05-06T09:15:00+07:00"})

    assert [r["start"] for r in by_official.json()["results"]] == ["2025-05-06T09:00:00+07:00"]
    assert [r["start"] for r in by_range.json()["results"]] == ["2025-05-06T09:30:00+07:00"]


def test_agenda_item_writes_are_refused_to_the_leadership(visit, leadership):
    response = leadership.post("/api/v1/agenda-items/", item_body(visit), format="json")

    assert response.status_code == 403
    assert AgendaItem.objects.filter(visit=visit).count() == 2


# --- Dispositions and messages -------------------------------------------------------------------------


def test_dispositions_listed_read_only_and_scoped(visit, other_visit, leadership):
    mine = Disposition.objects.create(visit=visit, decision="accept", note="Silakan")
    Disposition.objects.create(visit=other_visit, decision="decline", note="Tidak")

    listed = leadership.get("/api/v1/dispositions/")
    declined = leadership.get("/api/v1/dispositions/", {"decision": "decline"})
    posted = client_for(visit.host).post("/api/v1/dispositions/", {"visit": visit.pk}, format="json")

    assert listed.json()["results"] == [
        {
            "id": mine.pk,
            "visit": visit.pk,
            "decision": "accept",
            "note": "Silakan",
            "forwarded_to": "",
            "decided_by": None,
            "created_at": listed.json()["results"][0]["created_at"],
        }
    ]
    assert declined.json()["count"] == 0
    assert posted.status_code == 405


def message(visit, email: str, **extra) -> Message:
    return Message.objects.create(
        visit=visit,
        kind=extra.pop("kind", MessageKind.INVITE),
        sequence=0,
        recipient_name="Tamu",
        recipient_email=email,
        recipient_timezone="Asia/Jakarta",
        **extra,
    )


def test_messages_filter_by_status_kind_and_visit(visit, other_visit, leadership):
    failed = message(visit, "a@example.org", status=MessageStatus.FAILED, last_error="550 no such user")
    message(visit, "b@example.org", status=MessageStatus.SENT)
    message(visit, "c@example.org", kind=MessageKind.REMINDER, reminder_minutes=120)
    theirs = message(other_visit, "d@example.org", status=MessageStatus.FAILED)

    by_status = leadership.get("/api/v1/messages/", {"status": "failed"})
    by_kind = leadership.get("/api/v1/messages/", {"kind": "reminder"})
    by_visit = leadership.get("/api/v1/messages/", {"visit": other_visit.pk})

    assert [(r["recipient_email"], r["last_error"]) for r in by_status.json()["results"]] == [
        ("a@example.org", "550 no such user")
    ]
    assert ids(by_status) == [failed.pk]
    assert [r["recipient_email"] for r in by_kind.json()["results"]] == ["c@example.org"]
    assert by_visit.json()["count"] == 0
    assert leadership.get(f"/api/v1/messages/{theirs.pk}/").status_code == 404


def test_messages_bad_filter_is_400(visit, leadership):
    response = leadership.get("/api/v1/messages/", {"status": "lost", "created_after": "kemarin"})

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["created_after", "status"]


# --- Calendar feeds ------------------------------------------------------------------------------------


def test_calendar_feed_create_gives_the_address_once_and_revoke_ends_it(visit, protocol):
    created = protocol.post(
        "/api/v1/calendar-feeds/", {"host": visit.host_id, "kind": "host", "label": "Semua"}, format="json"
    )
    body = created.json()
    path = body["url"].split("testserver", 1)[1]
    before = APIClient().get(path)
    listed = protocol.get("/api/v1/calendar-feeds/")
    revoked = protocol.post(f"/api/v1/calendar-feeds/{body['id']}/revoke/")
    after = APIClient().get(path)

    assert created.status_code == 201
    assert body["url"].startswith("http://testserver/feeds/")
    assert body["webcal_url"] == "webcal://" + body["url"].removeprefix("http://")
    assert (body["kind"], body["label"], body["revoked_at"]) == ("host", "Semua", None)
    assert before.status_code == 200
    assert before["Content-Type"] == "text/calendar; charset=utf-8"
    assert "url" not in listed.json()["results"][0]
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert after.status_code == 404


def test_calendar_feed_for_another_hosts_official_is_400(visit, other_visit, protocol):
    response = protocol.post(
        "/api/v1/calendar-feeds/",
        {
            "host": visit.host_id,
            "kind": "official",
            "official": other_visit.visit_officials.get().official_id,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"official": ["That official is not one of the host's."]}
    assert not CalendarFeed.objects.exists()


def test_calendar_feed_kind_without_its_target_is_400(visit, protocol):
    response = protocol.post(
        "/api/v1/calendar-feeds/", {"host": visit.host_id, "kind": "venue"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Choose exactly the one official, venue or delegation this kind of feed is for."
    }
    assert not CalendarFeed.objects.exists()


def test_calendar_feed_of_another_host_is_404_and_its_host_400(visit, other_visit, protocol):
    theirs = CalendarFeed.objects.create(host=other_visit.host, kind="host", token_hash="0" * 64)

    wrong_host = protocol.post(
        "/api/v1/calendar-feeds/", {"host": other_visit.host_id, "kind": "host"}, format="json"
    )

    assert protocol.get(f"/api/v1/calendar-feeds/{theirs.pk}/").status_code == 404
    assert protocol.post(f"/api/v1/calendar-feeds/{theirs.pk}/revoke/").status_code == 404
    assert CalendarFeed.objects.get(pk=theirs.pk).revoked_at is None
    assert wrong_host.status_code == 400
    assert list(wrong_host.json()["errors"]) == ["host"]


def test_calendar_feed_for_a_delegation_of_the_host(visit, protocol):
    stranger = DelegationFactory()

    ok = protocol.post(
        "/api/v1/calendar-feeds/",
        {"host": visit.host_id, "kind": "delegation", "delegation": visit.delegation_id},
        format="json",
    )
    refused = protocol.post(
        "/api/v1/calendar-feeds/",
        {"host": visit.host_id, "kind": "delegation", "delegation": stranger.pk},
        format="json",
    )

    assert ok.status_code == 201
    assert ok.json()["delegation"] == visit.delegation_id
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"delegation": ["That delegation has no visit with this host."]}


def test_calendar_feed_writes_are_refused_to_the_leadership(visit, leadership):
    response = leadership.post(
        "/api/v1/calendar-feeds/", {"host": visit.host_id, "kind": "host"}, format="json"
    )

    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


def test_venue_official_ids_unknown_to_the_user_read_as_unknown(visit, protocol):
    response = protocol.get("/api/v1/venues/", {"institution": InstitutionFactory().pk})

    assert response.json()["count"] == 0
    assert VenueFactory(institution=visit.host).pk in ids(protocol.get("/api/v1/venues/"))


# --- The visit list's shortcut -------------------------------------------------------------------------


def test_visit_list_row_shortcut_gives_what_the_declared_fields_give(db):
    from rest_framework import serializers

    from visits.serializers import VisitListSerializer, in_visit_zone

    wit = full_visit(
        timezone="Asia/Jayapura",
        start=dt.datetime(2025, 5, 6, 9, 0, 30, 5, tzinfo=WIT),
        end=dt.datetime(2025, 5, 6, 12, 0, tzinfo=WIT),
    )
    without_venue = VisitFactory(venue=None)

    for visit in (wit, without_venue):
        serializer = VisitListSerializer()
        by_fields = in_visit_zone(
            serializers.ModelSerializer.to_representation(serializer, visit), visit.timezone
        )
        assert serializer.to_representation(visit) == by_fields
    assert VisitListSerializer().to_representation(wit)["start"] == "2025-05-06T09:00:30.000005+09:00"


# --- Every resource: who reads, who writes ---------------------------------------------------------------

SCOPED_LISTS = [
    "institutions",
    "officials",
    "venues",
    "agenda-items",
    "dispositions",
    "messages",
    "calendar-feeds",
    "delegations",
]


@pytest.mark.parametrize("resource", ["regions", *SCOPED_LISTS])
def test_every_list_is_read_by_the_leadership_and_the_news_office(visit, resource):
    for group in (LEADERSHIP, "public_relations"):
        assert client_for(visit.host, group).get(f"/api/v1/{resource}/").status_code == 200


@pytest.mark.parametrize("resource", SCOPED_LISTS)
def test_a_user_of_no_host_sees_nothing(visit, resource):
    Disposition.objects.create(visit=visit, decision="accept")
    message(visit, "a@example.org")
    CalendarFeed.objects.create(host=visit.host, kind="host", token_hash="1" * 64)
    user = User.objects.create_user(username="tanpa-host", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="protocol")[0])
    client = APIClient()
    client.force_authenticate(user)

    response = client.get(f"/api/v1/{resource}/")

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("resource", ["regions", "institutions", "dispositions", "messages"])
def test_read_only_resources_refuse_writes(visit, protocol, resource):
    Disposition.objects.create(visit=visit, decision="accept")
    message(visit, "a@example.org")
    row = protocol.get(f"/api/v1/{resource}/").json()["results"]

    assert protocol.post(f"/api/v1/{resource}/", {}, format="json").status_code == 405
    if row:
        assert protocol.put(f"/api/v1/{resource}/{row[0]['id']}/", {}, format="json").status_code == 405
        assert protocol.delete(f"/api/v1/{resource}/{row[0]['id']}/").status_code == 405


def test_venue_update(visit, protocol):
    response = protocol.patch(
        f"/api/v1/venues/{visit.venue_id}/", {"capacity": 120, "kind": "hall"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["kind"]) == (120, "hall")
    assert Venue.objects.get(pk=visit.venue_id).capacity == 120


def test_agenda_item_with_a_new_warning_needs_a_reason(visit, protocol):
    small = VenueFactory(institution=visit.host, capacity=1)

    refused = protocol.post("/api/v1/agenda-items/", item_body(visit, venue=small.pk), format="json")
    unknown = protocol.post(
        "/api/v1/agenda-items/", item_body(visit, venue=small.pk, overrides={"sunny": "yes"}), format="json"
    )
    reason = "Sambutan singkat; tamu bergantian masuk"
    accepted = protocol.post(
        "/api/v1/agenda-items/",
        item_body(visit, venue=small.pk, overrides={"over_capacity": reason}),
        format="json",
    )

    assert refused.status_code == 409
    assert {e["code"] for e in refused.json()["errors"]} == {"reason_required"}
    assert unknown.status_code == 400
    assert accepted.status_code == 201
    visit.refresh_from_db()
    assert {(w["code"], w["reason"]) for w in visit.booking_warnings} == {("over_capacity", reason)}
