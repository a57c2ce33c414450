"""What the incident forms share: text limits and their messages, tick boxes and the draft version a page showed."""

from datetime import timedelta

from django import forms

# The largest number an integer column holds on PostgreSQL; a bigger one is a message, not a crash.
MAX_APPROXIMATE_COUNT = 2_147_483_647


def too_long_message(limit: int) -> str:
    return f"This answer must be {limit:,} characters or fewer (it has %(show_value)d)"


def bounded_text_field(label: str, *, max_length: int, rows: int, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": too_long_message(max_length), **kwargs.pop("error_messages", {})},
        **kwargs,
    )


# Catches a mistyped year (0025 for 2025); a real awareness this old goes to the Data Office directly.
AWARENESS_LOOKBACK = timedelta(days=5 * 366)


class TickBoxesField(forms.MultipleChoiceField):
    """Tick boxes sent with an empty hidden value beside them (see report_form.html), so that
    "none ticked" can be told from "not sent" (a partial or empty autosave changes nothing)."""

    def to_python(self, value):
        return [item for item in super().to_python(value) if item != ""]


def posted_draft_version(data) -> int | None:
    """The draft version a report page was showing (None if it sent none; -1, which never
    matches, if what it sent is not a version)."""
    value = (data.get("draft_version") or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() else -1
