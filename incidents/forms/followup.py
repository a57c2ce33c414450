"""After the report: updates and attachments, and the Data Office's triage, decision and status forms."""

from django import forms
from django.utils import timezone

from incidents import services
from incidents.forms.fields import bounded_text_field
from incidents.models import (
    LONG_TEXT,
    MEDIUM_TEXT,
    Incident,
    RegulatorDecision,
)
from incidents.selectors import data_office_reviewers
from portal.fields import LocalDateTimeField


class IncidentUpdateForm(forms.Form):
    text = bounded_text_field(
        "What is new?",
        max_length=LONG_TEXT,
        rows=5,
        help_text="The date and time are added for you. What was reported before stays as it was.",
        error_messages={"required": "Enter the update"},
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A screenshot, photo or document: PNG, JPEG, GIF, HEIC, PDF, TXT or CSV.",
        error_messages={"required": "Select a file to upload", "empty": "The file is empty"},
    )


class TriageForm(forms.Form):
    severity = forms.ChoiceField(
        choices=Incident.Severity.choices, widget=forms.RadioSelect, error_messages={"required": "Select a severity"}
    )
    likelihood = forms.ChoiceField(
        label="Likelihood of harm",
        choices=Incident.Likelihood.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the likelihood of harm"},
    )
    personal_data_breach = forms.TypedChoiceField(
        label="Is it a personal data breach?",
        choices=[("yes", "Yes: the 72-hour decision clock starts"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is a personal data breach"},
    )
    owner = forms.ModelChoiceField(
        queryset=None,
        label="Owner",
        help_text="The reviewer who sees it through.",
        error_messages={"required": "Select an owner"},
    )
    notes = bounded_text_field("Triage notes", max_length=MEDIUM_TEXT, rows=3, required=False)

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = data_office_reviewers().exclude(pk=incident.reporter_id)


class DecisionForm(forms.Form):
    regime = forms.ChoiceField(
        label="Which regime applies?",
        choices=RegulatorDecision.Regime.choices,
        widget=forms.RadioSelect,
        help_text="Part 3 covers processing for law-enforcement purposes; UK GDPR covers the rest.",
        error_messages={"required": "Select the regime that applies"},
    )
    risk_rating = forms.ChoiceField(
        label="Risk to the people affected",
        choices=RegulatorDecision.Risk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk rating"},
    )
    outcome = forms.ChoiceField(
        label="Decision",
        choices=RegulatorDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    ico_reference = forms.CharField(label="ICO case reference", max_length=100, required=False)
    ico_notified_at = LocalDateTimeField(label="When was the ICO notified?", required=False, help_text="In UK time.")
    people_told = forms.TypedChoiceField(
        label="Must the people affected be told?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the people affected must be told"},
    )
    people_told_reasons = bounded_text_field(
        "If not, why not?",
        max_length=MEDIUM_TEXT,
        rows=3,
        required=False,
        help_text="For a high risk, the exemption relied on, such as prejudice to an investigation.",
    )
    reasons = bounded_text_field(
        "Reasons for the decision",
        max_length=LONG_TEXT,
        rows=5,
        error_messages={"required": "Give the reasons for the decision"},
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident

    def clean(self):
        # Every problem at once: the same rules the service applies, shown against their fields.
        data = super().clean()
        problems = services.decision_problems(
            incident=self.incident,
            now=timezone.now(),
            risk_rating=data.get("risk_rating", ""),
            outcome=data.get("outcome", ""),
            reasons=data.get("reasons", ""),
            people_told=data.get("people_told"),
            people_told_reasons=data.get("people_told_reasons", ""),
            ico_reference=data.get("ico_reference", ""),
            ico_notified_at=data.get("ico_notified_at"),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Move to", widget=forms.RadioSelect, error_messages={"required": "Select a status"}
    )
    note = bounded_text_field(
        "Note",
        max_length=MEDIUM_TEXT,
        rows=3,
        required=False,
        help_text="When closing, say how the incident was resolved.",
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.STATUS_EDGES.get(incident.status, set())
        self.fields["status"].choices = [(value, label) for value, label in Incident.Status.choices if value in allowed]
