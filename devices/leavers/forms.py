"""Input for the leaver pages: a supervisor's leaving date, and the reasons a line ends without
coming back (lost, written off). The rules themselves are the service's (devices.leavers.services)."""

from django import forms

from portal.models import leaving_date_problem


class LeavingDateForm(forms.Form):
    """Set, move or clear a team member's leaving date. Clearing needs the reason the person stays."""

    SET, CLEAR = "set", "clear"

    leaving_date = forms.DateField(
        label="Leaving date",
        required=False,
        help_text="Their last working day. Reminders go to them and to you 14 and 3 days before.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the leaving date, or clear it with a reason",
            "invalid": "Enter the leaving date as a real date, for example 31/03/2027",
        },
    )
    reason = forms.CharField(
        label="Reason for clearing the date",
        required=False,
        max_length=500,
        help_text="Only when you clear the date: for example “Decided to stay” or “Transfer cancelled”.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the reason to 500 characters or fewer"},
    )

    def __init__(self, *args, action: str = SET, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)
        # A date is needed to set one; clearing needs only the reason.
        self.fields["leaving_date"].required = action == self.SET

    def clean_leaving_date(self):
        leaving_date = self.cleaned_data["leaving_date"]
        problem = leaving_date_problem(leaving_date)
        if problem:
            raise forms.ValidationError(problem)
        return leaving_date

    def clean(self):
        cleaned = super().clean()
        if self.action == self.CLEAR:
            cleaned["leaving_date"] = None
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", "Enter the reason for clearing the leaving date")
        return cleaned


class LineLostForm(forms.Form):
    details = forms.CharField(
        label="What happened to it?",
        required=False,
        max_length=500,
        help_text="For a device this opens its security incident with these words.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to 500 characters or fewer"},
    )


class LineWriteOffForm(forms.Form):
    reason = forms.CharField(
        label="Why is it written off?",
        max_length=500,
        help_text="You approve the write-off: your name is recorded with the reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why it is written off",
            "max_length": "Keep the reason to 500 characters or fewer",
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why it is written off")
        return reason
