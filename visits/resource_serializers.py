"""DRF serializers of the reference data and records of a host under /api/v1/: regions, institutions,
officials, venues, agenda items, dispositions, messages and calendar feeds (``visits/api_resources.py``).

They describe shapes and check references against the requesting user's hosts; the services decide
what may be saved. Every writing serializer refuses fields it does not know (``StrictFieldsMixin``).
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.text import validate_multiline, validate_one_line
from delegations.models import Delegation

from .enums import AgendaKind, FeedKind
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
from .permissions import HostScopedPrimaryKeyRelatedField
from .serializers import OverridesField, in_visit_zone


class StrictFieldsMixin:
    """Refuse a body with fields the serializer does not declare: ``400 {"<field>": ["Unknown field."]}``,
    one entry per unknown name beside the other fields' errors, so a misspelt field ("titel") is not
    silently ignored (DRF's default). The object-level ``validate`` runs only once every field is known.

    Read-only fields that a client sends back (an ``id`` of a fetched row) are declared, so they pass and
    are ignored as DRF does. Nested serializers using the mixin check their own level.
    """

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {str(name): [_("Unknown field.")] for name in data if name not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # One answer lists every problem: the known fields' errors and the unknown names.
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class PlainTextFieldsMixin:
    """Refuse control characters in every writable text field (``config.text``): ``400 {"<field>":
    ["It must be one line, without line breaks."]}``. Fields named in ``multiline_fields`` (a description,
    an address) keep tab and line breaks; every other text field (names, positions, e-mail addresses,
    phones) must be one line. Checked before anything is saved, beside the other field errors.
    """

    multiline_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if isinstance(field, serializers.CharField) and not field.read_only:
                multiline = name in self.multiline_fields
                field.validators.append(_drf_multiline if multiline else _drf_one_line)
        return fields


# DRF's CharField already refuses NUL ("Null characters are not allowed."): not said twice.
def _drf_one_line(value) -> None:
    validate_one_line(str(value).replace("\x00", ""))


def _drf_multiline(value) -> None:
    validate_multiline(str(value).replace("\x00", ""))


def has_offset(raw) -> bool:
    """True when an ISO 8601 datetime string carries its UTC offset ("…+07:00" or "…Z")."""
    time_part = str(raw).partition("T")[2]
    return time_part.endswith("Z") or "+" in time_part or "-" in time_part


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime that must carry its UTC offset: a bare "09:00" would be read in the server's
    zone, which is not the host's in WITA or WIT."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not has_offset(value):
            raise serializers.ValidationError(
                _("Give the time with its UTC offset, e.g. 2025-05-02T09:00:00+07:00.")
            )
        return super().to_internal_value(value)


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text="code of the province a regency or city lies in")

    class Meta:
        model = Region
        fields = ["id", "code", "name", "kind", "province", "parent", "timezone"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_parent(self, region: Region) -> str | None:
        return region.code.rpartition(".")[0] or None


class InstitutionSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "region_code",
            "region_name",
            "address",
            "phone",
            "email",
            "website",
            "organizer_name",
            "organizer_position",
            "organizer_email",
            "office_opens",
            "office_closes",
            "reception_days",
            "lead_time_days",
            "friday_prayer_start",
            "friday_prayer_end",
            "venue_buffer_minutes",
            "review_messages",
            "reminder_minutes",
        ]
        read_only_fields = fields


class OfficialSerializer(StrictFieldsMixin, PlainTextFieldsMixin, serializers.ModelSerializer):
    institution = HostScopedPrimaryKeyRelatedField(
        queryset=Institution.objects.all(), host_field="pk", help_text="the host the official works for"
    )

    class Meta:
        model = Official
        fields = ["id", "institution", "name", "position", "unit", "email", "precedence"]

    def validate_institution(self, value):
        if self.instance is not None and value.pk != self.instance.institution_id:
            raise serializers.ValidationError(_("An official cannot be moved to another host."))
        return value


class VenueSerializer(StrictFieldsMixin, PlainTextFieldsMixin, serializers.ModelSerializer):
    multiline_fields = ("address", "description")
    institution = HostScopedPrimaryKeyRelatedField(
        queryset=Institution.objects.all(), host_field="pk", help_text="the host the room or site belongs to"
    )

    class Meta:
        model = Venue
        fields = ["id", "institution", "name", "kind", "address", "capacity", "description"]
        # The model's CheckConstraint (capacity > 0) as a field rule, so 0 is a 400, not an IntegrityError.
        extra_kwargs = {"capacity": {"min_value": 1}}

    def validate_institution(self, value):
        if self.instance is not None and value.pk != self.instance.institution_id:
            raise serializers.ValidationError(_("A room or site cannot be moved to another host."))
        return value


class AgendaItemResourceSerializer(serializers.ModelSerializer):
    """An agenda item as a row of its own (``visits.serializers.AgendaItemSerializer`` is the nested one):
    ids of the venue and official beside their names, times in the visit's own zone."""

    venue_name = serializers.CharField(source="venue.name", default=None, read_only=True, allow_null=True)
    official_name = serializers.CharField(
        source="official.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "visit",
            "start",
            "end",
            "kind",
            "title",
            "venue",
            "venue_name",
            "official",
            "official_name",
            "guest_speaker",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        return in_visit_zone(super().to_representation(instance), instance.visit.timezone)


class AgendaItemWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """A new or changed agenda item. ``visit`` only on creation. ``venue`` and ``official`` are ids of the
    visit's host (another host's: 400); an item without a venue is held in the visit's main venue."""

    visit = HostScopedPrimaryKeyRelatedField(queryset=Visit.objects.all(), host_field="host")
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    kind = serializers.ChoiceField(choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = serializers.CharField(max_length=300)
    venue = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    official = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    guest_speaker = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    overrides = OverridesField(write_only=True)

    def __init__(self, *args, visit=None, **kwargs):
        # On update the visit is the item's own and not part of the body.
        self.fixed_visit = visit
        super().__init__(*args, **kwargs)
        if visit is not None:
            del self.fields["visit"]

    def validate(self, attrs):
        visit = self.fixed_visit or attrs["visit"]
        problems = {}
        if attrs["end"] <= attrs["start"]:
            problems["end"] = [_("The end must be after the start.")]
        if (
            attrs.get("venue")
            and not Venue.objects.filter(pk=attrs["venue"], institution=visit.host_id).exists()
        ):
            problems["venue"] = [_("That room or site is not one of the visit's host's.")]
        if (
            attrs.get("official")
            and not Official.objects.filter(pk=attrs["official"], institution=visit.host_id).exists()
        ):
            problems["official"] = [_("That official is not one of the visit's host's.")]
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class DispositionResourceSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = Disposition
        fields = ["id", "visit", "decision", "note", "forwarded_to", "decided_by", "created_at"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "visit",
            "kind",
            "sequence",
            "reminder_minutes",
            "recipient_name",
            "recipient_email",
            "recipient_position",
            "recipient_side",
            "recipient_timezone",
            "recipient_language",
            "status",
            "attempts",
            "last_error",
            "message_id",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CalendarFeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarFeed
        fields = [
            "id",
            "host",
            "kind",
            "official",
            "venue",
            "delegation",
            "label",
            "created_at",
            "revoked_at",
        ]
        read_only_fields = fields


class CalendarFeedCreatedSerializer(CalendarFeedSerializer):
    """A feed just created, with its secret addresses: shown this once (only a hash of the token is kept)."""

    url = serializers.URLField(read_only=True, help_text="https address of the .ics feed")
    webcal_url = serializers.CharField(read_only=True, help_text="the same as webcal://, to subscribe")

    class Meta(CalendarFeedSerializer.Meta):
        fields = [*CalendarFeedSerializer.Meta.fields, "url", "webcal_url"]
        read_only_fields = fields


class CalendarFeedCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A new feed: all of a host's visits (``kind=host``), or one official's, venue's or delegation's."""

    host = HostScopedPrimaryKeyRelatedField(queryset=Institution.objects.all(), host_field="pk")
    kind = serializers.ChoiceField(choices=FeedKind.choices)
    official = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="for kind official"
    )
    venue = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="for kind venue")
    delegation = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="for kind delegation: one with a visit to the host",
    )
    label = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        """Resolve the target ids within the chosen host: an id of another host's row reads as unknown."""
        host = attrs["host"]
        targets = {
            "official": (
                Official.objects.filter(institution=host),
                _("That official is not one of the host's."),
            ),
            "venue": (
                Venue.objects.filter(institution=host),
                _("That room or site is not one of the host's."),
            ),
            "delegation": (
                Delegation.objects.filter(pk__in=Visit.objects.filter(host=host).values("delegation")),
                _("That delegation has no visit with this host."),
            ),
        }
        problems = {}
        for name, (rows, message) in targets.items():
            if attrs.get(name) is not None:
                attrs[name] = rows.filter(pk=attrs[name]).first()
                if attrs[name] is None:
                    problems[name] = [message]
        if problems:
            raise serializers.ValidationError(problems)
        return attrs
