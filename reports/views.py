"""Staff pages of reports: the news draft of a visit, shown and downloaded as ``.txt`` or ``.html``; and
the outcome page, where staff record what happened at a visit."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from visits.models import Visit
from visits.permissions import ProtocolStaffRequiredMixin, ReaderRequiredMixin
from visits.scoping import scope_to_hosts
from visits.services.base import ServiceError

from . import services
from .models import AttendanceKind, Document, FollowUpStatus, Photo, RenderStatus
from .news import LANGUAGES, NewsDraft, news_draft
from .pdf import MissingGlyphs
from .selectors import outcome_visit_detail


def draft_language(request) -> str:
    """The draft's language from ``?language=``: "id" (the default, also for anything unknown) or "en"."""
    language = request.GET.get("language", "id")
    return language if language in LANGUAGES else "id"


def draft_for(request, pk: int) -> tuple[NewsDraft, str]:
    """The news draft of visit ``pk`` in the requested language (404 for an unknown visit or another
    host's)."""
    language = draft_language(request)
    visit = get_object_or_404(scope_to_hosts(outcome_visit_detail(), request.user), pk=pk)
    return news_draft(visit=visit, language=language), language


def download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class NewsDraftView(ReaderRequiredMixin, View):
    def get(self, request, pk: int):
        visit = get_object_or_404(scope_to_hosts(outcome_visit_detail(), request.user), pk=pk)
        language = draft_language(request)
        context = {
            "visit": visit,
            "draft": news_draft(visit=visit, language=language),
            "draft_language": language,
            "draft_languages": [("id", "Bahasa Indonesia"), ("en", "English")],
        }
        return render(request, "reports/news_page.html", context)


class NewsDraftTextView(ReaderRequiredMixin, View):
    def get(self, request, pk: int):
        draft, language = draft_for(request, pk)
        return download(draft.as_text(), "text/plain", f"berita-kunjungan-{pk}-{language}.txt")


class NewsDraftHtmlView(ReaderRequiredMixin, View):
    def get(self, request, pk: int):
        draft, language = draft_for(request, pk)
        return download(draft.as_html(), "text/html", f"berita-kunjungan-{pk}-{language}.html")


# The outcome page


EXTRA_ROWS = 2  # blank rows under the walk-ins, quotes and follow-ups, to add new ones
SECTIONS = (
    "attendance",
    "notes",
    "key_points",
    "quotes",
    "follow_ups",
    "photo_add",
    "photo_caption",
    "photo_delete",
    "document_add",
    "document_delete",
    "signature",
)


