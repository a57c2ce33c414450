"""The shape of a set of figures: tables of counts, each with the sums that hold between its cells
(what disclosure control must protect), before any cell is held back."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FigureTable:
    """One table of counts. `rows` are (label cells, counts) in a fixed order; `sums` say which
    cells add up to which: ((row, column) of the total, [(row, column) of each part]). A table
    withheld as a whole carries its reason instead of its rows."""

    key: str
    title: str
    label_headers: list[str]
    columns: list[str]
    rows: list[tuple[tuple[str, ...], list[int]]] = field(default_factory=list)
    sums: list[tuple[tuple[int, int], list[tuple[int, int]]]] = field(default_factory=list)
    scope: str = ""
    withheld_reason: str = ""

    def value(self, cell: tuple[int, int]) -> int:
        return self.rows[cell[0]][1][cell[1]]


@dataclass
class Figures:
    """Every table as things stood at `as_of` (and, for the activity table, over a date range)."""

    as_of: datetime
    command_unit: str
    range_start: datetime | None
    range_end: datetime | None
    history_start: datetime | None
    tables: list[FigureTable]

    def table(self, key: str) -> FigureTable | None:
        return next((t for t in self.tables if t.key == key), None)


def add_total_row(table: FigureTable, *, additive: list[bool], total_values: list[int] | None = None) -> None:
    """Append a "Total" row: the sum of each additive column (a sum to protect), and for the others
    the given value (for example people holding any kind: one person can hold two kinds)."""
    parts = len(table.rows)
    totals = []
    for column, adds in enumerate(additive):
        if adds:
            totals.append(sum(values[column] for _, values in table.rows))
        else:
            totals.append(total_values[column] if total_values else 0)
    labels = ("Total",) + ("",) * (len(table.label_headers) - 1)
    table.rows.append((labels, totals))
    for column, adds in enumerate(additive):
        if adds and parts:
            table.sums.append(((parts, column), [(row, column) for row in range(parts)]))


def add_row_sum(table: FigureTable, *, total_column: int, part_columns: list[int]) -> None:
    """In every row, the total column is the sum of the part columns."""
    for row in range(len(table.rows)):
        table.sums.append(((row, total_column), [(row, column) for column in part_columns]))
