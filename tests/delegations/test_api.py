"""Delegations and their members through the API (delegations/api.py): what a host's staff see and change,
and that member changes reach the calendars as they do from the delegation page."""

import datetime as dt
import itertools
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from rest_framework.test import APIClient

from delegations.models import Delegation, Member
from tests.factories import MemberFactory, full_visit
from visits.enums import MessageKind, MessageStatus
from visits.models import HostMembership, Message
from visits.roles import LEADERSHIP, PROTOCOL
from visits.services import visit_invitations_send

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
_names = itertools.count()


@pytest.fixture(autouse=True)
def _before_the_visits():
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
    """A scheduled visit whose delegation (size 8) has a leader and two members, each with an address."""
    return full_visit()


@pytest.fixture
def delegation(visit) -> Delegation:
    return visit.delegation


@pytest.fixture
def protocol(visit):
    return client_for(visit.host)


@pytest.fixture
def invited(visit, django_capture_on_commit_callbacks):
    """The visit's invitations sent (the e-mails delivered to the locmem outbox, then cleared)."""
    with django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    mail.outbox.clear()
    return visit


def sent_to(kind: str) -> list[str]:
    return sorted(
        Message.objects.filter(kind=kind, status=MessageStatus.SENT).values_list("recipient_email", flat=True)
    )


