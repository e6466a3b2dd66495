"""Sending invitations: one e-mail per recipient, its MIME structure, both local times, exactly once."""

import datetime as dt
import email
import email.policy
import smtplib
from email.message import EmailMessage as ParsedMessage

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction

from config.mail import EmlFileBackend
from tests.smtp import free_port
from visits.enums import MessageKind, MessageStatus, VisitStatus
from visits.models import Message, MessageTemplate, Visit, validate_message_text
from visits.services import ServiceError, message_send, messages_requeue_stale, visit_invitations_send
from visits.tasks import _is_temporary


def parse(raw: bytes) -> ParsedMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def sent_to(address: str) -> ParsedMessage:
    (message,) = [m for m in mail.outbox if any(address in to for to in m.to)]
    return parse(message.message().as_bytes(linesep="\r\n"))


def send_all(visit, capture):
    with capture(execute=True):
        return visit_invitations_send(visit=visit)


def test_send_invitations_one_mail_per_recipient(visit, django_capture_on_commit_callbacks):
    batch = send_all(visit, django_capture_on_commit_callbacks)

    assert len(batch.queued) == 9
    assert len(mail.outbox) == 9
    assert sorted(m.to[0].split("<")[1].rstrip(">") for m in mail.outbox) == sorted(
        Message.objects.values_list("recipient_email", flat=True)
    )
    assert set(Message.objects.values_list("status", "kind", "sequence", "attempts")) == {
        (MessageStatus.SENT, MessageKind.INVITE, 0, 1)
    }


