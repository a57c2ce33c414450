"""What the leaver services share: the error, the timeline, locks and the case's page."""

from django.urls import NoReverseMatch, reverse

from devices.core.services import DeviceError
from devices.leavers.models import LeaverCase, LeaverEvent, LeaverLine
from portal.models import User


class LeaverError(DeviceError):
    """A leaver service refused: `message` says why, in words for the page. A `DeviceError`, so
    the counter's pages show it like any other refusal of a custody change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class LeaverNotAllowed(LeaverError):
    """The actor may not do this (the views check the predicates of devices.permissions first)."""


def event(
    case: LeaverCase, kind: str, actor: User | None, note: str = "", *, line: LeaverLine | None = None
) -> LeaverEvent:
    return LeaverEvent.objects.create(
        case=case, kind=kind, actor=actor if actor is not None and actor.pk else None, line=line, note=note
    )


def lock_case(pk: int) -> LeaverCase:
    """The case row, locked: every service that changes a case or its lines, and the timer sweep
    firing its steps, takes this lock first (a device's lock, where one is needed, before it)."""
    return LeaverCase.objects.select_for_update(of=("self",)).select_related("person__supervisor").get(pk=pk)


def case_url(case: LeaverCase) -> str:
    """The case's page, for notifications (built by the leaver pages; empty until they exist)."""
    try:
        return reverse("devices:leaver_case", args=[case.pk])
    except NoReverseMatch:
        return ""


def outstanding(case: LeaverCase):
    return case.lines.filter(ended_at__isnull=True).select_related("assignment__device__model", "property_kind")
