"""Reschedules, cancellations, people taken off and reminders, as calendar clients and mail servers see them."""

import datetime as dt
import email
import email.policy
import zoneinfo

import icalendar
import pytest
import time_machine
import vobject
from django.core import mail
from django.utils import translation

from delegations.models import Member
from visits.enums import MessageKind, MessageStatus, VisitStatus
from visits.models import Message, StatusChange, Visit
from visits.selectors import visit_detail
from visits.services import (
    ServiceError,
    message_send,
    reminders_queue_due,
    visit_cancel,
    visit_invitations_send,
    visit_reschedule,
)

UTC = dt.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# The demo visit is on Friday 25 April 2025, 09:00–11:30 WIB; "now" is ten days before.
BEFORE = dt.datetime(2025, 4, 15, 9, 0, tzinfo=WIB)


@pytest.fixture
def smtp(smtp_recorder):
    return smtp_recorder


def calendars_for(handler, address: str) -> list[tuple[str, bytes]]:
    """(method, calendar bytes) of every message that reached ``address``, in the order received."""
    found = []
    for envelope in handler.envelopes:
        if envelope.rcpt_tos != [address]:
            continue
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append((part.get_param("method"), part.get_content().encode("utf-8")))
    return found


def test_invite_reschedule_twice_then_cancel_read_by_two_parsers(
    visit, smtp, django_capture_on_commit_callbacks
):
    steps = [
        lambda: visit_invitations_send(visit=visit),
        lambda: visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 29, 9, 0, tzinfo=WIB)),
        lambda: visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 30, 13, 0, tzinfo=WIB)),
        lambda: visit_cancel(visit=visit, reason="Bupati berhalangan karena agenda mendadak."),
    ]
    for step in steps:  # each step is its own request: its e-mails leave when it commits
        with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
            step()
    received = calendars_for(smtp, "wabup@buleleng.example.org")
    assert [method for method, _ics in received] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    events = [icalendar.Calendar.from_ical(ics).events[0] for _method, ics in received]
    assert {str(e["UID"]) for e in events} == {visit.uid}
    assert [e.decoded("SEQUENCE") for e in events] == [0, 1, 2, 3]
    assert [e.decoded("DTSTART").astimezone(UTC) for e in events] == [
        dt.datetime(2025, 4, 25, 2, 0, tzinfo=UTC),
        dt.datetime(2025, 4, 29, 2, 0, tzinfo=UTC),
        dt.datetime(2025, 4, 30, 6, 0, tzinfo=UTC),
        dt.datetime(2025, 4, 30, 6, 0, tzinfo=UTC),
    ]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CONFIRMED", "CANCELLED"]
    second_parser = [vobject.readOne(ics.decode("utf-8")) for _method, ics in received]
    assert [c.method.value for c in second_parser] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert [int(c.vevent.sequence.value) for c in second_parser] == [0, 1, 2, 3]
    assert second_parser[3].vevent.status.value == "CANCELLED"
    assert len(smtp.envelopes) == 9 * 4


def test_reschedule_moves_agenda_and_keeps_durations(visit, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE, tick=False):
        moved, batch = visit_reschedule(visit=visit, start=dt.datetime(2025, 5, 2, 10, 0, tzinfo=WIB))

    assert batch is None  # nobody had been invited yet
    assert (moved.start, moved.end, moved.sequence) == (
        dt.datetime(2025, 5, 2, 10, 0, tzinfo=WIB),
        dt.datetime(2025, 5, 2, 12, 30, tzinfo=WIB),
        0,
    )
    first = visit_detail().get(pk=visit.pk).agenda_items.first()
    assert (first.start, first.end) == (
        dt.datetime(2025, 5, 2, 9, 45, tzinfo=WIB),
        dt.datetime(2025, 5, 2, 10, 0, tzinfo=WIB),
    )


def test_the_history_says_from_when_to_when_a_visit_moved_in_the_hosts_words(visit):
    # In the installation's language (Indonesian here), whatever language the request asked for.
    with time_machine.travel(BEFORE, tick=False), translation.override("en"):
        visit_reschedule(visit=visit, start=dt.datetime(2026, 12, 9, 9, 0, tzinfo=WIB))

    note = StatusChange.objects.filter(visit=visit).order_by("pk").last().note
    assert note == (
        "Dijadwalkan ulang dari Jumat, 25 April 2025, 09:00–11:30 WIB ke Rabu, 9 Desember 2026, 09:00–11:30 WIB."
    )


