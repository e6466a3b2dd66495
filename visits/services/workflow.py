"""The request workflow: each transition is one service, allowed from the right states and for the right
role, and recorded in the audit trail (``StatusChange``: who, when, from, to, note).

    requested ──dispose──> accepted ──schedule──> scheduled ──start──> in_progress ──complete──> completed ──report──> reported
        │                     │                      │  (reschedule: scheduled → scheduled, recorded)
        ├──dispose──> declined │                      │
        ├──dispose──> forwarded│                      │
        └──────────cancel──────┴──────────cancel──────┘──> cancelled
"""

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.audit import audited_update

from ..enums import HOLDS_ROOMS, DispositionDecision, VisitStatus
from ..models import AgendaItem, Disposition, ReplyLetter, StatusChange, Visit
from ..roles import can_decide_disposition
from ..zones import local_range, long_date, zone_label
from .base import ServiceError

logger = logging.getLogger(__name__)

DECISION_STATUS = {
    DispositionDecision.ACCEPT: VisitStatus.ACCEPTED,
    DispositionDecision.DECLINE: VisitStatus.DECLINED,
    DispositionDecision.FORWARD: VisitStatus.FORWARDED,
}


def status_record(*, visit: Visit, from_status: str, to_status: str, by=None, note: str = "") -> StatusChange:
    """Write one line of the audit trail and keep the agenda's hold on rooms in step with the status."""
    audited_update(AgendaItem.objects.filter(visit=visit), holds_room=to_status in HOLDS_ROOMS)
    user = by if getattr(by, "is_authenticated", False) else None
    return StatusChange.objects.create(
        visit=visit, from_status=from_status, to_status=to_status, by=user, note=note
    )


def moved_note(*, visit: Visit, before: tuple[dt.datetime, dt.datetime]) -> str:
    """The history line of a visit booked again or moved: "Rescheduled from Friday, 25 April 2025,
    09:00–11:30 WIB to …" (``before``: its old start and end; ``visit`` has the new ones), or, when only
    the room or agenda changed, "Booked again at the same time." In the installation's language
    (``LANGUAGE_CODE``), like the rest of the stored history, whatever language the request asked for."""
    with translation.override(settings.LANGUAGE_CODE):
        if before == (visit.start, visit.end):
            return _("Booked again at the same time.")
        return _("Rescheduled from %(before)s to %(after)s.") % {
            "before": local_range(*before, visit.timezone, settings.LANGUAGE_CODE),
            "after": local_range(visit.start, visit.end, visit.timezone, settings.LANGUAGE_CODE),
        }


def _transition(visit: Visit, allowed: tuple, to_status: str, *, by, note: str = "", timing=None) -> Visit:
    """Move ``visit`` to ``to_status`` if its current state is one of ``allowed``; otherwise a ServiceError.

    ``timing`` (optional) is a function of the locked visit that returns why the move cannot happen now
    (a translated sentence) or None; it is asked only once the state allows the move, so that a refusal
    names the state first (a declined visit is refused for being declined, not for its date).
    """
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.status not in allowed:
            raise ServiceError(
                _("A visit that is “%(current)s” cannot become “%(target)s”.")
                % {"current": visit.get_status_display(), "target": VisitStatus(to_status).label}
            )
        problem = timing(visit) if timing else None
        if problem:
            raise ServiceError(problem)
        previous = visit.status
        visit.status = to_status
        visit.save(update_fields=["status", "updated_at"])
        status_record(visit=visit, from_status=previous, to_status=to_status, by=by, note=note)
    logger.info("visit %s: %s → %s by %s", visit.pk, previous, to_status, by)
    return visit


