"""The outbox: invitations, updates, cancellations and reminders, each e-mail sent exactly once.

Every e-mail is a ``Message`` row first. A service creates rows as *queued* and, once its transaction
commits, queues the Celery task ``visits.send_message`` per row; the task calls ``message_send``, which
claims the row under a lock, checks that the message still says something true (a newer SEQUENCE or a
cancellation supersedes it), sends it, and marks it *sent*.

iTIP (RFC 5546) as applied here: an invitation and an update are REQUESTs at the visit's SEQUENCE; a
cancelled visit gets a CANCEL at a higher SEQUENCE (§3.2.5); a person taken off the visit gets a CANCEL
naming only them, the others an update (§3.2.2.4 / §3.2.5); a person added later gets an invitation.
"""

import copy
import datetime as dt
import logging
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audit_created, audit_updated, audited_update

from ..enums import MessageKind, MessageStatus, VisitStatus
from ..mail import message_email, recipient_of
from ..models import Message, Visit
from ..selectors import Recipient, invitation_recipients, visit_for_message
from .base import ServiceError

logger = logging.getLogger(__name__)

REQUEST_KINDS = (MessageKind.INVITE, MessageKind.UPDATE)
# A queued row untouched this long lost its task; longer than the task's whole retry backoff.
STALE_AFTER = dt.timedelta(hours=1)
# Reminders are looked for among visits starting within this window (the longest reminder allowed).
REMINDER_HORIZON = dt.timedelta(days=60)


@dataclass
class InvitationBatch:
    """What ``visit_invitations_send`` queued: REQUESTs, CANCELs for people taken off, and who was skipped."""

    queued: list[Message]
    already_invited: list[str]
    cancelled: list[Message] = field(default_factory=list)


def _queue_on_commit(messages: list[Message]) -> None:
    from ..tasks import send_message  # tasks import services; imported here to keep the graph one-way

    for message in messages:
        if message.status == MessageStatus.QUEUED:
            transaction.on_commit(lambda pk=message.pk: send_message.delay(message_id=pk))


def _queue_row(
    visit: Visit, kind: str, person: Recipient, *, sequence: int, reminder_minutes: int = 0
) -> Message:
    """Create a queued row (a draft when the host reviews messages), or queue a failed one again; returns it."""
    draft = visit.host.review_messages and kind != MessageKind.REMINDER
    message, _created = Message.objects.update_or_create(
        visit=visit,
        kind=kind,
        sequence=sequence,
        reminder_minutes=reminder_minutes,
        recipient_email=person.email,
        defaults={
            "recipient_name": person.name,
            "recipient_position": person.position,
            "recipient_side": person.side,
            "recipient_timezone": person.timezone,
            "recipient_language": person.language,
            "status": MessageStatus.DRAFT if draft else MessageStatus.QUEUED,
            "last_error": "",
        },
    )
    return message


def _last_sent_requests(visit: Visit) -> dict[str, Message]:
    """Per address (lower-cased), the latest REQUEST that actually went out for ``visit``."""
    latest: dict[str, Message] = {}
    for message in Message.objects.filter(
        visit=visit, kind__in=REQUEST_KINDS, status=MessageStatus.SENT
    ).order_by("sequence"):
        latest[message.recipient_email.lower()] = message
    return latest


def _supersede_queued(visit: Visit, *, kinds, before_sequence: int | None = None, reason: str) -> int:
    """Mark queued or draft rows of ``kinds`` (older than ``before_sequence`` if given) as not to be sent."""
    rows = Message.objects.filter(
        visit=visit, kind__in=kinds, status__in=(MessageStatus.QUEUED, MessageStatus.DRAFT)
    )
    if before_sequence is not None:
        rows = rows.filter(sequence__lt=before_sequence)
    return audited_update(rows, status=MessageStatus.CANCELLED, last_error=reason, updated_at=timezone.now())


def request_needed(email: str, *, current: dict[str, Message], sent) -> str | None:
    """The REQUEST that ``email`` needs to hold the visit's current SEQUENCE, by the rule of
    ``visit_invitations_send``: ``None`` when a row at that SEQUENCE is drafted, queued or sent; the same
    kind again when that row failed; an update for someone who was sent an earlier REQUEST; else an
    invitation. ``current``: REQUEST rows at the current SEQUENCE by lower-cased address; ``sent``: the
    lower-cased addresses that were sent any REQUEST of the visit (a set or a dict)."""
    key = email.lower()
    existing = current.get(key)
    if existing is not None:
        if existing.status in (MessageStatus.DRAFT, MessageStatus.QUEUED, MessageStatus.SENT):
            return None
        return existing.kind
    return MessageKind.UPDATE if key in sent else MessageKind.INVITE


