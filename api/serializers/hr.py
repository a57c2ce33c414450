from rest_framework import serializers

from api.serializers.common import BatchResultSerializer, StrictSerializer
from api.serializers.mdm import MAX_BATCH


class PersonSerializer(StrictSerializer):
    """One person as the HR system has them. Left-out fields keep their values in Kitbag."""

    payroll_number = serializers.CharField(max_length=20)
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    email = serializers.CharField(max_length=254, required=False)
    rank_or_grade = serializers.CharField(max_length=100, required=False, allow_blank=True)
    command_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    team = serializers.CharField(max_length=100, required=False, allow_blank=True)
    supervisor_payroll_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    leaving_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Set or move it (opens or moves their leaver case), null to clear it (cancels the case); "
        "left out: unchanged.",
    )


class PeopleBatchSerializer(StrictSerializer):
    people = PersonSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class PersonResultSerializer(BatchResultSerializer):
    payroll_number = serializers.CharField()


class PeopleBatchResultSerializer(serializers.Serializer):
    people = PersonResultSerializer(many=True)
