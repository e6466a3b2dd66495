"""Template filters of Sambang's pages."""

from django import template

from visits import roles
from visits.zones import zone_label as _zone_label

register = template.Library()


@register.filter
def zone_label(zone: str, when) -> str:
    """``{{ visit.timezone|zone_label:visit.start }}`` → "WIB", "WITA", "WIT" or the zone's own label."""
    return _zone_label(zone, when)


@register.filter
def get_item(mapping, key):
    """``{{ reasons|get_item:code }}``: a dictionary's value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def is_protocol(user) -> bool:
    """``{% if user|is_protocol %}``: may write the host's visits (visits/roles.py)."""
    return roles.is_protocol(user)


@register.filter
def is_reader(user) -> bool:
    """``{% if user|is_reader %}``: may read the staff pages (protocol, leadership, news office)."""
    return roles.is_reader(user)
