"""Template helpers that give Django form fields GOV.UK Frontend markup."""

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import get_language

from portal import localtime

register = template.Library()

_WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",  # nosec B105 # a CSS class for the password widget
    "number": "govuk-input govuk-input--width-10",
    "url": "govuk-input",
    "tel": "govuk-input govuk-input--width-20",
    "date": "govuk-input govuk-input--width-10",
    "datetime": "govuk-input govuk-input--width-20",
    "datetimeinput": "govuk-input govuk-input--width-20",
    "localdatetime": "govuk-input govuk-input--width-20",
    "dateinput": "govuk-input govuk-input--width-10",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "numberinput": "govuk-input govuk-input--width-10",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.simple_tag
def govuk_widget(field):
    """Render a bound field's widget with GOV.UK classes, error state and described-by links."""
    kind = field.widget_type
    classes = _WIDGET_CLASSES.get(kind, "")
    if field.errors and classes:
        first = classes.split()[0]
        if first in ("govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload"):
            classes += f" {first}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {}
    existing = field.field.widget.attrs.get("class", "")
    if classes or existing:
        attrs["class"] = f"{classes} {existing}".strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def time_left(deadline):
    """ "5 hours, 10 minutes left" or "2 hours, 3 minutes overdue", measured now."""
    if deadline is None:
        return ""
    now = timezone.now()
    if deadline >= now:
        return f"{_two_units(deadline - now) or timeuntil(deadline, now, depth=2)} left"
    return f"{_two_units(now - deadline) or timeuntil(now, deadline, depth=2)} overdue"


# What django.utils.timesince says under four weeks (no months or years to count by the calendar),
# worked out directly: a list shows two countdowns a row, and timeuntil's translated plurals cost
# ~50 us each. English only, as the site is; '' otherwise (timeuntil then answers).
_UNITS = (("week", 7 * 24 * 3600), ("day", 24 * 3600), ("hour", 3600), ("minute", 60))
_FOUR_WEEKS = 28 * 24 * 3600


def _two_units(delta) -> str:
    seconds = delta.days * 24 * 3600 + delta.seconds
    if seconds >= _FOUR_WEEKS or not (get_language() or "en").startswith("en"):
        return ""
    parts = []
    for name, size in _UNITS:
        value, seconds = divmod(seconds, size)
        if parts and (not value or len(parts) == 2):
            break
        if value:
            parts.append(f"{value}\xa0{name}{'' if value == 1 else 's'}")
    return ", ".join(parts) or "0\xa0minutes"


@register.filter
def local_time(moment):
    """ "25 Oct 2026 01:30 BST": local time with its zone, for deadlines and awareness times."""
    return localtime.local_time(moment)
