"""Input for the accessory pages of the Tech Bar admin: a delivery, a transfer, stocktake counts."""

from django import forms

from devices.accessories.models import AccessoryKind
from devices.accessories.services import MAX_QUANTITY
from devices.core.models import TechBar


def _kinds():
    return AccessoryKind.objects.filter(is_active=True).order_by("name")


def _bars():
    return TechBar.objects.filter(is_active=True).order_by("name")


class AccessoryDeliveryForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=_kinds(), label="Accessory")
    tech_bar = forms.ModelChoiceField(queryset=_bars(), label="Delivered to")
    quantity = forms.IntegerField(min_value=1, max_value=10_000)
    note = forms.CharField(max_length=300, required=False, help_text="For example the supplier's order number.")

    def __init__(self, data=None, *, own_tech_bars=None):
        super().__init__(data)
        if own_tech_bars is not None:  # a Tech Bar's staff record deliveries to their own Tech Bar only
            self.fields["tech_bar"].queryset = own_tech_bars.filter(is_active=True).order_by("name")


class AccessoryTransferForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=_kinds(), label="Accessory")
    from_tech_bar = forms.ModelChoiceField(queryset=_bars(), label="From")
    to_tech_bar = forms.ModelChoiceField(queryset=_bars(), label="To")
    quantity = forms.IntegerField(min_value=1, max_value=10_000)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, data=None, *, own_tech_bars=None):
        super().__init__(data)
        if own_tech_bars is not None:  # a Tech Bar's staff send from their own Tech Bar's shelves only
            self.fields["from_tech_bar"].queryset = own_tech_bars.filter(is_active=True).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_tech_bar") and cleaned.get("from_tech_bar") == cleaned.get("to_tech_bar"):
            self.add_error("to_tech_bar", "Choose another Tech Bar to send to.")
        return cleaned


class AccessoryCountForm(forms.Form):
    """One number per kind counted on the shelves; a kind left empty is not counted (yet)."""

    def __init__(self, data=None, *, kinds):
        super().__init__(data)
        self.kinds = list(kinds)
        for kind in self.kinds:
            self.fields[f"count-{kind.pk}"] = forms.IntegerField(
                min_value=0, max_value=100_000, required=False, label=f"{kind} ({kind.code}) counted"
            )

    def counts(self):
        return [
            (k, self.cleaned_data[f"count-{k.pk}"])
            for k in self.kinds
            if self.cleaned_data[f"count-{k.pk}"] is not None
        ]


__all__ = ["MAX_QUANTITY", "AccessoryCountForm", "AccessoryDeliveryForm", "AccessoryTransferForm"]
