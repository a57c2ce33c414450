"""The low-stock rule devices and accessories share: a Tech Bar's staff are told once when stock of
something falls below its level, and the alert re-arms once stock is back at or above it (one alert
per crossing, issue 23)."""

from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from devices.core.models import TechBar
from portal import services as portal_services
from portal.models import User


def low_stock_alert(
    *,
    level: models.Model,
    in_stock: int,
    fell: bool,
    tech_bar: TechBar,
    what: object,
    url: str,
    staff: Iterable[User],
) -> bool:
    """Apply the rule to `level`, a row with `minimum` and `alerted_at` that the caller has locked
    (select_for_update) in its transaction, after stock of `what` at `tech_bar` changed to `in_stock`.
    True when an alert went out to `staff`. `fell=False` after stock went up: that only ever re-arms,
    so 0 -> 1 -> 2 against a level of 3 tells nobody "1 left"."""
    if in_stock >= level.minimum:
        if level.alerted_at is not None:
            level.alerted_at = None
            level.save(update_fields=["alerted_at"])
        return False
    if not fell or level.alerted_at is not None:
        return False  # stock rose, or already told about this crossing
    level.alerted_at = timezone.now()
    level.save(update_fields=["alerted_at"])
    subject = f"Low stock at {tech_bar}: {in_stock} {what} left"
    body = (
        f"{tech_bar} has {in_stock} {what} in stock, below its level of {level.minimum}. "
        "Order more or ask another Tech Bar for a transfer."
    )
    for person in staff:
        portal_services.notify(recipient=person, subject=subject, body=body, url=url, cause=level)
    return True
