"""What every API payload shares: unknown keys are refused, never silently dropped."""

from rest_framework import serializers


class StrictFieldsMixin:
    """A key the serializer does not declare is a 400 naming it (a typo must not pass unnoticed)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class BatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the batch, from 0.")
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
