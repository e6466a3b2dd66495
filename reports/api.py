"""REST API of what came out of a visit, under /api/v1/: attendance, quotes, follow-ups, photos and documents.

Every list is filtered with ``?visit=<id>``. Writes go through ``services.py``: a refusal is ``400
{"detail"}`` with the reason, and a visit that has not started or was cancelled answers ``409``.
"""

import django_filters
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api_parsers import JSONParser
from visits.resource_serializers import StrictFieldsMixin
from visits.scoping import scope_to_hosts
from visits.services.base import ServiceError

from . import services
from .models import Attendance, Document, FollowUp, Photo, Quote, RenderStatus, ReportRender
from .pdf import MissingGlyphs
from .serializers import (
    AttendanceRecordSerializer,
    AttendanceSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    OutcomeFollowUpSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    QuoteSerializer,
)
from .views import report_file_response


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


class NotRecordableConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_recordable"


def call(service, **kwargs):
    """Run a service; its refusal becomes 400, a visit that takes no records 409, each with the reason."""
    try:
        return service(**kwargs)
    except services.NotRecordable as exc:
        raise NotRecordableConflict(str(exc)) from exc
    except ServiceError as exc:
        raise Refused(str(exc)) from exc


class ByVisit(django_filters.FilterSet):
    # A number, not a model choice: filtering by an unknown visit gives an empty list and no extra query.
    visit = django_filters.NumberFilter(field_name="visit_id", label="visit id")


REFUSALS = {
    400: OpenApiResponse(description="Refused: the reason is in `detail`."),
    409: OpenApiResponse(description="The visit has not started yet or was cancelled."),
}


class OutcomeRowsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lists and single rows of one kind of record; ``?visit=<id>`` keeps one visit's rows."""

    filterset_class = ByVisit
    ordering_fields = ["id"]
    model = None
    # The service that removes a row, and the name of its row argument: ``quote_delete(quote=…)``.
    delete_service = None
    delete_argument = ""

    def get_queryset(self):
        # The visit comes along: every write checks whether the visit still takes records.
        return scope_to_hosts(self.model.objects.select_related("visit"), self.request.user, "visit__host")

    def perform_destroy(self, instance):
        call(self.delete_service, **{self.delete_argument: instance}, by=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Attendance of a visit (leader, members, walk-ins)"),
    create=extend_schema(
        summary="Record one person's attendance",
        description="`kind` is `leader`, `member` (give `member`, an id of the delegation's member) or "
        "`walk_in` (give `name`, and `position`, `institution` if known). The leader and a member have "
        "one row each, updated by a second call (200); a walk-in is added (201).",
        request=AttendanceRecordSerializer,
        responses={201: AttendanceSerializer, 200: AttendanceSerializer, **REFUSALS},
    ),
    destroy=extend_schema(summary="Remove one attendance row", responses={204: None, **REFUSALS}),
)
class AttendanceViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, OutcomeRowsViewSet):
    serializer_class = AttendanceSerializer
    model = Attendance
    delete_service = staticmethod(services.attendance_delete)
    delete_argument = "attendance"
    ordering_fields = ["id", "kind", "name"]

    def create(self, request, *args, **kwargs):
        data = AttendanceRecordSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        row, created = call(services.attendance_record, **data.validated_data, by=request.user)
        return Response(
            AttendanceSerializer(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema_view(
    list=extend_schema(summary="Quotes of a visit, in their order"),
    create=extend_schema(
        summary="Add a quote (speaker and words are required)", responses={201: QuoteSerializer, **REFUSALS}
    ),
    update=extend_schema(summary="Change a quote", responses={200: QuoteSerializer, **REFUSALS}),
    partial_update=extend_schema(
        summary="Change part of a quote", responses={200: QuoteSerializer, **REFUSALS}
    ),
    destroy=extend_schema(summary="Remove a quote", responses={204: None, **REFUSALS}),
)
class QuoteViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, OutcomeRowsViewSet
):
    serializer_class = QuoteSerializer
    model = Quote
    delete_service = staticmethod(services.quote_delete)
    delete_argument = "quote"
    ordering_fields = ["id", "order"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call(
            services.quote_add,
            visit=data["visit"],
            speaker_name=data["speaker_name"],
            speaker_position=data.get("speaker_position", ""),
            words=data["words"],
            by=self.request.user,
        )

    def perform_update(self, serializer):
        quote = serializer.instance
        data = serializer.validated_data
        serializer.instance = call(
            services.quote_update,
            quote=quote,
            speaker_name=data.get("speaker_name", quote.speaker_name),
            speaker_position=data.get("speaker_position", quote.speaker_position),
            words=data.get("words", quote.words),
            by=self.request.user,
        )


@extend_schema_view(
    list=extend_schema(summary="Follow-ups of a visit, in their order"),
    create=extend_schema(summary="Add a follow-up", responses={201: OutcomeFollowUpSerializer, **REFUSALS}),
    update=extend_schema(
        summary="Change a follow-up", responses={200: OutcomeFollowUpSerializer, **REFUSALS}
    ),
    partial_update=extend_schema(
        summary="Change part of a follow-up (e.g. its status)",
        responses={200: OutcomeFollowUpSerializer, **REFUSALS},
    ),
    destroy=extend_schema(summary="Remove a follow-up", responses={204: None, **REFUSALS}),
)
class FollowUpViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, OutcomeRowsViewSet
):
    serializer_class = OutcomeFollowUpSerializer
    model = FollowUp
    delete_service = staticmethod(services.follow_up_delete)
    delete_argument = "follow_up"
    ordering_fields = ["id", "position", "due_date", "status"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call(services.follow_up_add, **data, by=self.request.user)

    def perform_update(self, serializer):
        follow_up = serializer.instance
        data = serializer.validated_data
        serializer.instance = call(
            services.follow_up_update,
            follow_up=follow_up,
            text=data.get("text", follow_up.text),
            owner_unit=data.get("owner_unit", follow_up.owner_unit),
            due_date=data.get("due_date", follow_up.due_date),
            status=data.get("status", follow_up.status),
            by=self.request.user,
        )


@extend_schema_view(
    list=extend_schema(summary="Photos of a visit, in their order, with their thumbnails"),
    create=extend_schema(
        summary="Upload a photo (multipart: visit, image, caption)",
        description="JPEG, PNG or WebP by content, at most `SAMBANG_PHOTO_MAX_BYTES` (15 MiB). It is stored "
        "upright, at most 3000 px on its long side, without EXIF (GPS) or other metadata, with a 480 px thumbnail.",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: PhotoSerializer, **REFUSALS},
    ),
    partial_update=extend_schema(
        summary="Change a photo's caption", responses={200: PhotoSerializer, **REFUSALS}
    ),
    destroy=extend_schema(summary="Remove a photo and its files", responses={204: None, **REFUSALS}),
)
class PhotoViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, OutcomeRowsViewSet):
    serializer_class = PhotoSerializer
    model = Photo
    delete_service = staticmethod(services.photo_delete)
    delete_argument = "photo"
    ordering_fields = ["id", "order"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON nested too deeply: 400

    def create(self, request, *args, **kwargs):
        data = PhotoUploadSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        photo = call(
            services.photo_add,
            visit=data.validated_data["visit"],
            upload=data.validated_data["image"],
            caption=data.validated_data.get("caption", ""),
            by=request.user,
        )
        return Response(PhotoSerializer(photo, context=self.get_serializer_context()).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        photo = self.get_object()
        data = PhotoSerializer(photo, data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        photo = call(
            services.photo_update,
            photo=photo,
            caption=data.validated_data.get("caption", photo.caption),
            by=request.user,
        )
        return Response(PhotoSerializer(photo, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="Documents of a visit (slides, papers)"),
    create=extend_schema(
        summary="Upload a document (multipart: visit, file, title)",
        description="PDF, PowerPoint (.pptx, .ppt), Word (.docx) or Excel (.xlsx), recognised by content; "
        "at most 20 MiB; macro-enabled files are refused.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **REFUSALS},
    ),
    destroy=extend_schema(summary="Remove a document and its file", responses={204: None, **REFUSALS}),
)
class DocumentViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, OutcomeRowsViewSet):
    serializer_class = DocumentSerializer
    model = Document
    delete_service = staticmethod(services.document_delete)
    delete_argument = "document"
    ordering_fields = ["id", "title"]
    parser_classes = [MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        data = DocumentUploadSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        document = call(
            services.document_add,
            visit=data.validated_data["visit"],
            upload=data.validated_data["file"],
            title=data.validated_data.get("title", ""),
            by=request.user,
        )
        return Response(DocumentSerializer(document, context=self.get_serializer_context()).data, status=201)


class ReportRenderSerializer(serializers.ModelSerializer):
    """A report render's state: ``status`` queued/running/done/failed, ``progress`` 0–100 with its
    ``stage``, the ``error`` of a failed render."""

    class Meta:
        model = ReportRender
        fields = [
            "id",
            "visit",
            "language",
            "status",
            "progress",
            "stage",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class EmptyBodySerializer(StrictFieldsMixin, serializers.Serializer):
    """The body of an action that takes no fields: any field sent is a ``400 {"<field>": ["Unknown
    field."]}``, as everywhere in the API, rather than silently ignored."""


class ReportRenderViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """``GET /api/v1/report-renders/{id}/``: a report render's status and progress (the ``status_url`` of a
    ``202`` from ``/visits/{id}/report.pdf``); ``POST …/retry/`` starts a failed render again."""

    serializer_class = ReportRenderSerializer

    def get_queryset(self):
        return scope_to_hosts(
            ReportRender.objects.select_related("visit"), self.request.user, field="visit__host"
        )

    @extend_schema(
        summary="Start a failed report render again", request=None, responses={202: ReportRenderSerializer}
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        render = self.get_object()
        EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)
        return report_pdf_api_response(request, render.visit, language=render.language, retry=True)


def report_pdf_api_response(request, visit, *, language: str | None = None, retry: bool = False):
    """``GET /api/v1/visits/{id}/report.pdf``: ``200`` with the PDF when the stored one is up to date (or a
    small report rendered at once); ``202 {"status", "progress", "stage", "status_url"}`` while it renders
    in a task; ``409 {"detail", "status_url"}`` when the render failed; ``422 {"detail"}`` for a character
    no font of the report has. ``visit`` is already scoped to the user's hosts."""
    try:
        render = services.report_render_request(
            visit=visit, by=request.user, language=language or get_language(), retry=retry
        )
    except MissingGlyphs as exc:
        return Response({"detail": exc.message()}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if render.status == RenderStatus.DONE and not retry:
        return report_file_response(render, visit)
    body = ReportRenderSerializer(render).data
    body["status_url"] = request.build_absolute_uri(reverse("report-render-detail", kwargs={"pk": render.pk}))
    if render.status == RenderStatus.FAILED:
        return Response({"detail": render.error, **body}, status=status.HTTP_409_CONFLICT)
    return Response(body, status=status.HTTP_202_ACCEPTED)
