"""The Figures page's tables as HTML rows, joined here rather than rendered cell by cell through the
template engine: at force scale the table by command unit and team has a thousand rows, ten
thousand cells and thousands of notes, and the template's loops over them took longer than the
SQL. The markup is exactly what the loops of templates/devices/figures/_table.html and
disclosure.html gave."""

from dataclasses import dataclass
from html import escape  # what Django's escape() does, without a SafeString per cell

from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from devices.figures.counts import FigureTable
from devices.figures.disclosure import ShownTable

_ROW = '\n    <tr class="govuk-table__row">\n      {labels}\n      {cells}\n    </tr>\n  '
_FIRST_LABEL = '<th scope="row" class="govuk-table__header">{}</th>'
_LABEL = '<td class="govuk-table__cell">{}</td>'
_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
_HELD_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric"><strong>{}</strong></td>'


@dataclass(frozen=True)
class PageTable:
    """A table as published, with its body rows and its notes as HTML for the page."""

    shown: ShownTable
    rows_html: SafeString
    notes_html: SafeString

    @property
    def table(self) -> FigureTable:
        return self.shown.table

    @property
    def withheld_reason(self) -> str:
        return self.shown.withheld_reason

    @property
    def notes(self) -> list[str]:
        return self.shown.notes


def rows_html(shown: ShownTable) -> SafeString:
    """The table's body rows: the first label a row header, every cell held back in bold."""
    rows = []
    for labels, cells in shown.rows:
        label_html = "".join(
            (_LABEL if n else _FIRST_LABEL).format(escape(str(label))) for n, label in enumerate(labels)
        )
        cell_html = "".join((_HELD_CELL if cell.held_back else _CELL).format(escape(cell.text)) for cell in cells)
        rows.append(_ROW.format(labels=label_html, cells=cell_html))
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703: every value above is escaped


def notes_html(shown: ShownTable) -> SafeString:
    """Each note as a list item."""
    return mark_safe("".join(f"<li>{escape(note)}</li>" for note in shown.notes))  # noqa: S308  # nosec B308 B703


def page_tables(tables: list[ShownTable]) -> list[PageTable]:
    return [PageTable(shown=shown, rows_html=rows_html(shown), notes_html=notes_html(shown)) for shown in tables]


def answer_rows_html(rows: list[list]) -> SafeString:
    """A logged answer's rows as stored (one table row each; a blank line none). Cells are text
    as saved; anything else (an entry altered outside Kitbag) is shown as the template showed it."""
    context = Context(autoescape=True)

    def value_html(value) -> str:
        return escape(value) if isinstance(value, str) else render_value_in_context(value, context)

    return mark_safe(  # noqa: S308 # nosec B308 B703 # every value is escaped
        "".join(
            '<tr class="govuk-table__row">'
            + "".join(f'<td class="govuk-table__cell">{value_html(value)}</td>' for value in row)
            + "</tr>"
            for row in rows
            if row
        )
    )
