"""Who may do what, by Django group; *where* (which host) is ``visits.scoping``'s business.

- administrator: a superuser; every host, every page, the Django admin.
- ``protocol``: protocol staff (Bagian Protokol) of their hosts: register, schedule, move, cancel, invite,
  report.
- ``leadership``: the leadership (pimpinan) of their hosts: decide dispositions, read everything, download.
- ``public_relations``: the news office of their hosts: reads, and the news drafts.
- ``delegation_contact``: a delegation's contact person (*narahubung*) with a login: only the page of the
  delegation they are the contact of (``Delegation.contact_user``); nothing else.

A user in none of these groups has no role, staff or not: taking a role away never leaves a user with
another one. (The first cut counted a staff user in no group as protocol staff, so removing the
leadership's group from a staff account made it protocol staff; migration 0008 put the staff users who
relied on that into ``protocol``.) Every role but the administrator sees only the hosts the user works for
(``visits.models.HostMembership``).
"""

PROTOCOL = "protocol"
LEADERSHIP = "leadership"
PUBLIC_RELATIONS = "public_relations"
DELEGATION_CONTACT = "delegation_contact"
GROUPS = (PROTOCOL, LEADERSHIP, PUBLIC_RELATIONS, DELEGATION_CONTACT)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def role_groups(user) -> frozenset[str]:
    """The role groups of ``user`` (read once per user object)."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, "_sambang_role_groups", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=GROUPS).values_list("name", flat=True))
        user._sambang_role_groups = cached
    return cached


def in_group(user, name: str) -> bool:
    """True for an active user who is a superuser or belongs to the group ``name``."""
    return _active(user) and (user.is_superuser or name in role_groups(user))


def is_protocol(user) -> bool:
    """Protocol staff: an active superuser, or an active member of ``protocol``."""
    return in_group(user, PROTOCOL)


def is_reader(user) -> bool:
    """May read the staff pages and the API: protocol staff, the leadership, the news office."""
    return is_protocol(user) or bool(role_groups(user) & {LEADERSHIP, PUBLIC_RELATIONS})


def is_delegation_contact(user) -> bool:
    """A delegation's contact person: an active user in ``delegation_contact`` who is not a superuser."""
    return _active(user) and not user.is_superuser and DELEGATION_CONTACT in role_groups(user)


def can_decide_disposition(user) -> bool:
    """Only the leadership decides on a visit request (the *disposisi*)."""
    return in_group(user, LEADERSHIP)
