"""Which hosts a user may see: every query of the pages and the API goes through here.

One install can serve several hosts (a province and its cities). A user belongs to hosts through
``HostMembership``; a superuser (the administrator) sees every host; a user who belongs to no host sees
nothing. Objects of another host are answered as if they did not exist (404), never as 403, so ids of
other hosts cannot be probed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import HostMembership


def host_ids(user) -> frozenset[int] | None:
    """The ids of the hosts ``user`` works for, or ``None`` for "every host" (an active superuser).

    Anonymous and inactive users get an empty set. Read once per user object (cached on it).
    """
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, "_sambang_host_ids", None)
    if cached is None:
        cached = frozenset(HostMembership.objects.filter(user=user).values_list("host_id", flat=True))
        user._sambang_host_ids = cached
    return cached


def prime_access(user, role_groups, hosts) -> None:
    """Keep on ``user`` its role groups and host ids read elsewhere in one query with the user (the API's
    token authentication on PostgreSQL, ``config.api_tokens``), so ``roles.role_groups`` and ``host_ids``
    need no query of their own. ``role_groups``: names among ``roles.GROUPS``; ``hosts``: Institution ids.
    Side effect: sets the two per-user-object caches those functions fill themselves."""
    user._sambang_role_groups = frozenset(role_groups)
    user._sambang_host_ids = frozenset(hosts)


def scope_to_hosts(queryset: QuerySet, user, field: str = "host") -> QuerySet:
    """``queryset`` narrowed to rows whose ``field`` (a lookup path to an Institution, such as ``"host"``
    for visits or ``"visit__host"`` for agenda items) is one of ``user``'s hosts.

    Side effects: none (the host ids are read once per user object). Superusers get ``queryset`` as is.
    """
    ids = host_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


class HostForbidden(PermissionDenied):
    """A write for a host the user does not work for (a visit file naming another host, say).

    A ``PermissionDenied``: a page answers 403 and the API 403 with the message, unless the caller catches
    it to show the message its own way.
    """


def check_host_writable(user, host) -> None:
    """Raise ``HostForbidden`` unless ``user`` may write for ``host`` (an Institution, or None for a host
    that does not exist yet: only an administrator may create one). ``user=None`` (the command line, a
    task) may write anything."""
    if user is None:
        return
    ids = host_ids(user)
    if ids is None:
        return
    if host is None or host.pk not in ids:
        name = host.name if host is not None else ""
        raise HostForbidden(
            _("You do not work for the host “%(host)s”; only its staff or an administrator may do this.")
            % {"host": name}
            if name
            else _("Only an administrator may add a new host.")
        )
