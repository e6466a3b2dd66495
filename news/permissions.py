"""Who may do what with news drafts (groups of ``visits.roles``).

- Read (list, page, downloads, API GET): every reader: protocol staff, the leadership, the news office.
- Start, edit and move a draft through its workflow, approving and publishing included: the news office
  (group ``public_relations``) and superusers only. Approval stays inside the office that answers for
  what the government publishes; the leadership and protocol staff read, and say what to change through
  the office.
Every query is also narrowed to the user's hosts (``visits.scoping.scope_to_hosts``), in ``selectors.py``.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from visits.roles import PUBLIC_RELATIONS, in_group, is_reader


def can_read_news(user) -> bool:
    """True for a reader of the staff pages (protocol staff, the leadership, the news office)."""
    return is_reader(user)


def can_write_news(user) -> bool:
    """True for the news office (``public_relations``) and superusers: start, edit, review, approve, publish."""
    return in_group(user, PUBLIC_RELATIONS)


class NewsDraftPermission(BasePermission):
    """DRF: readers may read; only the news office may create, change or move a draft."""

    message = _("Only the public-relations office may change news drafts.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return can_read_news(request.user)
        return can_write_news(request.user)


class NewsReaderRequiredMixin(UserPassesTestMixin):
    """Page mixin for reading news drafts; anonymous users go to the login page, others get 403."""

    def test_func(self) -> bool:
        return can_read_news(self.request.user)


class NewsWriterRequiredMixin(UserPassesTestMixin):
    """Page mixin for the forms that change a draft: the news office only."""

    def test_func(self) -> bool:
        return can_write_news(self.request.user)
