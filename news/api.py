"""REST API of news drafts under /api/v1/news-drafts/.

``GET`` lists (``?status=``, ``?visit=``; latest change first, 50 a page) and reads one draft with its
history; ``POST`` starts a visit's draft; ``PATCH`` edits its text with the ``version`` it started from;
``POST …/{id}/transition/`` moves it through the workflow. Readers may read; only the news office may
write (``permissions``). Drafts of another host's visit answer 404. Refusals: 400 for bad input, 403 for
the role, 409 for a stale version (with the saved draft), a read-only draft or a move the workflow does
not allow.
"""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from visits.services.base import ServiceError

from . import services
from .models import NewsDraft, NewsStatus
from .permissions import NewsDraftPermission
from .selectors import news_draft_detail, news_draft_list
from .serializers import (
    NewsDraftCreateSerializer,
    NewsDraftDetailSerializer,
    NewsDraftSerializer,
    NewsDraftTransitionSerializer,
    NewsDraftUpdateSerializer,
    StaleDraftSerializer,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def call(service, **kwargs):
    """Run a service; a role refusal becomes 403, a conflict 409 (a stale edit and an existing draft also
    carry ``current``, the saved draft), any other refusal 400, each with the reason in ``detail``."""
    try:
        return service(**kwargs)
    except services.NewsPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.StaleNewsDraft as exc:
        raise _conflict(str(exc), exc.current) from exc
    except services.NewsDraftExists as exc:
        raise _conflict(str(exc), exc.draft) from exc
    except services.NewsDraftConflict as exc:
        raise Conflict(str(exc)) from exc
    except ServiceError as exc:
        raise ValidationError(str(exc)) from exc


def _conflict(message: str, current: NewsDraft) -> Conflict:
    """409 with ``{"detail", "current"}``: the reason and the draft as saved."""
    conflict = Conflict(message)
    conflict.detail = {"detail": message, "current": NewsDraftSerializer(current).data}
    return conflict


class NewsDraftFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NewsStatus.choices)
    # A number, not a model choice: an unknown visit gives an empty list and no extra query.
    visit = django_filters.NumberFilter(field_name="visit_id", label="visit id")

    class Meta:
        model = NewsDraft
        fields = ["status", "visit"]


@extend_schema_view(
    list=extend_schema(
        summary="News drafts",
        description="Latest change first; filter by `status` and `visit` (id).",
    ),
    retrieve=extend_schema(summary="One news draft with its history", responses=NewsDraftDetailSerializer),
    create=extend_schema(
        summary="Start a visit's news draft (public-relations office)",
        description="The text is written from the visit's report (reports/news.py). The visit must have "
        "started (and not be cancelled) and have key points or quotes recorded. A visit has one draft per "
        "language.",
        request=NewsDraftCreateSerializer,
        responses={
            201: NewsDraftDetailSerializer,
            400: OpenApiResponse(description="Refused: the visit has not happened or has nothing to report."),
            409: OpenApiResponse(
                response=StaleDraftSerializer,
                description="The visit already has a draft in that language (`current`).",
            ),
        },
    ),
    partial_update=extend_schema(
        summary="Edit a draft's text (public-relations office)",
        description="Send the `version` the edit started from and the fields to change. Only a draft in "
        "`draft` or `in_review` can be edited. A stale version answers 409 with the saved draft in `current`; "
        "nothing is saved.",
        request=NewsDraftUpdateSerializer,
        responses={
            200: NewsDraftDetailSerializer,
            409: OpenApiResponse(
                response=StaleDraftSerializer,
                description="Stale version (`current` is the saved draft), or the draft is approved or published.",
            ),
        },
    ),
)
class NewsDraftViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [NewsDraftPermission]
    filterset_class = NewsDraftFilter
    ordering_fields = ["updated_at", "created_at", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.action == "list":
            return news_draft_list(user=self.request.user)
        return news_draft_detail(user=self.request.user)

    def get_serializer_class(self):
        return NewsDraftSerializer if self.action == "list" else NewsDraftDetailSerializer

    def _detail(self, draft: NewsDraft) -> dict:
        return NewsDraftDetailSerializer(news_draft_detail(user=self.request.user).get(pk=draft.pk)).data

    def create(self, request, *args, **kwargs):
        data = NewsDraftCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        draft = call(services.news_draft_create, **data.validated_data, by=request.user)
        return Response(self._detail(draft), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        draft = self.get_object()
        data = NewsDraftUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        draft = call(services.news_draft_update, draft=draft, data=fields, version=version, by=request.user)
        return Response(self._detail(draft))

    def update(self, request, *args, **kwargs):
        # Only PATCH is routed (http_method_names); a full PUT would have to send every field.
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        summary="Move a draft through the workflow (public-relations office)",
        description="draft → in_review → approved → published; in_review → draft (a `comment` is required) "
        "and approved → draft. Each move is recorded in the history.",
        request=NewsDraftTransitionSerializer,
        responses={
            200: NewsDraftDetailSerializer,
            409: OpenApiResponse(
                description="The workflow does not allow this move from the current status."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        draft = self.get_object()
        data = NewsDraftTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = call(services.news_draft_transition, draft=draft, **data.validated_data, by=request.user)
        return Response(self._detail(draft))