def _date_or_text(value: str):
    """A typed ``YYYY-MM-DD`` as a date, "" as None, and anything else as typed (the service refuses it)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _rows(post, *names: str) -> list[dict]:
    """Parallel lists of a table form (``name=…&name=…``) as one dict per row."""
    columns = [post.getlist(name)[: services.MAX_ROWS] for name in names]
    return [dict(zip(names, values, strict=False)) for values in zip(*columns, strict=False)]


def _pad(rows: list[dict], blank: dict) -> list[dict]:
    return [*rows, *({**blank} for _ in range(EXTRA_ROWS))]


def _default_place(visit) -> str:
    """The signing place a report usually names: the host's city or regency without its kind ("Malang")."""
    name = visit.host.region.name
    for prefix in ("Kota ", "Kabupaten ", "Kab. ", "Provinsi "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


class OutcomeView(ProtocolStaffRequiredMixin, View):
    """``/visits/<id>/outcome/``: record what happened at a visit. Each form posts a ``section``; on an
    error the page comes back (400) with the error beside the form and what was typed still in it."""

    template_name = "reports/outcome.html"

    def get(self, request, pk: int):
        visit = get_object_or_404(scope_to_hosts(outcome_visit_detail(), request.user), pk=pk)
        return render(request, self.template_name, self.context(visit))

    def post(self, request, pk: int):
        # What the services need; the whole page is read again only to show an error.
        visit = get_object_or_404(
            scope_to_hosts(Visit.objects.select_related("host__region", "delegation"), request.user), pk=pk
        )
        section = request.POST.get("section", "")
        if section not in SECTIONS:
            return HttpResponseBadRequest(_("Unknown form."))
        try:
            message = getattr(self, f"save_{section}")(request, visit)
        except ServiceError as exc:
            visit = outcome_visit_detail().get(pk=pk)
            context = self.context(visit, typed=request.POST, section=section, error=str(exc))
            return render(request, self.template_name, context, status=400)
        messages.success(request, message)
        anchor = {"photo": "photos", "document": "documents"}.get(section.split("_")[0], section)
        return redirect(f"{reverse('reports:outcome', args=[visit.pk])}#{anchor}")

    # Saving, one method per form; each returns the success message.

    def save_attendance(self, request, visit) -> str:
        try:
            present = [int(value) for value in request.POST.getlist("present")]
        except ValueError:
            raise ServiceError(
                _("Someone ticked as present is not on this delegation's member list.")
            ) from None
        services.attendance_set(
            visit=visit,
            leader_present="leader_present" in request.POST,
            present_member_ids=present,
            walk_ins=_rows(request.POST, "name", "position", "institution"),
            by=request.user,
        )
        return _("Attendance saved.")

    def save_notes(self, request, visit) -> str:
        notes = {}
        for key, value in request.POST.items():
            if key.startswith("note-") and key.removeprefix("note-").isdigit():
                notes[int(key.removeprefix("note-"))] = value
        services.agenda_notes_set(visit=visit, notes=notes, by=request.user)
        return _("Agenda notes saved.")

    def save_key_points(self, request, visit) -> str:
        texts = request.POST.get("key_points", "").splitlines()
        services.key_points_set(visit=visit, texts=texts, by=request.user)
        return _("Key points saved.")

    def save_quotes(self, request, visit) -> str:
        rows = _rows(request.POST, "id", "speaker_name", "speaker_position", "words")
        services.quotes_set(visit=visit, rows=rows, by=request.user)
        return _("Quotes saved.")

    def save_follow_ups(self, request, visit) -> str:
        rows = _rows(request.POST, "id", "text", "owner_unit", "due_date", "status")
        for row in rows:
            row["due_date"] = _date_or_text(row.get("due_date", ""))
        services.follow_ups_set(visit=visit, rows=rows, by=request.user)
        return _("Follow-ups saved.")

    def save_photo_add(self, request, visit) -> str:
        upload = request.FILES.get("image")
        if upload is None:
            raise ServiceError(_("Choose a photo to upload."))
        services.photo_add(
            visit=visit, upload=upload, caption=request.POST.get("caption", ""), by=request.user
        )
        return _("The photo was added.")

    def save_photo_caption(self, request, visit) -> str:
        photo = self._row(Photo, request, visit)
        services.photo_update(photo=photo, caption=request.POST.get("caption", ""), by=request.user)
        return _("Caption saved.")

    def save_photo_delete(self, request, visit) -> str:
        services.photo_delete(photo=self._row(Photo, request, visit), by=request.user)
        return _("The photo was removed.")

    def save_document_add(self, request, visit) -> str:
        upload = request.FILES.get("file")
        if upload is None:
            raise ServiceError(_("Choose a file to upload."))
        services.document_add(
            visit=visit, upload=upload, title=request.POST.get("title", ""), by=request.user
        )
        return _("The document was added.")

    def save_document_delete(self, request, visit) -> str:
        services.document_delete(document=self._row(Document, request, visit), by=request.user)
        return _("The document was removed.")

    def save_signature(self, request, visit) -> str:
        fields = {
            key: request.POST.get(key, "")
            for key in (
                "prepared_by_name",
                "prepared_by_position",
                "prepared_by_nip",
                "approved_by_name",
                "approved_by_position",
                "approved_by_nip",
                "signed_place",
            )
        }
        services.report_signature_set(
            visit=visit,
            signed_date=_date_or_text(request.POST.get("signed_date", "")),
            by=request.user,
            **fields,
        )
        return _("The signature block was saved.")

    @staticmethod
    def _row(model, request, visit):
        """The photo or document named by ``id`` in the form, if it is this visit's (else 404)."""
        pk = request.POST.get("id", "")
        return get_object_or_404(model, pk=int(pk) if pk.isdigit() else 0, visit=visit)

    # What the page shows: stored values, or what was typed into the form that failed.

    def context(self, visit, *, typed=None, section: str = "", error: str = "") -> dict:
        def typed_for(name):
            return typed if section == name else None

        try:
            services.recording_check(visit=visit)
            closed = ""
        except services.NotRecordable as exc:
            closed = str(exc)
        return {
            "visit": visit,
            "closed": closed,
            "section": section,
            "error": error,
            "attendance": self.attendance_rows(visit, typed_for("attendance")),
            "notes": self.note_rows(visit, typed_for("notes")),
            "key_points": typed["key_points"]
            if section == "key_points"
            else "\n".join(point.text for point in visit.key_points.all()),
            "quotes": self.quote_rows(visit, typed_for("quotes")),
            "follow_ups": self.follow_up_rows(visit, typed_for("follow_ups")),
            "follow_up_statuses": FollowUpStatus.choices,
            "photos": visit.photos.all(),
            "photo_limit": settings.SAMBANG_PHOTO_MAX_BYTES,
            "documents": visit.documents.all(),
            "typed": typed if section in ("photo_add", "photo_caption", "document_add") else {},
            "signature": self.signature_fields(visit, typed_for("signature")),
        }

    @staticmethod
    def attendance_rows(visit, typed) -> dict:
        recorded = list(visit.attendances.all())
        by_member = {row.member_id: row for row in recorded if row.member_id}
        leader = next((row for row in recorded if row.kind == AttendanceKind.LEADER), None)
        if typed is not None:
            ticked = set(typed.getlist("present"))
            leader_present = "leader_present" in typed
            walk_ins = _rows(typed, "name", "position", "institution")
        else:
            ticked = {str(member_id) for member_id, row in by_member.items() if row.present}
            leader_present = bool(leader and leader.present)
            walk_ins = [
                {"name": row.name, "position": row.position, "institution": row.institution}
                for row in recorded
                if row.kind == AttendanceKind.WALK_IN
            ]
        return {
            "recorded": bool(recorded),
            "leader_present": leader_present,
            "members": [
                {"member": member, "present": str(member.pk) in ticked}
                for member in visit.delegation.members.all()
            ],
            "walk_ins": _pad(walk_ins, {"name": "", "position": "", "institution": ""}),
        }

    @staticmethod
    def note_rows(visit, typed) -> list[dict]:
        rows = []
        for item in visit.agenda_items.all():
            notes = list(item.notes.all())
            text = typed.get(f"note-{item.pk}", "") if typed is not None else (notes[0].text if notes else "")
            rows.append({"item": item, "text": text})
        return rows

    @staticmethod
    def quote_rows(visit, typed) -> list[dict]:
        if typed is not None:
            rows = _rows(typed, "id", "speaker_name", "speaker_position", "words")
        else:
            rows = [
                {
                    "id": q.pk,
                    "speaker_name": q.speaker_name,
                    "speaker_position": q.speaker_position,
                    "words": q.words,
                }
                for q in visit.quotes.all()
            ]
        return _pad(rows, {"id": "", "speaker_name": "", "speaker_position": "", "words": ""})

    @staticmethod
    def follow_up_rows(visit, typed) -> list[dict]:
        if typed is not None:
            rows = _rows(typed, "id", "text", "owner_unit", "due_date", "status")
        else:
            rows = [
                {
                    "id": f.pk,
                    "text": f.text,
                    "owner_unit": f.owner_unit,
                    "due_date": f.due_date.isoformat() if f.due_date else "",
                    "status": f.status,
                }
                for f in visit.follow_ups.all()
            ]
        return _pad(
            rows, {"id": "", "text": "", "owner_unit": "", "due_date": "", "status": FollowUpStatus.OPEN}
        )

    @staticmethod
    def signature_fields(visit, typed) -> dict:
        names = (
            "prepared_by_name",
            "prepared_by_position",
            "prepared_by_nip",
            "approved_by_name",
            "approved_by_position",
            "approved_by_nip",
            "signed_place",
            "signed_date",
        )
        if typed is not None:
            return {name: typed.get(name, "") for name in names}
        outcome = getattr(visit, "outcome", None)
        fields = {name: getattr(outcome, name, "") or "" for name in names}
        fields["signed_date"] = outcome.signed_date.isoformat() if outcome and outcome.signed_date else ""
        fields["signed_place"] = fields["signed_place"] or _default_place(visit)
        return fields


def report_file_response(render, visit) -> HttpResponse:
    """The stored report PDF of ``render`` as a download named ``laporan-kunjungan-<id>.pdf`` (a few MB at
    most: photos are printed from 1400 px copies, ``pdf.pdf_photo``)."""
    with render.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-kunjungan-{visit.pk}.pdf"'
    return response


def report_download(request, visit, *, retry: bool = False) -> HttpResponse:
    """The visit's report PDF for ``/visits/<id>/report.pdf`` (``visit`` already scoped to the user's hosts):
    the stored file when it is up to date or renders quickly, else a page that shows the render's progress
    and reloads itself until the PDF is ready (then this same URL serves it). A failed render's page shows
    the error with a button to try again (POST, ``retry``); a character no font has gives that page with
    status 422."""
    try:
        render_row = services.report_render_request(
            visit=visit, by=request.user, language=get_language(), retry=retry
        )
    except MissingGlyphs as exc:
        context = {"visit": visit, "render": None, "error": exc.message()}
        return render(request, "reports/visit_report_progress.html", context, status=422)
    if retry:
        return redirect("visits:report-pdf", visit.pk)
    if render_row.status == RenderStatus.DONE:
        return report_file_response(render_row, visit)
    context = {"visit": visit, "render": render_row, "error": render_row.error, "refresh_seconds": 2}
    return render(request, "reports/visit_report_progress.html", context)
