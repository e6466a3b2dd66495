"""Everything that writes visits: import, invitations, sending and status housekeeping."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Delegation, Member
from reports.models import FollowUp, KeyPoint, Outcome

from .enums import MessageKind, MessageStatus, VisitStatus
from .ical import calendar_bytes, invitation_calendar
from .importer import VisitFile, VisitFileError
from .mail import invitation_email
from .models import AgendaItem, Institution, Message, Official, Region, Venue, Visit, VisitOfficial
from .selectors import invitation_recipients, visit_detail

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``str()`` is a message for the user."""


@dataclass
class ImportResult:
    """What ``visit_import`` did: the visit, whether it was new, whether anything changed."""

    visit: Visit
    created: bool
    changed: bool
    sequence_bumped: bool
    warnings: list[str] = field(default_factory=list)


def _save(obj, path: str, *, exclude: tuple[str, ...] = ()) -> None:
    """Validate a model instance with its own field rules, then save it; errors carry the file path."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = [
            (f"{path}.{name}", " ".join(str(m) for m in messages))
            for name, messages in exc.message_dict.items()
        ]
        raise VisitFileError(problems) from exc
    obj.save()


def _upsert(
    model, lookup: dict, values: dict, path: str, *, exclude: tuple[str, ...] = ()
) -> tuple[object, bool]:
    """Find the row by ``lookup`` and set ``values`` on it (or create it); returns (row, changed)."""
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    changed = created
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(obj, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    if changed:
        _save(obj, path, exclude=exclude)
    return obj, changed


def _schedule_signature(visit: Visit) -> tuple:
    """What an invitation shows: a change here means attendees must get an update (a higher SEQUENCE)."""
    items = tuple(
        (i.start, i.end, i.title, i.venue_id, i.official_id, i.guest_speaker)
        for i in visit.agenda_items.order_by("start", "end", "pk")
    )
    return (visit.title, visit.start, visit.end, visit.venue_id, visit.status, items)


def visit_import(*, data: VisitFile, by=None) -> ImportResult:
    """Create or update a visit, with its host, delegation, people, venues and agenda, from a visit file.

    ``data`` comes from ``importer.load_visit_file``. Rows are found by their natural keys (region code,
    institution name, official and venue name within the host, the delegation's request letter number,
    one visit per host and delegation), so importing the same file twice changes nothing, and a changed
    file updates the rows in place. All of it happens in one transaction: on any error nothing is saved.

    When the invitations were already sent and the schedule changed, ``Visit.sequence`` grows by one
    (RFC 5545 §3.8.7.4), so the next invitation supersedes the old one in calendars.

    Raises ``VisitFileError`` (path and message per problem) when a value breaks a model rule.
    """
    with transaction.atomic():
        changed = False
        host_region, c = _upsert(
            Region,
            {"code": data.host_region.code},
            {
                "name": data.host_region.name,
                "kind": data.host_region.kind,
                "province": data.host_region.province,
                "timezone": data.host_region.timezone,
            },
            "host.region",
        )
        changed |= c
        if data.guest_region.code == data.host_region.code:
            guest_region = host_region
        else:
            guest_region, c = _upsert(
                Region,
                {"code": data.guest_region.code},
                {
                    "name": data.guest_region.name,
                    "kind": data.guest_region.kind,
                    "province": data.guest_region.province,
                    "timezone": data.guest_region.timezone,
                },
                "delegation.region",
            )
            changed |= c
        host_values = {"kind": data.host_kind, "region": host_region}
        for key, name in (("subtitle", "letterhead_subtitle"), ("address", "address"), ("phone", "phone")):
            if data.letterhead.get(key):
                host_values[name] = data.letterhead[key]
        for key in ("email", "website"):
            if data.letterhead.get(key):
                host_values[key] = data.letterhead[key]
        host_values |= {
            "organizer_name": data.organizer.name,
            "organizer_position": data.organizer.position,
            "organizer_email": data.organizer.email,
        }
        host, c = _upsert(Institution, {"name": data.host_name}, host_values, "host")
        changed |= c
        if data.guest_name == data.host_name:
            raise VisitFileError([("delegation.institution", _("is the host itself"))])
        guest, c = _upsert(
            Institution,
            {"name": data.guest_name},
            {"kind": data.guest_kind, "region": guest_region},
            "delegation",
        )
        changed |= c

        officials: dict[str, Official] = {}
        for index, person in enumerate(data.officials):
            official, c = _upsert(
                Official,
                {"institution": host, "name": person.name},
                {
                    "position": person.position,
                    "unit": person.unit,
                    "email": person.email,
                    "precedence": person.precedence,
                },
                f"host.officials[{index}]",
            )
            changed |= c
            officials[person.name.casefold()] = official
        venues: dict[str, Venue] = {}
        for index, item in enumerate(data.venues):
            venue, c = _upsert(
                Venue,
                {"institution": host, "name": item.name},
                {
                    "kind": item.kind,
                    "address": item.address,
                    "capacity": item.capacity,
                    "description": item.description,
                },
                f"host.venues[{index}]",
            )
            changed |= c
            venues[item.name.casefold()] = venue

        delegation, c = _upsert(
            Delegation,
            {"institution": guest, "request_letter_number": data.letter_number},
            {
                "request_letter_date": data.letter_date,
                "leader_name": data.leader.name,
                "leader_position": data.leader.position,
                "leader_email": data.leader.email,
                "contact_name": data.contact.name,
                "contact_position": data.contact.position,
                "contact_email": data.contact.email,
                "contact_phone": data.contact.phone,
                "size": data.size,
                "language": data.language,
            },
            "delegation",
        )
        changed |= c
        changed |= _sync_members(delegation, data)

        visit = Visit.objects.filter(host=host, delegation=delegation).first()
        created = visit is None
        before = None if created else _schedule_signature(visit)
        visit, c = _upsert(
            Visit,
            {"host": host, "delegation": delegation},
            {
                "kind": data.kind,
                "title": data.title,
                "topics": data.topics,
                "start": data.start,
                "end": data.end,
                "timezone": data.timezone,
                "venue": venues.get(data.venue.casefold()) if data.venue else None,
                "status": data.status,
            },
            "visit",
            exclude=("uid",),
        )
        changed |= c
        changed |= _sync_visit_officials(visit, data, officials)
        changed |= _sync_agenda(visit, data, officials, venues)
        changed |= _sync_outcome(visit, data)

        bumped = False
        if before is not None and visit.invitations_sent_at and _schedule_signature(visit) != before:
            visit.sequence += 1
            visit.save(update_fields=["sequence", "updated_at"])
            bumped = True
    logger.info("visit %s imported (created=%s, changed=%s) by %s", visit.pk, created, changed, by)
    return ImportResult(
        visit=visit, created=created, changed=changed, sequence_bumped=bumped, warnings=data.warnings
    )


def _sync_members(delegation: Delegation, data: VisitFile) -> bool:
    changed = False
    wanted = []
    for index, person in enumerate(data.members):
        member, c = _upsert(
            Member,
            {"delegation": delegation, "name": person.name},
            {"position": person.position, "email": person.email, "order": index},
            f"delegation.members[{index}]",
        )
        changed |= c
        wanted.append(member.pk)
    deleted, _detail = delegation.members.exclude(pk__in=wanted).delete()
    return changed or bool(deleted)


def _sync_visit_officials(visit: Visit, data: VisitFile, officials: dict[str, Official]) -> bool:
    changed = False
    wanted = []
    for index, person in enumerate(data.officials):
        if not person.role:
            continue
        part, c = _upsert(
            VisitOfficial,
            {"visit": visit, "official": officials[person.name.casefold()]},
            {"role": person.role},
            f"host.officials[{index}]",
        )
        changed |= c
        wanted.append(part.pk)
    deleted, _detail = visit.visit_officials.exclude(pk__in=wanted).delete()
    return changed or bool(deleted)


def _sync_agenda(
    visit: Visit, data: VisitFile, officials: dict[str, Official], venues: dict[str, Venue]
) -> bool:
    """Match agenda items by position: update in place, add the new ones, delete the surplus."""
    existing = list(visit.agenda_items.order_by("start", "end", "pk"))
    changed = False
    for index, item in enumerate(data.agenda):
        person = item.speaker or item.guide
        official = officials.get(person.casefold()) if person else None
        values = {
            "start": item.start,
            "end": item.end,
            "kind": item.kind,
            "title": item.title,
            "venue": venues.get(item.venue.casefold()) if item.venue else None,
            "official": official,
            "guest_speaker": person if person and official is None else "",
        }
        row = existing[index] if index < len(existing) else AgendaItem(visit=visit)
        dirty = row.pk is None
        for name, value in values.items():
            attname = f"{name}_id" if name in ("venue", "official") else name
            wanted = getattr(value, "pk", value) if name in ("venue", "official") else value
            if getattr(row, attname) != wanted:
                setattr(row, name, value)
                dirty = True
        if dirty:
            _save(row, item.path)
            changed = True
    surplus = [row.pk for row in existing[len(data.agenda) :]]
    if surplus:
        AgendaItem.objects.filter(pk__in=surplus).delete()
        changed = True
    return changed


def _sync_outcome(visit: Visit, data: VisitFile) -> bool:
    changed = False
    _outcome, c = _upsert(
        Outcome,
        {"visit": visit},
        {"photo_caption": data.photo_caption, "news_byline": data.news_byline},
        "outcome",
    )
    changed |= c
    for index, text in enumerate(data.points):
        _point, c = _upsert(
            KeyPoint, {"visit": visit, "position": index + 1}, {"text": text}, f"outcome.points[{index}]"
        )
        changed |= c
    deleted, _detail = visit.key_points.filter(position__gt=len(data.points)).delete()
    changed |= bool(deleted)
    for index, item in enumerate(data.follow_ups):
        _row, c = _upsert(
            FollowUp,
            {"visit": visit, "position": index + 1},
            {"text": item.text, "owner_unit": item.owner_unit, "due_date": item.due_date},
            f"outcome.follow_ups[{index}]",
        )
        changed |= c
    deleted, _detail = visit.follow_ups.filter(position__gt=len(data.follow_ups)).delete()
    return changed or bool(deleted)


@dataclass
class InvitationBatch:
    """What ``visit_invitations_send`` queued: new rows, and recipients skipped as already invited."""

    queued: list[Message]
    already_invited: list[str]


SENDABLE_STATUSES = (VisitStatus.SCHEDULED,)


def visit_invitations_send(*, visit: Visit, by=None) -> InvitationBatch:
    """Queue one invitation e-mail per recipient of ``visit`` at its current SEQUENCE.

    Creates a *queued* ``Message`` row per recipient who has no queued or sent invitation at this
    SEQUENCE yet (a failed one is queued again), marks the visit as invited, and, once the transaction
    commits, queues the Celery task ``visits.send_message`` for each row; a rollback queues nothing.
    The invitation is an iTIP REQUEST (RFC 5546 §3.2.2); SEQUENCE 0 for the first one.

    Raises ``ServiceError`` when the visit is not scheduled, has no organizer address, or nobody to invite.
    """
    from .tasks import send_message  # tasks import services; imported here to keep the graph one-way

    if visit.status not in SENDABLE_STATUSES:
        raise ServiceError(
            _("Invitations can only be sent for a scheduled visit; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    if not visit.host.organizer_email:
        raise ServiceError(_("The host has no organizer e-mail address to send invitations from."))
    recipients = invitation_recipients(visit=visit)
    if not recipients:
        raise ServiceError(_("Nobody on this visit has an e-mail address to invite."))
    kind = MessageKind.INVITE if visit.sequence == 0 else MessageKind.UPDATE
    queued: list[Message] = []
    already: list[str] = []
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        existing = {
            m.recipient_email.lower(): m
            for m in Message.objects.filter(visit=visit, kind=kind, sequence=visit.sequence)
        }
        for person in recipients:
            message = existing.get(person.email.lower())
            if message is not None and message.status != MessageStatus.FAILED:
                already.append(person.email)
                continue
            if message is None:
                message = Message(
                    visit=visit, kind=kind, sequence=visit.sequence, recipient_email=person.email
                )
            message.recipient_name = person.name
            message.recipient_timezone = person.timezone
            message.recipient_language = person.language
            message.status = MessageStatus.QUEUED
            message.last_error = ""
            message.save()
            queued.append(message)
        if queued:
            visit.invitations_sent_at = timezone.now()
            visit.save(update_fields=["invitations_sent_at", "updated_at"])
            for message in queued:
                transaction.on_commit(lambda pk=message.pk: send_message.delay(message_id=pk))
    logger.info(
        "visit %s: %d invitations queued, %d already invited, by %s", visit.pk, len(queued), len(already), by
    )
    return InvitationBatch(queued=queued, already_invited=already)


def message_send(*, message_id: int) -> bool:
    """Send one queued message, exactly once. Returns True if it was sent now, False if there was nothing to do.

    The row is claimed inside a transaction that holds its lock (``SELECT … FOR UPDATE`` on PostgreSQL;
    the database write lock on SQLite, whose transactions are IMMEDIATE) until the row says *sent*, so a
    task that runs twice, or two workers, cannot both send it. If the worker dies before the commit, the
    row is still *queued* and the redelivered task sends it. SMTP errors propagate (the task retries);
    ``attempts`` and ``last_error`` record each failure.

    Side effect: one e-mail through the configured mail backend.
    """
    try:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update().filter(pk=message_id, status=MessageStatus.QUEUED).first()
            )
            if message is None:
                return False
            visit = visit_detail().get(pk=message.visit_id)
            email = invitation_email(
                message=message, visit=visit, ics=calendar_bytes(invitation_calendar(visit=visit))
            )
            with get_connection() as connection:
                connection.send_messages([email])
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.message_id = email.extra_headers["Message-ID"]
            message.attempts += 1
            message.last_error = ""
            message.save(
                update_fields=["status", "sent_at", "message_id", "attempts", "last_error", "updated_at"]
            )
    except Exception as exc:
        # The claim was rolled back; record the failed attempt so the outbox shows it.
        Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000], updated_at=timezone.now()
        )
        raise
    return True


def message_fail(*, message_id: int, error: str) -> None:
    """Mark a message *failed* after its last retry, keeping the error for the outbox."""
    Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )


STALE_AFTER = dt.timedelta(hours=1)


def messages_requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Queue the sending task again for messages still *queued* an hour after their last change.

    A task can be lost (a broker restarted without persistence, a worker host gone for good). Sending is
    idempotent (``message_send`` claims the row under a lock), so queueing again can never send twice.
    The hour is longer than the task's whole retry backoff (30 s × 2⁰…2⁵). Returns how many were queued.
    Run by beat every 10 minutes.
    """
    from .tasks import send_message  # tasks import services; imported here to keep the graph one-way

    cutoff = (now or timezone.now()) - STALE_AFTER
    ids = list(
        Message.objects.filter(status=MessageStatus.QUEUED, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        Message.objects.filter(pk=pk, status=MessageStatus.QUEUED).update(updated_at=timezone.now())
        send_message.delay(message_id=pk)
    return len(ids)
