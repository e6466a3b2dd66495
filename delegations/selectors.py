"""Reads of delegations shared by pages and tasks."""

import datetime as dt

from django.core.signing import BadSignature, Signer
from django.db.models import F, Max
from django.utils import timezone

from .models import Delegation
from .services import PAGE_SALT


def delegation_from_page_token(
    token: str, *, now: dt.datetime | None = None, check_expiry: bool = True
) -> Delegation | None:
    """The delegation a page link opens, or None when the signature is wrong, the link was revoked (its
    nonce is not the current one), or the page expired (``page_valid_days`` after its last visit ends;
    not checked with ``check_expiry=False``, for the delegation's signed-in contact)."""
    try:
        value = Signer(salt=PAGE_SALT).unsign(token)
    except BadSignature:
        return None
    pk, _sep, nonce = value.partition(":")
    if not pk.isdigit() or not nonce:
        return None
    delegation = (
        Delegation.objects.select_related("institution__region").filter(pk=int(pk), page_nonce=nonce).first()
    )
    if delegation is None or not check_expiry:
        return delegation
    last_end = delegation.visits.aggregate(last=Max("end"))["last"]
    if last_end is None or (now or timezone.now()) > last_end + dt.timedelta(days=delegation.page_valid_days):
        return None
    return delegation


def delegation_of_contact(user) -> Delegation | None:
    """The delegation ``user`` is the contact login of (``Delegation.contact_user``), or None.

    When they are the contact of several, the one whose visit ends last (a delegation without visits
    comes last). Anonymous users get None.
    """
    if not (user and user.is_authenticated):
        return None
    return (
        Delegation.objects.filter(contact_user=user)
        .annotate(last_end=Max("visits__end"))
        .order_by(F("last_end").desc(nulls_last=True), "-pk")
        .first()
    )
