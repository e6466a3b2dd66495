"""Changing a visit once it is booked: rescheduling and cancelling."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audited_update
from delegations.models import Delegation

from ..conflicts import ProposedItem, check_booking
from ..enums import VisitStatus
from ..models import AgendaItem, Message, Venue, Visit
from .base import (
    BookingConflict,
    ServiceError,
    accepted_warnings,
    require_reasons_for_warnings,
    visit_length_problem,
)
from .messaging import InvitationBatch, visit_cancellations_queue, visit_invitations_send
from .workflow import moved_note, status_record

logger = logging.getLogger(__name__)


def schedule_signature(visit: Visit) -> tuple:
    """What an invitation shows (title, times, venue, status, agenda, attendees' roles, and in its
    LOCATION and DESCRIPTION the venue's address, the topics and the delegation: ``ical.visit_event``):
    when this differs after an edit, invitees must get an update with a higher SEQUENCE (RFC 5545 §3.8.7.4).
    The venue and delegation are read from the database, not from ``visit``'s cached relations."""
    items = tuple(
        (i.start, i.end, i.title, i.venue_id, i.official_id, i.guest_speaker)
        for i in AgendaItem.objects.filter(visit=visit).order_by("start", "end", "pk")
    )
    location = Venue.objects.filter(pk=visit.venue_id).values_list("name", "address").first()
    delegation = (
        Delegation.objects.filter(pk=visit.delegation_id)
        .values_list("institution__name", "leader_name", "leader_position", "size")
        .first()
    )
    return (
        visit.title,
        visit.start,
        visit.end,
        visit.venue_id,
        visit.status,
        visit.all_day,
        items,
        location,
        tuple(visit.topics or ()),
        delegation,
    )


def visit_changes_record(*, visit: Visit, before: tuple, by=None) -> bool:
    """After an edit (import, admin), raise the SEQUENCE by one if invitations went out and what they show
    changed (``before`` is ``schedule_signature`` taken before the edit). Returns whether it was raised.

    The updates themselves go out when staff press "Send invitations" (or at once for a reschedule).
    """
    if visit.invitations_sent_at is None or schedule_signature(visit) == before:
        return False
    audited_update(Visit.objects.filter(pk=visit.pk), sequence=F("sequence") + 1, updated_at=timezone.now())
    visit.refresh_from_db(fields=["sequence", "updated_at"])
    logger.info("visit %s changed after invitations: SEQUENCE %s, by %s", visit.pk, visit.sequence, by)
    return True


def visit_reschedule(
    *,
    visit: Visit,
    start: dt.datetime,
    end: dt.datetime | None = None,
    overrides: dict[str, str] | None = None,
    require_reasons: bool = False,
    by=None,
    now: dt.datetime | None = None,
) -> tuple[Visit, InvitationBatch | None]:
    """Move ``visit`` and its whole agenda so that it starts at ``start`` (an aware datetime).

    Every agenda item moves by as much as the start does (same offset, same durations). ``end`` (aware)
    gives the visit new times: it then ends there instead of keeping its length; an item that the shorter
    window no longer holds is refused (``outside_visit``), so shorten the agenda first.

    The moved booking is checked again like a new one (``conflicts.check_booking``): hard conflicts (room,
    official, outside the visit) raise ``BookingConflict`` and move nothing. Its warnings (holiday or cuti
    bersama, Friday prayer …) replace the visit's ``booking_warnings``, each with the reason staff gave in
    ``overrides`` ({code: reason}); reasons given for the old date do not carry over, since the new date
    raises its own warnings. With ``require_reasons`` a warning without a reason raises
    ``BookingConflict`` (``reason_required``), as ``scheduling.visit_schedule`` does.

    If invitations went out, the SEQUENCE grows by one (RFC 5545 §3.8.7.4) and updates are queued to
    everyone at once (``visit_invitations_send``); older queued messages are superseded. Returns the visit
    and the batch (None when nobody had been invited, or nothing moved).

    Raises ``ServiceError`` for a naive datetime, a start in the past, an end not after the start, a window
    longer than ``base.MAX_VISIT_LENGTH``, or a visit that is not accepted or scheduled.
    """
    overrides = overrides or {}
    if timezone.is_naive(start) or (end is not None and timezone.is_naive(end)):
        raise ServiceError(_("The new start must carry its time zone."))
    now = now or timezone.now()
    if start <= now:
        raise ServiceError(_("A visit cannot be moved into the past."))
    if end is not None and end <= start:
        raise ServiceError(_("The visit must end after it starts."))
    if visit.status not in (VisitStatus.ACCEPTED, VisitStatus.SCHEDULED):
        raise ServiceError(
            _("Only an accepted or scheduled visit can be moved; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    batch = None
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("host", "delegation").get(pk=visit.pk)
        delta = start - visit.start
        new_end = end if end is not None else visit.end + delta
        if not delta and new_end == visit.end:
            return visit, None
        too_long = visit_length_problem(start, new_end)
        if too_long:
            raise ServiceError(too_long)
        moved = [
            ProposedItem(i.start + delta, i.end + delta, i.venue_id, i.official_id, i.title, i.kind)
            for i in visit.agenda_items.order_by("start", "end", "pk")
        ]
        report = check_booking(
            host=visit.host,
            start=start,
            end=new_end,
            items=moved,
            zone=visit.timezone,
            delegation_id=visit.delegation_id,
            delegation_size=visit.delegation.size,
            exclude_visit_id=visit.pk,
            now=now,
        )
        if require_reasons:
            require_reasons_for_warnings(report, overrides)
        if report.errors:
            raise BookingConflict(report)
        if delta:
            audited_update(
                AgendaItem.objects.filter(visit=visit), start=F("start") + delta, end=F("end") + delta
            )
        old_start, old_end = visit.start, visit.end
        visit.start, visit.end = start, new_end
        visit.booking_warnings = accepted_warnings(report, overrides)
        fields = ["start", "end", "booking_warnings", "updated_at"]
        invited = visit.invitations_sent_at is not None
        if invited:
            visit.sequence += 1
            fields.append("sequence")
        visit.save(update_fields=fields)
        status_record(
            visit=visit,
            from_status=visit.status,
            to_status=visit.status,
            by=by,
            note=moved_note(visit=visit, before=(old_start, old_end)),
        )
        if invited and visit.status == VisitStatus.SCHEDULED:
            batch = visit_invitations_send(visit=visit, by=by)
    logger.info("visit %s moved by %s to SEQUENCE %s by %s", visit.pk, delta, visit.sequence, by)
    return visit, batch


def visit_cancel(*, visit: Visit, reason: str, by=None) -> list[Message]:
    """Cancel ``visit``: status *cancelled*, the reason kept, and a CANCEL to everyone who was invited.

    The SEQUENCE grows by one when invitations went out (RFC 5546 §3.2.5: the CANCEL must carry a
    SEQUENCE at least that of the REQUEST it cancels, and clients act on a higher one); queued
    invitations and reminders are superseded. Returns the CANCEL rows (queued on commit).

    Raises ``ServiceError`` when the reason is empty or the visit is already completed or cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the cancellation; it is sent to the delegation."))
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.ACCEPTED, VisitStatus.SCHEDULED):
        raise ServiceError(
            _("Only a requested, accepted or scheduled visit can be cancelled; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        previous = visit.status
        visit.status = VisitStatus.CANCELLED
        visit.cancellation_reason = reason
        if visit.invitations_sent_at is not None:
            visit.sequence += 1
        visit.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
        status_record(visit=visit, from_status=previous, to_status=VisitStatus.CANCELLED, by=by, note=reason)
        cancels = visit_cancellations_queue(visit=visit)
    logger.info("visit %s cancelled by %s: %d CANCELs queued", visit.pk, by, len(cancels))
    return cancels
