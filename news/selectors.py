"""Reads of news drafts shared by the pages and the API; every one is narrowed to the user's hosts."""

from django.db.models import Prefetch, QuerySet

from visits.scoping import scope_to_hosts

from .models import NewsDraft, NewsDraftEvent, NewsStatus


def news_draft_list(*, user, status: str = "", visit_id: int | None = None) -> QuerySet[NewsDraft]:
    """The drafts ``user`` may see (their hosts' visits), latest change first, with the visit, its host
    and delegation's institution, the author and the last editor joined (one query for any number of rows).

    ``status`` (a ``NewsStatus`` value) and ``visit_id`` narrow it; an unknown status gives nothing.
    """
    queryset = NewsDraft.objects.select_related(
        "visit__host", "visit__delegation__institution", "created_by", "updated_by"
    ).order_by("-updated_at", "-pk")
    if status:
        queryset = queryset.filter(status=status) if status in NewsStatus.values else queryset.none()
    if visit_id is not None:
        queryset = queryset.filter(visit_id=visit_id)
    return scope_to_hosts(queryset, user, field="visit__host")


def news_draft_detail(*, user) -> QuerySet[NewsDraft]:
    """The drafts ``user`` may see, each with its visit, authors and history (events, oldest first, with
    who did each) prefetched: a draft's page or API detail reads it in two queries."""
    events = NewsDraftEvent.objects.select_related("by").order_by("at", "pk")
    queryset = NewsDraft.objects.select_related(
        "visit__host", "visit__delegation__institution", "created_by", "updated_by"
    ).prefetch_related(Prefetch("events", queryset=events))
    return scope_to_hosts(queryset, user, field="visit__host")


def news_drafts_of_visit(*, user, visit_id: int) -> list[NewsDraft]:
    """The drafts of one visit that ``user`` may see, by language (Indonesian first)."""
    queryset = NewsDraft.objects.filter(visit_id=visit_id).order_by("-language")
    return list(scope_to_hosts(queryset, user, field="visit__host"))
