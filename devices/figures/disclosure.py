"""Disclosure control for published figures: a count from 1 to the threshold less one is held
back ("fewer than 5": primary suppression), and wherever cells add up to a total, a sum with one
cell held back would give it away by subtraction, so a second cell (the smallest non-zero part, or
else the total) is held back too (secondary suppression), until no sum has exactly one."""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings

from devices.figures.counts import Figures, FigureTable

PRIMARY = "primary"
SECONDARY = "secondary"


def threshold() -> int:
    return int(getattr(settings, "FIGURES_DISCLOSURE_THRESHOLD", 5))


class Cell(NamedTuple):  # a tuple: ten thousand of them a page at force scale
    value: int
    text: str
    held_back: str = ""  # "", PRIMARY or SECONDARY


@dataclass
class ShownTable:
    """A table as published: its cells' text, and a sentence for every cell held back."""

    table: FigureTable
    rows: list[tuple[tuple[str, ...], list[Cell]]]
    notes: list[str]

    @property
    def key(self) -> str:
        return self.table.key

    @property
    def withheld_reason(self) -> str:
        return self.table.withheld_reason


def held_back_cells(table: FigureTable, *, limit: int) -> dict[tuple[int, int], str]:
    """Which cells are held back, and how (PRIMARY or SECONDARY)."""
    held = {}
    for row, (_, values) in enumerate(table.rows):
        for column, value in enumerate(values):
            if 0 < value < limit:
                held[(row, column)] = PRIMARY
    changed = True
    while changed:
        changed = False
        for total, parts in table.sums:
            members = [total, *parts]
            if sum(1 for cell in members if cell in held) != 1:
                continue
            candidates = sorted(
                (table.value(cell), cell) for cell in parts if cell not in held and table.value(cell) > 0
            )
            if candidates:
                chosen = candidates[0][1]
            elif total not in held:
                chosen = total
            else:
                zeros = [cell for cell in parts if cell not in held]
                if not zeros:
                    continue
                chosen = zeros[0]
            held[chosen] = SECONDARY
            changed = True
    return held


def _cell_name(table: FigureTable, cell: tuple[int, int]) -> str:
    labels = [label for label in table.rows[cell[0]][0] if label]
    return f"{', '.join(labels)}: {table.columns[cell[1]]}"


def shown(table: FigureTable, *, limit: int | None = None) -> ShownTable:
    """The table as it may be published."""
    limit = threshold() if limit is None else limit
    if table.withheld_reason:
        return ShownTable(table=table, rows=[], notes=[f"Withheld as a whole: {table.withheld_reason}"])
    held = held_back_cells(table, limit=limit)
    texts = {PRIMARY: f"fewer than {limit}", SECONDARY: "held back"}
    rows = [
        (
            labels,
            [
                Cell(value, texts[how], how) if (how := held.get((row, column))) else Cell(value, str(value))
                for column, value in enumerate(values)
            ],
        )
        for row, (labels, values) in enumerate(table.rows)
    ]
    notes = []
    for cell, how in sorted(held.items()):
        if how == PRIMARY:
            why = f"a count from 1 to {limit - 1} could identify the people counted"
        else:
            why = "with the other figures it adds up with, it would give away a count held back"
        notes.append(f"{_cell_name(table, cell)}: held back because {why}.")
    return ShownTable(table=table, rows=rows, notes=notes)


def shown_figures(figures: Figures, *, limit: int | None = None) -> list[ShownTable]:
    return [shown(table, limit=limit) for table in figures.tables]
