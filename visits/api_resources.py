"""REST API of a host's reference data and records under /api/v1/, beside the visits of ``api.py``.

| path | does |
| --- | --- |
| ``regions/`` | provinces, regencies and cities (read only; public reference data: every reader sees all) |
| ``institutions/`` | the user's hosts and the guest institutions of their hosts' visits (read only) |
| ``officials/``, ``venues/`` | the hosts' officials and rooms or sites: list, create, change, remove |
| ``agenda-items/`` | items of a scheduled visit; each write is checked against every booking, in place (ids stay) |
| ``dispositions/`` | the leadership's decisions (read; deciding is ``POST visits/{id}/dispose/``) |
| ``messages/`` | the outbox (read; sending is ``POST visits/{id}/send-invitations/``) |
| ``calendar-feeds/`` | webcal subscriptions: list, create (the URL is shown once), revoke |

Scoping (``visits.scoping.scope_to_hosts``): every queryset is narrowed to the user's hosts, so another
host's id answers 404; an id of another host's official, venue or visit in a body answers 400. Reading
needs a reader role, writing protocol staff (``IsProtocolStaff``, the project default). Writing
serializers refuse unknown fields (``resource_serializers.StrictFieldsMixin``).
"""

import dataclasses

import django_filters
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from .api import BoundedDateTimeFilter
from .conflicts import ConflictReport, Finding, ProposedItem, check_booking
from .enums import (
    AgendaKind,
    DispositionDecision,
    FeedKind,
    InstitutionKind,
    MessageKind,
    MessageStatus,
    RegionKind,
    VenueKind,
    VisitStatus,
)
from .models import (
    AgendaItem,
    CalendarFeed,
    Disposition,
    Institution,
    Message,
    Official,
    Region,
    Venue,
    Visit,
)
from .resource_serializers import (
    AgendaItemResourceSerializer,
    AgendaItemWriteSerializer,
    CalendarFeedCreatedSerializer,
    CalendarFeedCreateSerializer,
    CalendarFeedSerializer,
    DispositionResourceSerializer,
    InstitutionSerializer,
    MessageSerializer,
    OfficialSerializer,
    RegionSerializer,
    VenueSerializer,
)
from .scoping import scope_to_hosts
from .serializers import ConflictReportSerializer
from .services import ServiceError, calendar_feed_create, calendar_feed_revoke
from .services.base import BookingConflict, require_reasons_for_warnings
from .services.lifecycle import schedule_signature, visit_changes_record

FILTERS = [
    django_filters.rest_framework.DjangoFilterBackend,
    filters.SearchFilter,
    filters.OrderingFilter,
]


class InUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "in_use"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class BadReference(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


# --- Regions -------------------------------------------------------------------------------------------


class RegionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices)
    code = django_filters.CharFilter(field_name="code")
    parent = django_filters.CharFilter(
        method="filter_parent", label="code of a province: its regencies and cities"
    )

    class Meta:
        model = Region
        fields = ["kind", "code", "parent"]

    def filter_parent(self, queryset, name, value):
        return queryset.filter(code__startswith=f"{value}.")


