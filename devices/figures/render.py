"""A set of figures as the FOI officer sends it: rows for a CSV (whose SHA-256 the disclosure log
keeps) and an XLSX workbook, every cell neutralised as every export is, and nothing in them that
depends on when they were produced, so the same instant gives the same bytes."""

import csv
import hashlib
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from devices.figures.counts import Figures
from devices.figures.disclosure import ShownTable, shown_figures, threshold
from portal.tables import export_cell


def _instant(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def export_rows(figures: Figures, *, reference: str = "", limit: int | None = None) -> list[list]:
    """Every table as published, one after another, under a heading of what was asked."""
    limit = threshold() if limit is None else limit
    rows: list[list] = [
        ["Freedom of Information reference", reference],
        ["Figures as things stood at", _instant(figures.as_of)],
        ["Command unit", figures.command_unit or "All command units"],
    ]
    if figures.range_start and figures.range_end:
        rows.append(["Activity from", _instant(figures.range_start), "to (not included)", _instant(figures.range_end)])
    rows.append([f"Counts from 1 to {limit - 1} show as", f"fewer than {limit}"])
    for table in shown_figures(figures, limit=limit):
        rows.extend(_table_rows(table))
    return [[export_cell(cell) for cell in row] for row in rows]


def _table_rows(table: ShownTable) -> list[list]:
    rows: list[list] = [[], [table.table.title]]
    if table.table.scope:
        rows.append([table.table.scope])
    if table.withheld_reason:
        rows.append(["Withheld", table.withheld_reason])
        return rows
    rows.append([*table.table.label_headers, *table.table.columns])
    rows.extend([*labels, *(cell.text for cell in cells)] for labels, cells in table.rows)
    rows.extend(["Note", note] for note in table.notes)
    return rows


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def csv_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Figures")
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
