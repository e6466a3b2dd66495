"""Everything that writes delegations: the delegation page's link, attendance and member list."""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.signing import Signer
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import control_character_problem
from visits.enums import VisitStatus
from visits.services import ServiceError, visit_invitations_send

from .models import Delegation, Member

logger = logging.getLogger(__name__)

PAGE_SALT = "sambang.delegation-page"
# The columns' lengths (``models.Member``, ``Delegation.attendance_confirmed_by``): typed text over them is
# refused with a message, never cut short nor left to the database (PostgreSQL would answer 500).
NAME_MAX = Member._meta.get_field("name").max_length
POSITION_MAX = Member._meta.get_field("position").max_length
EMAIL_MAX = Member._meta.get_field("email").max_length  # 254, RFC 5321's path limit less the brackets


def email_problem(email: str) -> str | None:
    """Why ``email`` (stripped) is not an address to send an invitation to, or None when it is one.

    Checks the length (at most ``EMAIL_MAX`` characters) and then Django's ``EmailValidator``; returns a
    translated sentence naming the address.
    """
    if len(email) > EMAIL_MAX:
        return _("the e-mail address is too long (at most %(limit)s characters).") % {"limit": EMAIL_MAX}
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid e-mail address.") % {"email": email}
    return None


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

    Raises ``ServiceError`` when the name is empty, longer than ``NAME_MAX`` characters, or holds a line
    break or another control character (``config.text``); nothing is saved then.
    """
    name = name.strip()
    if not name:
        raise ServiceError(_("Write your name to confirm."))
    if control_character_problem(name):
        raise ServiceError(_("Write your name on one line, without line breaks or control characters."))
    if len(name) > NAME_MAX:
        raise ServiceError(_("Your name is too long: at most %(limit)s characters.") % {"limit": NAME_MAX})
    delegation.attendance_confirmed_at = timezone.now()
    delegation.attendance_confirmed_by = name
    delegation.save(update_fields=["attendance_confirmed_at", "attendance_confirmed_by", "updated_at"])
    return delegation


def delegation_members_replace(*, delegation: Delegation, members: list[dict], size: int, by=None) -> list:
    """Replace the delegation's member list (leader excluded) and its size, then update the calendars.

    ``members`` is a list of ``{"name", "position", "email"}`` in order. Members matched by name keep
    their row; the others are added or removed. When a scheduled visit of the delegation has had its
    invitations sent, ``visit_invitations_send`` runs at once: added people get the invitation, removed
    people a CANCEL. All of it in one transaction.

    Returns the invitation batches. Raises ``ServiceError`` listing every problem (empty or repeated
    names, a name, position or e-mail address with a line break or another control character or longer
    than its column (``NAME_MAX``, ``POSITION_MAX``, ``EMAIL_MAX``), an e-mail address Django's
    ``EmailValidator`` refuses, a size smaller than the people named); nothing is saved then.
    """
    problems = []
    cleaned = []
    seen = set()
    for index, row in enumerate(members, start=1):
        name = str(row.get("name") or "").strip()
        email = str(row.get("email") or "").strip()
        position = str(row.get("position") or "").strip()
        if not name:
            if email or position:
                problems.append(
                    _("Row %(row)s: the name is missing. To remove someone, clear the whole row.")
                    % {"row": index}
                )
            continue
        if any(control_character_problem(value) for value in (name, position, email)):
            # The typed text is not echoed: it holds characters a page or an e-mail header must not show.
            problems.append(
                _(
                    "Row %(row)s: write the name, position and e-mail on one line, without line breaks or "
                    "control characters."
                )
                % {"row": index}
            )
            continue
        if name.casefold() in seen:
            problems.append(_("Row %(row)s: “%(name)s” is listed twice.") % {"row": index, "name": name})
        seen.add(name.casefold())
        if len(name) > NAME_MAX or len(position) > POSITION_MAX:
            problems.append(
                _(
                    "Row %(row)s: the name (at most %(name_max)s characters) or position (at most "
                    "%(position_max)s) is too long."
                )
                % {"row": index, "name_max": NAME_MAX, "position_max": POSITION_MAX}
            )
        if email:
            problem = email_problem(email)
            if problem:
                problems.append(_("Row %(row)s: %(problem)s") % {"row": index, "problem": problem})
        cleaned.append({"name": name, "position": position, "email": email})
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
