"""Template helpers that let other apps' pages link to news drafts (the nav, a visit's news page)."""

from django import template

from news.permissions import can_read_news, can_write_news
from news.selectors import news_drafts_of_visit

register = template.Library()


@register.filter
def may_read_news(user) -> bool:
    """``{% if user|may_read_news %}``: the user may open the news drafts (no query once the request's
    roles were read, as every staff page does)."""
    return can_read_news(user)


@register.simple_tag
def news_drafts_for(visit, user) -> dict:
    """``{% news_drafts_for visit user as news %}``: ``news.drafts`` (the visit's drafts the user may see,
    one query), ``news.languages`` (their language codes) and ``news.may_start`` (the news office)."""
    drafts = news_drafts_of_visit(user=user, visit_id=visit.pk) if can_read_news(user) else []
    return {
        "drafts": drafts,
        "languages": {draft.language for draft in drafts},
        "may_start": can_write_news(user),
    }
