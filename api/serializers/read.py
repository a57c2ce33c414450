from rest_framework import serializers

from devices.models import Assignment, Device, LeaverCase
from policy.models import ComplianceStatus


class HolderSerializer(serializers.Serializer):
    payroll_number = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    command_unit = serializers.CharField()


class DeviceSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model.__str__")
    kind = serializers.CharField(source="model.kind")
    tech_bar = serializers.CharField(source="tech_bar.code", allow_null=True, default=None)
    mdm_device_id = serializers.CharField(source="mdm_enrolment_id")
    enrolled_on = serializers.DateField(source="mdm_enrolled_on", allow_null=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "asset_tag",
            "serial_number",
            "imei",
            "model",
            "kind",
            "phone_number",
            "sim_iccid",
            "mdm_device_id",
            "enrolled_on",
            "purchase_date",
            "end_of_life_date",
            "status",
            "tech_bar",
            "holder",
            "updated_at",
        ]

    def get_holder(self, device) -> HolderSerializer(allow_null=True):  # type: ignore[valid-type]
        if getattr(device, "holder_id", None) is None:
            return None
        return {
            "payroll_number": device.holder_payroll,
            "first_name": device.holder_first_name,
            "last_name": device.holder_last_name,
            "command_unit": device.holder_unit,
        }


class AssignmentSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="device.asset_tag")
    model = serializers.CharField(source="device.model.__str__")
    holder = HolderSerializer()
    issued_at_tech_bar = serializers.CharField(source="issued_at_tech_bar.code")
    open = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "asset_tag",
            "model",
            "holder",
            "issued_at",
            "issued_at_tech_bar",
            "returned_at",
            "return_reason",
            "open",
        ]

    def get_open(self, assignment) -> bool:
        return assignment.returned_at is None


class PolicySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    audience = serializers.CharField()


class PersonComplianceSerializer(serializers.Serializer):
    payroll_number = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    command_unit = serializers.CharField()
    team = serializers.CharField()
    status = serializers.ChoiceField(choices=ComplianceStatus.choices)
    up_to_date = serializers.BooleanField(help_text="Has accepted the version that must be accepted, or a later one.")
    last_accepted_version = serializers.IntegerField(source="last_accepted_number", allow_null=True)
    last_accepted_at = serializers.DateTimeField(allow_null=True)


class LeaverCaseSerializer(serializers.ModelSerializer):
    person = HolderSerializer()

    class Meta:
        model = LeaverCase
        fields = ["id", "person", "leaving_date", "closed_at", "ready_for_account_closure_at", "deactivated_at"]
