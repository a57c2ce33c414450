"""Template helpers for incident pages: the report as label/value rows, status tags."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from incidents import ladders
from incidents.models import BreachKind, DataCategory, Incident, PeopleCategory
from incidents.selectors import Timeliness
from incidents.services import REPORT_FIELDS
from incidents.signals import incident_page_sections
from portal.localtime import local_time

register = template.Library()

_LISTS = {"breach_kinds": BreachKind, "people_categories": PeopleCategory, "data_categories": DataCategory}
# The report's fields, each first-notification field shown after the report field it belongs with.
_SHOWN_AFTER = {"happened_at": "aware_at", "devices_involved": "asset_tags"}
_ROWS = tuple(row for name in REPORT_FIELDS for row in (name, _SHOWN_AFTER.get(name)) if row)
_LABELS = {
    "summary": "In a sentence",
    "what_happened": "What happened",
    "where_happened": "Where",
    "happened_at": "When it happened",
    "aware_at": "When the reporter became aware",
    "breach_kinds": "Kind of breach",
    "first_seen_by": "Noticed by",
    "systems_involved": "Systems involved",
    "device_involved": "Device involved",
    "devices_involved": "Devices",
    "asset_tags": "Asset tags",
    "personal_data_involved": "Personal data involved",
    "people_categories": "Whose data",
    "people_affected": "People affected (approx.)",
    "data_categories": "Kinds of data",
    "records_affected": "Records (approx.)",
    "likely_consequences": "Likely consequences",
    "containment": "Containment",
    "others_aware": "Who else knows",
    "processors_involved": "Processors or suppliers",
    "delay_reasons": "Reasons for delay",
    "contact_phone": "Phone",
    "contact_email": "Email",
}


@register.simple_tag
def report_rows(incident: Incident, *, skip_blank: bool = True) -> list[tuple[str, str]]:
    """The report as (label, text) pairs, in the order a regulator reads them."""
    rows = []
    for name in _ROWS:
        value = getattr(incident, name)
        if name in _LISTS:
            labels = dict(_LISTS[name].choices)
            text = "; ".join(str(labels.get(v, v)) for v in value or [])
        elif hasattr(incident, f"get_{name}_display"):
            text = getattr(incident, f"get_{name}_display")()
        elif hasattr(value, "tzinfo"):
            text = local_time(value)
        else:
            text = "" if value is None else str(value)
        if text or not skip_blank:
            rows.append((_LABELS[name], text))
    return rows


_STATUS_TAGS = {
    Incident.Status.NOTIFIED: "govuk-tag--yellow",
    Incident.Status.REPORTED: "govuk-tag--blue",
    Incident.Status.TRIAGED: "govuk-tag--light-blue",
    Incident.Status.INVESTIGATING: "govuk-tag--purple",
    Incident.Status.CLOSED: "govuk-tag--grey",
}
_TIMELINESS_TAGS = {
    Timeliness.OVERDUE: "govuk-tag--red",
    Timeliness.LATE: "govuk-tag--red",
    Timeliness.DUE_SOON: "govuk-tag--orange",
    Timeliness.ON_TIME: "govuk-tag--green",
}


@register.filter
def status_tag_class(status: str) -> str:
    return _STATUS_TAGS.get(status, "")


@register.filter
def timeliness_tag_class(value: str) -> str:
    return _TIMELINESS_TAGS.get(value, "")


@register.filter
def timeliness_label(value: str) -> str:
    try:
        return Timeliness(value).label
    except ValueError:
        return ""


@register.filter
def step_description(step) -> str:
    rung = ladders.rung(step.step)
    return rung.description if rung else step.step


@register.simple_tag(takes_context=True)
def incident_sections(context, incident: Incident) -> str:
    """What other apps add to the incident page (see `incidents.signals`)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    replies = incident_page_sections.send(sender=Incident, incident=incident, user=user)
    return mark_safe("".join(str(conditional_escape(html)) for _receiver, html in replies if html))  # noqa: S308 # nosec B308 B703 # each part escaped
