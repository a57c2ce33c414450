"""Reads for devices."""

from django.db.models import QuerySet

from devices.models import Assignment
from portal.models import User


def assignments_open_for(*, user: User) -> QuerySet[Assignment]:
    """The kit a person holds now."""
    return (
        Assignment.objects.filter(holder=user, returned_at__isnull=True)
        .select_related("device__model", "issued_at_tech_bar")
        .order_by("issued_at")
    )