@dataclass
class SendPlan:
    """What the send button would do now (``send_plan``): how many invitations, updates and cancellations
    (to people taken off the visit)."""

    invitations: int
    updates: int
    removals: int

    @property
    def anything(self) -> bool:
        return bool(self.invitations or self.updates or self.removals)


def send_plan(*, visit: Visit, recipients: list[Recipient], messages: list[Message]) -> SendPlan:
    """What ``visit_invitations_send`` would queue for ``visit`` now, counted from its ``messages`` (every
    outbox row of the visit, already read) and ``recipients`` (``invitation_recipients``): for the visit
    page's button and its question. Reads nothing from the database."""
    requests = [m for m in messages if m.kind in REQUEST_KINDS]
    current = {m.recipient_email.lower(): m for m in requests if m.sequence == visit.sequence}
    last_sent: dict[str, int] = {}
    for m in requests:
        if m.status == MessageStatus.SENT:
            last_sent[m.recipient_email.lower()] = max(
                m.sequence, last_sent.get(m.recipient_email.lower(), -1)
            )
    kinds = [request_needed(p.email, current=current, sent=last_sent) for p in recipients]
    invited = {p.email.lower() for p in recipients}
    told = {
        (m.recipient_email.lower(), m.sequence)
        for m in messages
        if m.kind == MessageKind.CANCEL and m.status != MessageStatus.FAILED
    }
    removals = sum(
        1
        for key, sequence in last_sent.items()
        if key not in invited and not any(k == key and s >= sequence for k, s in told)
    )
    return SendPlan(
        invitations=kinds.count(MessageKind.INVITE),
        updates=kinds.count(MessageKind.UPDATE),
        removals=removals,
    )


