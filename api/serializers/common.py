"""What every API payload shares: unknown keys are refused, never silently dropped."""

from rest_framework import serializers
from rest_framework.settings import api_settings


class StrictFieldsMixin:
    """A key the serializer does not declare is a 400 naming it (a typo must not pass unnoticed),
    alongside the declared fields' own errors, so that one answer names every problem."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {str(key): ["Unknown field."] for key in sorted(set(data) - set(self.fields), key=str)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not unknown:
                raise
            detail = (
                error.detail if isinstance(error.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: error.detail}
            )
            raise serializers.ValidationError({**detail, **unknown}) from error
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class BatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the batch, from 0.")
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
