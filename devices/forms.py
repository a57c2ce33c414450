"""Input for the Tech Bar counter: choosing the counter, finding a person, and the scan list."""

from django import forms

from devices.models import Assignment, TechBar

TAKE_BACK_REASONS = [("", "Choose a reason"), *Assignment.ReturnReason.choices]


class TechBarChoiceForm(forms.Form):
    tech_bar = forms.ModelChoiceField(
        queryset=TechBar.objects.filter(is_active=True),
        label="Which Tech Bar are you working at?",
        empty_label=None,
        error_messages={"required": "Choose your Tech Bar", "invalid_choice": "Choose a Tech Bar from the list"},
    )


class PersonLookupForm(forms.Form):
    payroll = forms.CharField(
        label="Scan or type their payroll or warrant number",
        max_length=20,
        error_messages={"required": "Scan or type a payroll or warrant number"},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}),
    )