def visit_invitations_send(*, visit: Visit, by=None) -> InvitationBatch:
    """Bring every recipient's calendar up to date with ``visit`` at its current SEQUENCE.

    For each person invited (``selectors.invitation_recipients``): an *invite* if nothing went to them
    before, an *update* if they had an older version, nothing if they already have this one (a failed
    row is queued again). For each person who received an invitation and is no longer invited: a CANCEL
    naming only them. Older queued REQUESTs are superseded. Rows are created here; the e-mails are
    queued as Celery tasks when the transaction commits, so a rollback sends nothing.

    Raises ``ServiceError`` when the visit is not scheduled, the host has no organizer address, or
    nobody has an e-mail address.
    """
    if visit.status == VisitStatus.CANCELLED:
        with transaction.atomic():
            visit = Visit.objects.select_for_update().select_related("host").get(pk=visit.pk)
            return InvitationBatch(
                queued=[], already_invited=[], cancelled=visit_cancellations_queue(visit=visit)
            )
    if visit.status != VisitStatus.SCHEDULED:
        raise ServiceError(
            _("Invitations can only be sent for a scheduled visit; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    if not visit.host.organizer_email:
        raise ServiceError(_("The host has no organizer e-mail address to send invitations from."))
    recipients = invitation_recipients(visit=visit)
    if not recipients:
        raise ServiceError(_("Nobody on this visit has an e-mail address to invite."))

    queued: list[Message] = []
    already: list[str] = []
    cancelled: list[Message] = []
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("host").get(pk=visit.pk)
        sent = _last_sent_requests(visit)
        current = {
            m.recipient_email.lower(): m
            for m in Message.objects.filter(visit=visit, kind__in=REQUEST_KINDS, sequence=visit.sequence)
        }
        _supersede_queued(
            visit,
            kinds=REQUEST_KINDS,
            before_sequence=visit.sequence,
            reason=_("Superseded by SEQUENCE %(sequence)s.") % {"sequence": visit.sequence},
        )
        for person in recipients:
            kind = request_needed(person.email, current=current, sent=sent)
            if kind is None:
                already.append(person.email)
                continue
            queued.append(_queue_row(visit, kind, person, sequence=visit.sequence))

        invited = {person.email.lower() for person in recipients}
        for key, last in sent.items():
            if key in invited:
                continue
            told = Message.objects.filter(
                visit=visit, kind=MessageKind.CANCEL, recipient_email__iexact=key, sequence__gte=last.sequence
            ).exclude(status=MessageStatus.FAILED)
            if not told.exists():
                cancelled.append(
                    _queue_row(visit, MessageKind.CANCEL, recipient_of(last), sequence=visit.sequence)
                )

        if queued:
            visit.invitations_sent_at = timezone.now()
            visit.save(update_fields=["invitations_sent_at", "updated_at"])
        _queue_on_commit(queued + cancelled)
    logger.info(
        "visit %s SEQUENCE %s: %d REQUESTs and %d CANCELs queued, %d already invited, by %s",
        visit.pk,
        visit.sequence,
        len(queued),
        len(cancelled),
        len(already),
        by,
    )
    return InvitationBatch(queued=queued, already_invited=already, cancelled=cancelled)


def visit_cancellations_queue(*, visit: Visit) -> list[Message]:
    """Queue a CANCEL (at the visit's current SEQUENCE) to everyone who received a REQUEST of ``visit``
    and has not been sent this CANCEL yet (a failed one is queued again).

    Call inside the transaction that cancels the visit (the caller raised the SEQUENCE), or again later to
    retry. Queued REQUESTs and reminders that have not gone out are superseded. Returns the new CANCEL rows.
    """
    _supersede_queued(
        visit,
        kinds=(*REQUEST_KINDS, MessageKind.REMINDER),
        reason=_("The visit was cancelled."),
    )
    told = set(
        Message.objects.filter(visit=visit, kind=MessageKind.CANCEL, sequence=visit.sequence)
        .exclude(status=MessageStatus.FAILED)
        .values_list("recipient_email", flat=True)
    )
    cancels = [
        _queue_row(visit, MessageKind.CANCEL, recipient_of(last), sequence=visit.sequence)
        for last in _last_sent_requests(visit).values()
        if last.recipient_email not in told
    ]
    _queue_on_commit(cancels)
    return cancels


def _stale_reason(message: Message, visit: Visit, now: dt.datetime) -> str:
    """Why ``message`` must not go out any more, or '' if it still says something true."""
    if message.kind == MessageKind.CANCEL:
        return ""
    # A visit marked as started is still on: an invitation or update queued just before (or retried after a
    # refused delivery) still says something true, and the visit page offers no way to send it again.
    live = (VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS)
    if visit.status not in live or (
        message.kind == MessageKind.REMINDER and visit.status != VisitStatus.SCHEDULED
    ):
        return _("The visit is no longer scheduled.")
    if message.sequence != visit.sequence:
        return _("Superseded by SEQUENCE %(sequence)s.") % {"sequence": visit.sequence}
    if message.kind == MessageKind.REMINDER and now >= visit.start:
        return _("The visit has already started.")
    return ""


def _save_audited(message: Message, claimed: Message, fields: list[str]) -> None:
    """Save ``fields`` of a claimed message and record the change from ``claimed`` (the row as it was
    read under the lock) in the audit log; django-auditlog's own receiver would read the row once more
    first, one query per e-mail (bench/reminders.py)."""
    with disable_auditlog():
        message.save(update_fields=fields)
    audit_updated([message], {message.pk: claimed})


def message_send(*, message_id: int) -> bool:
    """Send one queued message, exactly once. Returns True if it was sent now, False if there was nothing to do.

    The row is claimed inside a transaction that holds its lock (``SELECT … FOR UPDATE`` on PostgreSQL;
    the database write lock on SQLite, whose transactions are IMMEDIATE) until the row says *sent*, so a
    task that runs twice, or two workers, cannot both send it. If the worker dies before the commit, the
    row is still *queued* and the redelivered task sends it. Across a crash between the server's 250 and
    the commit, a second copy can go out (at-least-once); it has the same Message-ID, so mail clients
    recognise it. A message that a newer SEQUENCE or a
    cancellation made untrue is marked *cancelled* instead of sent. SMTP errors propagate (the task
    retries); ``attempts`` and ``last_error`` record each failure.

    Side effect: one e-mail through the configured mail backend.
    """
    # The connection is opened before and closed (QUIT) after the transaction, so the row says *sent*
    # as soon as the server has answered 250: the window in which a crash could lead to a second copy is
    # one commit long, and that copy carries the same Message-ID.
    connection = get_connection()
    try:
        connection.open()
        with transaction.atomic():
            message = (
                Message.objects.select_for_update().filter(pk=message_id, status=MessageStatus.QUEUED).first()
            )
            if message is None:
                return False
            claimed = copy.copy(message)
            visit = visit_for_message(message.kind).get(pk=message.visit_id)
            reason = _stale_reason(message, visit, timezone.now())
            if reason:
                message.status = MessageStatus.CANCELLED
                message.last_error = reason
                _save_audited(message, claimed, ["status", "last_error", "updated_at"])
                return False
            email = message_email(message=message, visit=visit)
            connection.send_messages([email])
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.message_id = email.extra_headers["Message-ID"]
            message.attempts += 1
            message.last_error = ""
            _save_audited(
                message, claimed, ["status", "sent_at", "message_id", "attempts", "last_error", "updated_at"]
            )
    except Exception as exc:
        # The claim was rolled back; record the failed attempt so the outbox shows it.
        audited_update(
            Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED),
            attempts=F("attempts") + 1,
            last_error=str(exc)[:2000],
            updated_at=timezone.now(),
        )
        raise
    finally:
        connection.close()
    return True


def message_fail(*, message_id: int, error: str) -> None:
    """Mark a message *failed* after its last retry or a permanent refusal, keeping the error for the outbox."""
    audited_update(
        Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED),
        status=MessageStatus.FAILED,
        last_error=error[:2000],
        updated_at=timezone.now(),
    )


