"""DRF serializers of visits."""

import datetime as dt
import zoneinfo

from django.utils.translation import gettext as _
from rest_framework import serializers

from config.text import validate_one_line
from delegations.models import Delegation, Member
from reports.models import FollowUp, KeyPoint

from .enums import AgendaKind, DispositionDecision, VenueKind
from .models import AgendaItem, ReplyLetter, StatusChange, Visit, VisitOfficial
from .services.base import WARNING_CODES, override_problems, visit_length_problem


def in_visit_zone(data: dict, zone: str) -> dict:
    """Rewrite ``start``/``end`` of a serialized row in the visit's own zone: a WIT visit reads
    ``09:00:00+09:00``, not ``07:00:00+07:00`` (the same instant, as its host writes it)."""
    tz = zoneinfo.ZoneInfo(zone)
    for key in ("start", "end"):
        if data.get(key):
            data[key] = dt.datetime.fromisoformat(data[key]).astimezone(tz).isoformat()
    return data


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["name", "position", "email"]


class DelegationSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.name")
    region_code = serializers.CharField(source="institution.region.code")
    region = serializers.CharField(source="institution.region.name")
    timezone = serializers.CharField(source="institution.region.timezone")
    members = MemberSerializer(many=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "institution",
            "region_code",
            "region",
            "timezone",
            "leader_name",
            "leader_position",
            "leader_email",
            "contact_name",
            "contact_position",
            "contact_email",
            "contact_phone",
            "size",
            "language",
            "request_letter_number",
            "request_letter_date",
            "members",
        ]


class VisitOfficialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="official.name")
    position = serializers.CharField(source="official.position")
    precedence = serializers.IntegerField(source="official.precedence")

    class Meta:
        model = VisitOfficial
        fields = ["name", "position", "role", "precedence"]


class AgendaItemSerializer(serializers.ModelSerializer):
    venue = serializers.CharField(source="venue.name", default=None)
    speaker = serializers.CharField(source="speaker_name")

    def to_representation(self, instance):
        return in_visit_zone(super().to_representation(instance), instance.visit.timezone)

    class Meta:
        model = AgendaItem
        fields = ["id", "start", "end", "kind", "title", "venue", "speaker"]


class KeyPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyPoint
        fields = ["position", "text"]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["position", "text", "owner_unit", "due_date", "status"]


class VisitListSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.name")

    def to_representation(self, instance):
        # The visit list's hot path (bench/api_load.py): the very keys and values the declared fields
        # give (tests/visits/test_api_resources.py compares them), built directly; going through each
        # field (and copying the fields per request) cost about a sixth of a 50-row page's time.
        zone = zoneinfo.ZoneInfo(instance.timezone)
        institution = instance.delegation.institution
        return {
            "id": instance.pk,
            "uid": instance.uid,
            "sequence": instance.sequence,
            "title": instance.title,
            "kind": instance.kind,
            "status": instance.status,
            "start": instance.start.astimezone(zone).isoformat(),
            "end": instance.end.astimezone(zone).isoformat(),
            "timezone": instance.timezone,
            "host": instance.host.name,
            "delegation": institution.name,
            "delegation_region_code": institution.region.code,
            "venue": instance.venue.name if instance.venue_id else None,
        }

    delegation = serializers.CharField(source="delegation.institution.name")
    delegation_region_code = serializers.CharField(source="delegation.institution.region.code")
    venue = serializers.CharField(source="venue.name", default=None)

    class Meta:
        model = Visit
        fields = [
            "id",
            "uid",
            "sequence",
            "title",
            "kind",
            "status",
            "start",
            "end",
            "timezone",
            "host",
            "delegation",
            "delegation_region_code",
            "venue",
        ]


class VisitDetailSerializer(VisitListSerializer):
    delegation = DelegationSerializer()
    officials = VisitOfficialSerializer(source="visit_officials", many=True)
    agenda = AgendaItemSerializer(source="agenda_items", many=True)
    key_points = KeyPointSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)

    def to_representation(self, instance):
        # Field by field (the list's shortcut covers only the list's fields).
        return in_visit_zone(serializers.ModelSerializer.to_representation(self, instance), instance.timezone)

    class Meta(VisitListSerializer.Meta):
        fields = [
            *VisitListSerializer.Meta.fields,
            "topics",
            "invitations_sent_at",
            "officials",
            "agenda",
            "key_points",
            "follow_ups",
        ]


class InvitationBatchSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="invitations and updates queued now, one per recipient")
    already_invited = serializers.ListField(
        child=serializers.EmailField(), help_text="skipped: already invited at this SEQUENCE"
    )
    cancelled = serializers.ListField(
        child=serializers.EmailField(), help_text="people no longer on the visit, sent a CANCEL now"
    )
    sequence = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="sent to everyone who was invited")


class ProposedItemSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    venue = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="room or site id; default: the main venue"
    )
    official = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="host official id"
    )
    guest_speaker = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="a speaker who is not one of the host's officials (the guest's leader, say); kept when no official is given",
        validators=[validate_one_line],
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    kind = serializers.ChoiceField(choices=AgendaKind.choices, required=False, default="other")


def _aware(value: str) -> bool:
    time_part = str(value).partition("T")[2]
    return time_part.endswith("Z") or "+" in time_part or "-" in time_part


OVERRIDES_HELP = (
    "{warning code: reason} for the warnings staff go ahead despite; every warning of the booking needs "
    "a non-blank reason, else 409 with `reasons_missing`. Codes: " + ", ".join(sorted(WARNING_CODES))
)


