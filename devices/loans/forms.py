"""The counter's loan input: for each pool device on the "handing over" list, the date it is due
back (`due-<asset tag>`), posted with the scan list on every post so nothing typed is lost."""

import datetime

from django import forms
from django.utils import timezone

from devices.core.models import Device
from devices.loans.models import LoanPoolDevice
from devices.loans.services import due_back_refusal
from portal.fields import LocalDateField


class LendForm(forms.Form):
    """A due-back date field for each pool device handed over. `rows` feeds the template,
    `terms()` the counter's confirm ({device pk: due-back date})."""

    def __init__(self, data, *, devices: list[Device], pooled: set[int] | None = None):
        """`pooled`: the pks of those devices in a loan pool, when the caller read them already."""
        super().__init__(data or None)
        if pooled is None:
            pooled = (
                set(LoanPoolDevice.objects.filter(device__in=devices).values_list("device_id", flat=True))
                if devices
                else set()
            )
        self.pool_devices = [device for device in devices if device.pk in pooled]
        for device in self.pool_devices:
            self.fields[f"due-{device.asset_tag}"] = LocalDateField(
                label=f"Due back ({device.asset_tag})",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": f"Enter the date {device.asset_tag} is due back, as a date."},
            )

    @property
    def rows(self) -> list[tuple[Device, forms.BoundField]]:
        return [(device, self[f"due-{device.asset_tag}"]) for device in self.pool_devices]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for device in self.pool_devices:
            name = f"due-{device.asset_tag}"
            if name in self.errors:
                continue
            refusal = due_back_refusal(cleaned.get(name), today=today)
            if refusal:
                self.add_error(name, f"{device.asset_tag} is a loan pool device, lent until a date: {refusal}")
        return cleaned

    def terms(self) -> dict[int, datetime.date]:
        return {device.pk: self.cleaned_data[f"due-{device.asset_tag}"] for device in self.pool_devices}

    def problems(self) -> list[str]:
        return [problem for problems in self.errors.values() for problem in problems]


class LoanExtendForm(forms.Form):
    """A loan's new due-back date (after today, within a year), and why, for the borrower's email."""

    due_back = LocalDateField(
        label="New due-back date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the new due-back date.", "invalid": "Enter the new due-back date as a date."},
    )
    reason = forms.CharField(
        label="Why (optional, told to the borrower)", max_length=200, required=False, widget=forms.TextInput()
    )

    def clean_due_back(self):
        due_back = self.cleaned_data["due_back"]
        refusal = due_back_refusal(due_back)
        if refusal:
            raise forms.ValidationError(refusal)
        return due_back
