"""Booking a visit: the date, the room, the officials and the agenda, checked against every other booking.

Check and write happen in one transaction that holds the write lock from its start on SQLite (IMMEDIATE
transactions, see config/settings/base.py), so two bookings cannot both pass the check; on PostgreSQL the
exclusion constraint of migration 0004 refuses the second one even so, and that refusal is reported as
the same ``room_double_booked`` conflict.
"""

import dataclasses
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from config.audit import audit_created, audited_update

from ..conflicts import ConflictReport, Finding, ProposedItem, check_booking
from ..enums import AgendaKind, VisitStatus
from ..models import AgendaItem, Venue, Visit
from .base import (
    BookingConflict,
    ServiceError,
    accepted_warnings,
    require_reasons_for_warnings,
    visit_length_problem,
)
from .lifecycle import schedule_signature, visit_changes_record
from .workflow import moved_note, status_record

logger = logging.getLogger(__name__)

BOOKABLE = (VisitStatus.ACCEPTED, VisitStatus.SCHEDULED)


def whole_visit_item(*, start, end, venue: Venue | None, title: str = "") -> ProposedItem:
    """The agenda of a booking that gives none: one meeting from ``start`` to ``end`` (aware) in ``venue``,
    so that the room is held for the whole visit (as the booking page books an empty agenda)."""
    return ProposedItem(start, end, venue.pk if venue else None, None, title, AgendaKind.OTHER)


def visit_schedule(
    *,
    visit: Visit,
    start,
    end,
    venue: Venue | None,
    items: list[ProposedItem] | None,
    overrides: dict[str, str] | None = None,
    require_reasons: bool = False,
    by=None,
) -> tuple[Visit, ConflictReport]:
    """Book ``visit`` from ``start`` to ``end`` (aware datetimes) in ``venue`` with the agenda ``items``.

    ``items`` None keeps the visit's agenda: its rows (guest speakers and all) move by as much as the start
    moves, like ``visit_reschedule``, and are checked again; a visit without agenda gets one item for the
    whole window (``whole_visit_item``). A list replaces the agenda (an empty list leaves none). An item
    without a room is held in ``venue``. The booking is checked (``conflicts.check_booking``) against every
    other live booking. Hard conflicts raise ``BookingConflict`` and save nothing. Warnings are stored on
    the visit (``booking_warnings``) with the reason staff gave in ``overrides`` ({code: reason}); with
    ``require_reasons`` a warning without a reason raises ``BookingConflict`` too (``reason_required``;
    the booking form and the API ask for them). An accepted visit becomes *scheduled* (recorded in the
    audit trail). If invitations went out, the SEQUENCE grows and the page offers to send the updates.

    Raises ``ServiceError`` for a cancelled or completed visit, or a window longer than
    ``base.MAX_VISIT_LENGTH``.
    """
    overrides = overrides or {}
    if visit.status not in BOOKABLE:
        raise ServiceError(
            _("Only an accepted or scheduled visit can be booked; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    too_long = visit_length_problem(start, end)
    if too_long:
        raise ServiceError(too_long)
    keep_agenda = items is None
    try:
        with transaction.atomic():
            visit = Visit.objects.select_for_update().select_related("host", "delegation").get(pk=visit.pk)
            delta = start - visit.start
            if keep_agenda:
                items = [
                    ProposedItem(i.start + delta, i.end + delta, i.venue_id, i.official_id, i.title, i.kind)
                    for i in visit.agenda_items.order_by("start", "end", "pk")
                ]
                if not items:
                    keep_agenda = False
                    items = [whole_visit_item(start=start, end=end, venue=venue)]
            items = [
                item if item.venue_id or venue is None else dataclasses.replace(item, venue_id=venue.pk)
                for item in items
            ]
            report = check_booking(
                host=visit.host,
                start=start,
                end=end,
                items=items,
                zone=visit.timezone,
                delegation_id=visit.delegation_id,
                delegation_size=visit.delegation.size,
                exclude_visit_id=visit.pk,
            )
            if venue is not None and venue.institution_id != visit.host_id:
                report.errors.append(
                    Finding("foreign_room", _("That room or site is not one of the host's."))
                )
            if require_reasons:
                require_reasons_for_warnings(report, overrides)
            if report.errors:
                raise BookingConflict(report)
            before = schedule_signature(visit)
            previous, old_window = visit.status, (visit.start, visit.end)
            visit.start, visit.end, visit.venue = start, end, venue
            visit.status = VisitStatus.SCHEDULED
            visit.booking_warnings = accepted_warnings(report, overrides)
            visit.save(update_fields=["start", "end", "venue", "status", "booking_warnings", "updated_at"])
            if keep_agenda:
                _agenda_move(visit=visit, delta=delta, venue=venue)
            else:
                AgendaItem.objects.filter(visit=visit).delete()
                booked = AgendaItem.objects.bulk_create(
                    AgendaItem(
                        visit=visit,
                        start=item.start,
                        end=item.end,
                        venue_id=item.venue_id,
                        official_id=item.official_id,
                        guest_speaker=item.guest_speaker.strip()[:200] if item.official_id is None else "",
                        title=item.title or visit.title,
                        kind=item.kind or AgendaKind.OTHER,
                    )
                    for item in items
                )
                audit_created(booked)
            status_record(
                visit=visit,
                from_status=previous,
                to_status=VisitStatus.SCHEDULED,
                by=by,
                note=moved_note(visit=visit, before=old_window) if previous == VisitStatus.SCHEDULED else "",
            )
            visit_changes_record(visit=visit, before=before, by=by)
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint: another booking of the room committed between check and write.
        if "agenda_item_room_not_double_booked" not in str(exc):
            raise
        report = ConflictReport(
            errors=[Finding("room_double_booked", _("The room was booked by someone else a moment ago."))]
        )
        raise BookingConflict(report) from exc
    logger.info("visit %s booked %s–%s by %s (%d warnings)", visit.pk, start, end, by, len(report.warnings))
    return visit, report


def _agenda_move(*, visit: Visit, delta, venue: Venue | None) -> None:
    """Move the visit's own agenda rows by ``delta`` and put those without a room in ``venue``, in place
    (nothing is deleted: guest speakers and ids stay)."""
    rows = AgendaItem.objects.filter(visit=visit)
    if delta:
        audited_update(rows, start=F("start") + delta, end=F("end") + delta)
    if venue is not None:
        audited_update(rows.filter(venue=None), venue=venue)
