"""BaseTable and the list-page view every app's tables use: GOV.UK markup, paging, CSV/XLSX export."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django_filters.views import FilterView
from django_tables2.export import ExportMixin
from django_tables2.rows import BoundRows

from portal import export_values, exports, table_rows
from portal.permissions import RoleRequiredMixin

# The most rows one list page shows (?per_page=); more is bad input, not a bigger page.
MAX_PER_PAGE = 100

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_cell(cell):
    """One exported cell: times as local text (spreadsheets take no time zones), and text that a
    spreadsheet would run as a formula neutralised (CSV injection)."""
    if isinstance(cell, datetime):
        return date_format(timezone.localtime(cell), "Y-m-d H:i")
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class Cached:
    """A value kept in the cache under `key` for `seconds` (0 or less: never kept, worked out each
    time). A page that keeps several reads them in one round trip (`read_cached`). No `compute`:
    only read (None when not kept), the caller works it out and keeps it."""

    key: str
    seconds: int
    compute: Callable[[], Any] | None = None

    def get(self):
        return read_cached([self])[0]


def read_cached(entries: list[Cached]) -> list:
    """Each entry's value, in order: the kept ones read together (one get_many: one query with the
    database cache, not one a value), the rest worked out and kept."""
    kept = [entry.key for entry in entries if entry.seconds > 0]
    found = cache.get_many(kept) if kept else {}
    values = []
    for entry in entries:
        value = found.get(entry.key) if entry.seconds > 0 else None
        if value is None and entry.compute is not None:
            value = entry.compute()
            if entry.seconds > 0:
                cache.set(entry.key, value, entry.seconds)
        values.append(value)
    return values


def choices_cached(key: str, compute) -> Cached:
    """A filter's choices from a query over many rows (the command units of the people a list
    shows), kept FILTER_CHOICES_CACHE_SECONDS (a minute) across every process: see cached_choices."""
    seconds = getattr(settings, "FILTER_CHOICES_CACHE_SECONDS", 60)
    return Cached(f"filter-choices:{key}", seconds, lambda: list(compute()))


def cached_choices(key: str, compute):
    """choices= for a filter whose options come from a query over many rows (the command units of
    the people a list shows): read at most once a minute (FILTER_CHOICES_CACHE_SECONDS) across
    every process, not on every page. A value that first appears within that minute is refused by
    the filter, with the form's message, until the choices are read again."""

    def choices():
        return choices_cached(key, compute).get()

    return choices


class BaseTable(tables.Table):
    """Every table subclasses this. Feed it from a selector that select_related()s what it shows,
    so a page costs the same number of queries at 50 rows or 50,000."""

    # What the table lists, in a few words: it names the table and its scrolling region. The page's
    # heading usually says it already, so the caption is for screen readers unless shown.
    caption = ""
    show_caption = False

    class Meta:
        template_name = "portal/tables/govuk_table.html"
        attrs = {"class": "govuk-table"}
        per_page = 50
        empty_text = "Nothing matches these filters."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.caption:
            model = self._meta.model
            self.caption = capfirst(model._meta.verbose_name_plural) if model else "Results"

    @property
    def rendered_rows(self):
        """The page's rows, each its cells' HTML (portal.table_rows: the cells django-tables2's
        row.items would give, at a fraction of the cost). The table template loops over these."""
        return list(table_rows.rendered_rows(self, self.paginated_rows))

    def as_values(self, exclude_columns=None):
        # export_values.table_values gives what super().as_values() would, ~Nx faster.
        for row in export_values.table_values(self, exclude_columns or ()):
            yield [export_cell(cell) for cell in row]


def paginate(
    table: tables.Table, params, *, max_per_page: int = MAX_PER_PAGE, unjoined=None, count_cap: int | None = None
) -> str:
    """Page `table` as the query string asks (`page`, `per_page`). A page size or number out of
    range shows the nearest valid page instead, and the returned text says why ('' if all was well).
    `unjoined`: see _NarrowPages. `count_cap`: count at most this many rows (or as far as the asked
    page and one row beyond), so page 1 costs the same over a thousand rows or a million; the
    table's `count_capped` then says the count stopped there (the page says "more than")."""
    problems = []
    per_page = table._meta.per_page
    asked = (params.get(table.prefixed_per_page_field) or "").strip()
    if asked:
        size = _whole_number(asked)
        if size is not None and 1 <= size <= max_per_page:
            per_page = size
        else:
            problems.append(f"Rows per page must be a whole number from 1 to {max_per_page}: showing {per_page}.")
    asked = (params.get(table.prefixed_page_field) or "").strip()
    wanted = _whole_number(asked) if asked else 1
    limit = None
    if count_cap is not None:
        # Enough to know the asked page exists and whether one follows it.
        limit = max(count_cap, min(wanted or 1, _MAX_PAGE) * per_page) + 1
    rows = _NarrowPages(table.rows, unjoined, limit=limit)
    table.paginator = Paginator(rows, per_page)
    table.count_capped = limit is not None and table.paginator.count >= limit
    table.count_shown = limit - 1 if table.count_capped else table.paginator.count
    number = 1
    if asked:
        last = table.paginator.num_pages
        number = wanted
        if number is None or number < 1:
            problems.append(f"There is no page {asked[:20]}: this is page 1.")
            number = 1
        elif number > last:
            problems.append(f"There is no page {asked[:20]}: this is page {last}, the last.")
            number = last
    table.page = table.paginator.page(number)
    return " ".join(problems)


# Past this page a capped count stops following the asked page (a page number typed to be huge).
_MAX_PAGE = 100_000


