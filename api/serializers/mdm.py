from rest_framework import serializers

from api.serializers.common import BatchResultSerializer, StrictSerializer
from devices.models import RemoteAction

MAX_BATCH = 1000


class _Identity(StrictSerializer):
    mdm_device_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    serial_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    imei = serializers.CharField(max_length=20, required=False, allow_blank=True)
    asset_tag = serializers.CharField(max_length=30, required=False, allow_blank=True)

    def validate(self, attrs):
        if not any((attrs.get(key) or "").strip() for key in ("mdm_device_id", "serial_number", "imei", "asset_tag")):
            raise serializers.ValidationError("Identify the device: mdm_device_id, serial_number, imei or asset_tag.")
        return attrs


class MdmDeviceSerializer(_Identity):
    """One device as the MDM inventory has it. Left-out fields keep their values in Kitbag."""

    model = serializers.CharField(
        max_length=201, required=False, help_text="Make and model as Kitbag's catalogue names them."
    )
    phone_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sim_iccid = serializers.CharField(max_length=30, required=False, allow_blank=True)
    enrolled_on = serializers.DateField(required=False, allow_null=True)
    tech_bar = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="Code of the Tech Bar receiving a new device."
    )


class MdmDeviceBatchSerializer(StrictSerializer):
    devices = MdmDeviceSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class MdmDeviceResultSerializer(BatchResultSerializer):
    asset_tag = serializers.CharField()


class MdmDeviceBatchResultSerializer(serializers.Serializer):
    devices = MdmDeviceResultSerializer(many=True)


class RemoteActionReportSerializer(_Identity):
    kind = serializers.ChoiceField(choices=RemoteAction.Kind.choices)
    outcome = serializers.ChoiceField(choices=[RemoteAction.Status.DONE, RemoteAction.Status.FAILED])
    note = serializers.CharField(
        max_length=400, required=False, allow_blank=True, default="", help_text="Why it failed (required then)."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["outcome"] == RemoteAction.Status.FAILED and not attrs.get("note", "").strip():
            raise serializers.ValidationError({"note": ["Say why it failed."]})
        return attrs


class RemoteActionSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="device.asset_tag")

    class Meta:
        model = RemoteAction
        fields = ["id", "asset_tag", "kind", "status", "requested_at", "sent_at", "completed_at", "failure_reason"]