def test_invitation_mime_structure(visit, django_capture_on_commit_callbacks):
    send_all(visit, django_capture_on_commit_callbacks)

    message = sent_to("wabup@buleleng.example.org")

    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert [part.get_content_type() for part in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert str(calendar["METHOD"]) == calendar_part.get_param("method")
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == calendar_part.get_content().encode("utf-8")
    assert message["From"] == "Rina Contoh <prokopim@malang.example.org>"
    assert message["To"] == "I Komang Contoh <wabup@buleleng.example.org>"
    assert (
        message["Message-ID"] == Message.objects.get(recipient_email="wabup@buleleng.example.org").message_id
    )


def test_invitation_body_shows_host_and_delegation_times(visit, django_capture_on_commit_callbacks):
    send_all(visit, django_capture_on_commit_callbacks)

    guest = sent_to("kominfo@buleleng.example.org")
    text = guest.get_body(("plain",)).get_content()
    html = guest.get_body(("html",)).get_content()

    assert "25 April 2025, 09:00–11:30 WIB" in text
    assert "25 April 2025, 10:00–12:30 WITA" in text
    assert "10:00–12:30 WITA" in html
    # The agenda in the delegation's own zone: the opening at 09:00 WIB reads 10:00 WITA.
    assert "10:00–10:15 Pembukaan dan sambutan selamat datang Sekretaris Daerah · Budi Santoso Contoh" in text


def test_invitation_body_for_host_official_has_one_zone(visit, django_capture_on_commit_callbacks):
    send_all(visit, django_capture_on_commit_callbacks)

    text = sent_to("sekda@malang.example.org").get_body(("plain",)).get_content()

    assert "09:00–11:30 WIB" in text
    assert "WITA" not in text


def test_send_invitations_again_sends_nothing_new(visit, django_capture_on_commit_callbacks):
    send_all(visit, django_capture_on_commit_callbacks)

    batch = send_all(visit, django_capture_on_commit_callbacks)

    assert (len(batch.queued), len(batch.already_invited)) == (0, 9)
    assert len(mail.outbox) == 9


def test_send_invitations_rolled_back_queues_nothing(visit, django_capture_on_commit_callbacks):
    def request_that_fails_after_the_service():
        with transaction.atomic():
            visit_invitations_send(visit=visit)
            raise RuntimeError("the request failed after the service ran")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        request_that_fails_after_the_service()

    assert callbacks == []
    assert Message.objects.count() == 0
    assert Visit.objects.get(pk=visit.pk).invitations_sent_at is None


def test_message_send_twice_sends_once(visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        batch = visit_invitations_send(visit=visit)
    message = batch.queued[0]

    first = message_send(message_id=message.pk)
    second = message_send(message_id=message.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_send_invitations_refused_for_requested_visit(visit):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.REQUESTED)
    visit.refresh_from_db()

    with pytest.raises(ServiceError):
        visit_invitations_send(visit=visit)

    assert Message.objects.count() == 0


def test_send_invitations_for_cancelled_visit_never_invited_sends_nothing(
    visit, django_capture_on_commit_callbacks
):
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    visit.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        batch = visit_invitations_send(visit=visit)

    assert (batch.queued, batch.cancelled) == ([], [])
    assert Message.objects.count() == 0


def test_failed_send_is_recorded_and_can_be_queued_again(visit, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with django_capture_on_commit_callbacks(execute=False):
        message = visit_invitations_send(visit=visit).queued[0]

    with pytest.raises(ConnectionRefusedError):
        message_send(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "Connection refused" in message.last_error


def test_invitations_delivered_through_real_smtp(visit, smtp_recorder, django_capture_on_commit_callbacks):
    handler = smtp_recorder

    send_all(visit, django_capture_on_commit_callbacks)

    assert len(handler.envelopes) == 9
    envelope = next(e for e in handler.envelopes if e.rcpt_tos == ["ikp@buleleng.example.org"])
    assert envelope.mail_from == "prokopim@malang.example.org"
    raw = envelope.original_content
    assert b'\r\nContent-Type: text/calendar; charset="utf-8"; method="REQUEST"\r\n' in raw
    calendar_part = next(p for p in parse(raw).walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(calendar_part.get_content()).events[0]
    assert str(event["UID"]) == visit.uid


def test_eml_backend_writes_one_file_per_message(
    visit, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "config.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"

    send_all(visit, django_capture_on_commit_callbacks)

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 9
    recipients = sorted(parse(f.read_bytes())["To"].addresses[0].addr_spec for f in files)
    assert recipients == sorted(Message.objects.values_list("recipient_email", flat=True))
    assert list((tmp_path / "mail").glob("*.part")) == []


def test_eml_backend_sends_nothing_for_empty_list(tmp_path):
    assert EmlFileBackend(file_path=tmp_path).send_messages([]) == 0


def test_stale_queued_message_is_queued_again_and_sent_once(visit, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(dt.datetime(2025, 4, 15, 3, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        visit_invitations_send(visit=visit)  # the tasks are lost: the callbacks never run

    with time_machine.travel(dt.datetime(2025, 4, 15, 3, 59, tzinfo=dt.UTC), tick=False):
        too_early = messages_requeue_stale()
    with time_machine.travel(dt.datetime(2025, 4, 15, 4, 1, tzinfo=dt.UTC), tick=False):
        requeued = messages_requeue_stale()
        again = messages_requeue_stale()

    assert (too_early, requeued, again) == (0, 9, 0)
    assert len(mail.outbox) == 9
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


@pytest.mark.parametrize(
    ("exc", "temporary"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPResponseException(550, b"no such user"), False),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (450, b"busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"unknown")}), False),
        (OperationalError("database is locked"), True),
        (ValueError("bad header"), False),
    ],
)
def test_temporary_failures_are_told_from_permanent_ones(exc, temporary):
    assert _is_temporary(exc) is temporary


def test_host_own_wording_replaces_the_subject_and_opening(visit, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(
        host=visit.host,
        kind=MessageKind.INVITE,
        language="id",
        subject="Undangan resmi",
        opening="Dengan hormat, {host} mengundang {recipient} ke {visit} pada {date}. <b>tebal</b>",
    )

    send_all(visit, django_capture_on_commit_callbacks)

    message = sent_to("sekda@malang.example.org")
    # (Python's parser keeps the space before a folded encoded-word; mail clients show none.)
    assert message["Subject"].strip().startswith("Undangan resmi: Studi Komparasi")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dengan hormat, Pemerintah Kota Malang mengundang Budi Santoso Contoh ke Studi Komparasi" in text
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html


@pytest.mark.parametrize("text", ["{visit.__class__}", "{unknown}", "{0}", "a { b"])
def test_message_template_refuses_anything_but_the_placeholders(text):
    with pytest.raises(ValidationError):
        validate_message_text(text)


def test_invitations_queued_before_the_visit_is_marked_started_still_go_out(
    visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = visit_invitations_send(visit=visit)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.IN_PROGRESS)  # "started" meanwhile

    results = [message_send(message_id=m.pk) for m in batch.queued]

    assert all(results)
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(mail.outbox) == len(batch.queued)


def test_reminders_do_not_go_out_once_the_visit_is_started(visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    reminder = Message.objects.create(
        visit=visit,
        kind=MessageKind.REMINDER,
        recipient_email="anggota@example.org",
        recipient_name="Anggota",
        sequence=visit.sequence,
        status=MessageStatus.QUEUED,
        reminder_minutes=120,
    )
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.IN_PROGRESS)

    assert message_send(message_id=reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.CANCELLED
