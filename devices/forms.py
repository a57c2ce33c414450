"""Input for the Tech Bar counter: choosing the counter, finding a person, and the scan list."""

from django import forms

from devices.models import Assignment, Device, TechBar
from devices.selectors import imei_check_digit_ok

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
