"""Reads of delegations shared by pages and tasks."""

import datetime as dt

from django.core.signing import BadSignature, Signer
from django.db.models import Max
from django.utils import timezone

from .models import Delegation
from .services import PAGE_SALT


def delegation_from_page_token(token: str, *, now: dt.datetime | None = None) -> Delegation | None:
    """The delegation a page link opens, or None when the signature is wrong, the link was revoked (its
    nonce is not the current one), or the page expired (``page_valid_days`` after its last visit ends)."""
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
    if delegation is None:
        return None
    last_end = delegation.visits.aggregate(last=Max("end"))["last"]
    if last_end is None or (now or timezone.now()) > last_end + dt.timedelta(days=delegation.page_valid_days):
        return None
    return delegation
