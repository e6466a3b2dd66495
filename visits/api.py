"""REST API of visits under /api/v1/visits/."""

import dataclasses
import datetime as dt
import json
import zoneinfo

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.audit import AuditEntrySerializer, visit_audit_entries
from delegations.models import Delegation
from reports.api import report_pdf_api_response

from . import api_cache
from .conflicts import ProposedItem, check_booking, items_of
from .enums import AgendaKind, VisitKind, VisitStatus
from .importer import VisitFileError, parse_visit_data
from .models import Institution, Venue, Visit
from .permissions import IsReader
from .scoping import HostForbidden, host_ids, scope_to_hosts
from .selectors import visit_detail, visit_list
from .serializers import (
    BookingRefusedSerializer,
    BookingSerializer,
    CancelSerializer,
    ConflictCheckSerializer,
    ConflictReportSerializer,
    DispositionSerializer,
    FreeSlotQuerySerializer,
    FreeSlotSerializer,
    InvitationBatchSerializer,
    ReplyLetterSerializer,
    RescheduleSerializer,
    StatusChangeSerializer,
    VisitDetailSerializer,
    VisitListSerializer,
)
from .services import ServiceError, visit_cancel, visit_import, visit_invitations_send, visit_reschedule
from .services.base import BookingConflict, reasons_missing
from .services.importing import AlreadyDecided
from .services.scheduling import visit_schedule, whole_visit_item
from .services.workflow import (
    reply_letter_date_problem,
    reply_letter_issue,
    visit_complete,
    visit_dispose,
    visit_report_approve,
    visit_start,
)
from .slots import free_slots, office_day
from .views import ics_response, reply_letter_response


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file type; the file itself is returned as a plain Django response.

    Only error bodies (dicts) reach ``render``; they are written as JSON.
    """

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode("utf-8") if data is not None else b""


class ICalendarRenderer(_FileRenderer):
    media_type = "text/calendar"
    format = "ics"


class PDFRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class BoundedDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 datetime between the years 1900 and 2200 (beyond, time-zone arithmetic overflows),
    given to the query in UTC: PostgreSQL refuses a UTC offset of 16 hours or more, which ISO 8601 allows."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned is not None and not 1900 <= cleaned.year <= 2200:
            raise ValidationError(_("Give a date between the years 1900 and 2200."))
        return cleaned.astimezone(dt.UTC) if cleaned is not None and cleaned.tzinfo else cleaned


class BoundedDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedDateTimeField


class VisitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    start_after = BoundedDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = BoundedDateTimeFilter(field_name="start", lookup_expr="lt")
    region = django_filters.CharFilter(field_name="delegation__institution__region__code")

    class Meta:
        model = Visit
        fields = ["status", "kind", "start_after", "start_before", "region"]


@extend_schema_view(
    list=extend_schema(
        summary="List visits", description="Newest first; filter by status, kind, date range, region."
    ),
    retrieve=extend_schema(summary="One visit with its agenda, officials, delegation and outcome"),
)
class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    # ASCII digits only: int() would also read "１" or "1\n" as 1.
    lookup_value_regex = "[0-9]+"
    filterset_class = VisitFilter
    ordering_fields = ["start", "title", "status"]

    def get_queryset(self):
        visits = visit_detail() if self.action != "list" else _visit_list_columns(visit_list())
        return scope_to_hosts(visits, self.request.user)

    def get_serializer_class(self):
        return VisitListSerializer if self.action == "list" else VisitDetailSerializer

    def _cached_page(self, request) -> api_cache.ListPage | None:
        """This request's page in ``visits.api_cache`` (made once), or ``None`` when pages are not kept
        (the setting is off, another action, or a format other than JSON)."""
        if self.action != "list" or not api_cache.enabled() or request.accepted_renderer.format != "json":
            return None
        if getattr(self, "_page", None) is None:
            self._page = api_cache.ListPage(request, host_ids(request.user))
        return self._page

    def throttle_prefetch(self, request) -> list[str]:
        """The cache keys of this request's page, read in the throttle's round trip (``config.throttling``)."""
        page = self._cached_page(request)
        return page.cache_keys() if page else []

    def list(self, request, *args, **kwargs):
        """The page from ``visits.api_cache`` when it is still current (JSON only), else rendered and kept."""
        page = self._cached_page(request)
        if page is None:
            return super().list(request, *args, **kwargs)
        cached = page.cached()
        if cached is not None:
            return cached
        response = super().list(request, *args, **kwargs)
        response.add_post_render_callback(page.store)
        return response

    @extend_schema(
        summary="The visit's invitation as iCalendar (METHOD:REQUEST)",
        responses={(200, "text/calendar"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="invitation.ics",
        renderer_classes=[JSONRenderer, ICalendarRenderer],
    )
    def invitation_ics(self, request, pk=None):
        return ics_response(self.get_object())

    @extend_schema(
        summary="The post-visit report as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="report.pdf", renderer_classes=[JSONRenderer, PDFRenderer])
    def report_pdf(self, request, pk=None):
        # 200 with the stored PDF when up to date, else 202 and a status URL (reports.api).
        return report_pdf_api_response(request, self.get_object())

    @extend_schema(
        summary="Send the invitation to every recipient (one e-mail each, queued on commit)",
        request=None,
        responses={
            202: InvitationBatchSerializer,
            409: OpenApiResponse(
                description="The visit cannot be invited now (not scheduled, no organizer, nobody)."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        visit = self.get_object()
        try:
            batch = visit_invitations_send(visit=visit, by=request.user)
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(_batch_body(batch, visit), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Book the visit: window, main venue, agenda; checked against every other booking",
        description=(
            "Without `items` the visit keeps its agenda, moved by as much as the start moves and checked "
            "again (a visit without agenda gets one item holding the venue for the whole window); "
            "`items: []` books one item in the venue for the whole window. A visit lasts at most 14 days "
            "(400). Hard conflicts answer 409. So do warnings (holiday, weekend, Friday prayer …) that "
            "`overrides` gives no reason for: the body lists them and `reasons_missing` names their "
            "codes; send `overrides: {code: reason}` to go ahead, and the reasons are recorded with the "
            "booking. The 200 body lists the warnings accepted."
        ),
        request=BookingSerializer,
        responses={
            200: VisitDetailSerializer,
            400: OpenApiResponse(description="Bad input, an unknown warning code or a blank reason."),
            409: BookingRefusedSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        visit = self.get_object()
        serializer = BookingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        venue = None
        if data.get("venue"):
            venue = Venue.objects.filter(pk=data["venue"], institution=visit.host_id).first()
            if venue is None:
                return Response(
                    {"venue": [_("That room or site is not one of the host's.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        if "items" not in data:
            items = None  # keep the visit's agenda (visit_schedule)
        elif not data["items"]:
            # As the booking page books an empty agenda: the venue is held for the whole visit.
            items = [whole_visit_item(start=data["start"], end=data["end"], venue=venue)]
        else:
            items = _items(data)
        try:
            booked, report = visit_schedule(
                visit=visit,
                start=data["start"],
                end=data["end"],
                venue=venue,
                items=items,
                overrides=data["overrides"],
                require_reasons=True,
                by=request.user,
            )
        except BookingConflict as exc:
            return _conflict_response(exc, data["overrides"])
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        booked = self.get_queryset().get(pk=booked.pk)
        # The warnings as stored on the visit: each with the reason staff gave (as reschedule answers).
        return Response({**VisitDetailSerializer(booked).data, "warnings": booked.booking_warnings})

    @extend_schema(
        summary="Register a visit request from a visit file (JSON of docs/visit-format.md); status requested",
        request=OpenApiTypes.OBJECT,
        responses={
            200: VisitDetailSerializer,
            201: VisitDetailSerializer,
            400: OpenApiResponse(
                description="Every problem with its path; a `visit.status` other than `requested` is one."
            ),
            409: OpenApiResponse(
                description="The request letter's visit is no longer `requested` (decided, booked or "
                "cancelled): `{detail, visit}`; change it on the visit's page. Nothing is saved."
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def register(self, request):
        # The service keeps a user's registration `requested` (visit_import's `by`); 200 for an update
        # of a request still waiting for the decision, 201 for a new one.
        raw = request.data if isinstance(request.data, dict) else None
        if raw is None:
            return Response(
                {"detail": _("Send the visit file as a JSON object.")}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            result = visit_import(data=parse_visit_data(raw), by=request.user)
        except HostForbidden as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except AlreadyDecided as exc:
            return Response({"detail": str(exc), "visit": exc.visit.pk}, status=status.HTTP_409_CONFLICT)
        except VisitFileError as exc:
            return Response(
                {
                    "detail": _("The visit file cannot be registered; nothing was saved."),
                    "problems": [{"path": path, "message": message} for path, message in exc.problems],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = VisitDetailSerializer(self.get_queryset().get(pk=result.visit.pk)).data
        return Response(
            {**body, "warnings": result.warnings},
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="The leadership's decision (disposisi) on a requested visit",
        request=DispositionSerializer,
        responses={200: VisitDetailSerializer, 409: OpenApiResponse(description="Wrong state or role.")},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsReader])
    def dispose(self, request, pk=None):
        visit = self.get_object()
        serializer = DispositionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            visit_dispose(visit=visit, by=request.user, **serializer.validated_data)
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(VisitDetailSerializer(self.get_queryset().get(pk=visit.pk)).data)

    def _transition(self, request, service):
        visit = self.get_object()
        try:
            service(visit=visit, by=request.user)
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(VisitDetailSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Mark a scheduled visit as in progress", request=None, responses={200: VisitDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, visit_start)

    @extend_schema(
        summary="Mark the visit as completed", request=None, responses={200: VisitDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._transition(request, visit_complete)

    @extend_schema(
        summary="Mark a completed visit as reported", request=None, responses={200: VisitDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="mark-reported")
    def mark_reported(self, request, pk=None):
        return self._transition(request, visit_report_approve)

    @extend_schema(
        summary="The visit's status history (audit trail)", responses=StatusChangeSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        visit = self.get_object()
        changes = visit.status_changes.select_related("by").order_by("at", "pk")
        return Response(StatusChangeSerializer(changes, many=True).data)

    @extend_schema(
        summary="Issue the reply letter (surat balasan)",
        request=ReplyLetterSerializer,
        responses={
            201: ReplyLetterSerializer,
            409: OpenApiResponse(description="Not yet decided, or number used."),
        },
    )
    @action(detail=True, methods=["post"], url_path="reply-letters")
    def reply_letters(self, request, pk=None):
        visit = self.get_object()
        serializer = ReplyLetterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A date out of the letter's window is bad input (400 on the field), not a conflict of state (409).
        problem = reply_letter_date_problem(visit=visit, date=data["date"])
        if problem:
            raise serializers.ValidationError({"date": [problem]})
        try:
            letter = reply_letter_issue(visit=visit, by=request.user, **data)
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(ReplyLetterSerializer(letter).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The latest reply letter as PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="reply-letter.pdf",
        renderer_classes=[JSONRenderer, PDFRenderer],
    )
    def reply_letter_pdf(self, request, pk=None):
        visit = self.get_object()
        letter = visit.reply_letters.select_related("host__region").order_by("-date", "-pk").first()
        if letter is None:
            raise Http404(_("No reply letter has been issued for this visit."))
        return reply_letter_response(letter)

    @extend_schema(
        summary="Cancel the visit; everyone invited gets a cancellation (METHOD:CANCEL)",
        request=CancelSerializer,
        responses={
            200: VisitDetailSerializer,
            409: OpenApiResponse(description="Already completed or cancelled."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        visit = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            visit_cancel(visit=visit, reason=serializer.validated_data["reason"], by=request.user)
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(VisitDetailSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Move the visit and its whole agenda to a new start; invitees get an update",
        description=(
            "Every agenda item moves by as much as the start does. `end` gives the visit new times: it "
            "then ends there instead of keeping its length (the items still move by the start's offset; "
            "one the new window does not hold answers 409 `outside_visit`). A visit lasts at most 14 days "
            "(400). The moved booking is checked like a new one: hard conflicts answer 409, and so do "
            "warnings of the new date that `overrides` ({code: reason}) gives no reason for "
            "(`reasons_missing`); the reasons are recorded and replace the visit's booking warnings. The "
            "200 body lists the warnings accepted."
        ),
        request=RescheduleSerializer,
        responses={
            200: VisitDetailSerializer,
            400: OpenApiResponse(description="Bad input, an unknown warning code or a blank reason."),
            409: BookingRefusedSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        visit = self.get_object()
        serializer = RescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            visit_reschedule(
                visit=visit,
                start=data["start"],
                end=data.get("end"),
                overrides=data["overrides"],
                require_reasons=True,
                by=request.user,
            )
        except BookingConflict as exc:
            return _conflict_response(exc, data["overrides"])
        except ServiceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        moved = self.get_queryset().get(pk=visit.pk)
        return Response({**VisitDetailSerializer(moved).data, "warnings": moved.booking_warnings})


def _visit_list_columns(visits):
    """Only the columns a list row shows (bench/api_load.py): no host region, no JSON fields to decode."""
    return (
        visits.select_related(None)
        .select_related("host", "delegation__institution__region", "venue")
        .only(
            *("id", "uid", "sequence", "title", "kind", "status", "start", "end", "timezone"),
            *("host__name", "venue__name"),
            *("delegation__institution__name", "delegation__institution__region__code"),
        )
    )


def _conflict_response(exc: BookingConflict, overrides: dict[str, str] | None = None) -> Response:
    """409 with the structured explanation: every error and warning, each with its code, and in
    ``reasons_missing`` the codes of the warnings that ``overrides`` (as sent) gives no reason for."""
    missing = reasons_missing(exc.report, overrides or {})
    detail = str(exc)
    if all(f.code == "reason_required" for f in exc.report.errors):
        detail = _("Every warning needs a reason to go ahead: send them in “overrides” as {code: reason}.")
    body = {"detail": detail, **exc.report.as_dict(), "reasons_missing": missing}
    return Response(body, status=status.HTTP_409_CONFLICT)


def _items(data: dict) -> list[ProposedItem]:
    return [
        ProposedItem(
            i["start"],
            i["end"],
            i.get("venue"),
            i.get("official"),
            i.get("title", ""),
            i.get("kind", ""),
            i.get("guest_speaker", ""),
        )
        for i in data.get("items", [])
    ]


def _checked_items(data: dict, host) -> list[ProposedItem]:
    """The agenda a conflict check looks at, by the rule of ``…/schedule/`` (``visit_schedule``): ``items``
    as sent; left out, the agenda of ``exclude_visit`` (the visit being moved) moved with the start; and
    when that leaves no item, one in ``venue`` for the whole window. An item without a room is held in
    ``venue``. So the check finds every clash the booking itself would meet."""
    start, end, venue_id = data["start"], data["end"], data.get("venue")
    if "items" in data:
        items = _items(data)
    elif data.get("exclude_visit") is not None:
        moving = Visit.objects.get(pk=data["exclude_visit"], host=host)
        delta = start - moving.start
        items = [dataclasses.replace(i, start=i.start + delta, end=i.end + delta) for i in items_of(moving)]
    else:
        items = []
    if not items:
        items = [ProposedItem(start, end, venue_id, None, "", AgendaKind.OTHER)]
    return [i if i.venue_id or not venue_id else dataclasses.replace(i, venue_id=venue_id) for i in items]


class ConflictCheckView(APIView):
    """``POST /api/v1/conflicts/check/``: what a booking would clash with, without booking it."""

    @extend_schema(
        summary="Check a booking against every other booking",
        request=ConflictCheckSerializer,
        responses=ConflictReportSerializer,
    )
    def post(self, request):
        serializer = ConflictCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        host = _scoped_host(request, data["host"])
        problems = {}
        if data.get("delegation") is not None and not (
            scope_to_hosts(
                Delegation.objects.filter(pk=data["delegation"]), request.user, field="visits__host"
            ).exists()
        ):
            problems["delegation"] = [_("No delegation of your hosts has this id.")]
        if data.get("exclude_visit") is not None and not (
            Visit.objects.filter(pk=data["exclude_visit"], host=host).exists()
        ):
            problems["exclude_visit"] = [_("No visit of this host has this id.")]
        if data.get("venue") and not Venue.objects.filter(pk=data["venue"], institution=host).exists():
            problems["venue"] = [_("That room or site is not one of the host's.")]
        if problems:
            return Response(problems, status=status.HTTP_400_BAD_REQUEST)
        items = _checked_items(data, host)
        report = check_booking(
            host=host,
            start=data["start"],
            end=data["end"],
            items=items,
            zone=host.region.timezone,
            delegation_id=data.get("delegation"),
            delegation_size=data.get("delegation_size", 0),
            exclude_visit_id=data.get("exclude_visit"),
        )
        return Response(report.as_dict())


class FreeSlotsView(APIView):
    """``GET /api/v1/free-slots/``: the earliest free slots for a visit, ranked by warnings."""

    @extend_schema(
        summary="Find free slots",
        parameters=[FreeSlotQuerySerializer],
        responses=FreeSlotSerializer(many=True),
    )
    def get(self, request):
        query = FreeSlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        host = _scoped_host(request, data["host"])
        wanted = set(data["official_ids"])
        if wanted - set(host.officials.filter(pk__in=wanted).values_list("pk", flat=True)):
            return Response(
                {"officials": [_("Every official must be one of the host's.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if data.get("venue") and not Venue.objects.filter(pk=data["venue"], institution=host).exists():
            return Response(
                {"venue": [_("That room or site is not one of the host's.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        duration = dt.timedelta(minutes=data["duration"])
        if duration > office_day(host):
            # No slot can be found, and an empty list would not say why.
            message = _(
                "A visit of %(duration)s minutes is longer than the host's office hours allow "
                "(%(opens)s–%(closes)s, %(minutes)s minutes)."
            ) % {
                "duration": data["duration"],
                "opens": f"{host.office_opens:%H:%M}",
                "closes": f"{host.office_closes:%H:%M}",
                "minutes": int(office_day(host).total_seconds() // 60),
            }
            raise serializers.ValidationError({"duration": [message]})
        slots = free_slots(
            host=host,
            first_day=data["first_day"],
            last_day=data["last_day"],
            duration=duration,
            official_ids=data["official_ids"],
            venue_ids=[data["venue"]] if data.get("venue") else None,
            venue_kind=data.get("venue_kind"),
            min_capacity=data.get("capacity", 0),
            limit=data.get("limit", 20),
        )
        # Written in the host's zone ("08:00:00+08:00" for a WITA host), as every time of the API is.
        with timezone.override(zoneinfo.ZoneInfo(host.region.timezone)):
            return Response(FreeSlotSerializer(slots, many=True).data)


def _scoped_host(request, pk: int) -> Institution:
    """The host ``pk`` if the user works for it, else 404 (another host's id reads as an unknown one)."""
    hosts = scope_to_hosts(Institution.objects.select_related("region"), request.user, field="pk")
    return get_object_or_404(hosts, pk=pk)


def _batch_body(batch, visit) -> dict:
    body = {
        "queued": len(batch.queued),
        "already_invited": batch.already_invited,
        "cancelled": [m.recipient_email for m in batch.cancelled],
        "sequence": visit.sequence,
    }
    return InvitationBatchSerializer(body).data


class VisitAuditView(ListAPIView):
    """``GET /api/v1/visits/{id}/audit/``: every recorded change to the visit, its agenda, officials,
    dispositions, reply letters, messages, delegation and members and its report, newest first; who
    (``null``: the system or the delegation page), when, what changed. Readers of the visit's host only
    (another host's visit: 404)."""

    serializer_class = AuditEntrySerializer
    filter_backends = []

    @extend_schema(summary="The visit's audit log: every change, who made it and when")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        visit = get_object_or_404(
            scope_to_hosts(Visit.objects.all(), self.request.user), pk=self.kwargs["pk"]
        )
        return visit_audit_entries(visit)