def messages_requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Queue the sending task again for messages still *queued* an hour after their last change.

    A task can be lost (a broker restarted without persistence, a worker host gone for good). Sending is
    idempotent (``message_send`` claims the row under a lock), so queueing again can never send twice.
    Returns how many were queued. Run by beat every 10 minutes.
    """
    from ..tasks import send_message

    now = now or timezone.now()
    # Longer than the task's whole retry backoff (1 + 2 + … + 32 = 63 first delays), so a task waiting
    # for its retry is not queued twice.
    stale_after = max(STALE_AFTER, dt.timedelta(seconds=63 * settings.SAMBANG_MESSAGE_RETRY_SECONDS + 600))
    ids = list(
        Message.objects.filter(status=MessageStatus.QUEUED, updated_at__lt=now - stale_after).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        Message.objects.filter(pk=pk, status=MessageStatus.QUEUED).update(updated_at=now)
        send_message.delay(message_id=pk)
    return len(ids)


def reminders_queue_due(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due now; returns how many rows were created.

    For each scheduled visit that has not started, with invitations out: of its reminders (the visit's
    own ``reminder_minutes``, else its host's; by default H-7, H-3, H-1 and 2 hours before) take the
    latest one whose time (start − minutes, computed in UTC from aware datetimes) has come; if it was not
    queued yet, queue one per person who received the current invitation. Earlier reminders that were
    missed are not sent late. Two runs at the same moment create each row once (a unique constraint), and
    ``message_send`` sends each row once. Run by beat every minute.
    """
    now = now or timezone.now()
    created = 0
    visits = (
        Visit.objects.filter(
            status=VisitStatus.SCHEDULED,
            invitations_sent_at__isnull=False,
            start__gt=now,
            start__lte=now + REMINDER_HORIZON,
        )
        .select_related("host")
        .order_by("start")
    )
    for visit in visits:
        due = [m for m in visit.effective_reminder_minutes if visit.start - dt.timedelta(minutes=m) <= now]
        if not due:
            continue
        minutes = min(due)
        with transaction.atomic():
            invited = Message.objects.filter(
                visit=visit, kind__in=REQUEST_KINDS, sequence=visit.sequence, status=MessageStatus.SENT
            )
            have = set(
                Message.objects.filter(
                    visit=visit, kind=MessageKind.REMINDER, sequence=visit.sequence, reminder_minutes=minutes
                ).values_list("recipient_email", flat=True)
            )
            rows = [
                Message(
                    visit=visit,
                    kind=MessageKind.REMINDER,
                    sequence=visit.sequence,
                    reminder_minutes=minutes,
                    recipient_name=m.recipient_name,
                    recipient_email=m.recipient_email,
                    recipient_timezone=m.recipient_timezone,
                    recipient_language=m.recipient_language,
                )
                for m in invited
                if m.recipient_email not in have
            ]
            if not rows:
                continue
            Message.objects.bulk_create(rows, ignore_conflicts=True)
            fresh = list(
                Message.objects.filter(
                    Q(recipient_email__in=[r.recipient_email for r in rows]),
                    visit=visit,
                    kind=MessageKind.REMINDER,
                    sequence=visit.sequence,
                    reminder_minutes=minutes,
                    status=MessageStatus.QUEUED,
                )
            )
            audit_created(fresh)
            _queue_on_commit(fresh)
            created += len(rows)
    return created


def visit_drafts_send(*, visit: Visit, by=None) -> list[Message]:
    """Send the drafts of ``visit`` that staff reviewed: *draft* rows become *queued* and their tasks are
    queued on commit. Drafts that a newer SEQUENCE made untrue were superseded already. Returns the rows."""
    with transaction.atomic():
        rows = list(Message.objects.select_for_update().filter(visit=visit, status=MessageStatus.DRAFT))
        audited_update(
            Message.objects.filter(pk__in=[m.pk for m in rows]),
            status=MessageStatus.QUEUED,
            updated_at=timezone.now(),
        )
        for row in rows:
            row.status = MessageStatus.QUEUED
        _queue_on_commit(rows)
    logger.info("visit %s: %d drafts released by %s", visit.pk, len(rows), by)
    return rows
