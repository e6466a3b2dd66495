"""Staff pages: the visit list, a visit page, and its actions (send, cancel, move, .ics, report PDF)."""

import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from config.audit import ACTION_LABELS, audit_changes, visit_audit_entries
from delegations.selectors import delegation_of_contact
from delegations.services import delegation_page_revoke, delegation_page_token
from reports.views import report_download

from .calendar import VIEWS, calendar_days, calendar_hosts, calendar_zone, step
from .conflicts import ProposedItem, check_booking
from .enums import AgendaKind, DispositionDecision, MessageStatus, VenueKind, VisitStatus
from .ical import calendar_bytes, invitation_calendar
from .importer import VisitFileError, decode_visit_text, parse_visit_data
from .letters import reply_letter_pdf
from .models import Official, ReplyLetter, Venue, Visit
from .permissions import ProtocolStaffRequiredMixin, ReaderRequiredMixin
from .roles import can_decide_disposition, is_delegation_contact, is_protocol
from .scoping import HostForbidden, scope_to_hosts
from .selectors import invitation_recipients, visit_detail, visit_list
from .services import (
    ServiceError,
    visit_cancel,
    visit_drafts_send,
    visit_import,
    visit_invitations_send,
    visit_reschedule,
)
from .services.base import BookingConflict
from .services.importing import AlreadyDecided
from .services.messaging import SendPlan, send_plan
from .services.scheduling import visit_schedule
from .services.workflow import (
    can_complete,
    reply_letter_issue,
    start_refusal,
    visit_complete,
    visit_dispose,
    visit_report_approve,
    visit_start,
)
from .slots import free_slots
from .zones import local_range, zone_label


