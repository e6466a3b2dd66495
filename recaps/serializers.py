"""The recap as JSON (``GET /api/v1/recaps/<period>/``): read-only serializers of ``selectors.Recap``."""

from rest_framework import serializers

from visits.serializers import in_visit_zone


class HostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StatusRowSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    visits = serializers.IntegerField()


class ProvinceRowSerializer(serializers.Serializer):
    province = serializers.CharField()
    visits = serializers.IntegerField()
    people = serializers.IntegerField()


class RegionRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kemendagri code, e.g. 35.73")
    name = serializers.CharField()
    province = serializers.CharField()
    visits = serializers.IntegerField()
    people = serializers.IntegerField()


class KindRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    visits = serializers.IntegerField()
    people = serializers.IntegerField()


class TopicRowSerializer(serializers.Serializer):
    topic = serializers.CharField()
    visits = serializers.IntegerField()


class MonthRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    visits = serializers.IntegerField()
    people = serializers.IntegerField()


class MadeRowSerializer(serializers.Serializer):
    host = serializers.CharField()
    region = serializers.CharField()
    visits = serializers.IntegerField()
    people = serializers.IntegerField()


class VisitRowSerializer(serializers.Serializer):
    """One visit; ``start`` and ``end`` are written in the visit's own zone (as ``/api/v1/visits/``)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    timezone = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    host = serializers.CharField()
    institution = serializers.CharField(help_text="The delegation's institution.")
    region = serializers.CharField()
    province = serializers.CharField()
    people = serializers.IntegerField(help_text="The delegation's announced size, leader included.")

    def to_representation(self, instance):
        return in_visit_zone(super().to_representation(instance), instance["timezone"])


class FollowUpRowSerializer(serializers.Serializer):
    visit_id = serializers.IntegerField()
    visit = serializers.CharField()
    visit_date = serializers.DateField()
    text = serializers.CharField()
    owner_unit = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    overdue = serializers.BooleanField()


class FollowUpUnitSerializer(serializers.Serializer):
    owner_unit = serializers.CharField()
    open = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()


class FollowUpTotalsSerializer(serializers.Serializer):
    open = serializers.IntegerField(source="follow_ups_open")
    done = serializers.IntegerField(source="follow_ups_done")
    overdue = serializers.IntegerField(source="follow_ups_overdue")


class RecapSerializer(serializers.Serializer):
    """The recap of one host for one period (see ``recaps.selectors.Recap`` for what counts)."""

    period = serializers.CharField(source="period.slug", help_text="2025, 2025-Q2 or 2025-04")
    kind = serializers.CharField(source="period.kind", help_text="year, quarter or month")
    first_day = serializers.DateField(source="period.first_day")
    last_day = serializers.DateField(source="period.last_day")
    timezone = serializers.CharField(source="zone", help_text="The zone the period is read in (the host's).")
    hosts = HostSerializer(many=True)
    received = serializers.IntegerField(help_text="Visits booked or held in the period.")
    people = serializers.IntegerField(help_text="Sum of the delegations' sizes of the visits received.")
    made = serializers.IntegerField(help_text="Visits made by the hosts' own delegations.")
    made_people = serializers.IntegerField()
    follow_ups = FollowUpTotalsSerializer(source="*")
    by_status = StatusRowSerializer(many=True)
    by_province = ProvinceRowSerializer(many=True)
    by_region = RegionRowSerializer(many=True)
    by_kind = KindRowSerializer(many=True)
    by_topic = TopicRowSerializer(many=True)
    by_month = MonthRowSerializer(many=True)
    made_by_host = MadeRowSerializer(many=True)
    coming_from = serializers.DateTimeField()
    coming_until = serializers.DateTimeField()
    coming = VisitRowSerializer(many=True)
    visits = VisitRowSerializer(many=True)
    follow_ups_by_unit = FollowUpUnitSerializer(many=True)
    follow_up_rows = FollowUpRowSerializer(many=True)
