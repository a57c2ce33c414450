"""Reads for the disclosure log: the list, and an entry re-checked against the history (the same
question asked again must give the same CSV, byte for byte; a mismatch is shown, never hidden)."""

import json
from dataclasses import dataclass

from django.db.models import QuerySet

from devices.figures.models import FigureDisclosure
from devices.figures.render import csv_sha256, csv_text, export_rows
from devices.figures.selectors import FiguresError, answer_figures


def disclosures() -> QuerySet[FigureDisclosure]:
    return FigureDisclosure.objects.select_related("produced_by").order_by("-produced_at", "-pk")


UNREADABLE = "The stored figures cannot be read: this log entry has been altered since it was saved."


def stored_rows(disclosure: FigureDisclosure) -> list[list]:
    """The rows as published. Rows that no longer read as rows (the entry was altered outside
    Kitbag: the audit chain says so too) become one row saying so, whose hash cannot match the
    one logged, so the re-check shows the mismatch instead of failing."""
    try:
        rows = json.loads(disclosure.figures)
    except ValueError:
        return [[UNREADABLE]]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return [[UNREADABLE]]
    return rows


@dataclass(frozen=True)
class Recheck:
    matches: bool
    stored_sha256: str
    stored_rows_sha256: str
    current_sha256: str
    problem: str = ""
    differences: tuple[tuple[int, list, list], ...] = ()


def disclosure_recheck(disclosure: FigureDisclosure) -> Recheck:
    """Compute the figures again as they were asked, and compare their CSV with the one logged."""
    stored = stored_rows(disclosure)
    stored_rows_sha = csv_sha256(csv_text(stored))
    try:
        figures = answer_figures(
            as_of=disclosure.as_of,
            command_unit=disclosure.command_unit,
            range_start=disclosure.range_start,
            range_end=disclosure.range_end,
            models_withheld_reason=disclosure.models_withheld_reason,
        )
    except FiguresError as error:
        return Recheck(False, disclosure.csv_sha256, stored_rows_sha, "", problem=str(error))
    current = export_rows(figures, reference=disclosure.reference, limit=disclosure.threshold)
    current_sha = csv_sha256(csv_text(current))
    differences = tuple(
        (number, old, new)
        for number, (old, new) in enumerate(zip(stored, current, strict=False), start=1)
        if [str(c) for c in old] != [str(c) for c in new]
    )[:20]
    if len(stored) != len(current) and not differences:
        differences = ((min(len(stored), len(current)) + 1, ["(rows differ in number)"], []),)
    matches = current_sha == disclosure.csv_sha256 == stored_rows_sha
    return Recheck(matches, disclosure.csv_sha256, stored_rows_sha, current_sha, differences=differences)
