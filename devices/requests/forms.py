"""Input for the kit request pages: asking for a device (for oneself, or a supervisor for a team
member), deciding on a request, and a Tech Bar reserving or releasing a device for one. The rules
themselves are the services' (devices.requests.services)."""

from django import forms

from devices.core.models import DeviceModel, TechBar
from devices.core.selectors import with_opening_hours
from devices.requests.models import DeviceRequest
from portal.models import User

MAX_TEXT = 1000


def _strip_required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError(message)
    return value


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.get_full_name()} ({person.payroll_number})"


class ModelChoiceFieldNamed(forms.ModelChoiceField):
    def label_from_instance(self, model):
        note = " (needs a Portal admin's approval too)" if model.approval_required else ""
        return f"{model} – {model.get_kind_display().lower()}{note}"


class DeviceRequestForm(forms.Form):
    """A request for a device. A supervisor also chooses who it is for (themselves or someone in
    their team); everyone else asks for themselves."""

    requester = PersonChoiceField(
        label="Who needs the device?",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose who needs the device", "invalid_choice": "Choose someone from your team"},
    )
    kind = forms.ChoiceField(
        label="What kind of device?",
        choices=DeviceModel.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of device", "invalid_choice": "Select a kind from the list"},
    )
    device_model = ModelChoiceFieldNamed(
        label="A specific model",
        queryset=DeviceModel.objects.filter(retired=False).order_by("kind", "make", "model_name"),
        required=False,
        empty_label="Any model of that kind",
        help_text="Only if you need one model (for example after a workplace needs assessment).",
        error_messages={
            "invalid_choice": "Choose a model from the list: that one is retired or not in the catalogue",
        },
    )
    reason = forms.ChoiceField(
        label="Why do you need it?",
        choices=DeviceRequest.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the device is needed", "invalid_choice": "Select a reason"},
    )
    details = forms.CharField(
        label="Details",
        max_length=MAX_TEXT,
        help_text="What the approver needs to know: for example the assessment's recommendation, or what "
        "happened to the old device.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the details of why the device is needed",
            "max_length": f"Keep the details to {MAX_TEXT} characters or fewer",
        },
    )
    collect_at = forms.ModelChoiceField(
        label="Which Tech Bar will you collect it from?",
        queryset=TechBar.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="Their opening hours are below the form.",
        error_messages={"required": "Choose a Tech Bar", "invalid_choice": "Choose an open Tech Bar from the list"},
    )

    def __init__(self, *args, user, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if team:
            people = [user.pk, *(person.pk for person in team)]
            self.fields["requester"].queryset = User.objects.filter(pk__in=people, is_active=True).order_by(
                "last_name", "first_name"
            )
        else:
            del self.fields["requester"]  # asking for oneself: nothing to choose
        self.fields["collect_at"].queryset = with_opening_hours(TechBar.objects.filter(is_active=True))

    @property
    def tech_bars(self):
        return self.fields["collect_at"].queryset

    def clean_details(self):
        return _strip_required(self.cleaned_data["details"], "Enter the details of why the device is needed")

    def clean(self):
        cleaned = super().clean()
        if "requester" not in self.fields:
            cleaned["requester"] = self.user
        model, kind = cleaned.get("device_model"), cleaned.get("kind")
        if model is not None and kind and model.kind != kind:
            self.add_error(
                "device_model",
                f"{model} is a {model.get_kind_display().lower()}: choose a "
                f"{DeviceModel.Kind(kind).label.lower()} model, or change the kind",
            )
        return cleaned


class DecisionForm(forms.Form):
    """Approve or refuse, with the reason (required for a refusal)."""

    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve"), (REFUSE, "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or refuse", "invalid_choice": "Select approve or refuse"},
    )
    why = forms.CharField(
        label="Reason",
        required=False,
        max_length=MAX_TEXT,
        help_text="Needed when you refuse: the requester sees it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep the reason to {MAX_TEXT} characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["why"] = (cleaned.get("why") or "").strip()
        if cleaned.get("decision") == self.REFUSE and not cleaned["why"]:
            self.add_error("why", "Enter the reason for refusing the request")
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ReserveForm(forms.Form):
    """Choose one of the in-stock devices that fit, or scan its asset tag."""

    device = forms.ModelChoiceField(
        label="Devices in stock here that fit",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "That device is no longer in stock here: choose another"},
    )
    code = forms.CharField(
        label="Or scan or type its asset tag",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = candidates

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("code") or "").strip()
        cleaned["code"] = code
        if not self.errors and cleaned.get("device") is None and not code:
            raise forms.ValidationError("Choose a device or scan its asset tag")
        return cleaned


class _ReasonForm(forms.Form):
    """One required reason, told to the requester."""

    required_message = ""

    def clean_why(self):
        return _strip_required(self.cleaned_data["why"], self.required_message)


def _reason_field(label: str, help_text: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": required_message,
            "max_length": f"Keep the reason to {MAX_TEXT} characters or fewer",
        },
    )


class ReleaseForm(_ReasonForm):
    required_message = "Enter why the device is released"
    why = _reason_field(
        "Why release the device?",
        "The requester is told; the request goes back to waiting for a device.",
        required_message,
    )


class CancelForm(_ReasonForm):
    required_message = "Enter why the request is cancelled"
    why = _reason_field(
        "Why cancel the request?",
        "For example “No longer needed” or “Moved to another team”. A device kept for it goes back to stock.",
        required_message,
    )


class TechBarQueueForm(forms.Form):
    """Which Tech Bar's requests to show: the staff member's own by default, any open one on
    request (covering another counter)."""

    tech_bar = forms.ModelChoiceField(
        queryset=TechBar.objects.filter(is_active=True),
        required=False,
        empty_label="My Tech Bars",
        label="Show requests collected at",
        error_messages={"invalid_choice": "Choose one of the listed Tech Bars."},
    )
