"""Staff pages of reports: the news draft of a visit, shown and downloaded as ``.txt`` or ``.html``."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from visits.permissions import ProtocolStaffRequiredMixin
from visits.selectors import visit_detail

from .news import LANGUAGES, NewsDraft, news_draft


def draft_language(request) -> str:
    """The draft's language from ``?language=``: "id" (the default, also for anything unknown) or "en"."""
    language = request.GET.get("language", "id")
    return language if language in LANGUAGES else "id"


def draft_for(request, pk: int) -> tuple[NewsDraft, str]:
    """The news draft of visit ``pk`` in the requested language (404 for an unknown visit)."""
    language = draft_language(request)
    visit = get_object_or_404(visit_detail(), pk=pk)
    return news_draft(visit=visit, language=language), language


def download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class NewsDraftView(ProtocolStaffRequiredMixin, View):
    def get(self, request, pk: int):
        visit = get_object_or_404(visit_detail(), pk=pk)
        language = draft_language(request)
        context = {
            "visit": visit,
            "draft": news_draft(visit=visit, language=language),
            "draft_language": language,
            "draft_languages": [("id", "Bahasa Indonesia"), ("en", "English")],
        }
        return render(request, "reports/news_page.html", context)


class NewsDraftTextView(ProtocolStaffRequiredMixin, View):
    def get(self, request, pk: int):
        draft, language = draft_for(request, pk)
        return download(draft.as_text(), "text/plain", f"berita-kunjungan-{pk}-{language}.txt")


class NewsDraftHtmlView(ProtocolStaffRequiredMixin, View):
    def get(self, request, pk: int):
        draft, language = draft_for(request, pk)
        return download(draft.as_html(), "text/html", f"berita-kunjungan-{pk}-{language}.html")