def ics_response(visit) -> HttpResponse:
    """The visit's invitation (METHOD:REQUEST, or CANCEL once cancelled) as a downloadable ``.ics`` file."""
    method = "CANCEL" if visit.status == VisitStatus.CANCELLED else "REQUEST"
    response = HttpResponse(
        calendar_bytes(invitation_calendar(visit=visit, method=method)),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = f'attachment; filename="kunjungan-{visit.pk}.ics"'
    return response


def scoped_visits(request, queryset=None):
    """``queryset`` (default: every visit) narrowed to the visits of the requesting user's hosts."""
    return scope_to_hosts(Visit.objects.all() if queryset is None else queryset, request.user)


class VisitListView(ReaderRequiredMixin, ListView):
    """``/``: the visits of the user's hosts, latest first. A delegation contact lands on their
    delegation's page from here (this is where a login leads)."""

    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if is_delegation_contact(request.user) and not self.test_func():
            return redirect_to_own_delegation_page(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return scoped_visits(self.request, visit_list())


def redirect_to_own_delegation_page(request):
    """A delegation contact's landing: their delegation's page (its current signed link), or 404."""
    delegation = delegation_of_contact(request.user)
    if delegation is None:
        raise Http404(_("No delegation is linked to your account; ask the host's protocol office."))
    return redirect("delegation-page", token=delegation_page_token(delegation=delegation))


def send_button(*, visit: Visit, plan: SendPlan, past: bool) -> dict | None:
    """The visit page's send button: ``{"label", "question"}`` (the question the page asks before sending,
    naming what will go out), ``{"label", "question": None, "disabled": True}`` when everyone already holds
    the current version, or ``None`` for a visit whose invitations cannot be sent (not scheduled or
    cancelled). ``plan``: ``services.messaging.send_plan``."""
    if visit.status == VisitStatus.CANCELLED:
        return {
            "label": _("Send cancellation"),
            "question": _("Send the cancellation to everyone who was invited?"),
        }
    if visit.status != VisitStatus.SCHEDULED:
        return None
    if not plan.anything:
        return {"label": _("Everyone has the current version"), "question": None, "disabled": True}
    parts = []
    if plan.invitations:
        parts.append(
            ngettext("%(n)s invitation", "%(n)s invitations", plan.invitations) % {"n": plan.invitations}
        )
    if plan.updates:
        parts.append(ngettext("%(n)s update", "%(n)s updates", plan.updates) % {"n": plan.updates})
    if plan.removals:
        parts.append(
            ngettext(
                "%(n)s cancellation to a person taken off the visit",
                "%(n)s cancellations to people taken off the visit",
                plan.removals,
            )
            % {"n": plan.removals}
        )
    question = _("Send %(what)s?") % {"what": get_text_list(parts, _("and"))}
    if past:
        question = f"{question} {_('This visit is in the past.')}"
    if plan.invitations and not (plan.updates or plan.removals):
        label = _("Send invitations")
    elif plan.invitations:
        label = _("Send invitations and updates")
    else:
        label = _("Send updates")
    return {"label": label, "question": question}


class VisitDetailView(ReaderRequiredMixin, DetailView):
    template_name = "visits/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return scoped_visits(self.request, visit_detail())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        language = get_language()
        guest_zone = visit.delegation.institution.region.timezone
        outbox = list(visit.messages.order_by("-sequence", "pk"))
        recipients = invitation_recipients(visit=visit)
        plan = send_plan(visit=visit, recipients=recipients, messages=outbox)
        past = visit.end < timezone.now()
        letters = list(visit.reply_letters.order_by("-date", "-pk"))
        context.update(
            {
                "recipients": recipients,
                "send_button": send_button(visit=visit, plan=plan, past=past),
                "outbox": outbox,
                "drafts": sum(1 for m in outbox if m.status == MessageStatus.DRAFT),
                # Updates that nobody has sent yet; those already queued (a move sends them) are not counted.
                "pending_updates": plan.updates,
                "host_zone": zone_label(visit.timezone, visit.start),
                "guest_zone": zone_label(guest_zone, visit.start),
                "when": local_range(visit.start, visit.end, visit.timezone, language),
                "guest_when": local_range(visit.start, visit.end, guest_zone, language)
                if zone_label(guest_zone, visit.start) != zone_label(visit.timezone, visit.start)
                else None,
                "multi_day": visit.start.astimezone(visit.tzinfo).date()
                != visit.end.astimezone(visit.tzinfo).date(),
                "past": past,
                "outcome": getattr(visit, "outcome", None),
                "local_start": visit.start.astimezone(visit.tzinfo),
                "history": visit.status_changes.select_related("by").order_by("at", "pk"),
                "dispositions": visit.dispositions.select_related("decided_by").order_by("created_at"),
                "reply_letters": letters,
                # Letters that promised another time or place than the visit has now.
                "outdated_letters": {letter.pk for letter in letters if letter.differs_from(visit)},
                "can_decide": can_decide_disposition(self.request.user),
                "can_write": is_protocol(self.request.user),
                # The start and complete buttons follow their services' rules; before the visit's day the
                # page says from when it can be started instead of offering buttons that refuse.
                "start_refusal": start_refusal(visit),
                "can_complete": can_complete(visit),
                "decisions": DispositionDecision.choices,
                "today": timezone.localdate(),
                "delegation_link": self.request.build_absolute_uri(
                    reverse("delegation-page", args=[delegation_page_token(delegation=visit.delegation)])
                )
                if visit.delegation.page_nonce
                else None,
            }
        )
        return context


class VisitSendInvitationsView(ProtocolStaffRequiredMixin, View):
    """Bring every recipient's calendar up to date: invitations, updates, or the cancellation."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request, visit_detail()), pk=pk)
        try:
            batch = visit_invitations_send(visit=visit, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("visits:detail", pk=pk)
        queued = [m for m in batch.queued + batch.cancelled if m.status == MessageStatus.QUEUED]
        drafts = [m for m in batch.queued + batch.cancelled if m.status == MessageStatus.DRAFT]
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)d message is on its way.", "%(count)d messages are on their way.", len(queued)
                )
                % {"count": len(queued)},
            )
        if drafts:
            messages.warning(
                request,
                ngettext(
                    "%(count)d message waits for review below.",
                    "%(count)d messages wait for review below.",
                    len(drafts),
                )
                % {"count": len(drafts)},
            )
        if not queued and not drafts:
            messages.info(request, _("Everyone already has the current version; nothing was sent."))
        return redirect("visits:detail", pk=pk)


class VisitDraftsSendView(ProtocolStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request), pk=pk)
        rows = visit_drafts_send(visit=visit, by=request.user)
        messages.success(
            request,
            ngettext("%(count)d message is on its way.", "%(count)d messages are on their way.", len(rows))
            % {"count": len(rows)},
        )
        return redirect("visits:detail", pk=pk)


class VisitCancelView(ProtocolStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request, Visit.objects.select_related("host")), pk=pk)
        try:
            cancels = visit_cancel(visit=visit, reason=request.POST.get("reason", ""), by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "The visit is cancelled; %(count)d cancellation is on its way.",
                    "The visit is cancelled; %(count)d cancellations are on their way.",
                    len(cancels),
                )
                % {"count": len(cancels)},
            )
        return redirect("visits:detail", pk=pk)


class VisitRescheduleView(ProtocolStaffRequiredMixin, View):
    """Move the visit: the new date and start time are read in the visit's own zone.

    The move is checked like a booking (``visit_reschedule``): a hard conflict, or a warning of the new
    date (holiday, cuti bersama, Friday prayer …) without a reason, shows templates/visits/reschedule.html
    with the findings and a reason field per warning (409); sent again with the reasons, the visit moves
    and the reasons are recorded, as on the booking page.
    """

    http_method_names = ["post"]
    template_name = "visits/reschedule.html"

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request, Visit.objects.select_related("host")), pk=pk)
        try:
            day = dt.date.fromisoformat(request.POST.get("date", ""))
            at = dt.time.fromisoformat(request.POST.get("time", ""))
        except ValueError:
            messages.error(request, _("Give the new date and start time."))
            return redirect("visits:detail", pk=pk)
        reasons = {
            key.removeprefix("reason_"): value
            for key, value in request.POST.items()
            if key.startswith("reason_")
        }
        try:
            visit_reschedule(
                visit=visit,
                start=dt.datetime.combine(day, at, tzinfo=visit.tzinfo),
                overrides=reasons,
                require_reasons=True,
                by=request.user,
            )
        except BookingConflict as exc:
            context = {
                "visit": visit,
                "date": day.isoformat(),
                "time": at.strftime("%H:%M"),
                "report": exc.report,
                "reasons": reasons,
                "zone": zone_label(visit.timezone, visit.start),
            }
            return render(request, self.template_name, context, status=409)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The visit and its agenda were moved."))
        return redirect("visits:detail", pk=pk)


class VisitDelegationLinkView(ProtocolStaffRequiredMixin, View):
    """Create the delegation page's link, or revoke every old link and make a new one."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request, Visit.objects.select_related("delegation")), pk=pk)
        if request.POST.get("action") == "revoke":
            delegation_page_revoke(delegation=visit.delegation, by=request.user)
            messages.success(request, _("The old link no longer works; send the new one to the delegation."))
        else:
            delegation_page_token(delegation=visit.delegation)
        return redirect("visits:detail", pk=pk)


class VisitDisposeView(ReaderRequiredMixin, View):
    """The leadership's decision on a request (accept, decline, hand to an agency)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request), pk=pk)
        try:
            visit_dispose(
                visit=visit,
                decision=request.POST.get("decision", ""),
                note=request.POST.get("note", ""),
                forwarded_to=request.POST.get("forwarded_to", ""),
                by=request.user,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The decision is recorded."))
        return redirect("visits:detail", pk=pk)


TRANSITIONS = {"start": visit_start, "complete": visit_complete, "report": visit_report_approve}


class VisitTransitionView(ProtocolStaffRequiredMixin, View):
    """Start, complete or mark as reported (``action`` in the form)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request), pk=pk)
        service = TRANSITIONS.get(request.POST.get("action", ""))
        if service is None:
            messages.error(request, _("Unknown action."))
            return redirect("visits:detail", pk=pk)
        try:
            service(visit=visit, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect("visits:detail", pk=pk)


class VisitReplyLetterView(ProtocolStaffRequiredMixin, View):
    """Issue the reply letter (POST), or download one as PDF (GET with its id)."""

    def post(self, request, pk: int):
        visit = get_object_or_404(scoped_visits(request, Visit.objects.select_related("host")), pk=pk)
        try:
            letter_date = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            messages.error(request, _("Give the letter's date."))
            return redirect("visits:detail", pk=pk)
        try:
            reply_letter_issue(
                visit=visit,
                number=request.POST.get("number", ""),
                date=letter_date,
                signed_by_name=request.POST.get("signed_by_name", ""),
                signed_by_position=request.POST.get("signed_by_position", ""),
                by=request.user,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The reply letter is ready to download."))
        return redirect("visits:detail", pk=pk)


def reply_letter_response(letter) -> HttpResponse:
    """The reply letter as a downloadable PDF, in the delegation's language."""
    body = reply_letter_pdf(letter=letter, language=letter.visit.delegation.language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="surat-balasan-{letter.visit_id}-{letter.pk}.pdf"'
    )
    return response


class VisitReplyLetterPdfView(ReaderRequiredMixin, View):
    def get(self, request, pk: int, letter_pk: int):
        letter = get_object_or_404(
            scope_to_hosts(
                ReplyLetter.objects.select_related(
                    "host__region", "visit__venue", "visit__delegation__institution__region"
                ),
                request.user,
                field="visit__host",
            ),
            pk=letter_pk,
            visit_id=pk,
        )
        return reply_letter_response(letter)


class VisitInvitationIcsView(ReaderRequiredMixin, View):
    def get(self, request, pk: int):
        return ics_response(get_object_or_404(scoped_visits(request, visit_detail()), pk=pk))


class VisitReportPdfView(ReaderRequiredMixin, View):
    def get(self, request, pk: int):
        # The stored PDF when up to date, else a render started and its progress page (reports.views).
        return report_download(request, get_object_or_404(scoped_visits(request, visit_detail()), pk=pk))

    def post(self, request, pk: int):
        """Try a failed render again."""
        visit = get_object_or_404(scoped_visits(request, visit_detail()), pk=pk)
        return report_download(request, visit, retry=True)


class CalendarView(ReaderRequiredMixin, View):
    """``/calendar/?view=month|week|day&date=YYYY-MM-DD&host=<id>&venue=<id>&official=<id>``.

    Times are read in the zone of the host shown (``?host=``, or the user's only host, or all the user's
    hosts when they share a zone) and labelled once above the calendar; when the hosts shown keep different
    zones, each visit is read in its own and labelled on its entry (``visits.calendar``).
    """

    def get(self, request):
        view = request.GET.get("view") if request.GET.get("view") in VIEWS else "month"
        hosts = list(calendar_hosts(request.user))
        host_id = _int_or_none(request.GET.get("host"))
        chosen = next((host for host in hosts if host.pk == host_id), None)
        zone = calendar_zone([chosen] if chosen else hosts, settings.TIME_ZONE)
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone or settings.TIME_ZONE)).date()
        try:
            anchor = dt.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            anchor = today
        if not CALENDAR_FIRST <= anchor <= CALENDAR_LAST:
            # A month or week view around 1 January 1 or 31 December 9999 runs off Python's dates.
            anchor = today
        venue_id = _int_or_none(request.GET.get("venue"))
        official_id = _int_or_none(request.GET.get("official"))
        visits = scoped_visits(request)
        venues = scope_to_hosts(Venue.objects, request.user, field="institution")
        officials = scope_to_hosts(Official.objects, request.user, field="institution")
        if chosen:
            visits, venues, officials = (
                visits.filter(host=chosen),
                venues.filter(institution=chosen),
                officials.filter(institution=chosen),
            )
        days = calendar_days(
            view=view, anchor=anchor, zone=zone, venue_id=venue_id, official_id=official_id, visits=visits
        )
        filters = (("host", chosen.pk if chosen else None), ("venue", venue_id), ("official", official_id))
        query = {k: v for k, v in filters if v}
        context = {
            "view": view,
            "anchor": anchor,
            "days": days,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)] if view == "month" else None,
            "previous": step(view, anchor, -1).isoformat(),
            "next": step(view, anchor, 1).isoformat(),
            "filters": urlencode(query),
            "hosts": hosts,
            "host_id": chosen.pk if chosen else None,
            "venues": venues.order_by("institution__name", "name"),
            "officials": officials.order_by("institution__name", "precedence", "name"),
            "venue_id": venue_id,
            "official_id": official_id,
            # None: the hosts shown keep different zones, and each entry carries its own label.
            "zone": zone_label(zone, timezone.now()) if zone else None,
            "today": today,
        }
        return render(request, "visits/calendar.html", context)


