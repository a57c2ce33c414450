"""Template helpers that give Django form fields GOV.UK Frontend markup."""

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

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
        return f"{timeuntil(deadline, now, depth=2)} left"
    return f"{timeuntil(now, deadline, depth=2)} overdue"


@register.filter
def local_time(moment):
    """ "25 Oct 2026 01:30 BST": local time with its zone, for deadlines and awareness times."""
    return localtime.local_time(moment)
