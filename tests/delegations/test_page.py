"""The delegation page: signed link, expiry, revocation, own time zone, attendance, member list."""

import datetime as dt

import time_machine
from django.core import mail

from delegations.models import Delegation, Member
from delegations.services import delegation_page_revoke, delegation_page_token
from visits.enums import MessageKind
from visits.models import Message
from visits.services import visit_invitations_send

DURING = dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC)


def page(client, token, **kwargs):
    with time_machine.travel(DURING, tick=False):
        return client.get(f"/d/{token}/", **kwargs)


def post(client, token, data):
    with time_machine.travel(DURING, tick=False):
        return client.post(f"/d/{token}/", data)


def member_form(visit, names_emails, size=12):
    return {
        "action": "members",
        "size": size,
        "name": [n for n, _e in names_emails],
        "position": ["" for _ in names_emails],
        "email": [e for _n, e in names_emails],
    }


def test_page_shows_agenda_in_the_delegations_zone(visit, client):
    token = delegation_page_token(delegation=visit.delegation)

    response = page(client, token)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Jumat, 25 April 2025, 10:00–12:30 WITA" in body
    assert "09:45–10:00" in body  # the 08:45 WIB arrival, read in WITA
    assert "prokopim@malang.example.org" in body
    assert "https://www.openstreetmap.org/search?query=" in body
    # Nothing of the staff side is reachable from it.
    assert "/admin/" not in body
    assert "/api/" not in body
    assert "/visits/" not in body


def test_tampered_revoked_or_expired_link_is_refused(visit, client):
    token = delegation_page_token(delegation=visit.delegation)
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")

    assert page(client, tampered).status_code == 404
    new = delegation_page_revoke(delegation=visit.delegation)
    assert page(client, token).status_code == 404
    assert page(client, new).status_code == 200
    with time_machine.travel(dt.datetime(2025, 5, 3, 0, 0, tzinfo=dt.UTC), tick=False):
        assert client.get(f"/d/{new}/").status_code == 404  # 7 days after the visit


def test_contact_confirms_attendance(visit, client):
    token = delegation_page_token(delegation=visit.delegation)

    response = post(client, token, {"action": "confirm", "name": "Ni Luh Putu Contoh"})

    assert response.status_code == 302
    delegation = Delegation.objects.get(pk=visit.delegation.pk)
    assert (delegation.attendance_confirmed_by, delegation.attendance_confirmed_at) == (
        "Ni Luh Putu Contoh",
        DURING,
    )


def test_member_list_edit_invites_added_and_cancels_removed(
    visit, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    mail.outbox.clear()
    before = list(Message.objects.values_list("pk", flat=True))
    token = delegation_page_token(delegation=visit.delegation)
    kept = [(m.name, m.email) for m in visit.delegation.members.all()][:3]  # Wayan Contoh is dropped

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, token, member_form(visit, [*kept, ("Putu Baru", "baru@buleleng.example.org"), ("", "")])
        )

    assert response.status_code == 302
    assert list(Member.objects.values_list("name", flat=True)) == [
        "I Made Contoh",
        "Gusti Ayu Contoh",
        "Ketut Contoh",
        "Putu Baru",
    ]
    new = Message.objects.exclude(pk__in=before).order_by("recipient_email")
    assert [(m.kind, m.recipient_email, m.status) for m in new] == [
        (MessageKind.INVITE, "baru@buleleng.example.org", "sent"),
        (MessageKind.CANCEL, "humas@buleleng.example.org", "sent"),
    ]
    assert len(mail.outbox) == 2


def test_member_list_with_bad_rows_saves_nothing(visit, client):
    token = delegation_page_token(delegation=visit.delegation)
    before = list(Member.objects.values_list("name", "email"))

    response = post(
        client,
        token,
        member_form(visit, [("A", "bukan-email"), ("A", ""), ("", "x@y.example.org")], size=2),
    )

    assert response.status_code == 400
    assert list(Member.objects.values_list("name", "email")) == before
    text = response.content.decode()
    assert "bukan-email" in text
    assert Delegation.objects.get(pk=visit.delegation.pk).size == 12


def test_delegation_page_ics_is_a_publish_calendar(visit, client):
    token = delegation_page_token(delegation=visit.delegation)

    with time_machine.travel(DURING, tick=False):
        response = client.get(f"/d/{token}/invitation.ics")

    assert response.status_code == 200
    assert b"METHOD:PUBLISH" in response.content
    assert b"ATTENDEE" not in response.content


def test_staff_makes_and_revokes_the_link_on_the_visit_page(visit, staff_client):
    staff_client.post(f"/visits/{visit.pk}/delegation-link/")
    first = staff_client.get(f"/visits/{visit.pk}/").context["delegation_link"]
    staff_client.post(f"/visits/{visit.pk}/delegation-link/", {"action": "revoke"})
    second = staff_client.get(f"/visits/{visit.pk}/").context["delegation_link"]

    assert first.startswith("http://testserver/d/")
    assert first != second
    assert page(staff_client, first.split("/d/")[1].rstrip("/")).status_code == 404