class OverridesField(serializers.DictField):
    """``{warning code: reason}``: only warning codes of ``conflicts.check_booking``, each with a
    non-blank string (``services.base.override_problems``); 400 naming the code otherwise."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(max_length=500, allow_blank=True),
            required=False,
            default=dict,
            help_text=OVERRIDES_HELP,
            **kwargs,
        )

    def to_internal_value(self, data):
        # The raw value is checked first: the child CharField would quietly turn 5 into "5".
        problems = override_problems(data)
        if problems:
            raise serializers.ValidationError({code: [message] for code, message in problems.items()})
        return {code: reason.strip() for code, reason in super().to_internal_value(data).items()}


def _length_problem(attrs: dict) -> dict:
    """{"end": [message]} when the window from ``start`` to ``end`` is longer than a visit may last."""
    if attrs.get("start") and attrs.get("end"):
        problem = visit_length_problem(attrs["start"], attrs["end"])
        if problem:
            return {"end": [problem]}
    return {}


class RescheduleSerializer(serializers.Serializer):
    """A move: the new start, optionally the new end, and the reasons given for the new date's warnings."""

    start = serializers.DateTimeField(
        help_text="the new start, ISO 8601 with its UTC offset (2025-05-02T09:00:00+07:00); the agenda moves with it"
    )
    end = serializers.DateTimeField(
        required=False,
        help_text="the new end, ISO 8601 with its UTC offset; default: the same length as before. The agenda "
        "still moves by the start's offset; an item the new window does not hold is refused (409 outside_visit)",
    )
    overrides = OverridesField()

    def validate(self, attrs):
        raw = self.initial_data
        naive = [key for key in ("start", "end") if key in raw and not _aware(raw.get(key, ""))]
        if naive:
            raise serializers.ValidationError(
                {
                    key: [_("Give the time with its UTC offset, e.g. 2025-05-02T09:00:00+07:00.")]
                    for key in naive
                }
            )
        if "end" in attrs and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The visit must end after it starts.")]})
        problems = _length_problem(attrs)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class BookingSerializer(serializers.Serializer):
    """A booking: the visit's window, main venue, agenda and the reasons given for warnings."""

    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    venue = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    items = ProposedItemSerializer(
        many=True,
        required=False,
        help_text="the agenda; left out: the visit's agenda is kept (moved with the start) or, when it has "
        "none, one item holds the venue for the whole window; an empty list: one item in the venue for "
        "the whole window",
    )
    overrides = OverridesField()

    def validate(self, attrs):
        raw = self.initial_data
        naive = [key for key in ("start", "end") if not _aware(raw.get(key, ""))]
        for index, item in enumerate(raw.get("items") or []):
            naive += [
                f"items[{index}].{key}"
                for key in ("start", "end")
                if isinstance(item, dict) and not _aware(item.get(key, ""))
            ]
        if naive:
            raise serializers.ValidationError(
                {
                    key: [_("Give the time with its UTC offset, e.g. 2025-05-02T09:00:00+07:00.")]
                    for key in naive
                }
            )
        if len(attrs.get("items", [])) > 100:
            raise serializers.ValidationError({"items": [_("At most 100 agenda items.")]})
        problems = _length_problem(attrs)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class ConflictCheckSerializer(BookingSerializer):
    host = serializers.IntegerField(min_value=1)
    delegation = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    delegation_size = serializers.IntegerField(required=False, min_value=0, max_value=1000, default=0)
    exclude_visit = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    item = serializers.IntegerField(required=False)
    other_visit = serializers.IntegerField(required=False)
    day = serializers.CharField(required=False)


class ConflictReportSerializer(serializers.Serializer):
    errors = FindingSerializer(many=True)
    warnings = FindingSerializer(many=True)


class BookingRefusedSerializer(ConflictReportSerializer):
    """The 409 body of a booking or a move that was refused."""

    detail = serializers.CharField()
    reasons_missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="codes of the warnings that need a reason in `overrides` ({code: reason}) to go ahead",
    )


class FreeSlotQuerySerializer(serializers.Serializer):
    host = serializers.IntegerField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    duration = serializers.IntegerField(min_value=15, max_value=24 * 60, help_text="minutes")
    officials = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="comma-separated ids"
    )
    venue = serializers.IntegerField(required=False)
    venue_kind = serializers.ChoiceField(choices=VenueKind.choices, required=False)
    capacity = serializers.IntegerField(required=False, min_value=0, max_value=10000, default=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)

    def validate(self, attrs):
        if attrs["last_day"] < attrs["first_day"]:
            raise serializers.ValidationError({"last_day": [_("The last day is before the first.")]})
        if (attrs["last_day"] - attrs["first_day"]).days > 92:
            raise serializers.ValidationError({"last_day": [_("Search at most 93 days at once.")]})
        try:
            attrs["official_ids"] = [int(x) for x in attrs["officials"].split(",") if x.strip()]
        except ValueError:
            raise serializers.ValidationError(
                {"officials": [_("Give official ids separated by commas.")]}
            ) from None
        return attrs


class FreeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    venue = serializers.IntegerField(source="venue_id")
    venue_name = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class DispositionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DispositionDecision.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    forwarded_to = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ReplyLetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyLetter
        fields = ["id", "number", "date", "accepted", "reason", "signed_by_name", "signed_by_position"]
        read_only_fields = ["id", "accepted", "reason"]
        # The number is checked per host by the service, with a message in the user's language.
        validators = []


class StatusChangeSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "by", "at", "note"]
