"""DRF serializers of news drafts. They describe shapes; ``services.py`` decides what may be saved."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from visits.models import Visit
from visits.resource_serializers import StrictFieldsMixin
from visits.scoping import scope_to_hosts

from .models import (
    BODY_MAX,
    CAPTION_MAX,
    DATELINE_MAX,
    HEADLINE_MAX,
    INITIALS_MAX,
    LEAD_MAX,
    NewsDraft,
    NewsDraftEvent,
    NewsLanguage,
    NewsStatus,
)

TEXT_FIELD_NAMES = [
    "headline",
    "dateline",
    "lead",
    "body",
    "caption",
    "reporter_initials",
    "editor_initials",
]


class UserNameField(serializers.CharField):
    """A user as their username (``null`` when the account was removed)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value.get_username() if value is not None else None


class NewsDraftSerializer(serializers.ModelSerializer):
    """A draft as listed: its text, status, version and who changed it last."""

    created_by = UserNameField(help_text="Username of who started the draft.")
    updated_by = UserNameField(help_text="Username of who changed it last.")
    byline = serializers.CharField(read_only=True, help_text='"(yul/yn)" from the initials.')

    class Meta:
        model = NewsDraft
        fields = [
            "id",
            "visit",
            "language",
            "status",
            "version",
            *TEXT_FIELD_NAMES,
            "byline",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields


class NewsDraftEventSerializer(serializers.ModelSerializer):
    by = UserNameField(help_text="Username of who did it.")
    snapshot = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="The draft's text after this event."
    )
    changed = serializers.ListField(child=serializers.CharField(), help_text="Fields an edit changed.")

    class Meta:
        model = NewsDraftEvent
        fields = [
            "id",
            "kind",
            "at",
            "by",
            "from_status",
            "to_status",
            "comment",
            "version",
            "changed",
            "snapshot",
        ]
        read_only_fields = fields


class NewsDraftDetailSerializer(NewsDraftSerializer):
    """A draft with its history, oldest first."""

    events = NewsDraftEventSerializer(many=True, read_only=True)

    class Meta(NewsDraftSerializer.Meta):
        fields = [*NewsDraftSerializer.Meta.fields, "events"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ScopedVisitField(serializers.PrimaryKeyRelatedField):
    """A visit id among the requesting user's hosts; another host's visit reads as one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return scope_to_hosts(Visit.objects.all(), request.user if request else None)


class NewsDraftCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """Start a visit's draft in a language; the text is written from the visit's report."""

    visit = ScopedVisitField()
    language = serializers.ChoiceField(choices=NewsLanguage.choices, default=NewsLanguage.INDONESIAN)


class NewsDraftUpdateSerializer(serializers.Serializer):
    """An edit: the ``version`` it started from (required) and any of the text fields."""

    version = serializers.IntegerField(min_value=1, help_text="The version the edit started from.")
    headline = serializers.CharField(required=False, max_length=HEADLINE_MAX)
    dateline = serializers.CharField(required=False, allow_blank=True, max_length=DATELINE_MAX)
    lead = serializers.CharField(required=False, max_length=LEAD_MAX)
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=BODY_MAX,
        trim_whitespace=False,
        help_text="Paragraphs separated by a blank line.",
    )
    caption = serializers.CharField(required=False, allow_blank=True, max_length=CAPTION_MAX)
    reporter_initials = serializers.CharField(required=False, allow_blank=True, max_length=INITIALS_MAX)
    editor_initials = serializers.CharField(required=False, allow_blank=True, max_length=INITIALS_MAX)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
        return attrs


class NewsDraftTransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    """A move of the draft to another status; an unknown field is a 400 like everywhere in the API."""

    to = serializers.ChoiceField(choices=NewsStatus.choices, help_text="The status to move to.")
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required when returning a draft from review to draft.",
    )


class StaleDraftSerializer(serializers.Serializer):
    """409 for a stale edit: the reason and the draft as saved."""

    detail = serializers.CharField()
    current = NewsDraftSerializer()
