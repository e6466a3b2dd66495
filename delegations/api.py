"""REST API of delegations and their members under /api/v1/delegations/.

A user sees the delegations that visited (or asked to visit) one of their hosts
(``scope_to_hosts(..., "visits__host")``); any other id answers 404. Reading needs a reader role, writing
protocol staff. Every write goes through ``delegations.services.delegation_members_replace`` as the
delegation page does, so people added to a visit whose invitations went out get the invitation and
people taken off get a cancellation (queued when the transaction commits).
"""

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from visits.api import BoundedDateTimeFilter
from visits.scoping import scope_to_hosts
from visits.services import ServiceError

from .models import Delegation, Member
from .serializers import DelegationMemberSerializer, DelegationResourceSerializer, MemberAddSerializer
from .services import delegation_members_replace

# Fields of the delegation itself that an update may change; the member list goes through ``members/``.
EDITABLE = (
    "leader_name",
    "leader_position",
    "leader_email",
    "contact_name",
    "contact_position",
    "contact_email",
    "contact_phone",
    "language",
)


class DelegationFilter(django_filters.FilterSet):
    institution = django_filters.NumberFilter(field_name="institution_id", label="institution id")
    region = django_filters.CharFilter(field_name="institution__region__code", label="Kemendagri code")
    letter_after = django_filters.DateFilter(field_name="request_letter_date", lookup_expr="gte")
    letter_before = django_filters.DateFilter(field_name="request_letter_date", lookup_expr="lte")
    visit_after = BoundedDateTimeFilter(field_name="visits__start", lookup_expr="gte", distinct=True)
    visit_before = BoundedDateTimeFilter(field_name="visits__start", lookup_expr="lt", distinct=True)

    class Meta:
        model = Delegation
        fields = ["institution", "region", "letter_after", "letter_before", "visit_after", "visit_before"]


def _rows(members) -> list[dict]:
    return [{"name": m.name, "position": m.position, "email": m.email} for m in members]


def _replace(*, delegation: Delegation, members: list[dict], size: int, by) -> None:
    """``delegation_members_replace``, its refusal as 400 ``{"detail": reason}`` (nothing saved)."""
    try:
        delegation_members_replace(delegation=delegation, members=members, size=size, by=by)
    except ServiceError as exc:
        raise ValidationError(str(exc)) from exc


UPDATE_RESPONSES = {
    200: DelegationResourceSerializer,
    400: OpenApiResponse(
        description="Every problem by field, or `detail` (e.g. a size below the people named)."
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="Delegations that visited your hosts, newest request letter first",
        description="Filter by institution, region (Kemendagri code), request-letter date, visit start.",
    ),
    retrieve=extend_schema(summary="One delegation with its members"),
    update=extend_schema(
        summary="Change the leader, contact person, language or size; calendars are brought up to date",
        responses=UPDATE_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Change part of a delegation; calendars are brought up to date", responses=UPDATE_RESPONSES
    ),
)
class DelegationViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DelegationResourceSerializer
    filterset_class = DelegationFilter
    ordering_fields = ["request_letter_date", "leader_name", "id"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        rows = (
            Delegation.objects.select_related("institution__region")
            .prefetch_related("members")
            .order_by("-request_letter_date", "institution__name", "pk")
        )
        return scope_to_hosts(rows, self.request.user, "visits__host").distinct()

    def perform_update(self, serializer):
        delegation = serializer.instance
        data = serializer.validated_data
        with transaction.atomic():
            changed = [name for name in EDITABLE if name in data]
            for name in changed:
                setattr(delegation, name, data[name])
            delegation.save(update_fields=[*changed, "updated_at"])
            # The members' service saves the size and brings invited calendars up to date (a new leader
            # address gets the invitation, the old one a cancellation), as the delegation page does.
            _replace(
                delegation=delegation,
                members=_rows(delegation.members.all()),
                size=data.get("size", delegation.size),
                by=self.request.user,
            )
        serializer.instance = self.get_queryset().get(pk=delegation.pk)

    @extend_schema(
        methods=["get"],
        summary="The delegation's members, in their order",
        responses=DelegationMemberSerializer(many=True),
    )
    @extend_schema(
        methods=["post"],
        summary="Add a member; invited calendars get the invitation",
        request=MemberAddSerializer,
        responses={
            201: DelegationMemberSerializer,
            400: OpenApiResponse(description="Every problem by field, or `detail` (a name listed twice)."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def members(self, request, pk=None):
        delegation = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(
                Member.objects.filter(delegation=delegation).order_by("order", "pk")
            )
            return self.get_paginated_response(DelegationMemberSerializer(page, many=True).data)
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rows = [*_rows(delegation.members.all()), {key: data[key] for key in ("name", "position", "email")}]
        size = data.get("size", max(delegation.size, 1 + len(rows)))
        with transaction.atomic():
            _replace(delegation=delegation, members=rows, size=size, by=request.user)
        member = Member.objects.get(delegation=delegation, name=data["name"].strip())
        return Response(DelegationMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a member; if the visit's invitations went out, they get a cancellation",
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_pk>[0-9]+)")
    def remove_member(self, request, pk=None, member_pk=None):
        delegation = self.get_object()
        member = get_object_or_404(Member, pk=member_pk, delegation=delegation)
        rows = _rows(m for m in delegation.members.all() if m.pk != member.pk)
        _replace(delegation=delegation, members=rows, size=delegation.size, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
