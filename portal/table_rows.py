"""A list page's rows rendered at the cost of the data: django-tables2 renders each cell from scratch
(a signature() of the render method, a LinkTransform with its attributes, the template's variable
lookups, ~0.4 ms a cell). Here each column decides once how its cells are made, then makes them
for every row, giving the same HTML (tests/portal/test_list_golden.py and test_table_rows.py
compare it with django-tables2's own); anything unusual takes django-tables2's own path for that
column. Links by id are built from one reversed URL (`url_by_id`), not a reverse() a row."""

from django.template.base import render_value_in_context
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRow
from django_tables2.utils import AttributeDict

from portal.export_values import _caller, _ColumnGetter

_EMPTY = object()

# An id no table holds: reversed once, then replaced by each row's id.
_PLACEHOLDER = 987654321987


def url_by_id(viewname: str, attribute: str = "pk"):
    """linkify= for a column whose link is `viewname` with the record's integer id (`attribute`):
    the URL is reversed once per URL configuration, not once per row."""
    reversed_urls = {}

    def url(record):
        key = (get_script_prefix(), get_urlconf())
        parts = reversed_urls.get(key)
        if parts is None:
            parts = reversed_urls[key] = reverse(viewname, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
        return str(getattr(record, attribute)).join(parts)

    return url


class _CellRenderer(_ColumnGetter):
    """One column's cell HTML from a row, as BoundRow.get_cell() and the table template's
    {{ cell }} give it."""

    empty = _EMPTY

    def __init__(self, table, bound_column, context):
        super().__init__(table, bound_column)
        self.call, self.needs_bound_row = _caller(bound_column.render)
        self.context = context
        self.default_is_callable = callable(self.column._default)
        self.default = bound_column.default
        self.link = bound_column.link
        self.fast_link = None
        link = self.link
        if link is not None and callable(link.url) and _static(link.attrs):
            attrs = AttributeDict(link.attrs or {})
            self.fast_link = (_caller(link.url)[0], attrs.as_html())

    def _value(self, row, value):
        kwargs = {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
            "bound_row": row,
        }
        content = self.call(kwargs)
        if self.link is None:
            return content
        if self.fast_link is None:
            return self.link(content, **kwargs)
        url_of, attrs = self.fast_link
        href = url_of(kwargs)
        if href is None:
            return content
        attrs = format_html('{} href="{}"', attrs, href) if attrs else format_html('href="{}"', href)
        return format_html("<a {}>{}</a>", attrs, content)

    def cell(self, row) -> str:
        content = self(row)
        if content is _EMPTY:  # the column's default
            content = self.bound_column.default if self.default_is_callable else self.default
        if isinstance(content, str):  # most cells: nothing to localise, only to escape (unless safe)
            return conditional_escape(content)
        return render_value_in_context(content, self.context)


def _static(attrs) -> bool:
    """Link attributes that are plain text, none an href of its own (which would keep its place)."""
    attrs = attrs or {}
    return "href" not in attrs and all(isinstance(v, str) for v in attrs.values())


def rendered_rows(table, rows, *, cell_open='<td class="govuk-table__cell">', cell_close="</td>"):
    """Each row's cells as one safe string of <td>s, as the template's loop over row.items would
    render them."""
    context = Context(autoescape=True)
    renderers = [_CellRenderer(table, column, context) for column in table.columns]
    for row in rows:
        if type(row) is not BoundRow:  # a pinned row: django-tables2's own way
            cells = (render_value_in_context(cell, context) for _column, cell in row.items())
        else:
            cells = (renderer.cell(row) for renderer in renderers)
        yield mark_safe("".join(f"{cell_open}{cell}{cell_close}" for cell in cells))  # noqa: S308 # nosec B308 B703 # escaped cells
