"""Input for the holder's reports: what happened to the device, and for a loss when and where."""

from django import forms
from django.utils import timezone

from incidents import services as incident_services
from incidents.forms import AWARENESS_LOOKBACK
from portal.fields import LocalDateTimeField

KIND_CHOICES = [
    ("lost", "Lost"),
    ("stolen", "Stolen"),
    ("faulty", "Faulty or damaged"),
]


class ReportKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What has happened to it?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is lost, stolen, or faulty or damaged"},
    )


class LossForm(forms.Form):
    # The one date-and-time field of the site: local time in, an instant out, clock changes asked.
    noticed_at = LocalDateTimeField(
        label="When did you notice it was missing?",
        initial=timezone.now,
        help_text="The date and time you first knew. The security incident's 12-hour clock starts then.",
    )
    where = forms.CharField(
        label="Where were you, or where do you think it went?",
        max_length=300,
        help_text="For example: “On the 18:10 train from Croydon” or “Left on the counter at Brixton custody”.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter where it was lost or stolen",
            "max_length": "Keep it to 300 characters or fewer; add detail in the full report",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noticed_at"].error_messages.update(
            required="Enter the date and time you noticed",
            invalid="Enter the date and time you noticed, for example 14/03/2025 09:30",
        )

    def clean_noticed_at(self):
        noticed_at = self.cleaned_data["noticed_at"]
        now = timezone.now()
        if noticed_at > now + incident_services.AWARENESS_CLOCK_TOLERANCE:
            raise forms.ValidationError("The time you noticed must be now or in the past")
        if noticed_at < now - AWARENESS_LOOKBACK:
            raise forms.ValidationError("Check the year: the time you noticed is more than 5 years ago")
        return noticed_at

    def clean_where(self):
        where = self.cleaned_data["where"].strip()
        if not where:
            raise forms.ValidationError("Enter where it was lost or stolen")
        return where
