"""A faster BaseTable.as_values: django-tables2 works out every cell from scratch (a
BoundRow per row, inspect.signature() per cell, ~2 ms of Python a row). This module decides, once
per column, how its cells are got, then applies that to each record. The result is the same values
django-tables2's own as_values() gives (tests/test_export_values.py compares them on every list
table); anything unusual falls back to django-tables2's own per-cell path for that column."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django_tables2.columns import Column, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

# The keyword arguments django-tables2 offers a value_/render_ method (BoundRow._optional_cell_arguments).
_CELL_ARGS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


def _caller(fn):
    """How to call fn with the cell arguments it asks for, decided once (call_with_appropriate
    decides it per cell). Returns (call(kwargs) -> result, needs_bound_row)."""
    args, catch_all = signature(fn)
    if catch_all:
        return (lambda kwargs: fn(**kwargs)), True
    if not set(args) <= _CELL_ARGS:
        return (lambda kwargs: None), False  # call_with_appropriate calls nothing then
    wanted = tuple(args)
    return (lambda kwargs: fn(**{name: kwargs[name] for name in wanted})), "bound_row" in wanted


def _value_caller(bound_column):
    """The column's value function, looking through Column.value's own call_with_appropriate of
    render() when the column does not override value()."""
    fn = bound_column.value
    column = bound_column.column
    if getattr(fn, "__func__", None) is Column.value and getattr(fn, "__self__", None) is column:
        if type(column).render is Column.render:
            return (lambda kwargs: kwargs["value"]), False  # render() returns value as it is
        return _caller(column.render)
    return _caller(fn)


class _ColumnGetter:
    """Gets one column's exported value from a record, as BoundRow.get_cell_value() would."""

    empty = None  # what an empty cell gives (portal.table_rows tells it from a None rendered)

    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.accessor = bound_column.accessor
        self.is_m2m = isinstance(self.column, ManyToManyColumn)
        self.link_text = isinstance(self.column, BaseLinkColumn) and self.column.text is not None
        self.call, self.needs_bound_row = _value_caller(bound_column)
        self._choices = {}  # record type -> whether the accessor ends in a field with choices

    def _has_choices(self, record):
        kind = type(record)
        if kind not in self._choices:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self._choices[kind] = bool(getattr(field, "choices", ()))
        return self._choices[kind]

    def __call__(self, row):
        # Mirrors BoundRow._get_and_render_with, with value=None and default=None.
        record = row.record
        value = None
        resolve = True
        # Only a field with choices needs the second-last object (for get_FOO_display), and
        # whether the field has choices depends on the record's model: skip the walk otherwise.
        if self._has_choices(record):
            penultimate, remainder = self.accessor.penultimate(record)
            if isinstance(penultimate, models.Model):
                display = getattr(penultimate, f"get_{remainder}_display", None)
                if display:
                    value = display()
                    resolve = False
        if resolve:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                if self.link_text:
                    return self._value(row, None)
        if value in self.column.empty_values or (self.is_m2m and not value.exists()):
            return self.empty
        return self._value(row, value)

    def _value(self, row, value):
        kwargs = {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
        }
        if self.needs_bound_row:
            kwargs["bound_row"] = row
        return self.call(kwargs)


def table_values(table, exclude_columns=()):
    """Rows as django-tables2's Table.as_values() yields them: headers first, then one list of
    values per record."""
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    getters = [_ColumnGetter(table, column) for column in columns]
    for row in table.rows:
        if type(row) is not BoundRow:  # a pinned row: django-tables2's own way
            yield [force_str(row.get_cell_value(c.name), strings_only=True) for c in columns]
            continue
        yield [force_str(getter(row), strings_only=True) for getter in getters]
