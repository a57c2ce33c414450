"""The one date-and-time form field for the whole site: a person types UK local time, the form
gets an aware instant in UTC.

The awkward hours are answered, never guessed: a time in the hour repeated when the clocks go back
asks which of the two is meant (a choice under the field, or an explicit UTC offset typed with the
time: `2026-10-25T01:30+01:00`); a time in the hour skipped when they go forward is refused with
the reason. Dates outside a sane range are a field error, never an overflow."""

from datetime import UTC, datetime
from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from portal.localtime import offset_text, wall_time

# What a person might type where the phone's date-and-time picker is missing (or in a test
# client): ISO 8601 with or without an offset, or the UK's day/month/year.
TYPED_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y, %H:%M")

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class TypedDateTime(NamedTuple):
    """What came from the page: the text in the box and, in the repeated hour, which one
    (the UTC offset of the chosen instant, "+01:00" or "+00:00")."""

    text: str
    offset: str = ""


def _typed(moment: datetime) -> TypedDateTime:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    text = local.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
    return TypedDateTime(text, offset_text(local) if timezone.is_aware(local) else "")


def _parse(text: str) -> datetime | None:
    """The typed text as a datetime (aware if it carried an offset), or None if it is not one."""
    text = text.strip()
    if ":" not in text:
        return None  # a date alone is not a time of day (ISO parsing would make it midnight)
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is not None:
        return parsed
    for fmt in TYPED_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


class LocalDateTimeInput(forms.DateTimeInput):
    """A phone's native date-and-time picker. When the time shown falls in the hour the clocks
    repeat, radios under it ask which one is meant (and keep the answer once given)."""

    input_type = "datetime-local"
    template_name = "portal/forms/widgets/local_datetime.html"
    choice_suffix = "_offset"

    def value_from_datadict(self, data, files, name) -> TypedDateTime | None:
        text = data.get(name)
        offset = data.get(name + self.choice_suffix) or ""
        if text is None and not offset:
            return None
        return TypedDateTime(str(text or ""), str(offset))

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and name + self.choice_suffix not in data

    def format_value(self, value):
        if isinstance(value, datetime):
            value = _typed(value)
        if isinstance(value, TypedDateTime):
            return value.text or None
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, datetime):
            value = _typed(value)
        context["widget"]["which"] = self._which(name, value, context["widget"]["attrs"].get("id", name))
        return context

    def _which(self, name: str, value, field_id: str) -> dict | None:
        """The choice between the two instants of a repeated wall-clock time, if it is one."""
        if not isinstance(value, TypedDateTime):
            value = TypedDateTime(str(value or ""))
        parsed = _parse(value.text)
        if parsed is None or timezone.is_aware(parsed) or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            return None
        wall = wall_time(parsed)
        if not wall.is_ambiguous:
            return None
        options = []
        for number, (instant, order) in enumerate(zip(wall.instants, ("first", "second"), strict=True)):
            offset = offset_text(instant)
            options.append(
                {
                    "id": f"{field_id}{self.choice_suffix}_{number}",
                    "value": offset,
                    "label": f"{instant:%H:%M} {instant.tzname()}, the {order} time",
                    "hint": f"UTC{offset}",
                    "checked": value.offset == offset,
                }
            )
        return {
            "name": name + self.choice_suffix,
            "legend": f"Which {parsed:%H:%M}? The clocks go back that night, so it happens twice.",
            "options": options,
        }


class LocalDateTimeField(forms.Field):
    """A date and time typed in UK local time; cleans to an aware datetime in UTC."""

    widget = LocalDateTimeInput
    default_error_messages = {
        "invalid": "Enter a real date and time, for example 14/03/2026 09:30",
        "out_of_range": "Check the year: enter a date between %(earliest)s and %(latest)s",
        "ambiguous": (
            "%(time)s on %(date)s happens twice, because the clocks go back an hour that night. "
            "Choose which %(time)s you mean"
        ),
        "missing": (
            "%(time)s on %(date)s does not exist in UK time: the clocks go forward from %(start)s to %(end)s "
            "that night. Enter a time before %(start)s or from %(end)s"
        ),
    }

    def __init__(self, *, earliest_year: int = EARLIEST_YEAR, latest_year: int = LATEST_YEAR, **kwargs):
        self.earliest_year = earliest_year
        self.latest_year = latest_year
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # The initial value (an instant, or "now" as a callable's result) shown as local time with
        # its offset, so that resubmitting it unchanged always means the same instant.
        if isinstance(value, datetime):
            return _typed(value)
        return value

    def to_python(self, value) -> datetime | None:
        if isinstance(value, datetime):
            value = _typed(value) if timezone.is_naive(value) else TypedDateTime(value.isoformat())
        if value is None or isinstance(value, str):
            value = TypedDateTime(value or "")
        if not value.text.strip():
            return None
        parsed = _parse(value.text)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        self._check_range(parsed)
        if timezone.is_aware(parsed):
            try:
                instant = parsed.astimezone(UTC)
            except OverflowError:
                raise self._out_of_range() from None
        else:
            instant = self._resolve(parsed, value.offset)
        self._check_range(instant)
        return instant

    def _resolve(self, naive: datetime, offset: str) -> datetime:
        wall = wall_time(naive)
        when = {"time": f"{naive:%H:%M}", "date": date_format(naive, "j F Y")}
        if wall.is_missing:
            start, end = wall.missing_hour()
            raise ValidationError(
                self.error_messages["missing"],
                code="missing",
                params={**when, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
        chosen = [instant for instant in wall.instants if len(wall.instants) == 1 or offset_text(instant) == offset]
        if len(chosen) != 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params=when)
        return chosen[0].astimezone(UTC)

    def _check_range(self, moment: datetime) -> None:
        if not self.earliest_year <= moment.year <= self.latest_year:
            raise self._out_of_range()

    def _out_of_range(self) -> ValidationError:
        return ValidationError(
            self.error_messages["out_of_range"],
            code="out_of_range",
            params={"earliest": self.earliest_year, "latest": self.latest_year},
        )

    def has_changed(self, initial, data) -> bool:
        try:
            data = self.to_python(data)
            initial = self.to_python(initial)
        except ValidationError:
            return True
        return initial != data


class LocalDateField(forms.DateField):
    """A date (a local calendar day) in the same sane range as LocalDateTimeField: outside it is a
    field error, never an overflow when a day is added or the date becomes an instant."""

    default_error_messages = {"out_of_range": "Check the year: enter a date between %(earliest)s and %(latest)s"}

    def __init__(self, *, earliest_year: int = EARLIEST_YEAR, latest_year: int = LATEST_YEAR, **kwargs):
        self.earliest_year, self.latest_year = earliest_year, latest_year
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not self.earliest_year <= value.year <= self.latest_year:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"earliest": self.earliest_year, "latest": self.latest_year},
            )


class LocalDateFilter(django_filters.DateFilter):
    """django-filter's DateFilter with LocalDateField: every filter by a date on the site."""

    field_class = LocalDateField
