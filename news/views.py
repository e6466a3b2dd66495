"""Staff pages of news drafts: the list (filtered by status), a draft's page (its text, the edit form, the
workflow's buttons, the history and the downloads), starting a draft from a visit, and the downloads.

Reading is for every reader; the forms that change a draft are for the news office (``permissions``).
A draft of another host's visit answers 404. A refused form comes back with the reason and with what was
typed still in it: 400 for bad input, 409 for a draft that changed meanwhile or is read-only.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from visits.models import Visit
from visits.scoping import scope_to_hosts
from visits.services.base import ServiceError

from . import exports, services
from .models import TEXT_FIELDS, NewsDraft, NewsLanguage, NewsStatus
from .permissions import NewsReaderRequiredMixin, NewsWriterRequiredMixin, can_write_news
from .selectors import news_draft_detail, news_draft_list

# The label of the button that moves a draft to a status, by (from, to).
TRANSITION_LABELS = {
    (NewsStatus.DRAFT, NewsStatus.IN_REVIEW): gettext_lazy("Send for review"),
    (NewsStatus.IN_REVIEW, NewsStatus.APPROVED): gettext_lazy("Approve"),
    (NewsStatus.IN_REVIEW, NewsStatus.DRAFT): gettext_lazy("Return to draft"),
    (NewsStatus.APPROVED, NewsStatus.PUBLISHED): gettext_lazy("Mark as published"),
    (NewsStatus.APPROVED, NewsStatus.DRAFT): gettext_lazy("Return to draft"),
}


def _status_of(exc: ServiceError) -> int:
    return 409 if isinstance(exc, services.NewsDraftConflict) else 400


class NewsDraftListView(NewsReaderRequiredMixin, ListView):
    """``/news/``: the drafts of the user's hosts, latest change first; ``?status=`` keeps one status."""

    template_name = "news/draft_list.html"
    context_object_name = "drafts"
    paginate_by = 50

    def get_queryset(self):
        return news_draft_list(user=self.request.user, status=self.status())

    def status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in NewsStatus.values else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"statuses": NewsStatus.choices, "current_status": self.status()})
        return context


class NewsDraftDetailView(NewsReaderRequiredMixin, View):
    """``/news/<id>/``: the draft's current text, the edit form, the status buttons, history, downloads."""

    def get(self, request, pk: int):
        draft = get_object_or_404(news_draft_detail(user=request.user), pk=pk)
        return render(request, "news/draft_detail.html", draft_page_context(request, draft))


