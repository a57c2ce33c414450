"""The site's one date-and-time field: UK local time in, an instant in UTC out, and the two
clock-change nights (2026-10-25 repeats 01:00-01:59, 2026-03-29 skips it) answered, not guessed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.utils import timezone

from portal.fields import LocalDateTimeField
from portal.localtime import local_time


class WhenForm(forms.Form):
    when = LocalDateTimeField(label="When?", initial=timezone.now)


class OptionalWhenForm(forms.Form):
    when = LocalDateTimeField(label="When?", required=False)


def cleaned(data: dict) -> datetime:
    form = WhenForm(data)
    assert form.is_valid(), form.errors
    return form.cleaned_data["when"]


def error(data: dict) -> str:
    form = WhenForm(data)
    assert not form.is_valid()
    return " ".join(form.errors["when"])


def what_the_browser_sends(html: str) -> dict:
    """The field's values as a browser submits the rendered page unchanged."""
    data = {"when": re.search(r'name="when" value="([^"]*)"', html).group(1)}
    checked = re.search(r'name="when_offset" type="radio" value="([^"]*)"[^>]*checked', html)
    if checked:
        data["when_offset"] = checked.group(1)
    return data


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2026-11-30T09:30", datetime(2026, 11, 30, 9, 30, tzinfo=UTC)),  # GMT
        ("2026-07-01T09:30", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),  # BST
        ("01/07/2026 09:30", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),  # typed where there is no picker
        ("2026-07-01 09:30:15", datetime(2026, 7, 1, 8, 30, 15, tzinfo=UTC)),
        ("2026-07-01T09:30+05:30", datetime(2026, 7, 1, 4, 0, tzinfo=UTC)),  # an explicit offset is exact
    ],
)
def test_a_typed_local_time_is_the_instant_it_names_in_utc(typed, instant):
    result = cleaned({"when": typed})
    assert result == instant and result.tzinfo == UTC


def test_a_time_in_the_repeated_october_hour_asks_which_one_and_keeps_what_was_typed():
    form = WhenForm({"when": "2026-10-25T01:30"})
    assert not form.is_valid()
    assert form.errors["when"] == [
        "01:30 on 25 October 2026 happens twice, because the clocks go back an hour that night. "
        "Choose which 01:30 you mean"
    ]
    html = str(form["when"])
    assert 'value="2026-10-25T01:30"' in html
    assert "01:30 BST, the first time" in html and "01:30 GMT, the second time" in html
    assert " checked" not in html


@pytest.mark.parametrize(
    ("offset", "instant"),
    [("+01:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)), ("+00:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))],
)
def test_on_the_october_clock_change_night_each_choice_is_its_own_instant(offset, instant):
    assert cleaned({"when": "2026-10-25T01:30", "when_offset": offset}) == instant
    assert cleaned({"when": f"2026-10-25T01:30{offset}"}) == instant
    # Chosen once, the choice is shown ticked when the page comes back for another reason.
    assert re.search(
        rf'value="\{offset}"[^>]*checked', str(WhenForm({"when": "2026-10-25T01:30", "when_offset": offset})["when"])
    )


def test_on_the_october_clock_change_night_an_offset_that_is_neither_time_asks_again():
    assert "happens twice" in error({"when": "2026-10-25T01:30", "when_offset": "+05:00"})


def test_on_the_october_clock_change_night_the_hours_either_side_need_no_choice():
    assert cleaned({"when": "2026-10-25T00:59"}) == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)
    assert cleaned({"when": "2026-10-25T02:00"}) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    # A left-over choice means nothing for a time that happens once.
    assert cleaned({"when": "2026-10-25T09:00", "when_offset": "+01:00"}) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert "when_offset" not in str(WhenForm({"when": "2026-10-25T09:00"})["when"])


@pytest.mark.parametrize("offset", ["", "+00:00", "+01:00"])
def test_a_time_in_the_hour_skipped_in_march_is_refused_with_the_reason(offset):
    form = WhenForm({"when": "2026-03-29T01:30", "when_offset": offset})
    assert not form.is_valid()
    assert form.errors["when"] == [
        "01:30 on 29 March 2026 does not exist in UK time: the clocks go forward from 01:00 to 02:00 that night. "
        "Enter a time before 01:00 or from 02:00"
    ]
    assert 'value="2026-03-29T01:30"' in str(form["when"])


def test_on_the_march_clock_change_night_the_hours_either_side_are_an_hour_apart():
    before, after = cleaned({"when": "2026-03-29T00:59"}), cleaned({"when": "2026-03-29T02:00"})
    assert before == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert after == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert after - before == timedelta(minutes=1)


@pytest.mark.parametrize(
    "typed",
    [
        "0001-01-01T00:00+23:59",  # overflowed converting to UTC
        "0001-01-01T00:00",
        "9999-12-31T23:59-23:59",
        "1899-12-31T23:59",
        "2101-01-01T00:00",
        "1900-01-01T00:30+01:00",  # 1899 in UTC
    ],
)
def test_a_date_outside_a_sane_range_is_a_field_error_not_a_crash(typed):
    assert error({"when": typed}) == "Check the year: enter a date between 1900 and 2100"


@pytest.mark.parametrize(
    "typed", ["yesterday", "2026-13-01T09:00", "2026-02-30T09:00", "31/02/2026 09:00", "2026-10-25", "25/10/2026"]
)
def test_text_that_is_not_a_date_and_time_says_so(typed):
    assert error({"when": typed}) == "Enter a real date and time, for example 14/03/2026 09:30"


def test_blank_is_none_when_optional_and_a_message_when_required():
    form = OptionalWhenForm({"when": ""})
    assert form.is_valid() and form.cleaned_data["when"] is None
    assert error({"when": ""}) == "This field is required."


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 10, 25, 0, 40, 59, tzinfo=UTC),  # 01:40 BST, the first time
        datetime(2026, 10, 25, 1, 40, 59, tzinfo=UTC),  # 01:40 GMT, the second time
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),  # 01:00 BST, the repeated hour's first minute
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 00:59 GMT, the minute before the missing hour
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:00 BST, the minute after it
        datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
    ],
    ids=str,
)
def test_the_default_now_sent_back_unchanged_is_always_valid_and_means_now(now):
    with time_machine.travel(now, tick=False):
        html = str(WhenForm()["when"])
    assert cleaned(what_the_browser_sends(html)) == now.replace(second=0)


def test_the_default_now_in_the_repeated_hour_shows_the_choice_already_made():
    with time_machine.travel(datetime(2026, 10, 25, 1, 40, tzinfo=UTC), tick=False):
        html = str(WhenForm()["when"])
    assert 'value="2026-10-25T01:40"' in html
    assert re.search(r'value="\+00:00"[^>]*checked', html) and not re.search(r'value="\+01:00"[^>]*checked', html)


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 Oct 2026 01:30 BST"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 Oct 2026 01:30 GMT"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 Mar 2026 02:00 BST"),
        (datetime(2026, 11, 24, 20, 28, tzinfo=UTC), "24 Nov 2026 20:28 GMT"),
    ],
)
def test_times_are_shown_in_uk_time_with_their_zone(instant, shown):
    assert local_time(instant) == shown
    assert Template("{% load govuk %}{{ when|local_time }}").render(Context({"when": instant})) == shown


def test_no_time_shows_as_nothing():
    assert Template("{% load govuk %}{{ when|local_time }}").render(Context({"when": None})) == ""
