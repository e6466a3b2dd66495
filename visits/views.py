"""Staff pages: the visit list, a visit page, and its actions (send invitations, .ics, report PDF)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from reports.pdf import report_pdf

from .ical import calendar_bytes, invitation_calendar
from .permissions import ProtocolStaffRequiredMixin
from .selectors import invitation_recipients, visit_detail, visit_list
from .services import ServiceError, visit_invitations_send
from .zones import zone_label


def ics_response(visit) -> HttpResponse:
    """The visit's invitation (METHOD:REQUEST) as a downloadable ``.ics`` file."""
    response = HttpResponse(
        calendar_bytes(invitation_calendar(visit=visit)),
        content_type="text/calendar; charset=utf-8; method=REQUEST",
    )
    response["Content-Disposition"] = f'attachment; filename="kunjungan-{visit.pk}.ics"'
    return response


def pdf_response(visit) -> HttpResponse:
    """The visit's post-visit report as a downloadable PDF, in the request's language."""
    response = HttpResponse(report_pdf(visit=visit, language=get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-kunjungan-{visit.pk}.pdf"'
    return response


class VisitListView(ProtocolStaffRequiredMixin, ListView):
    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        return visit_list()


class VisitDetailView(ProtocolStaffRequiredMixin, DetailView):
    template_name = "visits/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return visit_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        context["recipients"] = invitation_recipients(visit=visit)
        context["outbox"] = visit.messages.order_by("-sequence", "recipient_email")
        context["host_zone"] = zone_label(visit.timezone, visit.start)
        tz = visit.tzinfo
        context["multi_day"] = visit.start.astimezone(tz).date() != visit.end.astimezone(tz).date()
        return context


class VisitSendInvitationsView(ProtocolStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = get_object_or_404(visit_detail(), pk=pk)
        try:
            batch = visit_invitations_send(visit=visit, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if batch.queued:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d invitation is on its way.",
                        "%(count)d invitations are on their way.",
                        len(batch.queued),
                    )
                    % {"count": len(batch.queued)},
                )
            if batch.already_invited:
                messages.info(
                    request,
                    _("Already invited at this version, not sent again: %(list)s")
                    % {"list": ", ".join(batch.already_invited)},
                )
        return redirect("visits:detail", pk=pk)


class VisitInvitationIcsView(ProtocolStaffRequiredMixin, View):
    def get(self, request, pk: int):
        return ics_response(get_object_or_404(visit_detail(), pk=pk))


class VisitReportPdfView(ProtocolStaffRequiredMixin, View):
    def get(self, request, pk: int):
        return pdf_response(get_object_or_404(visit_detail(), pk=pk))
