"""Who may use the staff pages and the API, by role (see ``visits.roles``); which hosts' rows they see is
``visits.scoping``'s business, applied to every queryset.

- Reading (lists, visit pages, calendar, downloads): protocol staff, the leadership, the news office.
- Everything that writes: protocol staff. The leadership's decision is checked by its service.
- A delegation contact reads only their delegation's page (``delegations.views``); everything here refuses.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import is_protocol, is_reader
from .scoping import scope_to_hosts


def is_protocol_staff(user) -> bool:
    """True for protocol staff (see ``roles.is_protocol``)."""
    return is_protocol(user)


class IsProtocolStaff(BasePermission):
    """DRF permission: readers may read (GET, HEAD, OPTIONS); only protocol staff may write."""

    message = _("Only protocol staff may use this.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            # Refused reading is not about protocol staff: the leadership and the news office may read.
            self.message = IsReader.message
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


class HostScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key field that accepts only rows of the requesting user's hosts.

    ``host_field`` is the lookup path from the row to its host (``"host"`` for visits, ``"visit__host"``
    for an agenda item). The serializer needs ``context={"request": request}``; without a request no row
    is accepted. Another host's id is answered as an unknown one (400, "Invalid pk ... does not exist"),
    so ids of other hosts cannot be probed.
    """

    def __init__(self, *, host_field: str = "host", **kwargs):
        self.host_field = host_field
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None:
            return queryset.none()
        # distinct(): a path through a to-many relation (a member's delegation's visits) repeats rows.
        return scope_to_hosts(queryset, request.user, field=self.host_field).distinct()