class _NarrowPages:
    """A table's rows as the Paginator sees them. A page of a queryset is fetched as
    `WHERE pk IN (the page's ids, ORDER BY ... OFFSET ... LIMIT ...)`: the rows OFFSET skips are
    read narrowly (ids and the sort keys), and the joins and annotated subqueries the table shows
    are computed for the page's rows only, not for every row skipped (page 500); the
    planner, expecting one page of rows, also runs a correlated subquery per row rather than
    hashing a whole table for each (the compliance table's page 1).

    `unjoined`, if given, returns the same rows filtered without the table's joins (or None when a
    filter needs them): then the COUNT and the page's ids come from it (unless the table is ordered
    by an annotation), the joins only for the page's rows."""

    def __init__(self, rows: BoundRows, unjoined=None, limit: int | None = None):
        self.rows = rows
        self._unjoined = unjoined
        self._base = False
        self._limit = limit

    def base(self) -> QuerySet | None:
        if self._base is False:
            self._base = self._unjoined() if self._unjoined is not None else None
        return self._base

    def __len__(self):
        base = self.base()
        if base is None and self._limit is not None:
            queryset = getattr(self.rows.data, "data", None)
            base = queryset if isinstance(queryset, QuerySet) else None
        if base is None:
            return len(self.rows)
        if self._limit is not None:
            # COUNT(*) over the first `limit` rows in any order: stops there, however many match.
            return base.order_by()[: self._limit].count()
        return base.count()

    def __getitem__(self, key):
        queryset = getattr(self.rows.data, "data", None)
        narrow = isinstance(queryset, QuerySet) and not queryset.query.distinct and not queryset.query.combinator
        if not (isinstance(key, slice) and narrow):
            return self.rows[key]
        # The id last: rows that tie on the sort keys keep one order, in the ids and in the page.
        ordering = [*(queryset.query.order_by or queryset.model._meta.ordering), "pk"]
        ids = queryset
        base = self.base()
        if base is not None and not any(str(o).lstrip("-") in queryset.query.annotations for o in ordering):
            ids = base
        page = queryset.filter(pk__in=ids.order_by(*ordering).values("pk")[key]).order_by(*ordering)
        return BoundRows(data=page, table=self.rows.table, pinned_data=self.rows.pinned_data)


def _whole_number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


class FilteredTableView(RoleRequiredMixin, ExportMixin, tables.SingleTableMixin, FilterView):
    """A list page: permission check, django-filter form, django-tables2 table, ?_export=csv|xlsx.

    Subclasses set `permission_check`, `table_class`, `filterset_class`, `template_name` and
    implement `get_queryset()` by calling a selector with the request's user.
    """

    export_formats = ("csv", "xlsx")
    export_name = "export"
    # The table pages itself (one COUNT); the ListView must not page the same queryset again.
    paginate_by = None
    filterset_class = None
    # Count at most this many matching rows (paginate's count_cap): for lists over a huge table.
    count_cap: int | None = None

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get(self.export_trigger_param)
        if self.export_class.is_valid_format(export_format):
            # An export needs the filtered rows, not the page around them (summaries, charts).
            self.filterset = self.get_filterset(self.get_filterset_class())
            if self.filterset.is_valid():
                self.object_list = self.filterset.qs
                return self.create_export(export_format)
            self.export_refused = True  # the page says which filter is wrong, with a 400
        response = super().get(request, *args, **kwargs)
        # A filter value the form refuses is bad input: say so with a 400 (the form shows why).
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        # So is paging out of range: the nearest valid page is shown, with the reason.
        if getattr(self, "paging_problem", ""):
            response.status_code = 400
        return response

    def render_to_response(self, context, **kwargs):
        if getattr(self, "export_refused", False):
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        return super().render_to_response(context, **kwargs)

    def create_export(self, export_format):
        """CSV streams; XLSX past EXPORT_XLSX_SYNC_MAX_ROWS rows is a background job whose page
        has the download link. Subclasses log who took an export, then call this."""
        table = self.get_table(**self.get_table_kwargs())
        filename = self.get_export_filename(export_format)
        if export_format == "csv":
            return exports.csv_streaming_response(table, filename, exclude_columns=self.exclude_columns)
        if export_format != "xlsx":
            return super().create_export(export_format)
        target = getattr(self.request, "export_xlsx_to", None)
        if target is not None:  # this is the worker replaying the request (portal.exports)
            progress = getattr(self.request, "export_progress", None)
            exports.write_xlsx(table, target, exclude_columns=self.exclude_columns, progress=progress)
            return HttpResponse(status=204)
        data = table.data.data
        # One COUNT: len() of an unpaged table's data would fetch every row.
        rows = data.count() if hasattr(data, "count") and not isinstance(data, list) else len(data)
        if rows <= settings.EXPORT_XLSX_SYNC_MAX_ROWS:
            return super().create_export(export_format)
        job = exports.export_job_start(
            user=self.request.user,
            path=self.request.path,
            query=self.request.GET.urlencode(),
            filename=filename,
            rows_total=rows,
        )
        return redirect("portal:export_job", job_id=job.id)

    def get_table_pagination(self, table):
        return False  # paged in get_table, after the request's paging is checked

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        # An export is every row the filters match, never one page.
        if not self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param)):
            self.paging_problem = table.paging_problem = paginate(
                table, self.request.GET, unjoined=self.unjoined_rows, count_cap=self.count_cap
            )
        return table

    def unjoined_rows(self):
        """The rows the filters match without the queryset's joins, for counting and choosing a
        page's rows cheaply (_NarrowPages); None (the default): use the table's queryset."""
        return None

    def get_table_kwargs(self):
        return {"exclude": ()}

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"
