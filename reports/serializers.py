"""DRF serializers of what came out of a visit. They describe shapes; the services in ``services.py``
decide what may be saved."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from delegations.models import Member
from visits.models import Visit
from visits.permissions import HostScopedPrimaryKeyRelatedField
from visits.resource_serializers import StrictFieldsMixin

from .models import Attendance, AttendanceKind, Document, FollowUp, FollowUpStatus, Photo, Quote


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "visit", "kind", "member", "name", "position", "institution", "present"]
        read_only_fields = fields


class AttendanceRecordSerializer(StrictFieldsMixin, serializers.Serializer):
    """One person's attendance: the leader, a listed member (by id), or a walk-in (by name)."""

    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all())
    kind = serializers.ChoiceField(choices=AttendanceKind.choices)
    member = HostScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), host_field="delegation__visits__host", required=False, allow_null=True
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    position = serializers.CharField(required=False, allow_blank=True, max_length=300)
    institution = serializers.CharField(required=False, allow_blank=True, max_length=200)
    present = serializers.BooleanField(default=True)


class QuoteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all())
    # Required here, not only in the model: a quote without a speaker is a 400 with the field named.
    speaker_name = serializers.CharField(max_length=200)
    words = serializers.CharField(max_length=5000)

    class Meta:
        model = Quote
        fields = ["id", "visit", "speaker_name", "speaker_position", "words", "order"]
        read_only_fields = ["order"]

    def validate_visit(self, value):
        if self.instance is not None and value.pk != self.instance.visit_id:
            raise serializers.ValidationError(_("A quote cannot be moved to another visit."))
        return value


class OutcomeFollowUpSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A follow-up with its id and visit (``visits.serializers.FollowUpSerializer`` is the nested one)."""

    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all())
    status = serializers.ChoiceField(choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)

    class Meta:
        model = FollowUp
        fields = ["id", "visit", "position", "text", "owner_unit", "due_date", "status"]
        read_only_fields = ["position"]

    def validate_visit(self, value):
        if self.instance is not None and value.pk != self.instance.visit_id:
            raise serializers.ValidationError(_("A follow-up cannot be moved to another visit."))
        return value


class PhotoSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = [
            "id",
            "visit",
            "image",
            "thumbnail",
            "caption",
            "order",
            "width",
            "height",
            "size_bytes",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f != "caption"]


class PhotoUploadSerializer(serializers.Serializer):
    """A multipart upload: ``visit``, ``image`` (the file) and an optional ``caption``.

    ``image`` is a plain file field: ``services.photo_add`` decodes it once, with its own checks."""

    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all())
    image = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "visit", "file", "title", "content_type", "size_bytes", "created_at"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    """A multipart upload: ``visit``, ``file`` and an optional ``title`` (default: the file's name)."""

    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all())
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
