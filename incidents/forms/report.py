"""The reporter's two forms: the first notification and the full report (a draft saved as you go)."""

import uuid

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from incidents import services
from incidents.forms.fields import AWARENESS_LOOKBACK, MAX_APPROXIMATE_COUNT, TickBoxesField, too_long_message
from incidents.models import (
    BreachKind,
    DataCategory,
    Incident,
    PeopleCategory,
    YesNoUnknown,
)
from portal.fields import LocalDateTimeField
from portal.localtime import local_time


class FirstNotificationForm(forms.Form):
    """A minute's work: enough to start the record and its clock."""

    summary = forms.CharField(
        label="What happened, in a sentence",
        max_length=300,
        help_text="For example: “I sent a victim's statement to the wrong email address.” You can add detail later.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what happened, in a sentence"},
    )
    aware_at = LocalDateTimeField(
        label="When did you become aware of it?",
        initial=timezone.now,
        help_text="The date and time you first knew, in UK time, not when it happened. "
        "The report is due 12 hours after this.",
    )
    personal_data_involved = forms.ChoiceField(
        label="Is personal data involved?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        help_text="Information about a living person: a name, an address, a statement, a photograph.",
        error_messages={"required": "Select whether personal data is involved"},
    )
    device_involved = forms.ChoiceField(
        label="Is a device involved?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        help_text="A phone, laptop, tablet or other equipment, including a lost or stolen one.",
        error_messages={"required": "Select whether a device is involved"},
    )
    # One-time: a second submission of this same form finds the incident the first one opened.
    submission_token = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "This form is out of date: go back to the start and report it again"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
        self.fields["aware_at"].error_messages.update(
            required="Enter the date and time you became aware",
            invalid="Enter the date and time you became aware, for example 14/03/2025 09:30",
        )

    def clean_aware_at(self):
        aware_at = self.cleaned_data["aware_at"]
        if aware_at > timezone.now() + services.AWARENESS_CLOCK_TOLERANCE:
            raise forms.ValidationError("The time you became aware must be now or in the past")
        if aware_at < timezone.now() - AWARENESS_LOOKBACK:
            raise forms.ValidationError(
                "Check the year: the time you became aware is more than 5 years ago. "
                "For something that old, phone the Data Office"
            )
        return aware_at


