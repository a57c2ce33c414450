"""Writes for the figures: an answer to a Freedom of Information request saved in the disclosure
log (one transaction; the log's row is its own audit record, chained and append-only)."""

import json
import logging
from datetime import datetime

from django.db import transaction

from devices import permissions
from devices.figures.models import FigureDisclosure
from devices.figures.render import csv_sha256, csv_text, export_rows
from devices.figures.selectors import answer_figures
from portal.errors import DomainError
from portal.models import User

logger = logging.getLogger(__name__)


class DisclosureNotAllowed(DomainError):
    status = 403


@transaction.atomic
def figures_disclosure_record(
    *,
    actor: User,
    reference: str,
    as_of: datetime,
    command_unit: str = "",
    range_start: datetime | None = None,
    range_end: datetime | None = None,
    models_withheld_reason: str = "",
    threshold: int,
) -> FigureDisclosure:
    """Compute the figures as asked, and log them with their CSV's SHA-256 under the reference."""
    if not permissions.can_view_figures(actor):
        raise DisclosureNotAllowed("Only the Data Office and Portal admins give figures.")
    reference = " ".join((reference or "").split())
    if not reference:
        raise DomainError("Give the request's FOI reference.")
    figures = answer_figures(
        as_of=as_of,
        command_unit=command_unit,
        range_start=range_start,
        range_end=range_end,
        models_withheld_reason=models_withheld_reason,
    )
    rows = export_rows(figures, reference=reference, limit=threshold)
    disclosure = FigureDisclosure.objects.create(
        reference=reference[:50],
        as_of=as_of,
        command_unit=command_unit,
        range_start=range_start,
        range_end=range_end,
        threshold=threshold,
        models_withheld_reason=models_withheld_reason,
        produced_by=actor,
        figures=json.dumps(rows, ensure_ascii=False),
        csv_sha256=csv_sha256(csv_text(rows)),
    )
    logger.info("figures disclosed under %s by %s (as of %s)", reference, actor, as_of.isoformat())
    return disclosure
