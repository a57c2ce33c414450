"""What the Figures page asks: an as-of date (and time, by default the end of that day, UK time),
a command unit, an optional date range for activity, a reason to withhold the make and model table,
and, to log an answer, its FOI reference."""

import datetime
import re

from django import forms
from django.utils import timezone

from devices.figures.selectors import command_units
from portal.localtime import offset_text, wall_time

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./\- ]{2,49}$")


def end_of_local_day(day: datetime.date) -> datetime.datetime:
    """The last instant of a UK day (the next local midnight, less a microsecond): the clocks
    change at 01:00 or 02:00, never at midnight, so midnight always exists once."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0))
    return timezone.make_aware(midnight, timezone.get_current_timezone()) - datetime.timedelta(microseconds=1)


def start_of_local_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)), timezone.get_current_timezone())


class FiguresForm(forms.Form):
    as_of_date = forms.DateField(
        label="As of date", widget=forms.DateInput(attrs={"type": "date"}), help_text="UK date, for example 2023-04-08."
    )
    as_of_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="UK time on that date. Leave it empty for the end of the day.",
    )
    as_of_offset = forms.ChoiceField(
        label="In the hour the clocks go back, which one (optional)",
        required=False,
        choices=[
            ("", "Not needed"),
            ("+01:00", "The first, British Summer Time (+01:00)"),
            ("+00:00", "The second, Greenwich Mean Time (+00:00)"),
        ],
        help_text="Only for a time on the last Sunday of October between 01:00 and 02:00, which happens twice.",
    )
    command_unit = forms.ChoiceField(label="Command unit", required=False)
    activity_from = forms.DateField(
        label="Activity from (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    activity_to = forms.DateField(
        label="Activity to (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Both dates included: issues, returns, losses and thefts in between are counted.",
    )
    withhold_models_reason = forms.CharField(
        label="Withhold the make and model table because (optional)",
        required=False,
        max_length=500,
        help_text="For example: section 31(1)(a), law enforcement. The answer carries this reason instead.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["command_unit"].choices = [("", "All command units")] + [(u, u) for u in command_units()]

    def clean(self):
        data = super().clean()
        day, at = data.get("as_of_date"), data.get("as_of_time")
        if day is not None:
            if at is None:
                data["as_of"] = end_of_local_day(day)
            else:
                moment = wall_time(datetime.datetime.combine(day, at))
                if moment.is_missing:
                    self.add_error("as_of_time", "The clocks went forward then: that time did not happen in the UK.")
                elif moment.is_ambiguous:
                    chosen = [i for i in moment.instants if offset_text(i) == data.get("as_of_offset")]
                    if chosen:
                        data["as_of"] = chosen[0].astimezone(datetime.UTC)
                    else:
                        self.add_error(
                            "as_of_offset",
                            "The clocks went back then: that time happened twice. Choose which one.",
                        )
                else:
                    data["as_of"] = moment.instants[0].astimezone(datetime.UTC)
            if data.get("as_of") and data["as_of"] > timezone.now():
                self.add_error("as_of_date", "Figures are given for a time that has passed, not the future.")
                data.pop("as_of")
        start, end = data.get("activity_from"), data.get("activity_to")
        if bool(start) != bool(end):
            self.add_error(
                "activity_to" if start else "activity_from", "Give both dates of the activity range, or neither."
            )
        elif start and end:
            if end < start:
                self.add_error("activity_to", "The range ends before it starts.")
            else:
                data["range_start"] = start_of_local_day(start)
                data["range_end"] = start_of_local_day(end + datetime.timedelta(days=1))
        return data


class DisclosureForm(forms.Form):
    reference = forms.CharField(
        label="FOI reference", max_length=50, help_text="As the request was logged, for example 01.FOI.23.029741."
    )

    def clean_reference(self):
        value = " ".join(self.cleaned_data["reference"].split())
        if not REFERENCE.match(value):
            raise forms.ValidationError("An FOI reference is 3 to 50 letters, digits, dots, slashes or dashes.")
        return value