def test_booking_a_scheduled_visit_again_says_what_moved(visit):
    from visits.services.scheduling import visit_schedule

    with time_machine.travel(BEFORE, tick=False):
        visit_schedule(
            visit=visit,
            start=dt.datetime(2026, 12, 10, 9, 30, tzinfo=WIB),
            end=dt.datetime(2026, 12, 10, 12, 0, tzinfo=WIB),
            venue=visit.venue,
            items=None,
        )
        moved = StatusChange.objects.filter(visit=visit).order_by("pk").last().note
        visit_schedule(
            visit=Visit.objects.get(pk=visit.pk),
            start=dt.datetime(2026, 12, 10, 9, 30, tzinfo=WIB),
            end=dt.datetime(2026, 12, 10, 12, 0, tzinfo=WIB),
            venue=None,
            items=None,
        )
        same_time = StatusChange.objects.filter(visit=visit).order_by("pk").last().note

    assert moved == (
        "Dijadwalkan ulang dari Jumat, 25 April 2025, 09:00–11:30 WIB ke Kamis, 10 Desember 2026, 09:30–12:00 WIB."
    )
    assert same_time == "Dipesan ulang pada waktu yang sama."


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (dt.datetime(2025, 5, 2, 10, 0), "The new start must carry its time zone."),  # noqa: DTZ001 - the bad input
        (dt.datetime(2025, 4, 1, 10, 0, tzinfo=WIB), "A visit cannot be moved into the past."),
    ],
)
def test_reschedule_bad_start_is_refused(visit, start, message, settings):
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel(BEFORE, tick=False), pytest.raises(ServiceError) as caught:
        visit_reschedule(visit=visit, start=start)

    assert str(caught.value) == message
    assert Visit.objects.get(pk=visit.pk).start == visit.start


def test_cancel_without_reason_is_refused(visit):
    with pytest.raises(ServiceError):
        visit_cancel(visit=visit, reason="  ")

    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SCHEDULED


