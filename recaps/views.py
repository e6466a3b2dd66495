"""The leadership dashboard (``/dashboard/``) and the recap downloads (``/recaps/<period>.pdf|.xlsx``).

Read-only pages for the host's readers (``visits.roles.is_reader``): protocol staff, the leadership and the
news office (which reads every other page too and quotes the year's figures in its releases). Nothing on
them writes. A user who works for several hosts picks one with ``?host=<id>``; another host's id is 404.
"""

import zoneinfo

from django import forms
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from visits.models import Institution
from visits.permissions import ReaderRequiredMixin
from visits.roles import LEADERSHIP, is_protocol, role_groups

from .pdf import recap_pdf
from .periods import MONTH, QUARTER, YEAR, Period, PeriodError
from .selectors import dashboard_for, recap_for, recap_hosts
from .xlsx import recap_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_TYPE}


def chosen_host(user, value: str | None) -> tuple[Institution | None, list[Institution]]:
    """The host picked by ``value`` (an id from ``?host=``) among the hosts ``user`` may see, and all of
    them. No value: the first by name (``None`` when the user works for no host).

    Raises ``Http404`` for an id that is not a number or not one of the user's hosts.
    """
    hosts = list(recap_hosts(user))
    if not value:
        return (hosts[0] if hosts else None), hosts
    if not value.isascii() or not value.isdigit():
        raise Http404(_("No such host."))
    for host in hosts:
        if host.pk == int(value):
            return host, hosts
    raise Http404(_("No such host."))


def recap_file(*, host: Institution, period: Period, kind: str, language: str) -> HttpResponse:
    """The recap of ``host`` for ``period`` as a download: ``kind`` is "pdf" or "xlsx"."""
    recap = recap_for(hosts=[host], period=period)
    body = (
        recap_pdf(recap=recap, language=language)
        if kind == "pdf"
        else recap_xlsx(recap=recap, language=language)
    )
    response = HttpResponse(body, content_type=FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="rekap-kunjungan-{period.slug}-{host.pk}.{kind}"'
    return response


class PeriodForm(forms.Form):
    """The dashboard's "another period" form: a period as written in URLs, and the file wanted."""

    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=20,
        help_text=gettext_lazy("A year (2025), a quarter (2025-Q2) or a month (2025-04)."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("File"), choices=[("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")]
    )

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"].strip())
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class DashboardView(ReaderRequiredMixin, View):
    """``GET /dashboard/``: this week's visits, decisions waiting, latest reports and the recap downloads.

    ``?period=…&format=pdf|xlsx`` (the form) redirects to that download; a period that cannot be read
    shows the dashboard again with the form's error and status 400.
    """

    def get(self, request):
        host, hosts = chosen_host(request.user, request.GET.get("host"))
        form = PeriodForm(request.GET if "period" in request.GET else None)
        status = 200
        if form.is_bound:
            if form.is_valid() and host is not None:
                url = reverse(
                    "recaps:download",
                    kwargs={"period": form.cleaned_data["period"].slug, "kind": form.cleaned_data["format"]},
                )
                return redirect(f"{url}?host={host.pk}")
            status = 400
        today = timezone.localtime(
            timezone.now(), zoneinfo.ZoneInfo(host.region.timezone) if host else None
        ).date()
        context = {
            "host": host,
            "hosts": hosts,
            "form": form,
            "dashboard": dashboard_for(user=request.user, host=host) if host else None,
            "periods": [
                {"slug": period.slug, "title": period.title(get_language())}
                for period in (Period.containing(kind, today) for kind in (MONTH, QUARTER, YEAR))
            ],
        }
        return render(request, "recaps/dashboard.html", context, status=status)


class RecapDownloadView(ReaderRequiredMixin, View):
    """``GET /recaps/<period>.pdf`` or ``.xlsx`` (``?host=<id>``): the recap as a file; a period that
    cannot be read answers 400 with the reason as plain text."""

    def get(self, request, period: str, kind: str):
        try:
            parsed = Period.parse(period)
        except PeriodError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        host, _hosts = chosen_host(request.user, request.GET.get("host"))
        if host is None:
            raise Http404(_("You work for no host yet."))
        return recap_file(host=host, period=parsed, kind=kind, language=get_language())


class LandingLoginView(LoginView):
    """The login page; after login the leadership (members of ``leadership`` who are not protocol staff)
    land on the dashboard, everyone else on the visit list (``LOGIN_REDIRECT_URL``). A ``next`` wins."""

    def get_default_redirect_url(self):
        user = self.request.user
        if LEADERSHIP in role_groups(user) and not is_protocol(user):
            return reverse("recaps:dashboard")
        return super().get_default_redirect_url()
