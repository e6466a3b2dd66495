"""Who may use the staff pages and the API, by role (see ``visits.roles``).

- Reading (lists, visit pages, calendar, downloads): protocol staff, the leadership, the news office.
- Everything that writes: protocol staff. The leadership's decision is checked by its service.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import is_protocol, is_reader


def is_protocol_staff(user) -> bool:
    """True for protocol staff (see ``roles.is_protocol``)."""
    return is_protocol(user)


class IsProtocolStaff(BasePermission):
    """DRF permission: readers may read (GET, HEAD, OPTIONS); only protocol staff may write."""

    message = _("Only protocol staff may use this.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return is_reader(request.user)
        return is_protocol(request.user)


class IsReader(BasePermission):
    """DRF permission for actions whose service checks the role itself (the leadership's decision)."""

    message = _("Only the host's staff may use this.")

    def has_permission(self, request, view) -> bool:
        return is_reader(request.user)


class ProtocolStaffRequiredMixin(UserPassesTestMixin):
    """Page mixin for everything that writes: anonymous users go to the login page; others get 403."""

    def test_func(self) -> bool:
        return is_protocol(self.request.user)


class ReaderRequiredMixin(UserPassesTestMixin):
    """Page mixin for reading: protocol staff, the leadership and the news office."""

    def test_func(self) -> bool:
        return is_reader(self.request.user)
