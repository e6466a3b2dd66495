"""Calendar subscriptions (webcal feeds) with secret, revocable tokens."""

import hashlib
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Delegation

from ..enums import FeedKind
from ..models import CalendarFeed, Institution, Official, Venue
from .base import ServiceError

logger = logging.getLogger(__name__)


def feed_token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a feed's token is stored (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_feed_create(
    *,
    host: Institution,
    kind: str,
    official: Official | None = None,
    venue: Venue | None = None,
    delegation: Delegation | None = None,
    label: str = "",
    by=None,
) -> tuple[CalendarFeed, str]:
    """Create a feed of ``host``'s visits (all of them, or one official's, venue's or delegation's).

    Returns the feed and its secret token (43 URL-safe characters, 256 bits); only the token's hash is
    stored, so the caller must show the URL now. Raises ``ServiceError`` when the target does not fit the
    kind or belongs to another host.
    """
    targets = {FeedKind.OFFICIAL: official, FeedKind.VENUE: venue, FeedKind.DELEGATION: delegation}
    if kind not in FeedKind.values:
        raise ServiceError(_("Unknown kind of feed."))
    given = {k for k, v in targets.items() if v is not None}
    if (kind == FeedKind.HOST and given) or (kind != FeedKind.HOST and given != {kind}):
        raise ServiceError(
            _("Choose exactly the one official, venue or delegation this kind of feed is for.")
        )
    if (official and official.institution_id != host.pk) or (venue and venue.institution_id != host.pk):
        raise ServiceError(_("That official or venue belongs to another host."))
    if delegation and not delegation.visits.filter(host=host).exists():
        raise ServiceError(_("That delegation has no visit with this host."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            host=host,
            kind=kind,
            official=official,
            venue=venue,
            delegation=delegation,
            label=label.strip(),
            token_hash=feed_token_hash(token),
        )
    logger.info("calendar feed %s (%s) created by %s", feed.pk, kind, by)
    return feed, token


def calendar_feed_revoke(*, feed: CalendarFeed, by=None) -> CalendarFeed:
    """Revoke ``feed``: its URL answers 404 from now on. Revoking twice changes nothing."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        logger.info("calendar feed %s revoked by %s", feed.pk, by)
    return feed
