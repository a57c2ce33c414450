"""Reads for the API: each a queryset whose cost does not grow with the page's rows."""

import datetime

from django.db.models import Q, QuerySet

from devices.models import Assignment, Device, LeaverCase
from policy import selectors as policy_selectors
from policy.models import Policy
from portal.models import User


def service_account_identifiers(identifiers) -> set[str]:
    """Which of these payroll-number-like identifiers are API service accounts' (a user with a
    token, revoked or not): never a person, whichever feed (HR API or CSV) names them."""
    return set(
        User.objects.filter(payroll_number__in=identifiers, api_tokens__isnull=False).values_list(
            "payroll_number", flat=True
        )
    )


def device_by_identity(*, mdm_device_id="", serial_number="", imei="", asset_tag="") -> list[Device]:
    """The devices any of these name (more than one: they disagree, or a serial is shared)."""
    query = Q(pk__in=[])
    for column, value in (
        ("mdm_enrolment_id", mdm_device_id),
        ("serial_number", serial_number),
        ("imei", "".join((imei or "").split())),
        ("asset_tag__iexact", asset_tag),  # one tag whatever its case
    ):
        if value:
            query |= Q(**{column: value})
    return list(Device.objects.filter(query)[:5])


def assignments_for_api() -> QuerySet[Assignment]:
    return Assignment.objects.select_related(
        "device__model", "holder", "issued_at_tech_bar", "returned_by", "issued_by"
    ).order_by("-issued_at", "-pk")


def policies_in_force() -> QuerySet[Policy]:
    return Policy.objects.order_by("name")


def policy_compliance_everyone(*, policy: Policy, now: datetime.datetime | None = None) -> QuerySet[User] | None:
    """Everyone the policy covers, each annotated with where they stand (None before any version is
    in effect): the Data Office's view of compliance, one query per page."""
    versions = policy_selectors.current_and_required(policy=policy, now=now)
    if versions is None:
        return None
    current, required = versions
    people = policy_selectors.people_covered(policy=policy)
    return policy_selectors.with_compliance(people, policy=policy, current=current, required=required).order_by(
        "payroll_number"
    )


def leaver_cases_ready_for_account_closure() -> QuerySet[LeaverCase]:
    """Closed cases (everything back or ended, signed off): the person's accounts may be closed.
    Newest first, so a system polling with `since` sees what is new."""
    return (
        LeaverCase.objects.filter(status=LeaverCase.Status.CLOSED, ready_for_account_closure_at__isnull=False)
        .select_related("person")
        .order_by("-ready_for_account_closure_at", "-pk")
    )
