"""The delegation page: what a delegation's contact person sees through the signed link, and nothing else."""

import zoneinfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from visits.enums import HOLDS_ROOMS, VisitStatus
from visits.ical import calendar_bytes, invitation_calendar
from visits.mail import map_link
from visits.roles import is_delegation_contact
from visits.selectors import visit_detail
from visits.services import ServiceError
from visits.zones import local_range, zone_label

from .selectors import delegation_from_page_token
from .services import delegation_attendance_confirm, delegation_members_replace

EXTRA_MEMBER_ROWS = 3
MAX_MEMBER_ROWS = 200


def _delegation_or_404(request, token: str):
    """The delegation of a valid link, or 404. A signed-in delegation contact opens only the page of the
    delegation they are the contact of, even with another delegation's link; for them the page does not
    expire after the visit (their login, not the link, is the key)."""
    contact = is_delegation_contact(request.user)
    delegation = delegation_from_page_token(token, check_expiry=not contact)
    if delegation is not None and contact and delegation.contact_user_id != request.user.pk:
        delegation = None
    if delegation is None:
        raise Http404(_("This link is not valid (any more). Ask the host's protocol office for a new one."))
    return delegation


def _visits(delegation):
    """The delegation's booked visits (and cancelled ones, which say so); not requests still undecided."""
    return (
        visit_detail()
        .filter(delegation=delegation, status__in=[*HOLDS_ROOMS, VisitStatus.CANCELLED])
        .order_by("start")
    )


@method_decorator(never_cache, name="dispatch")
class DelegationPageView(View):
    """``/d/<token>/``: agenda in the delegation's own zone, venue and map, host contact, attendance,
    member list. POST ``action=confirm`` or ``action=members``."""

    template_name = "delegations/page.html"

    def get(self, request, token: str):
        delegation = _delegation_or_404(request, token)
        return render(request, self.template_name, self.context(delegation, token))

    def context(self, delegation, token: str, typed: dict | None = None) -> dict:
        """The page's context; ``typed`` (after a refused POST) holds what was typed, shown again instead
        of what is saved: ``confirm_name``, or ``size`` and ``member_rows`` (dicts of name, position,
        e-mail)."""
        zone = delegation.institution.region.timezone
        language = get_language()
        visits = []
        for visit in _visits(delegation):
            tz = zoneinfo.ZoneInfo(zone)
            visits.append(
                {
                    "visit": visit,
                    "when": local_range(visit.start, visit.end, zone, language),
                    "host_when": local_range(visit.start, visit.end, visit.timezone, language)
                    if zone_label(zone, visit.start) != zone_label(visit.timezone, visit.start)
                    else None,
                    "agenda": [
                        {
                            "time": f"{item.start.astimezone(tz):%H:%M}–{item.end.astimezone(tz):%H:%M}",
                            "item": item,
                        }
                        for item in visit.agenda_items.all()
                    ],
                    "map_link": map_link(visit),
                }
            )
        typed = typed or {}
        members = typed.get("member_rows")
        if members is None:
            members = list(delegation.members.all())
        return {
            "delegation": delegation,
            "token": token,
            "zone": zone_label(zone, visits[0]["visit"].start) if visits else zone,
            "visits": visits,
            "host": visits[0]["visit"].host if visits else None,
            "member_rows": members + [None] * EXTRA_MEMBER_ROWS,
            "confirm_name": typed.get("confirm_name", delegation.contact_name),
            "size": typed.get("size", delegation.size),
        }

    def post(self, request, token: str):
        delegation = _delegation_or_404(request, token)
        action = request.POST.get("action")
        typed: dict = {}
        try:
            if action == "confirm":
                typed["confirm_name"] = request.POST.get("name", "")
                delegation_attendance_confirm(delegation=delegation, name=typed["confirm_name"])
                messages.success(request, _("Thank you: your attendance is confirmed."))
            elif action == "members":
                names = request.POST.getlist("name")[:MAX_MEMBER_ROWS]
                positions = request.POST.getlist("position")[:MAX_MEMBER_ROWS]
                emails = request.POST.getlist("email")[:MAX_MEMBER_ROWS]
                if not len(names) == len(positions) == len(emails):
                    # The form always sends the three inputs of each row: a row cut short is not ours.
                    raise ServiceError(
                        _("The member list arrived incomplete; reload the page and try again.")
                    )
                rows = [
                    {"name": n, "position": p, "email": e}
                    for n, p, e in zip(names, positions, emails, strict=True)
                ]
                typed["member_rows"] = [row for row in rows if any(value.strip() for value in row.values())]
                typed["size"] = request.POST.get("size", "")
                try:
                    size = int(typed["size"])
                except ValueError:
                    raise ServiceError(_("Give the number of people as a whole number.")) from None
                delegation_members_replace(delegation=delegation, members=rows, size=size)
                messages.success(request, _("The member list is saved. New members receive the invitation."))
            else:
                raise ServiceError(_("Unknown action."))
        except ServiceError as exc:
            messages.error(request, str(exc))
            context = self.context(delegation, token, typed)
            return render(request, self.template_name, context, status=400)
        return redirect("delegation-page", token=token)


def delegation_page_ics(request, token: str) -> HttpResponse:
    """``/d/<token>/invitation.ics``: the delegation's visits as a calendar file to import (METHOD:PUBLISH)."""
    delegation = _delegation_or_404(request, token)
    visit = _visits(delegation).first()
    if visit is None:
        raise Http404(_("No visit is scheduled yet."))
    body = calendar_bytes(invitation_calendar(visit=visit, method="PUBLISH", language=delegation.language))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kunjungan-{visit.pk}.ics"'
    return response
