"""Who may use the staff pages and the API.

First cut: protocol staff are users with ``is_staff`` (set in the admin). The roles of issue 6
(leadership, public relations, delegation contact) will refine this.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


def is_protocol_staff(user) -> bool:
    """True for an active, signed-in user marked as staff."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsProtocolStaff(BasePermission):
    """DRF permission: the request's user is protocol staff."""

    message = _("Only protocol staff may use this.")

    def has_permission(self, request, view) -> bool:
        return is_protocol_staff(request.user)


class ProtocolStaffRequiredMixin(UserPassesTestMixin):
    """Page mixin: anonymous users go to the login page; signed-in non-staff get 403."""

    def test_func(self) -> bool:
        return is_protocol_staff(self.request.user)
