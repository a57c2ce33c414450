"""Device pages outside the admin: My kit and the receipts of counter visits, the device list and
the device page the Data Office reaches from an incident (a holder's reports of kit lost, stolen or
faulty are devices.losses.views). Views check permission, validate a form and call one service."""

import logging

from django.http import Http404
from django.views.generic import TemplateView

from devices import permissions
from devices.core import panels, selectors
from devices.core.filters import AccessoryActivityFilterSet, ActivityFilterSet, DeviceFilterSet
from devices.core.models import Device
from devices.core.tables import AccessoryActivityTable, ActivityTable, DeviceTable
from devices.counter.models import CounterVisit
from incidents import permissions as incident_permissions
from portal.permissions import NotYours, RoleRequiredMixin
from portal.tables import FilteredTableView, paginate

logger = logging.getLogger(__name__)


class DeviceListView(FilteredTableView):
    """Every device, filtered and searched, with a CSV/XLSX export (Tech Bar staff, Data Office)."""

    permission_check = permissions.can_view_device
    table_class = DeviceTable
    filterset_class = DeviceFilterSet
    template_name = "devices/device_list.html"
    export_name = "devices"

    def get_queryset(self):
        return selectors.device_list()

    def unjoined_rows(self):
        # Unless a filter reads the holder, count and page the devices alone, not the holder's join.
        return self.filterset.unjoined()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Devices", can_view_activity=permissions.can_view_activity(self.request.user), **kwargs
        )

    def create_export(self, export_format):
        # An export carries holders' names and numbers out of the portal: say who took one.
        logger.info("device export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
        return super().create_export(export_format)


class ActivityView(FilteredTableView):
    """Every custody event across the estate, newest first, filtered, with a CSV/XLSX export (Tech
    Bar leads, the Data Office, Portal admins)."""

    permission_check = permissions.can_view_activity
    table_class = ActivityTable
    filterset_class = ActivityFilterSet
    template_name = "devices/activity.html"
    export_name = "custody-events"
    # A COUNT(*) over every event (a million at force scale) would cost page 1 more than its rows.
    count_cap = 10_000

    def get_queryset(self):
        return selectors.activity_events()

    def unjoined_rows(self):
        # Count and pick a page's events without the joins the table shows; a filter that reads a
        # device, model or person joins it itself.
        filters = self.filterset
        if filters.is_bound and not filters.is_valid():
            return None
        return self.filterset_class(filters.data, queryset=selectors.activity_events_unjoined()).qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Custody activity", accessory_table=self.accessory_table(), **kwargs)

    def accessory_rows(self):
        """The accessories issued and taken back, filtered by the same form."""
        rows = selectors.accessory_activity()
        filters = AccessoryActivityFilterSet(self.request.GET or None, queryset=rows)
        if filters.is_bound:
            rows = filters.qs if filters.is_valid() else rows.none()
        return rows

    def accessory_table(self) -> AccessoryActivityTable:
        """The accessories issued and taken back, filtered by the same form, paged on its own."""
        table = AccessoryActivityTable(self.accessory_rows(), prefix="accessories-")
        paging = paginate(table, self.request.GET)
        if paging:
            self.paging_problem = f"{getattr(self, 'paging_problem', '')} {paging}".strip()
        return table

    def create_export(self, export_format):
        # An export carries people's names and numbers out of the portal: say who took one.
        logger.info("activity export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
        self.exporting = True
        return super().create_export(export_format)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if getattr(self, "exporting", False):  # the export carries the accessories too, merged by time
            table.accessories = self.accessory_rows()
        return table


class DeviceDetailView(RoleRequiredMixin, TemplateView):
    """One device's custody history, losses and remote actions (Data Office and Tech Bar staff), and
    for Tech Bar staff what they can do with it: the capabilities above the core list their actions
    through `panels.device_actions`."""

    permission_check = permissions.can_view_device
    template_name = "devices/device_detail.html"

    def get_context_data(self, **kwargs):
        try:
            device = selectors.device_record(pk=self.kwargs["pk"])
        except Device.DoesNotExist as error:
            raise Http404("No such device.") from error
        return super().get_context_data(
            page_title=f"Device {device.asset_tag}",
            device=device,
            can_see_incidents=incident_permissions.can_review(self.request.user),
            actions=panels.device_actions(device=device, user=self.request.user),
            **kwargs,
        )


class MyKitView(TemplateView):
    """What I hold, since when and from which Tech Bar, with each receipt; what I handed back."""

    template_name = "devices/my_kit.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        held, handed_back = selectors.kit_of(user=user)
        return super().get_context_data(
            page_title="My kit",
            held=held,
            handed_back=handed_back,
            tech_bars=selectors.tech_bars_open_to_officers(),
            **panels.context_for(panels.MY_KIT, person=user, user=user),
            **kwargs,
        )


class CounterReceiptView(TemplateView):
    """My copy of a Tech Bar receipt. Someone else's is not found (Tech Bar staff and Portal admins
    may open any)."""

    template_name = "devices/receipt.html"

    def get_context_data(self, pk, **kwargs):
        visit = selectors.counter_visit_for_viewer(viewer=self.request.user, pk=pk)
        if visit is None:
            raise (NotYours if CounterVisit.objects.filter(pk=pk).exists() else Http404)("No such receipt.")
        return super().get_context_data(page_title=f"Tech Bar receipt {visit.reference}", visit=visit, **kwargs)