def visit_dispose(*, visit: Visit, decision: str, by, note: str = "", forwarded_to: str = "") -> Disposition:
    """Record the leadership's decision on a requested visit and move it to accepted, declined or forwarded.

    Allowed only for a *requested* visit and for a user of the leadership group (or a superuser). A
    decision to hand the visit to an agency must name the agency; declining should give the reason in
    ``note`` (it goes into the reply letter). Raises ``ServiceError`` otherwise; nothing is saved then.
    """
    if decision not in DECISION_STATUS:
        raise ServiceError(_("Unknown decision."))
    if not can_decide_disposition(by):
        raise ServiceError(_("Only the leadership decides on a visit request."))
    if decision == DispositionDecision.FORWARD and not forwarded_to.strip():
        raise ServiceError(_("Name the agency the visit is handed to."))
    if decision == DispositionDecision.DECLINE and not note.strip():
        raise ServiceError(_("Give the reason for declining; it is written in the reply letter."))
    with transaction.atomic():
        visit = _transition(
            visit, (VisitStatus.REQUESTED,), DECISION_STATUS[decision], by=by, note=note.strip()
        )
        disposition = Disposition.objects.create(
            visit=visit,
            decision=decision,
            note=note.strip(),
            forwarded_to=forwarded_to.strip()[:200],
            decided_by=by,
        )
    return disposition


def visit_day_opens(visit: Visit) -> dt.datetime:
    """The first moment ``visit`` can be marked as in progress: 00:00 of its first day in the host's zone
    (``Visit.timezone``), as an aware datetime. The delegation may arrive before the opening (an arrival
    item may begin up to two hours early), so the whole day counts, not only the time from ``start``."""
    first_day = visit.start.astimezone(visit.tzinfo).date()
    return dt.datetime.combine(first_day, dt.time(0), tzinfo=visit.tzinfo)


def _start_timing_problem(visit: Visit, now: dt.datetime) -> str | None:
    """Why ``visit`` cannot be started at ``now``, or None: only from ``visit_day_opens`` until its end."""
    if now < visit_day_opens(visit):
        return _("A visit can be started only on its day: from 00:00 %(zone)s on %(date)s.") % {
            "date": long_date(visit.start.astimezone(visit.tzinfo).date(), get_language() or "id"),
            "zone": zone_label(visit.timezone, visit.start),
        }
    if now >= visit.end:
        return _("The visit has already ended; mark it as completed instead.")
    return None


def visit_start(*, visit: Visit, by=None, now: dt.datetime | None = None) -> Visit:
    """Mark a scheduled visit as in progress (the delegation has arrived).

    Allowed only for a *scheduled* visit and only on its day: from 00:00 of its first day in the host's
    zone (``visit_day_opens``) until its end (``now``, an aware datetime, defaults to the current time).
    A visit started months ahead would be stuck: an in-progress visit can be neither moved nor cancelled.
    Raises ``ServiceError`` naming the state, else the day; nothing is saved then.
    """
    now = now or timezone.now()
    return _transition(
        visit,
        (VisitStatus.SCHEDULED,),
        VisitStatus.IN_PROGRESS,
        by=by,
        timing=lambda locked: _start_timing_problem(locked, now),
    )


def start_refusal(visit: Visit, now: dt.datetime | None = None) -> str | None:
    """Why ``visit_start`` would refuse ``visit`` at ``now`` (default: now), in the active language, or
    ``None`` when it would accept it. The visit page shows its button, or this reason, by the same rule."""
    if visit.status != VisitStatus.SCHEDULED:
        return _("Only a scheduled visit can be marked as started.")
    return _start_timing_problem(visit, now or timezone.now())


def _completion_too_early(visit: Visit, now: dt.datetime) -> bool:
    return visit.status != VisitStatus.IN_PROGRESS and now < visit_day_opens(visit)


def can_complete(visit: Visit, now: dt.datetime | None = None) -> bool:
    """True when ``visit_complete`` would accept ``visit`` at ``now`` (default: now): the page's button."""
    return visit.status in (VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS) and not _completion_too_early(
        visit, now or timezone.now()
    )


def visit_complete(*, visit: Visit, by=None, now: dt.datetime | None = None) -> Visit:
    """Mark a scheduled or in-progress visit as completed: a visit marked as started at any time, a
    scheduled one from its day on (``visit_day_opens``, as ``visit_start``), so the two buttons follow one
    rule.

    Raises ``ServiceError`` naming the state for a visit that is neither scheduled nor in progress (a
    declined one, say), else for a scheduled visit whose day has not come at ``now`` (default: now).
    """
    now = now or timezone.now()

    def timing(locked: Visit) -> str | None:
        return (
            _("A visit cannot be completed before its day.") if _completion_too_early(locked, now) else None
        )

    return _transition(
        visit, (VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS), VisitStatus.COMPLETED, by=by, timing=timing
    )