# Dates the calendar shows (the bounds of the API's date filters); another ?date= shows today.
CALENDAR_FIRST, CALENDAR_LAST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
# The largest primary key a database column holds (a signed 64-bit integer); a larger id matches nothing.
MAX_ID = 2**63 - 1


def _int_or_none(value) -> int | None:
    """A positive id from a query parameter, or None for anything else (text, "１", an id too large)."""
    if not (value and str(value).isascii() and str(value).isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class VisitBookView(ProtocolStaffRequiredMixin, View):
    """``/visits/<id>/book/``: book an accepted visit (or rebook a scheduled one) on a date, time and room.

    The form is checked on the server: *Check* shows every conflict and warning without saving, *Book*
    saves when nothing blocks it and every warning has a reason. Free slots of the next 30 days are
    suggested (clicking one fills the form).
    """

    template_name = "visits/book.html"

    def visit(self, pk: int) -> Visit:
        return get_object_or_404(
            scoped_visits(self.request, Visit.objects.select_related("host__region", "delegation", "venue")),
            pk=pk,
        )

    def form_values(self, request, visit: Visit) -> dict:
        source = request.POST if request.method == "POST" else request.GET
        local = visit.start.astimezone(visit.tzinfo)
        duration = visit.end - visit.start
        values = {
            "date": source.get("date") or local.date().isoformat(),
            "start": source.get("start") or local.strftime("%H:%M"),
            "end": source.get("end") or (local + duration).strftime("%H:%M"),
            "venue": _int_or_none(source.get("venue")) or visit.venue_id,
            "official": _int_or_none(source.get("official")),
            "title": source.get("title") or visit.title,
        }
        if request.method == "POST":
            columns = [source.getlist(f"item_{name}")[:AGENDA_ROWS_MAX] for name in AGENDA_COLUMNS]
            # A column the form did not send (a page opened before the column existed) reads as blank.
            length = max(map(len, columns))
            columns = [column + [""] * (length - len(column)) for column in columns]
            rows = [dict(zip(AGENDA_COLUMNS, cells, strict=True)) for cells in zip(*columns, strict=True)]
        else:
            rows = self.agenda_rows(visit, values)
        values["rows"] = [row for row in rows if any(row.get(k) for k in ("start", "end", "title"))]
        values["blank_rows"] = range(AGENDA_BLANK_ROWS)
        return values

    def agenda_rows(self, visit: Visit, values: dict) -> list[dict]:
        """The current agenda as form rows, moved by as much as the proposed start differs from the visit's."""
        try:
            proposed = dt.datetime.combine(
                dt.date.fromisoformat(values["date"]), dt.time.fromisoformat(values["start"])
            )
        except ValueError:
            proposed = None
        local = visit.start.astimezone(visit.tzinfo)
        shift = proposed - local.replace(tzinfo=None) if proposed else dt.timedelta(0)
        rows = []
        for item in visit.agenda_items.order_by("start", "end", "pk"):
            start, end = (
                item.start.astimezone(visit.tzinfo) + shift,
                item.end.astimezone(visit.tzinfo) + shift,
            )
            rows.append(
                {
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                    "title": item.title,
                    "kind": item.kind,
                    "venue": str(item.venue_id or ""),
                    "official": str(item.official_id or ""),
                    "guest_speaker": item.guest_speaker,
                }
            )
        return rows

    def context(
        self, visit: Visit, values: dict, report=None, errors=None, reasons=None, suggest=True
    ) -> dict:
        officials = visit.host.officials.order_by("precedence", "name")
        try:
            duration = _duration(values)
        except ValueError:
            duration = dt.timedelta(hours=2)
        venues = visit.host.venues.order_by("name")
        # Free slots only for the host's own rooms and officials: another host's ids would show when its
        # people and rooms are busy (the API's free-slot search refuses them with 400).
        own_official = values["official"] in {official.pk for official in officials}
        own_venue = values["venue"] in {venue.pk for venue in venues}
        # From the requested date (if it is still ahead), not only from today.
        today = max(timezone.localdate(), visit.start.astimezone(visit.tzinfo).date())
        suggestions = (
            []
            if not suggest
            else free_slots(
                host=visit.host,
                first_day=today,
                last_day=today + dt.timedelta(days=30),
                duration=duration,
                official_ids=[values["official"]] if own_official else [],
                venue_ids=[values["venue"]] if own_venue else None,
                limit=6,
            )
        )
        return {
            "visit": visit,
            "values": values,
            "venues": venues,
            "rooms": visit.host.venues.exclude(kind=VenueKind.SITE).order_by("name"),
            "kinds": AgendaKind.choices,
            "officials": officials,
            "report": report,
            "reasons": reasons or {},
            "form_errors": errors or [],
            "suggestions": [
                {
                    "slot": slot,
                    "date": slot.start.astimezone(visit.tzinfo).date().isoformat(),
                    "start": slot.start.astimezone(visit.tzinfo).strftime("%H:%M"),
                    "end": slot.end.astimezone(visit.tzinfo).strftime("%H:%M"),
                }
                for slot in suggestions
            ],
            "zone": zone_label(visit.timezone, visit.start),
        }

    def get(self, request, pk: int):
        visit = self.visit(pk)
        return render(request, self.template_name, self.context(visit, self.form_values(request, visit)))

    def input_problems(self, request, visit: Visit) -> list[str]:
        """What is wrong with the posted form before anything is checked against other bookings: a room
        that is not one of the host's (another host's, or no room at all: the form offers only the host's),
        and, to book, an empty date or time (the form's defaults are for showing it, not for saving)."""
        problems = []
        raw_venue = request.POST.get("venue", "").strip()
        if raw_venue:
            venue_id = _int_or_none(raw_venue)
            if venue_id is None or not visit.host.venues.filter(pk=venue_id).exists():
                problems.append(_("That room or site is not one of the host's."))
        if request.POST.get("action") == "book" and not all(
            request.POST.get(key, "").strip() for key in ("date", "start", "end")
        ):
            problems.append(_("Give the date and the start and end times."))
        return problems

    def post(self, request, pk: int):
        visit = self.visit(pk)
        values = self.form_values(request, visit)
        problems = self.input_problems(request, visit)
        if problems:
            context = self.context(visit, values, errors=problems, suggest=False)
            return render(request, self.template_name, context, status=400)
        try:
            start, end = _window(values, visit)
        except ValueError:
            context = self.context(visit, values, errors=[_("Give the date and the start and end times.")])
            return render(request, self.template_name, context, status=400)
        venue = visit.host.venues.filter(pk=values["venue"]).first() if values["venue"] else None
        try:
            items = _agenda_items(values, start, visit) or [
                ProposedItem(
                    start, end, venue.pk if venue else None, values["official"], values["title"], "other"
                )
            ]
        except ValueError as exc:
            context = self.context(visit, values, errors=[str(exc)], suggest=False)
            return render(request, self.template_name, context, status=400)
        overrides = {
            key.removeprefix("reason_"): value
            for key, value in request.POST.items()
            if key.startswith("reason_")
        }
        live = request.headers.get("X-Requested-With") == "fetch"
        if request.POST.get("action") != "book":
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
            context = self.context(visit, values, report=report, reasons=overrides, suggest=not live)
            if live:
                # The page checks as the form is filled (static/js/sambang.js): only the findings.
                return render(request, "visits/_booking_findings.html", context)
            return render(request, self.template_name, context)
        try:
            visit_schedule(
                visit=visit,
                start=start,
                end=end,
                venue=venue,
                items=items,
                overrides=overrides,
                require_reasons=True,
                by=request.user,
            )
        except BookingConflict as exc:
            return render(
                request, self.template_name, self.context(visit, values, report=exc.report), status=409
            )
        except ServiceError as exc:
            return render(
                request, self.template_name, self.context(visit, values, errors=[str(exc)]), status=409
            )
        messages.success(request, _("The visit is booked."))
        return redirect("visits:detail", pk=pk)


AGENDA_COLUMNS = ("start", "end", "title", "kind", "venue", "official", "guest_speaker")
AGENDA_ROWS_MAX = 50
AGENDA_BLANK_ROWS = 3


def _agenda_items(values: dict, start: dt.datetime, visit: Visit) -> list[ProposedItem]:
    """The agenda rows of the booking form as proposed items on the booking's date, in the visit's zone.
    Raises ``ValueError`` with a message for the user when a row's times are not HH:MM."""
    items = []
    for number, row in enumerate(values["rows"], start=1):
        try:
            first = dt.datetime.combine(
                start.date(), dt.time.fromisoformat(row.get("start", "")), tzinfo=visit.tzinfo
            )
            last = dt.datetime.combine(
                start.date(), dt.time.fromisoformat(row.get("end", "")), tzinfo=visit.tzinfo
            )
        except ValueError:
            raise ValueError(
                _("Agenda row %(row)s: give its start and end as HH:MM.") % {"row": number}
            ) from None
        kind = row.get("kind") if row.get("kind") in AgendaKind.values else AgendaKind.OTHER
        items.append(
            ProposedItem(
                first,
                last,
                _int_or_none(row.get("venue")) or values["venue"],
                _int_or_none(row.get("official")),
                (row.get("title") or "").strip()[:300] or visit.title,
                kind,
                (row.get("guest_speaker") or "").strip()[:200],
            )
        )
    return items


def _duration(values: dict) -> dt.timedelta:
    start, end = dt.time.fromisoformat(values["start"]), dt.time.fromisoformat(values["end"])
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        raise ValueError("end before start")
    return dt.timedelta(minutes=minutes)


def _window(values: dict, visit: Visit) -> tuple[dt.datetime, dt.datetime]:
    day = dt.date.fromisoformat(values["date"])
    start = dt.datetime.combine(day, dt.time.fromisoformat(values["start"]), tzinfo=visit.tzinfo)
    end = dt.datetime.combine(day, dt.time.fromisoformat(values["end"]), tzinfo=visit.tzinfo)
    return start, end


class VisitRegisterView(ProtocolStaffRequiredMixin, View):
    """``/visits/register/``: register an incoming request from a visit file (YAML or JSON, see
    docs/visit-format.md), uploaded or pasted. It becomes a *requested* visit: a file naming another status
    is refused (400), and so is a letter whose visit has already left *requested* (409); see ``visit_import``."""

    template_name = "visits/register.html"
    max_bytes = 512 * 1024

    def get(self, request):
        return render(request, self.template_name, {})

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is not None and upload.size > self.max_bytes:
            return self.refuse(request, [("file", _("The file is larger than 512 KB."))], "")
        raw_text = upload.read().decode("utf-8", errors="replace") if upload else request.POST.get("text", "")
        try:
            # The importer's own reader: no YAML aliases (an alias bomb), nesting too deep refused.
            data = decode_visit_text(raw_text) if raw_text.strip() else None
            result = visit_import(data=parse_visit_data(data), by=request.user)
        except VisitFileError as exc:
            return self.refuse(request, exc.problems, raw_text)
        except HostForbidden as exc:
            return self.refuse(request, [("host", str(exc))], raw_text, status=403)
        except AlreadyDecided as exc:
            return self.refuse(request, [("request.letter_number", str(exc))], raw_text, status=409)
        for warning in result.warnings:
            messages.warning(request, warning)
        messages.success(request, _("The request is registered."))
        return redirect("visits:detail", pk=result.visit.pk)

    def refuse(self, request, problems, text, status=400):
        context = {"problems": problems, "text": text}
        return render(request, self.template_name, context, status=status)


class VisitAuditView(ReaderRequiredMixin, ListView):
    """``/visits/<id>/audit/``: the visit's audit log (config.audit), newest first, 100 a page."""

    template_name = "visits/visit_audit.html"
    context_object_name = "entries"
    paginate_by = 100

    def get_queryset(self):
        self.visit = get_object_or_404(scoped_visits(self.request), pk=self.kwargs["pk"])
        return visit_audit_entries(self.visit)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(visit=self.visit, **kwargs)
        for entry in context["entries"]:
            entry.rows = audit_changes(entry, zone=self.visit.timezone)
            entry.action_label = ACTION_LABELS.get(entry.action, entry.get_action_display())
        return context
