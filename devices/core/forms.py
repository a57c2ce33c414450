"""Input for the holder's reports (what happened to the device, and for a loss when and where) and
for the Tech Bar counter (choosing the counter, finding a person, the scan list)."""

from django import forms
from django.utils import timezone

from devices.core.codes import imei_check_digit_ok
from devices.core.models import Assignment, Device, TechBar
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


TAKE_BACK_REASONS = [
    ("", "Choose a reason"),
    *((value, Assignment.ReturnReason(value).label) for value in Assignment.COUNTER_REASONS),
]


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


class DeviceAdminForm(forms.ModelForm):
    """The device admin's form: an IMEI must pass its check digit, as the counter's scanner does."""

    class Meta:
        model = Device
        # Custody (status, holder) is never a form field; the admin makes tech_bar read-only on change.
        fields = [
            "asset_tag", "serial_number", "imei", "phone_number", "sim_iccid", "model",
            "mdm_enrolment_id", "purchase_date", "end_of_life_date", "tech_bar",
        ]  # fmt: skip

    def clean_imei(self):
        imei = (self.cleaned_data.get("imei") or "").strip()
        if imei and not imei_check_digit_ok(imei):
            raise forms.ValidationError("Enter the 15-digit IMEI exactly as printed: this one's check digit is wrong.")
        return imei


class CounterLossForm(LossForm):
    """Tech Bar staff reporting a device lost or stolen for the person at the counter."""

    kind = forms.ChoiceField(
        label="Lost or stolen?",
        choices=KIND_CHOICES[:2],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is lost or stolen"},
    )
    field_order = ["kind", "noticed_at", "where"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noticed_at"].label = "When did they notice it was missing?"
        self.fields["where"].label = "Where were they, or where do they think it went?"
