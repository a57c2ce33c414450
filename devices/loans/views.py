"""The overdue loans list, for Tech Bar staff: who has a pool device past its due-back date."""

import logging

from devices import permissions as device_permissions
from devices.loans import selectors
from devices.loans.filters import OverdueLoanFilterSet
from devices.loans.tables import OverdueLoanTable
from portal.tables import FilteredTableView

logger = logging.getLogger(__name__)


class OverdueLoanListView(FilteredTableView):
    permission_check = device_permissions.can_view_overdue_loans
    table_class = OverdueLoanTable
    filterset_class = OverdueLoanFilterSet
    template_name = "devices/loans/overdue.html"
    export_name = "overdue-loans"

    def get_queryset(self):
        return selectors.loans_overdue()

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Overdue loans", **kwargs)

    def create_export(self, export_format):
        # Names of borrowers leave the portal: say who took them.
        logger.info(
            "overdue loans export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode()
        )
        return super().create_export(export_format)