@extend_schema_view(
    list=extend_schema(
        summary="Regions (provinces, regencies, cities) by Kemendagri code",
        description="Public reference data: every reader sees all of them. `search` matches the name.",
    ),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions are not scoped: they are public reference data (Kemendagri's list), the same for every host."""

    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    filter_backends = FILTERS
    search_fields = ["name"]
    ordering_fields = ["code", "name"]
    lookup_value_regex = "[0-9]+"


# --- Institutions --------------------------------------------------------------------------------------


class InstitutionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=InstitutionKind.choices)
    region = django_filters.CharFilter(field_name="region__code", label="Kemendagri code of the region")

    class Meta:
        model = Institution
        fields = ["kind", "region"]


@extend_schema_view(
    list=extend_schema(
        summary="Institutions: your hosts and the guest institutions of their visits",
        description="`search` matches the name.",
    ),
    retrieve=extend_schema(summary="One institution"),
)
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    """Institutions a user may see: the hosts they work for, and every institution whose delegation visited
    (or asked to visit) one of those hosts. A host's own settings are edited in the admin."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    filter_backends = FILTERS
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        user = self.request.user
        hosts = scope_to_hosts(Institution.objects.all(), user, "pk").values("pk")
        guests = scope_to_hosts(Visit.objects.all(), user).values("delegation__institution")
        return (
            Institution.objects.filter(Q(pk__in=hosts) | Q(pk__in=guests))
            .select_related("region")
            .order_by("name")
        )


# --- Officials and venues ------------------------------------------------------------------------------


class HostRowsViewSet(viewsets.ModelViewSet):
    """Officials or venues of the user's hosts: plain rows without side effects, saved by their serializer.
    Removing one that an agenda, a visit or a feed still refers to answers 409."""

    filter_backends = FILTERS
    search_fields = ["name"]
    lookup_value_regex = "[0-9]+"
    model = None

    def get_queryset(self):
        return scope_to_hosts(self.model.objects.all(), self.request.user, "institution")

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            raise InUse(_("It is still used by a visit or its agenda; change those first.")) from exc


DELETE_REFUSED = {409: OpenApiResponse(description="Still used by a visit or its agenda.")}


class OfficialFilter(django_filters.FilterSet):
    institution = django_filters.NumberFilter(field_name="institution_id", label="host id")

    class Meta:
        model = Official
        fields = ["institution"]


@extend_schema_view(
    list=extend_schema(
        summary="Officials of your hosts, by precedence", description="`search` matches the name."
    ),
    retrieve=extend_schema(summary="One official"),
    create=extend_schema(summary="Add an official to one of your hosts"),
    update=extend_schema(summary="Change an official"),
    partial_update=extend_schema(summary="Change part of an official"),
    destroy=extend_schema(summary="Remove an official", responses={204: None, **DELETE_REFUSED}),
)
class OfficialViewSet(HostRowsViewSet):
    serializer_class = OfficialSerializer
    filterset_class = OfficialFilter
    ordering_fields = ["precedence", "name", "id"]
    model = Official

    def get_queryset(self):
        return super().get_queryset().order_by("institution", "precedence", "name")


class VenueFilter(django_filters.FilterSet):
    institution = django_filters.NumberFilter(field_name="institution_id", label="host id")
    kind = django_filters.ChoiceFilter(choices=VenueKind.choices)
    capacity = django_filters.NumberFilter(
        field_name="capacity", lookup_expr="gte", label="at least this many people"
    )

    class Meta:
        model = Venue
        fields = ["institution", "kind", "capacity"]


@extend_schema_view(
    list=extend_schema(summary="Rooms and sites of your hosts", description="`search` matches the name."),
    retrieve=extend_schema(summary="One room or site"),
    create=extend_schema(summary="Add a room or site to one of your hosts"),
    update=extend_schema(summary="Change a room or site"),
    partial_update=extend_schema(summary="Change part of a room or site"),
    destroy=extend_schema(summary="Remove a room or site", responses={204: None, **DELETE_REFUSED}),
)
class VenueViewSet(HostRowsViewSet):
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    ordering_fields = ["name", "capacity", "id"]
    model = Venue

    def get_queryset(self):
        return super().get_queryset().order_by("institution", "name")


# --- Agenda items --------------------------------------------------------------------------------------


class AgendaItemFilter(django_filters.FilterSet):
    visit = django_filters.NumberFilter(field_name="visit_id", label="visit id")
    venue = django_filters.NumberFilter(field_name="venue_id", label="venue id")
    official = django_filters.NumberFilter(field_name="official_id", label="official id")
    kind = django_filters.ChoiceFilter(choices=AgendaKind.choices)
    start_after = BoundedDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = BoundedDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = AgendaItem
        fields = ["visit", "venue", "official", "kind", "start_after", "start_before"]


BOOKING_REFUSED = {
    400: OpenApiResponse(
        description="Bad input: every problem by field (unknown fields, another host's ids)."
    ),
    409: ConflictReportSerializer,
}


def _proposed(item: AgendaItem) -> ProposedItem:
    return ProposedItem(item.start, item.end, item.venue_id, item.official_id, item.title, item.kind)


def _agenda_item_write(
    *,
    visit: Visit,
    item: AgendaItem | None,
    proposed: ProposedItem | None,
    speaker: str = "",
    overrides: dict,
    by,
) -> AgendaItem | None:
    """Add (``item`` None), change (both given) or remove (``proposed`` None) one agenda item of a
    scheduled ``visit``, in place: the item keeps its id, and the other items are not touched.

    The agenda as it would be is checked against every other booking (``conflicts.check_booking``, at the
    visit's own window) as ``visit_schedule`` checks a booking; an item without a room is held in the
    visit's main venue. The warnings replace ``Visit.booking_warnings``, with the reasons of the last
    booking kept unless ``overrides`` ({code: reason}) gives new ones, and a warning without any reason is
    refused (409, ``reason_required``) as at booking; the SEQUENCE grows when invitations
    went out and what they show changed (``lifecycle.visit_changes_record``). The audit log records one
    create, update or delete of the item. Returns the saved item (None after a removal).

    Raises ``Conflict`` (409) for a visit that is not scheduled, ``BookingConflict`` for a clash (also
    when PostgreSQL's room constraint refuses a booking made meanwhile); nothing is saved then.
    """
    not_scheduled = Conflict(
        _(
            "Agenda items can be changed on a scheduled visit; book this one first (POST /api/v1/visits/%(id)s/schedule/)."
        )
        % {"id": visit.pk}
    )
    if visit.status != VisitStatus.SCHEDULED:
        raise not_scheduled
    try:
        with transaction.atomic():
            # Lock the visit's row only: PostgreSQL cannot lock the nullable side of the venue's outer join.
            visit = (
                Visit.objects.select_for_update(of=("self",))
                .select_related("host", "delegation", "venue")
                .get(pk=visit.pk)
            )
            if visit.status != VisitStatus.SCHEDULED:
                raise not_scheduled
            if proposed is not None and proposed.venue_id is None and visit.venue_id:
                proposed = dataclasses.replace(proposed, venue_id=visit.venue_id)
            rows = [row for row in visit.agenda_items.order_by("start", "end", "pk") if row != item]
            agenda = [_proposed(row) for row in rows] + ([proposed] if proposed is not None else [])
            report = check_booking(
                host=visit.host,
                start=visit.start,
                end=visit.end,
                items=agenda,
                zone=visit.timezone,
                delegation_id=visit.delegation_id,
                delegation_size=visit.delegation.size,
                exclude_visit_id=visit.pk,
            )
            reasons = {
                w["code"]: w.get("reason", "")
                for w in visit.booking_warnings
                if isinstance(w, dict) and "code" in w
            } | overrides
            # As at booking: staff go ahead despite a warning only with a recorded reason (kept from the
            # booking for the warnings it already had).
            require_reasons_for_warnings(report, reasons)
            if report.errors:
                raise BookingConflict(report)
            before = schedule_signature(visit)
            if proposed is None:
                item.delete()
                saved = None
            else:
                saved = item or AgendaItem(visit=visit)
                saved.start, saved.end = proposed.start, proposed.end
                saved.venue_id, saved.official_id = proposed.venue_id, proposed.official_id
                saved.title, saved.kind = proposed.title or visit.title, proposed.kind or AgendaKind.OTHER
                saved.guest_speaker = speaker if proposed.official_id is None else ""
                saved.holds_room = True
                saved.save()
            visit.booking_warnings = [
                {**finding.as_dict(), "reason": (reasons.get(finding.code) or "").strip()}
                for finding in report.warnings
            ]
            visit.save(update_fields=["booking_warnings", "updated_at"])
            visit_changes_record(visit=visit, before=before, by=by)
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint: another booking of the room committed between check and write.
        if "agenda_item_room_not_double_booked" not in str(exc):
            raise
        raise BookingConflict(
            ConflictReport(
                errors=[Finding("room_double_booked", _("The room was booked by someone else a moment ago."))]
            )
        ) from exc
    return saved


def _conflict_response(exc: BookingConflict) -> Response:
    """409 with every error and warning, each with its code: the body of ``POST visits/{id}/schedule/``."""
    return Response({"detail": str(exc), **exc.report.as_dict()}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(
        summary="Agenda items, by start",
        description="Filter by visit, venue, official, kind, start range. Times are in the visit's own zone.",
    ),
    retrieve=extend_schema(summary="One agenda item"),
    create=extend_schema(
        summary="Add an item to a scheduled visit's agenda (checked against every booking)",
        description="The agenda with the new item is checked as a booking is; the other items keep their "
        "ids; the response is the new item. A clash answers 409 as `POST visits/{id}/schedule/` does.",
        request=AgendaItemWriteSerializer,
        responses={201: AgendaItemResourceSerializer, **BOOKING_REFUSED},
    ),
    update=extend_schema(
        summary="Change an item in place (checked against every booking; the id stays)",
        request=AgendaItemWriteSerializer,
        responses={200: AgendaItemResourceSerializer, **BOOKING_REFUSED},
    ),
    partial_update=extend_schema(
        summary="Change part of an item in place (checked against every booking; the id stays)",
        request=AgendaItemWriteSerializer,
        responses={200: AgendaItemResourceSerializer, **BOOKING_REFUSED},
    ),
    destroy=extend_schema(
        summary="Remove an item (the other items keep their ids)",
        responses={204: None, 409: ConflictReportSerializer},
    ),
)
class AgendaItemViewSet(viewsets.ModelViewSet):
    serializer_class = AgendaItemResourceSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["start", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        rows = AgendaItem.objects.select_related("visit", "venue", "official").order_by("start", "end", "pk")
        return scope_to_hosts(rows, self.request.user, "visit__host")

    def _visit(self, visit_id: int) -> Visit:
        return Visit.objects.select_related("host", "venue").get(pk=visit_id)

    def _write(self, *, visit: Visit, item, proposal, overrides: dict, code: int) -> Response:
        proposed, speaker = proposal if proposal is not None else (None, "")
        try:
            saved = _agenda_item_write(
                visit=visit,
                item=item,
                proposed=proposed,
                speaker=speaker,
                overrides=overrides,
                by=self.request.user,
            )
        except BookingConflict as exc:
            return _conflict_response(exc)
        if saved is None:
            return Response(status=code)
        row = self.get_queryset().get(pk=saved.pk)
        return Response(AgendaItemResourceSerializer(row).data, status=code)

    def _proposal(self, data: dict, item: AgendaItem | None = None) -> tuple[ProposedItem, str]:
        def pick(key, current):
            return data.get(key, current)

        proposed = ProposedItem(
            pick("start", item.start if item else None),
            pick("end", item.end if item else None),
            pick("venue", item.venue_id if item else None),
            pick("official", item.official_id if item else None),
            pick("title", item.title if item else ""),
            pick("kind", item.kind if item else AgendaKind.OTHER),
        )
        return proposed, pick("guest_speaker", item.guest_speaker if item else "")

    def create(self, request, *args, **kwargs):
        serializer = AgendaItemWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visit = self._visit(data["visit"].pk)
        return self._write(
            visit=visit,
            item=None,
            proposal=self._proposal(data),
            overrides=data["overrides"],
            code=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        visit = self._visit(item.visit_id)
        body = request.data
        if isinstance(body, dict) and "visit" in body:
            if body["visit"] != item.visit_id:
                raise BadReference(_("An agenda item cannot be moved to another visit."))
            body = {key: value for key, value in body.items() if key != "visit"}
        if kwargs.get("partial", False) and isinstance(body, dict):
            # The serializer checks a whole item: fill what the client left out from the stored one.
            current = {
                "start": item.start.isoformat(),
                "end": item.end.isoformat(),
                "kind": item.kind,
                "title": item.title,
                "venue": item.venue_id,
                "official": item.official_id,
                "guest_speaker": item.guest_speaker,
            }
            body = {**current, **body}
        serializer = AgendaItemWriteSerializer(data=body, visit=visit, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._write(
            visit=visit,
            item=item,
            proposal=self._proposal(data, item),
            overrides=data["overrides"],
            code=status.HTTP_200_OK,
        )

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        visit = self._visit(item.visit_id)
        return self._write(
            visit=visit, item=item, proposal=None, overrides={}, code=status.HTTP_204_NO_CONTENT
        )


# --- Dispositions and messages -------------------------------------------------------------------------


class DispositionFilter(django_filters.FilterSet):
    visit = django_filters.NumberFilter(field_name="visit_id", label="visit id")
    decision = django_filters.ChoiceFilter(choices=DispositionDecision.choices)
    decided_after = BoundedDateTimeFilter(field_name="created_at", lookup_expr="gte")
    decided_before = BoundedDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Disposition
        fields = ["visit", "decision", "decided_after", "decided_before"]


@extend_schema_view(
    list=extend_schema(
        summary="The leadership's decisions (disposisi), oldest first",
        description="Read only. The leadership decides with `POST /api/v1/visits/{id}/dispose/`.",
    ),
    retrieve=extend_schema(summary="One decision"),
)
class DispositionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DispositionResourceSerializer
    filterset_class = DispositionFilter
    ordering_fields = ["created_at", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        rows = Disposition.objects.select_related("decided_by").order_by("created_at", "pk")
        return scope_to_hosts(rows, self.request.user, "visit__host")


class MessageFilter(django_filters.FilterSet):
    visit = django_filters.NumberFilter(field_name="visit_id", label="visit id")
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices)
    kind = django_filters.ChoiceFilter(choices=MessageKind.choices)
    created_after = BoundedDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Message
        fields = ["visit", "status", "kind", "created_after", "created_before"]


@extend_schema_view(
    list=extend_schema(
        summary="The outbox: every invitation, update, cancellation and reminder, newest first",
        description="Read only. There is no resending of one message: `POST /api/v1/visits/{id}/send-invitations/` "
        "brings every calendar of a visit up to date and queues failed invitations again.",
    ),
    retrieve=extend_schema(summary="One message"),
)
class MessageViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    ordering_fields = ["created_at", "sent_at", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return scope_to_hosts(Message.objects.order_by("-created_at", "pk"), self.request.user, "visit__host")


# --- Calendar feeds ------------------------------------------------------------------------------------


class CalendarFeedFilter(django_filters.FilterSet):
    host = django_filters.NumberFilter(field_name="host_id", label="host id")
    kind = django_filters.ChoiceFilter(choices=FeedKind.choices)
    revoked = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = CalendarFeed
        fields = ["host", "kind", "revoked"]


@extend_schema_view(
    list=extend_schema(
        summary="Calendar feeds (webcal subscriptions) of your hosts",
        description="Only a hash of each feed's token is stored: the address is given once, when the feed is created.",
    ),
    retrieve=extend_schema(summary="One calendar feed"),
    create=extend_schema(
        summary="Create a feed; the response carries its address (url, webcal_url) this once",
        request=CalendarFeedCreateSerializer,
        responses={
            201: CalendarFeedCreatedSerializer,
            400: OpenApiResponse(description="Every problem by field."),
        },
    ),
)
class CalendarFeedViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CalendarFeedSerializer
    filterset_class = CalendarFeedFilter
    ordering_fields = ["created_at", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return scope_to_hosts(CalendarFeed.objects.order_by("-created_at", "pk"), self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = CalendarFeedCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            feed, token = calendar_feed_create(**data, by=request.user)
        except ServiceError as exc:
            raise BadReference(str(exc)) from exc
        url = request.build_absolute_uri(f"/feeds/{token}.ics")
        body = {
            **CalendarFeedSerializer(feed).data,
            "url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a feed: its address answers 404 from now on",
        request=None,
        responses=CalendarFeedSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        feed = calendar_feed_revoke(feed=self.get_object(), by=request.user)
        return Response(CalendarFeedSerializer(feed).data)
