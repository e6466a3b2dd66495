"""Reads of what came out of a visit, shared by the outcome page, the API, the report and the news draft."""

from django.db.models import QuerySet

from visits.models import Visit
from visits.selectors import visit_detail


def outcome_visit_detail() -> QuerySet[Visit]:
    """``visits.selectors.visit_detail()`` plus everything recorded about the visit, prefetched: attendance,
    agenda notes, quotes, photos and documents (one query each)."""
    return visit_detail().prefetch_related(
        "attendances", "agenda_items__notes", "quotes", "photos", "documents"
    )