def visit_report_approve(*, visit: Visit, by=None, note: str = "") -> Visit:
    """Mark a completed visit as reported (its report has been approved)."""
    return _transition(visit, (VisitStatus.COMPLETED,), VisitStatus.REPORTED, by=by, note=note)


# A reply letter is dated when it is signed; it may be prepared some time ahead of a planned signing, but
# a date more than a year away is a typing slip (9999-12-31), not a plan.
REPLY_LETTER_AHEAD = dt.timedelta(days=366)


def reply_letter_date_problem(*, visit: Visit, date: dt.date) -> str | None:
    """Why ``date`` cannot be the date of ``visit``'s reply letter, or None when it can.

    The rule: a reply cannot be older than the request letter it answers (``Delegation.
    request_letter_date``), nor dated more than ``REPLY_LETTER_AHEAD`` (a year) after today in the host's
    time zone. Returns a translated sentence.
    """
    requested = visit.delegation.request_letter_date
    latest = timezone.localdate(timezone=zoneinfo.ZoneInfo(visit.timezone)) + REPLY_LETTER_AHEAD
    if requested and date < requested:
        return _("The reply letter cannot be dated before the request letter it answers (%(date)s).") % {
            "date": formats.date_format(requested, "SHORT_DATE_FORMAT")
        }
    if date > latest:
        return _("The reply letter's date is more than a year ahead; check the year.")
    return None


def reply_letter_issue(
    *, visit: Visit, number: str, date: dt.date, signed_by_name: str, signed_by_position: str, by=None
) -> ReplyLetter:
    """Issue the reply letter (*surat balasan*) to the requesting institution.

    Accepting once the leadership accepted (or the visit is scheduled); declining once it declined, with
    the disposition's note as the reason. The letter keeps the visit's time and place as they are now
    (``ReplyLetter.visit_start`` …): a visit moved later does not change an issued letter. The number must be new for the host. Raises ``ServiceError``
    for a visit still waiting for its disposition, an empty or repeated number, a missing signatory, or a
    date outside ``reply_letter_date_problem``'s window.
    """
    problem = reply_letter_date_problem(visit=visit, date=date)
    if problem:
        raise ServiceError(problem)
    number, signed_by_name, signed_by_position = (
        number.strip(),
        signed_by_name.strip(),
        signed_by_position.strip(),
    )
    if not number or not signed_by_name or not signed_by_position:
        raise ServiceError(_("Give the letter's number and who signs it (name and position)."))
    if visit.status in (VisitStatus.ACCEPTED, VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS):
        accepted = True
    elif visit.status == VisitStatus.DECLINED:
        accepted = False
    else:
        raise ServiceError(
            _("A reply letter follows the leadership's decision; this visit is “%(status)s”.")
            % {"status": visit.get_status_display()}
        )
    with transaction.atomic():
        if ReplyLetter.objects.filter(host_id=visit.host_id, number=number).exists():
            raise ServiceError(
                _("The number %(number)s is already used by another letter.") % {"number": number}
            )
        last = visit.dispositions.order_by("-created_at").first()
        letter = ReplyLetter.objects.create(
            visit=visit,
            host_id=visit.host_id,
            number=number[:120],
            date=date,
            accepted=accepted,
            reason="" if accepted else (last.note if last else ""),
            signed_by_name=signed_by_name[:200],
            signed_by_position=signed_by_position[:300],
            # The letter keeps what it tells the guest, whatever happens to the visit afterwards.
            visit_start=visit.start,
            visit_end=visit.end,
            venue_name=visit.venue.name if visit.venue else "",
            venue_address=visit.venue.address if visit.venue else "",
            booked=visit.status in HOLDS_ROOMS,
        )
    logger.info("visit %s: reply letter %s issued by %s", visit.pk, number, by)
    return letter
