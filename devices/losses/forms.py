"""Input for what a Tech Bar records about a lost device: where it turned up."""

from django import forms

from devices.core.models import TechBar


class FoundForm(forms.Form):
    tech_bar = forms.ModelChoiceField(
        queryset=TechBar.objects.filter(is_active=True).order_by("name"),
        label="Which Tech Bar has it now?",
        empty_label=None,
        error_messages={
            "required": "Choose the Tech Bar that has it",
            "invalid_choice": "Choose a Tech Bar from the list",
        },
    )
    note = forms.CharField(
        label="Where and how it turned up (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
