"""DRF serializers of delegations and their members (``delegations/api.py``)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from config.text import validate_phone
from visits.resource_serializers import PlainTextFieldsMixin, StrictFieldsMixin

from .models import Delegation, Member
from .services import EMAIL_MAX


class DelegationMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "name", "position", "email", "order"]
        read_only_fields = fields


class MemberAddSerializer(StrictFieldsMixin, PlainTextFieldsMixin, serializers.Serializer):
    """A member to add at the end of the list; ``size`` (people, leader included) if it changes too.

    Without ``size`` the delegation keeps its size, raised to the number of people named if it was smaller.
    """

    name = serializers.CharField(max_length=200)
    position = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="", max_length=EMAIL_MAX)
    size = serializers.IntegerField(required=False, min_value=1, max_value=1000)


class DelegationResourceSerializer(StrictFieldsMixin, PlainTextFieldsMixin, serializers.ModelSerializer):
    """A delegation with its members. Writable: leader, contact person, language and size; the member list
    changes through ``members/`` and the institution and request letter never do."""

    institution_name = serializers.CharField(source="institution.name", read_only=True)
    region_code = serializers.CharField(source="institution.region.code", read_only=True)
    timezone = serializers.CharField(source="institution.region.timezone", read_only=True)
    size = serializers.IntegerField(min_value=1, max_value=1000)
    members = DelegationMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "institution",
            "institution_name",
            "region_code",
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
            "attendance_confirmed_at",
            "attendance_confirmed_by",
            "members",
        ]
        read_only_fields = [
            "institution",
            "request_letter_number",
            "request_letter_date",
            "attendance_confirmed_at",
            "attendance_confirmed_by",
        ]
        # The institution and request letter are read only here, so their unique pair cannot change.
        validators = []
        extra_kwargs = {"contact_phone": {"validators": [validate_phone]}}

    def validate_leader_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("The leader's name is required."))
        return value.strip()
