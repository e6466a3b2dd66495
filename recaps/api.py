"""``GET /api/v1/recaps/<period>/``: the leadership recap as JSON, or as a file with ``?format=pdf|xlsx``."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from visits.api import PDFRenderer
from visits.permissions import IsReader

from .periods import Period, PeriodError
from .selectors import recap_for, recap_hosts
from .serializers import RecapSerializer
from .views import XLSX_TYPE, chosen_host, recap_file


class XLSXRenderer(PDFRenderer):
    """Lets a client ask for the spreadsheet with ``?format=xlsx``; errors are still written as JSON."""

    media_type = XLSX_TYPE
    format = "xlsx"


class RecapView(APIView):
    """The recap of one of the user's hosts for a month, quarter or year (readers only)."""

    permission_classes = [IsReader]
    renderer_classes = [JSONRenderer, PDFRenderer, XLSXRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, HostChoiceNeeded):
            response.data["hosts"] = exc.hosts  # ids as numbers, beside the sentence in ``detail``
        return response

    @extend_schema(
        summary="The leadership recap of a month, quarter or year",
        description=(
            "Visits received (booked or held: scheduled, in progress, completed, reported) and made, by "
            "origin province and region, kind, topic and month; delegation sizes; follow-ups open and "
            "closed; what is coming. `period` is `2025`, `2025-Q2` or `2025-04`, read in the host's zone. "
            "`?format=pdf` or `?format=xlsx` downloads the same recap as a file."
        ),
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, OpenApiParameter.PATH, description="2025, 2025-Q2 or 2025-04"
            ),
            OpenApiParameter(
                "host",
                OpenApiTypes.INT,
                description="One of your hosts; needed when you work for several (else 400 lists them).",
            ),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "pdf", "xlsx"]),
        ],
        responses={
            200: RecapSerializer,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
            400: OpenApiResponse(
                description=(
                    "The period cannot be read (the reason is in `detail`), or no `host` was given by a "
                    "user of several hosts: `detail` and `hosts`, each `{id, name}`, to choose from."
                )
            ),
            404: OpenApiResponse(description="Not one of your hosts, or you work for no host."),
        },
    )
    def get(self, request, period: str):
        try:
            parsed = Period.parse(period)
        except PeriodError as exc:
            raise ParseError(str(exc)) from exc
        if request.query_params.get("host"):
            host, _hosts = chosen_host(request.user, request.query_params.get("host"))
        else:
            host = _only_host(request.user)
        kind = request.accepted_renderer.format
        if kind in ("pdf", "xlsx"):
            return recap_file(host=host, period=parsed, kind=kind, language=get_language())
        return Response(RecapSerializer(recap_for(hosts=[host], period=parsed)).data)


def _only_host(user):
    """The user's one host, when ``?host=`` is not given. Raises ``NotFound`` for a user of no host and
    ``HostChoiceNeeded`` (400, naming the hosts) for a user of several: picking one silently would give a
    recap of a host the caller did not mean, as if it had no visits."""
    hosts = list(recap_hosts(user))
    if not hosts:
        raise NotFound()
    if len(hosts) > 1:
        raise HostChoiceNeeded(hosts)
    return hosts[0]


class HostChoiceNeeded(ParseError):
    """400: the user works for several hosts and must name one with ``?host=``; the body lists them."""

    def __init__(self, hosts):
        choices = ", ".join(f"{host.pk} ({host.name})" for host in hosts)
        super().__init__(
            _("You work for several hosts; choose one with ?host=<id>: %(hosts)s.") % {"hosts": choices}
        )
        self.hosts = [{"id": host.pk, "name": host.name} for host in hosts]
