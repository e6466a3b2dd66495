"""The visit page's send button says what will go out (invitations, updates, cancellations to people taken
off) and asks about exactly that; with nothing to send it is disabled (views.send_button, send_plan)."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from delegations.models import Member
from visits.models import Message
from visits.selectors import invitation_recipients, visit_detail
from visits.services import visit_invitations_send, visit_reschedule
from visits.services.messaging import send_plan

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
BEFORE = dt.datetime(2025, 4, 20, 9, 0, tzinfo=WIB)  # five days before the demo visit


@pytest.fixture
def page(staff_client):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def read(visit) -> dict:
        html = staff_client.get(f"/visits/{visit.pk}/").content.decode()
        form = re.search(
            r'<form method="post" action="/visits/\d+/send-invitations/"[^>]*>.*?</form>', html, re.S
        )
        if form is None:
            return {}
        confirm = re.search(r'data-confirm="([^"]*)"', form.group(0))
        button = re.search(r"<button[^>]*>([^<]*)</button>", form.group(0))
        return {
            "label": button.group(1),
            "question": confirm.group(1) if confirm else None,
            "disabled": " disabled" in form.group(0).split("<button", 1)[1].split(">", 1)[0],
        }

    return read


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Send the invitations as the button does, the e-mails going out as the transaction commits."""

    def send(visit):
        with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
            return visit_invitations_send(visit=visit_detail().get(pk=visit.pk))

    return send


@time_machine.travel(BEFORE, tick=False)
def test_a_visit_never_sent_asks_to_send_every_invitation(visit, page):
    assert page(visit) == {"label": "Send invitations", "question": "Send 9 invitations?", "disabled": False}


def test_when_everyone_has_the_current_version_there_is_nothing_to_send(visit, page, sent):
    sent(visit)

    with time_machine.travel(BEFORE, tick=False):
        shown = page(visit)

    assert shown == {"label": "Everyone has the current version", "question": None, "disabled": True}


def test_after_a_move_it_asks_to_send_the_updates(visit, page, sent):
    sent(visit)
    with time_machine.travel(BEFORE, tick=False):
        visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 29, 9, 0, tzinfo=WIB))
        # The move queues the updates itself; as if they failed to go out, they wait for the button.
        Message.objects.filter(sequence=1).delete()
        shown = page(visit)

    assert shown == {"label": "Send updates", "question": "Send 9 updates?", "disabled": False}


def test_a_member_added_and_one_taken_off_are_both_named(visit, page, sent):
    sent(visit)
    delegation = visit.delegation
    Member.objects.create(delegation=delegation, name="Anggota Baru", email="baru@buleleng.example.go.id")
    delegation.members.exclude(email="baru@buleleng.example.go.id").exclude(email="").first().delete()

    with time_machine.travel(BEFORE, tick=False):
        shown = page(visit)

    assert shown == {
        "label": "Send invitations and updates",
        "question": "Send 1 invitation and 1 cancellation to a person taken off the visit?",
        "disabled": False,
    }


def test_the_plan_counts_what_sending_then_queues(visit, sent):
    sent(visit)
    Member.objects.create(
        delegation=visit.delegation, name="Anggota Baru", email="baru@buleleng.example.go.id"
    )
    fresh = visit_detail().get(pk=visit.pk)
    plan = send_plan(
        visit=fresh, recipients=invitation_recipients(visit=fresh), messages=list(fresh.messages.all())
    )

    batch = sent(visit)

    assert (plan.invitations, plan.updates, plan.removals) == (1, 0, 0)
    assert [m.kind for m in batch.queued] == ["invite"]
    assert batch.cancelled == []


def test_after_a_move_that_queued_the_updates_nothing_asks_to_send_them_again(
    visit, page, sent, staff_client
):
    sent(visit)
    with time_machine.travel(BEFORE, tick=False):
        visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 29, 9, 0, tzinfo=WIB))
        shown = page(visit)
        html = staff_client.get(f"/visits/{visit.pk}/").content.decode()
        Message.objects.filter(sequence=1).delete()  # as if the move had not queued them
        html_without = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    assert shown["disabled"] is True
    assert "older version of this visit" not in html
    assert "9 people still have an older version of this visit in their calendar." in html_without
