"""What every incident service shares: its errors, the row lock, timeline entries, validation,
messages to the Data Office and the wording of times."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil

from incidents import selectors
from incidents.models import (
    Incident,
    IncidentEvent,
    IncidentStep,
)
from portal import timers
from portal.errors import Conflict, DomainError
from portal.services import notify, notify_address

# An awareness time typed as "now" on a watch a little ahead of the server is taken as now.
AWARENESS_CLOCK_TOLERANCE = timedelta(minutes=1)


class IncidentError(ValidationError, DomainError):
    """A rule of the incident workflow was broken; the view shows it as a form error."""


class NotAllowed(PermissionDenied, DomainError):
    """This person may not do this to this incident: Django's 403 page, not a message on a form."""

    status = 403


class ReportAlreadySubmitted(NotAllowed):
    """The reporter's full report is in already: a repeat of the submit (a double click) or a save
    from a page left open. Views show the submitted report with a message, not a refusal."""


class StaleDraft(ValidationError, Conflict):
    """A save from a page showing an older version of the draft than the one saved since (another
    tab or device): refused, so that it cannot overwrite newer work."""

    def __init__(self):
        super().__init__(
            {
                NON_FIELD_ERRORS: [
                    "This report has been saved from another tab or device since this page was opened, so "
                    "these changes were not saved: they would overwrite newer work. Reload the page to see "
                    "the latest version (copy anything you typed here that you want to keep first)."
                ]
            }
        )


class AlreadyOpened(Exception):
    """This first-notification form was sent before (a double click, a retry): `incident` is the
    one that submission opened. Nothing else happens, and no one is alerted twice."""

    def __init__(self, incident: Incident):
        super().__init__(incident.reference)
        self.incident = incident


def _locked(incident: Incident) -> Incident:
    """The incident, re-read under a row lock: every service starts here."""
    return Incident.objects.select_for_update(of=("self",)).select_related("reporter", "owner").get(pk=incident.pk)


def _event(incident, kind, actor, text, *, visible_to_reporter=True) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        at=timers.current_time(),
        kind=kind,
        actor=actor,
        text=text,
        visible_to_reporter=visible_to_reporter,
    )


def _tell_data_office(incident: Incident, *, subject: str, body: str = "", cause=None) -> None:
    """Email the duty inbox (through the outbox) and show the same message to every Data Office
    reviewer in the portal, so a mail outage cannot hide it."""
    url = incident.get_review_url()
    notify_address(
        address=settings.DATA_OFFICE_DUTY_EMAIL,
        subject=subject,
        body=body,
        url=url,
        label="the Data Office duty inbox",
        cause=cause or incident,
    )
    _tell_reviewers(incident, subject=subject, body=body)


def _tell_reviewers(incident: Incident, *, subject: str, body: str = "") -> None:
    # Read once for a whole batch of escalation steps that the timer sweep fires together.
    reviewers = timers.memo("incidents.data_office_reviewers", lambda: list(selectors.data_office_reviewers()))
    for reviewer in (r for r in reviewers if r.pk != incident.reporter_id):
        notify(recipient=reviewer, subject=subject, body=body, url=incident.get_review_url(), email=False)


def _check_length(field: str, text: str, limit: int) -> None:
    """Free text that goes into the timeline (which has no form of its own) is bounded here."""
    if len(text or "") > limit:
        raise IncidentError({field: f"This answer must be {limit:,} characters or fewer (it has {len(text)})"})


def _validated(instance) -> None:
    """Model validation, its failures reported as a broken rule (a form error, never a crash)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise IncidentError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _when(moment: datetime | None) -> str:
    # With the zone, as portal.localtime.local_time shows it: across a clock change, a deadline
    # 12 real hours after awareness reads 11 or 13 hours later on the clock.
    if not moment:
        return "—"
    local = timezone.localtime(moment)
    return f"{date_format(local, 'j M Y H:i')} {local.tzname()}"


def _left(deadline: datetime, step: IncidentStep) -> str:
    if step.fired_at >= deadline:
        return "0 minutes (overdue)"
    return _words(timeuntil(deadline, step.fired_at, depth=2))


def _words(text: str) -> str:
    # timeuntil joins numbers and units with no-break spaces; email subjects want plain ones.
    return text.replace("\xa0", " ")
