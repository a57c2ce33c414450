"""BaseTable and the list-page view every app's tables use: GOV.UK markup, paging, CSV/XLSX export."""

import django_tables2 as tables
from django_filters.views import FilterView
from django_tables2.export import ExportMixin

from portal.permissions import RoleRequiredMixin


class BaseTable(tables.Table):
    """Every table subclasses this. Feed it from a selector that select_related()s what it shows,
    so a page costs the same number of queries at 50 rows or 50,000."""

    class Meta:
        template_name = "portal/tables/govuk_table.html"
        attrs = {"class": "govuk-table"}
        per_page = 50
        empty_text = "Nothing matches these filters."


class FilteredTableView(RoleRequiredMixin, ExportMixin, tables.SingleTableMixin, FilterView):
    """A list page: permission check, django-filter form, django-tables2 table, ?_export=csv|xlsx.

    Subclasses set `permission_check`, `table_class`, `filterset_class`, `template_name` and
    implement `get_queryset()` by calling a selector with the request's user.
    """

    export_formats = ("csv", "xlsx")
    export_name = "export"
    paginate_by = 50
    filterset_class = None

    def get_table_kwargs(self):
        return {"exclude": ()}

    def get_export_filename(self, export_format):
        from django.utils import timezone

        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"