class FullReportForm(forms.ModelForm):
    """The full report. In draft mode every field is optional (save as you go); for submission
    the service decides what is still missing, and the view shows it against the fields."""

    breach_kinds = TickBoxesField(
        label="What kind of breach is it?",
        choices=BreachKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    people_categories = TickBoxesField(
        label="Whose personal data is involved?",
        choices=PeopleCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    data_categories = TickBoxesField(
        label="What kinds of personal data are involved?",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    happened_at = LocalDateTimeField(
        label="When did it happen?", required=False, help_text="In UK time, if you know. Leave blank if not."
    )
    personal_data_involved = forms.ChoiceField(
        label="Is personal data involved?", choices=YesNoUnknown.choices, widget=forms.RadioSelect, required=False
    )
    device_involved = forms.ChoiceField(
        label="Is a device involved?", choices=YesNoUnknown.choices, widget=forms.RadioSelect, required=False
    )

    class Meta:
        model = Incident
        fields = list(services.REPORT_FIELDS)
        labels = {
            "summary": "What happened, in a sentence",
            "what_happened": "What happened?",
            "where_happened": "Where did it happen?",
            "first_seen_by": "Who noticed it, if not you?",
            "systems_involved": "Which systems are involved?",
            "devices_involved": "Which devices are involved?",
            "people_affected": "Roughly how many people are affected?",
            "records_affected": "Roughly how many records are involved?",
            "likely_consequences": "What are the likely consequences?",
            "containment": "What has been done, or is proposed, to contain it?",
            "others_aware": "Who else knows about it?",
            "processors_involved": "Are any processors or suppliers involved?",
            "delay_reasons": "Reasons for any delay in reporting",
            "contact_phone": "Your phone number",
            "contact_email": "Your email address",
        }
        help_texts = {
            "what_happened": "Describe it in your own words: what, how, and what information it concerns.",
            "where_happened": "A place, a building, a system or a website.",
            "first_seen_by": "Anyone may report something someone else saw. Leave blank if it was you.",
            "systems_involved": "For example: CRIS, Connect, email, Teams, a shared drive.",
            "devices_involved": "Asset tag, phone number or a description, if you know them.",
            "people_affected": "A rough number is fine. Leave blank if you do not know.",
            "records_affected": "A rough number is fine. Leave blank if you do not know.",
            "likely_consequences": "For example: risk to someone's safety, distress, fraud, harm to an investigation.",
            "containment": "For example: asked the recipient to delete it, recalled the email, blocked the device.",
            "others_aware": "Colleagues, supervisors, the person affected, the public, the media.",
            "processors_involved": "Companies that handle the data for the force, such as a cloud or IT supplier.",
            "delay_reasons": "Needed if you are reporting more than 12 hours after you became aware.",
            "contact_phone": "So the Data Office can reach you: give a phone number, an email address or both.",
            "contact_email": "Give a phone number, an email address or both.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "what_happened": forms.Textarea(attrs={"rows": 6}),
            "systems_involved": forms.Textarea(attrs={"rows": 2}),
            "devices_involved": forms.Textarea(attrs={"rows": 2}),
            "likely_consequences": forms.Textarea(attrs={"rows": 3}),
            "containment": forms.Textarea(attrs={"rows": 3}),
            "others_aware": forms.Textarea(attrs={"rows": 2}),
            "processors_involved": forms.Textarea(attrs={"rows": 2}),
            "delay_reasons": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = late
        for field in self.fields.values():
            field.required = False
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = too_long_message(field.max_length)
        for name in ("people_affected", "records_affected"):
            self.fields[name].widget.attrs.update(inputmode="numeric")
            self.fields[name].validators.append(
                MaxValueValidator(MAX_APPROXIMATE_COUNT, f"Enter a number no bigger than {MAX_APPROXIMATE_COUNT:,}")
            )
        self.show_requirements()

    def show_requirements(self):
        """Label the fields a submission needs (GOV.UK marks the others "optional"). Validation
        stays lenient so a draft always saves; `services.submission_problems` has the last word."""
        required = set(services.SUBMISSION_REQUIRED)
        if self.late:
            required.add("delay_reasons")
        for name in required:
            self.fields[name].required = True

    def full_clean(self):
        # A draft saves with blanks; only types and lengths are checked here.
        marked = [name for name, field in self.fields.items() if field.required]
        for name in marked:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in marked:
                self.fields[name].required = True

    def _post_clean(self):
        # The service validates the model as a whole; here only the typed values matter.
        pass

    def clean_summary(self):
        # The one-sentence summary names the incident everywhere: a blank draft keeps the old one.
        return self.cleaned_data["summary"].strip() or self.instance.summary

    def clean_personal_data_involved(self):
        # Radios left unanswered keep the first notification's answer rather than erasing it.
        return self.cleaned_data["personal_data_involved"] or self.instance.personal_data_involved

    def clean_device_involved(self):
        return self.cleaned_data["device_involved"] or self.instance.device_involved

    def clean_happened_at(self):
        happened_at = self.cleaned_data["happened_at"]
        if happened_at is None:
            return None
        if happened_at > timezone.now() + services.AWARENESS_CLOCK_TOLERANCE:
            raise forms.ValidationError("When it happened must be now or in the past")
        if self.instance.aware_at and happened_at > self.instance.aware_at:
            raise forms.ValidationError(
                f"When it happened must be before you became aware of it ({local_time(self.instance.aware_at)})"
            )
        return happened_at

    def report_values(self) -> dict:
        """The valid part of what was sent (with errors elsewhere, still worth keeping). A field
        the request did not send at all is left out, so it stays as saved."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in self.errors and name in self.data
        }
