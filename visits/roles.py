"""Who may do what in the request workflow, by Django group.

- ``protocol``: protocol staff (Bagian Protokol): register, schedule, move, cancel, invite, report.
- ``leadership``: the leadership (pimpinan): decide dispositions, read everything, download.
- ``public_relations``: the news office: news drafts.
Superusers may do everything. Until the groups are set up, a staff user counts as protocol staff
(the first cut of the product worked that way); the roles issue refines this with per-host scoping.
"""

PROTOCOL = "protocol"
LEADERSHIP = "leadership"
PUBLIC_RELATIONS = "public_relations"
GROUPS = (PROTOCOL, LEADERSHIP, PUBLIC_RELATIONS)


def in_group(user, name: str) -> bool:
    """True for an active user who is a superuser or belongs to the group ``name``."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=name).exists()


def can_decide_disposition(user) -> bool:
    """Only the leadership decides on a visit request (the *disposisi*)."""
    return in_group(user, LEADERSHIP)