def test_cancel_before_invitations_sends_nothing(visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cancels = visit_cancel(visit=visit, reason="Ditunda tanpa batas waktu.")

    assert cancels == []
    assert len(mail.outbox) == 0
    assert Visit.objects.get(pk=visit.pk).sequence == 0


def test_cancelled_visit_cannot_be_cancelled_or_moved_again(visit):
    visit_cancel(visit=visit, reason="Ditunda.")
    visit.refresh_from_db()

    with pytest.raises(ServiceError):
        visit_cancel(visit=visit, reason="Lagi.")
    with time_machine.travel(BEFORE, tick=False), pytest.raises(ServiceError):
        visit_reschedule(visit=visit, start=dt.datetime(2025, 5, 2, 10, 0, tzinfo=WIB))


def test_member_taken_off_gets_cancel_naming_only_them(visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    Member.objects.filter(email="humas@buleleng.example.org").delete()
    Member.objects.create(
        delegation=visit.delegation, name="Komang Baru", email="baru@buleleng.example.org", order=9
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        batch = visit_invitations_send(visit=visit_detail().get(pk=visit.pk))

    assert [m.recipient_email for m in batch.queued] == ["baru@buleleng.example.org"]
    assert [m.recipient_email for m in batch.cancelled] == ["humas@buleleng.example.org"]
    by_address = {m.to[0].split("<")[1].rstrip(">"): m for m in mail.outbox}
    assert sorted(by_address) == ["baru@buleleng.example.org", "humas@buleleng.example.org"]
    raw = by_address["humas@buleleng.example.org"].message().as_bytes()
    part = next(
        p
        for p in email.message_from_bytes(raw, policy=email.policy.default).walk()
        if p.get_content_type() == "text/calendar"
    )
    event = icalendar.Calendar.from_ical(part.get_content()).events[0]
    assert part.get_param("method") == "CANCEL"
    assert str(event["ATTENDEE"]) == "mailto:humas@buleleng.example.org"  # one ATTENDEE, not a list
    assert Message.objects.get(recipient_email="baru@buleleng.example.org").kind == MessageKind.INVITE


def test_queued_invitation_superseded_by_reschedule_is_not_sent(visit, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            visit_invitations_send(visit=visit)  # the first batch has not gone out yet
        with django_capture_on_commit_callbacks(execute=True):
            visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 29, 9, 0, tzinfo=WIB))

    assert len(mail.outbox) == 9
    assert set(Message.objects.filter(sequence=0).values_list("status", flat=True)) == {
        MessageStatus.CANCELLED
    }
    assert set(Message.objects.filter(sequence=1).values_list("status", "kind")) == {
        (MessageStatus.SENT, MessageKind.INVITE)
    }


def _invite(visit, capture):
    with time_machine.travel(BEFORE, tick=False), capture(execute=True):
        visit_invitations_send(visit=visit)
    mail.outbox.clear()


def test_reminders_go_out_once_at_each_due_time(visit, django_capture_on_commit_callbacks):
    _invite(visit, django_capture_on_commit_callbacks)
    runs = {}
    for label, moment in [
        ("H-7 not yet", dt.datetime(2025, 4, 18, 8, 59, tzinfo=WIB)),
        ("H-7", dt.datetime(2025, 4, 18, 9, 0, tzinfo=WIB)),
        ("H-7 again", dt.datetime(2025, 4, 18, 9, 1, tzinfo=WIB)),
        ("H-3", dt.datetime(2025, 4, 22, 9, 5, tzinfo=WIB)),
        ("H-1", dt.datetime(2025, 4, 24, 9, 0, tzinfo=WIB)),
        ("2 hours", dt.datetime(2025, 4, 25, 7, 0, tzinfo=WIB)),
        ("started", dt.datetime(2025, 4, 25, 9, 0, tzinfo=WIB)),
    ]:
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            runs[label] = reminders_queue_due()

    assert runs == {
        "H-7 not yet": 0,
        "H-7": 9,
        "H-7 again": 0,
        "H-3": 9,
        "H-1": 9,
        "2 hours": 9,
        "started": 0,
    }
    assert len(mail.outbox) == 36
    assert sorted(
        set(Message.objects.filter(kind=MessageKind.REMINDER).values_list("reminder_minutes", flat=True))
    ) == [
        120,
        1440,
        4320,
        10080,
    ]
    reminder = next(m for m in mail.outbox if "wabup@" in m.to[0])
    assert reminder.subject.startswith("Pengingat: ")
    parsed = email.message_from_bytes(reminder.message().as_bytes(), policy=email.policy.default)
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert "7 hari" in parsed.get_body(("plain",)).get_content()


def test_missed_reminders_are_not_sent_late(visit, django_capture_on_commit_callbacks):
    _invite(visit, django_capture_on_commit_callbacks)

    with (
        time_machine.travel(dt.datetime(2025, 4, 24, 10, 0, tzinfo=WIB), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = reminders_queue_due()

    assert created == 9
    assert set(
        Message.objects.filter(kind=MessageKind.REMINDER).values_list("reminder_minutes", flat=True)
    ) == {1440}


def test_two_reminder_runs_at_once_send_one_mail_each(visit, django_capture_on_commit_callbacks):
    _invite(visit, django_capture_on_commit_callbacks)

    with time_machine.travel(dt.datetime(2025, 4, 18, 9, 0, tzinfo=WIB), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as first:
            reminders_queue_due()
        with django_capture_on_commit_callbacks(execute=False) as second:
            reminders_queue_due()
        for callback in first + first + second:  # the first run's tasks delivered twice, too
            callback()

    assert len(mail.outbox) == 9


def test_reminders_of_cancelled_or_moved_visit_never_go_at_the_old_time(
    visit, django_capture_on_commit_callbacks
):
    _invite(visit, django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2025, 4, 18, 9, 0, tzinfo=WIB), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as pending:
            reminders_queue_due()  # H-7 queued but not delivered yet
        with django_capture_on_commit_callbacks(execute=True):
            visit_reschedule(visit=visit, start=dt.datetime(2025, 5, 9, 9, 0, tzinfo=WIB))
        mail.outbox.clear()
        for callback in pending:
            callback()

    assert mail.outbox == []
    assert set(Message.objects.filter(kind=MessageKind.REMINDER).values_list("status", flat=True)) == {
        MessageStatus.CANCELLED
    }
    with time_machine.travel(dt.datetime(2025, 4, 25, 7, 0, tzinfo=WIB), tick=False):
        assert reminders_queue_due() == 0  # the old "2 hours before" is nothing now
    with time_machine.travel(dt.datetime(2025, 5, 2, 9, 0, tzinfo=WIB), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_queue_due() == 9  # H-7 of the new date
        visit_cancel(visit=Visit.objects.get(pk=visit.pk), reason="Batal.")
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=WIB), tick=False):
        assert reminders_queue_due() == 0


def test_visit_own_reminders_override_the_host(visit, django_capture_on_commit_callbacks):
    Visit.objects.filter(pk=visit.pk).update(reminder_minutes=[30])
    _invite(visit, django_capture_on_commit_callbacks)

    with time_machine.travel(dt.datetime(2025, 4, 18, 9, 0, tzinfo=WIB), tick=False):
        early = reminders_queue_due()
    with (
        time_machine.travel(dt.datetime(2025, 4, 25, 8, 30, tzinfo=WIB), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        due = reminders_queue_due()

    assert (early, due) == (0, 9)


def test_reminder_send_reads_the_visit_without_its_attendees(
    visit, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # A reminder is plain text: the claim, the visit with its venue and delegation, the agenda, the host's
    # own wording, the update — not the officials and members an invitation lists as ATTENDEEs. The audit
    # log adds one, its entry (the row as it was is the claimed row, not read again).
    _invite(visit, django_capture_on_commit_callbacks)
    with (
        time_machine.travel(dt.datetime(2025, 4, 24, 9, 0, tzinfo=WIB), tick=False),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        reminders_queue_due()
    reminder = Message.objects.filter(kind=MessageKind.REMINDER).order_by("pk").first()

    with (
        time_machine.travel(dt.datetime(2025, 4, 24, 9, 0, tzinfo=WIB), tick=False),
        django_assert_num_queries(8),
    ):
        assert message_send(message_id=reminder.pk) is True

    assert len(queued) == 9
    assert mail.outbox[-1].to == [f"{reminder.recipient_name} <{reminder.recipient_email}>"]
