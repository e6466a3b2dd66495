"""Everything that writes delegations: the delegation page's link, attendance and member list."""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.signing import Signer
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from visits.enums import VisitStatus
from visits.services import ServiceError, visit_invitations_send

from .models import Delegation, Member

logger = logging.getLogger(__name__)

PAGE_SALT = "sambang.delegation-page"


def delegation_page_token(*, delegation: Delegation) -> str:
    """The signed token of ``delegation``'s page link (``/d/<token>/``), creating its nonce if needed.

    The token is ``<delegation id>:<nonce>`` signed with SECRET_KEY (Django's Signer); the same nonce
    gives the same link, so staff can show it again. Side effect: saves a new nonce the first time.
    """
    if not delegation.page_nonce:
        delegation.page_nonce = secrets.token_urlsafe(12)
        delegation.save(update_fields=["page_nonce", "updated_at"])
    return Signer(salt=PAGE_SALT).sign(f"{delegation.pk}:{delegation.page_nonce}")


def delegation_page_revoke(*, delegation: Delegation, by=None) -> str:
    """Revoke every link to ``delegation``'s page by drawing a new nonce; returns the new link's token."""
    delegation.page_nonce = secrets.token_urlsafe(12)
    delegation.save(update_fields=["page_nonce", "updated_at"])
    logger.info("delegation %s: page links revoked by %s", delegation.pk, by)
    return delegation_page_token(delegation=delegation)


def delegation_attendance_confirm(*, delegation: Delegation, name: str) -> Delegation:
    """Record that the delegation's contact (``name``, as typed) confirmed attendance, now.

    Raises ``ServiceError`` when the name is empty.
    """
    name = name.strip()
    if not name:
        raise ServiceError(_("Write your name to confirm."))
    delegation.attendance_confirmed_at = timezone.now()
    delegation.attendance_confirmed_by = name[:200]
    delegation.save(update_fields=["attendance_confirmed_at", "attendance_confirmed_by", "updated_at"])
    return delegation


def delegation_members_replace(*, delegation: Delegation, members: list[dict], size: int, by=None) -> list:
    """Replace the delegation's member list (leader excluded) and its size, then update the calendars.

    ``members`` is a list of ``{"name", "position", "email"}`` in order. Members matched by name keep
    their row; the others are added or removed. When a scheduled visit of the delegation has had its
    invitations sent, ``visit_invitations_send`` runs at once: added people get the invitation, removed
    people a CANCEL. All of it in one transaction.

    Returns the invitation batches. Raises ``ServiceError`` listing every problem (empty or repeated
    names, bad e-mail addresses, a size smaller than the people named); nothing is saved then.
    """
    problems = []
    cleaned = []
    seen = set()
    for index, row in enumerate(members, start=1):
        name = (row.get("name") or "").strip()
        email = (row.get("email") or "").strip()
        position = (row.get("position") or "").strip()
        if not name:
            if email or position:
                problems.append(_("Row %(row)s: the name is missing.") % {"row": index})
            continue
        if name.casefold() in seen:
            problems.append(_("Row %(row)s: “%(name)s” is listed twice.") % {"row": index, "name": name})
        seen.add(name.casefold())
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(
                    _("Row %(row)s: “%(email)s” is not a valid e-mail address.")
                    % {"row": index, "email": email}
                )
        if len(name) > 200 or len(position) > 300:
            problems.append(_("Row %(row)s: the name or position is too long.") % {"row": index})
        cleaned.append({"name": name[:200], "position": position[:300], "email": email})
    if size < 1 + len(cleaned):
        problems.append(
            _("The delegation counts %(size)s people, but the leader and members name %(named)s.")
            % {"size": size, "named": 1 + len(cleaned)}
        )
    if size > 1000:
        problems.append(_("The delegation size is not plausible."))
    if problems:
        raise ServiceError(" ".join(problems))

    batches = []
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        existing = {m.name.casefold(): m for m in delegation.members.all()}
        keep = []
        for order, row in enumerate(cleaned):
            member = existing.get(row["name"].casefold()) or Member(delegation=delegation)
            member.name, member.position, member.email, member.order = (
                row["name"],
                row["position"],
                row["email"],
                order,
            )
            member.save()
            keep.append(member.pk)
        delegation.members.exclude(pk__in=keep).delete()
        delegation.size = size
        delegation.save(update_fields=["size", "updated_at"])
        for visit in delegation.visits.filter(
            status=VisitStatus.SCHEDULED, invitations_sent_at__isnull=False
        ):
            batches.append(visit_invitations_send(visit=visit, by=by))
    logger.info(
        "delegation %s: %d members saved by %s", delegation.pk, len(cleaned), by or "the delegation page"
    )
    return batches