def test_delegations_list_only_those_that_visited_the_users_hosts(delegation, protocol):
    full_visit()  # another host's visit and delegation

    response = protocol.get("/api/v1/delegations/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [delegation.pk]


def test_delegation_detail_with_members(delegation, protocol):
    first, second = delegation.members.order_by("order", "pk")

    body = protocol.get(f"/api/v1/delegations/{delegation.pk}/").json()

    assert (body["leader_name"], body["size"], body["region_code"]) == (
        delegation.leader_name,
        8,
        delegation.institution.region.code,
    )
    assert body["members"] == [
        {"id": first.pk, "name": first.name, "position": "", "email": first.email, "order": 0},
        {"id": second.pk, "name": second.name, "position": "", "email": second.email, "order": 0},
    ]


def test_delegation_of_another_host_is_404(protocol, db):
    theirs = full_visit().delegation

    assert protocol.get(f"/api/v1/delegations/{theirs.pk}/").status_code == 404
    assert protocol.patch(f"/api/v1/delegations/{theirs.pk}/", {"size": 9}, format="json").status_code == 404
    assert protocol.get(f"/api/v1/delegations/{theirs.pk}/members/").status_code == 404
    response = protocol.post(f"/api/v1/delegations/{theirs.pk}/members/", {"name": "X"}, format="json")
    assert response.status_code == 404
    assert Delegation.objects.get(pk=theirs.pk).size == 8
    assert not Member.objects.filter(name="X").exists()


def test_member_added_gets_the_invitation(invited, delegation, protocol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = protocol.post(
            f"/api/v1/delegations/{delegation.pk}/members/",
            {"name": "Made Ayu", "position": "Staf Humas", "email": "ayu@guest.example.org"},
            format="json",
        )

    assert response.status_code == 201
    member = Member.objects.get(name="Made Ayu")
    assert response.json() == {
        "id": member.pk,
        "name": "Made Ayu",
        "position": "Staf Humas",
        "email": "ayu@guest.example.org",
        "order": 2,
    }
    assert [m.to for m in mail.outbox] == [["Made Ayu <ayu@guest.example.org>"]]
    assert Message.objects.get(recipient_email="ayu@guest.example.org").kind == MessageKind.INVITE
    assert Delegation.objects.get(pk=delegation.pk).size == 8


def test_member_added_beyond_the_size_raises_it(delegation, protocol):
    Delegation.objects.filter(pk=delegation.pk).update(size=3)

    response = protocol.post(
        f"/api/v1/delegations/{delegation.pk}/members/", {"name": "Ketut"}, format="json"
    )

    assert response.status_code == 201
    assert Delegation.objects.get(pk=delegation.pk).size == 4


def test_member_removed_gets_a_cancellation(
    invited, delegation, protocol, django_capture_on_commit_callbacks
):
    member = delegation.members.order_by("pk").first()

    with django_capture_on_commit_callbacks(execute=True):
        response = protocol.delete(f"/api/v1/delegations/{delegation.pk}/members/{member.pk}/")

    assert response.status_code == 204
    assert not Member.objects.filter(pk=member.pk).exists()
    assert sent_to(MessageKind.CANCEL) == [member.email]
    assert [m.to for m in mail.outbox] == [[f"{member.name} <{member.email}>"]]


def test_member_of_another_delegation_is_404(delegation, protocol, db):
    stranger = MemberFactory()

    response = protocol.delete(f"/api/v1/delegations/{delegation.pk}/members/{stranger.pk}/")

    assert response.status_code == 404
    assert Member.objects.filter(pk=stranger.pk).exists()


def test_member_listed_twice_is_400_and_nothing_saved(delegation, protocol):
    existing = delegation.members.order_by("pk").first()

    response = protocol.post(
        f"/api/v1/delegations/{delegation.pk}/members/", {"name": existing.name.upper()}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": f"Row 3: “{existing.name.upper()}” is listed twice."}
    assert delegation.members.count() == 2


def test_member_bad_input_lists_each_field(delegation, protocol):
    response = protocol.post(
        f"/api/v1/delegations/{delegation.pk}/members/",
        {"name": "", "email": "bukan-alamat", "size": "banyak", "jabatan": "Staf"},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["email", "jabatan", "name", "size"]
    assert response.json()["errors"]["jabatan"] == ["Unknown field."]
    assert delegation.members.count() == 2


def test_member_writes_are_refused_to_the_leadership(visit, delegation):
    leadership = client_for(visit.host, LEADERSHIP)
    member = delegation.members.first()

    assert leadership.get(f"/api/v1/delegations/{delegation.pk}/members/").status_code == 200
    posted = leadership.post(f"/api/v1/delegations/{delegation.pk}/members/", {"name": "X"}, format="json")
    deleted = leadership.delete(f"/api/v1/delegations/{delegation.pk}/members/{member.pk}/")

    assert (posted.status_code, deleted.status_code) == (403, 403)
    assert delegation.members.count() == 2


def test_delegation_update_of_the_leader_updates_the_calendars(
    invited, delegation, protocol, django_capture_on_commit_callbacks
):
    old = delegation.leader_email

    with django_capture_on_commit_callbacks(execute=True):
        response = protocol.patch(
            f"/api/v1/delegations/{delegation.pk}/",
            {"leader_name": "Dr. Nyoman", "leader_email": "nyoman@guest.example.org"},
            format="json",
        )

    assert response.status_code == 200
    assert (response.json()["leader_name"], response.json()["leader_email"]) == (
        "Dr. Nyoman",
        "nyoman@guest.example.org",
    )
    assert sent_to(MessageKind.CANCEL) == [old]
    assert "nyoman@guest.example.org" in sent_to(MessageKind.INVITE)


def test_delegation_size_below_the_people_named_is_400_and_nothing_half_saved(delegation, protocol):
    response = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/", {"leader_name": "Baru", "size": 2}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The delegation counts 2 people, but the leader and members name 3."}
    stored = Delegation.objects.get(pk=delegation.pk)
    assert (stored.leader_name, stored.size) == (delegation.leader_name, 8)


def test_delegation_update_bad_input(delegation, protocol):
    response = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/",
        {"size": 0, "language": "fr", "leader_email": "x", "ketua": "A"},
        format="json",
    )
    malformed = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/", data="{size: 3}", content_type="application/json"
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["ketua", "language", "leader_email", "size"]
    assert malformed.status_code == 400
    assert Delegation.objects.get(pk=delegation.pk).size == 8


def test_delegation_read_only_fields_are_ignored(delegation, protocol):
    response = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/", {"request_letter_number": "999/X/2025"}, format="json"
    )

    assert response.status_code == 200
    assert Delegation.objects.get(pk=delegation.pk).request_letter_number == delegation.request_letter_number


def test_delegation_cannot_be_created_or_deleted(delegation, protocol):
    assert protocol.post("/api/v1/delegations/", {}, format="json").status_code == 405
    assert protocol.delete(f"/api/v1/delegations/{delegation.pk}/").status_code == 405