def draft_page_context(request, draft, *, typed=None, error: str = "", section: str = "", saved=None) -> dict:
    """What the draft's page shows. ``typed`` (a QueryDict) refills the form that failed (``section`` is
    "edit" or "transition"); ``saved`` is the draft as someone else saved it, shown beside a stale edit."""
    may_write = can_write_news(request.user)
    editable = may_write and draft.status in services.EDITABLE_STATUSES
    if section == "edit" and typed is not None:
        values = {name: typed.get(name, "") for name in TEXT_FIELDS}
        version = typed.get("version", draft.version)
    else:
        values = draft.text_snapshot()
        version = draft.version
    labels = {name: NewsDraft._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
    events = list(draft.events.all())
    for event in events:
        event.changed_labels = [str(labels.get(name, name)) for name in event.changed]
    transitions = [
        {
            "to": to,
            "label": TRANSITION_LABELS[(draft.status, to)],
            "comment_required": services.comment_required(from_status=draft.status, to=to),
        }
        for to in services.allowed_transitions(draft)
    ]
    return {
        "draft": draft,
        "visit": draft.visit,
        "blocks": exports.draft_blocks(draft),
        "caption": exports.draft_caption(draft),
        "may_write": may_write,
        "editable": editable,
        "values": values,
        "version": version,
        "transitions": transitions if may_write else [],
        "comment_required": any(t["comment_required"] for t in transitions),
        "comment": typed.get("comment", "") if section == "transition" and typed is not None else "",
        "events": events,
        "unsaved": [(labels[name], values[name]) for name in TEXT_FIELDS]
        if section == "edit" and typed is not None and not editable
        else [],
        "error": error,
        "section": section,
        "saved": saved,
        "saved_blocks": exports.draft_blocks(saved) if saved is not None else [],
    }


class NewsDraftEditView(NewsWriterRequiredMixin, View):
    """POST ``/news/<id>/edit/``: save the edit form (the text fields and the ``version`` it started from)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        draft = get_object_or_404(news_draft_detail(user=request.user), pk=pk)
        version = request.POST.get("version", "")
        if not version.isdigit():
            return HttpResponseBadRequest(_("The form is missing the draft's version; reload the page."))
        data = {name: request.POST[name] for name in TEXT_FIELDS if name in request.POST}
        try:
            services.news_draft_update(draft=draft, data=data, version=int(version), by=request.user)
        except ServiceError as exc:
            draft = news_draft_detail(user=request.user).get(pk=pk)
            saved = draft if isinstance(exc, services.StaleNewsDraft) else None
            context = draft_page_context(
                request, draft, typed=request.POST, error=str(exc), section="edit", saved=saved
            )
            return render(request, "news/draft_detail.html", context, status=_status_of(exc))
        messages.success(request, _("The draft was saved."))
        return redirect("news:detail", pk=pk)


class NewsDraftTransitionView(NewsWriterRequiredMixin, View):
    """POST ``/news/<id>/transition/``: move the draft to ``to`` with an optional ``comment``."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        draft = get_object_or_404(news_draft_detail(user=request.user), pk=pk)
        try:
            draft = services.news_draft_transition(
                draft=draft,
                to=request.POST.get("to", ""),
                comment=request.POST.get("comment", ""),
                by=request.user,
            )
        except ServiceError as exc:
            draft = news_draft_detail(user=request.user).get(pk=pk)
            context = draft_page_context(
                request, draft, typed=request.POST, error=str(exc), section="transition"
            )
            return render(request, "news/draft_detail.html", context, status=_status_of(exc))
        messages.success(
            request, _("The draft is now “%(status)s”.") % {"status": draft.get_status_display()}
        )
        return redirect("news:detail", pk=pk)


class NewsDraftStartView(NewsWriterRequiredMixin, View):
    """POST ``/visits/<id>/news/start/`` with ``language``: start the visit's news draft in that language
    and open it; a draft that already exists is opened instead."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(scope_to_hosts(Visit.objects.all(), request.user), pk=pk)
        language = request.POST.get("language", NewsLanguage.INDONESIAN)
        try:
            draft = services.news_draft_create(visit=visit, language=language, by=request.user)
        except services.NewsDraftExists as exc:
            messages.info(request, str(exc))
            return redirect("news:detail", pk=exc.draft.pk)
        except ServiceError as exc:
            context = {"visit": visit, "error": str(exc)}
            return render(request, "news/start_refused.html", context, status=400)
        messages.success(request, _("The news draft was started from the visit's report."))
        return redirect("news:detail", pk=draft.pk)


def download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """An attachment response; text is sent as UTF-8."""
    if isinstance(content, str):
        content_type = f"{content_type}; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class NewsDraftDownloadView(NewsReaderRequiredMixin, View):
    """GET ``/news/<id>.txt``, ``.html`` or ``.docx``: the draft's current text as a file."""

    formats = {
        "txt": (exports.draft_text, "text/plain"),
        "html": (exports.draft_html, "text/html"),
        "docx": (exports.draft_docx, exports.DOCX_CONTENT_TYPE),
    }

    def get(self, request, pk: int, extension: str):
        draft = get_object_or_404(news_draft_list(user=request.user), pk=pk)
        builder, content_type = self.formats[extension]
        return download(builder(draft), content_type, exports.draft_filename(draft, extension))
