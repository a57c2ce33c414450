"""The device list and the activity report, with their CSV/XLSX exports."""

import heapq

import django_tables2 as tables

from devices.accessories.models import AccessoryMovement
from devices.core.models import Device, DeviceEvent
from portal import export_values
from portal.exports import CHUNK_ROWS
from portal.formats import cached_date_format
from portal.table_rows import url_by_id
from portal.tables import BaseTable, export_cell


def _export(accessor: str, verbose_name: str) -> tables.Column:
    return tables.Column(accessor=accessor, verbose_name=verbose_name, visible=False, orderable=False)


class DeviceTable(BaseTable):
    asset_tag = tables.Column(
        verbose_name="Asset tag",
        linkify=url_by_id("devices:device_detail"),
        attrs={"a": {"class": "govuk-link"}},
    )
    model = tables.Column(verbose_name="Model", order_by=("model__make", "model__model_name"))
    kind = tables.Column(accessor="model__kind", verbose_name="Kind")
    status = tables.Column()
    tech_bar = tables.Column(verbose_name="Tech Bar", default="—", order_by=("tech_bar__name",))
    holder = tables.Column(
        accessor="holder_last_name", verbose_name="Held by", default="—", order_by=("holder_last_name",)
    )
    holder_unit = tables.Column(verbose_name="Holder's unit", default="—")
    end_of_life_date = tables.Column(verbose_name="End of life", default="—")

    # Export only: the identifiers a spreadsheet user looks up.
    serial_number = _export("serial_number", "Serial number")
    imei = _export("imei", "IMEI")
    phone_number = _export("phone_number", "Phone number")
    sim_iccid = _export("sim_iccid", "SIM ICCID")
    mdm_enrolment_id = _export("mdm_enrolment_id", "MDM enrolment id")
    holder_payroll = _export("holder_payroll", "Holder's payroll number")
    purchase_date = _export("purchase_date", "Purchase date")

    class Meta(BaseTable.Meta):
        model = Device
        fields = ()
        sequence = ("asset_tag", "model", "kind", "status", "tech_bar", "holder", "holder_unit", "end_of_life_date")
        empty_text = "No devices match these filters."

    def render_kind(self, record):
        return record.model.get_kind_display()

    def value_kind(self, record):
        return record.model.get_kind_display()

    def render_holder(self, record):
        return f"{record.holder_first_name} {record.holder_last_name} ({record.holder_payroll})"

    def value_holder(self, record):
        return f"{record.holder_first_name} {record.holder_last_name}".strip()

    def render_end_of_life_date(self, value):
        return cached_date_format(value, "j M Y")


def _person(user) -> str:
    return f"{user.get_full_name()} ({user.payroll_number})" if user else ""


class AccessoryActivityTable(BaseTable):
    """Accessories issued and taken back, newest first, beside the custody events."""

    caption = "Accessories issued and taken back"

    created_at = tables.Column(verbose_name="When")
    kind = tables.Column(verbose_name="Event")
    accessory = tables.Column(verbose_name="Accessory")
    quantity = tables.Column(verbose_name="Quantity")
    tech_bar = tables.Column(verbose_name="Tech Bar")
    actor = tables.Column(verbose_name="Staff member")
    person = tables.Column(verbose_name="Person", default="—")
    visit = tables.Column(verbose_name="Receipt", default="—")

    class Meta(BaseTable.Meta):
        model = AccessoryMovement
        fields = ()
        orderable = False
        per_page = 25
        sequence = ("created_at", "kind", "accessory", "quantity", "tech_bar", "actor", "person", "visit")
        empty_text = "No accessories issued or taken back match these filters."

    def render_actor(self, value):
        return _person(value)

    def render_person(self, value):
        return _person(value)

    def render_visit(self, value):
        return value.reference


class ActivityTable(BaseTable):
    """Every custody event, newest first (the order is the report's: paging stays cheap)."""

    caption = "Custody events"

    created_at = tables.Column(verbose_name="When")
    kind = tables.Column(verbose_name="Event")
    device = tables.Column(
        accessor="device__asset_tag",
        verbose_name="Asset tag",
        linkify=url_by_id("devices:device_detail", "device_id"),
        attrs={"a": {"class": "govuk-link"}},
    )
    model = tables.Column(accessor="device__model", verbose_name="Model")
    device_kind = tables.Column(accessor="device__model__kind", verbose_name="Kind")
    tech_bar = tables.Column(verbose_name="Tech Bar", default="—")
    actor = tables.Column(verbose_name="Staff member")
    holder = tables.Column(verbose_name="Person", default="—")
    note = tables.Column(verbose_name="Note", default="")

    # Export only.
    from_status = _export("from_status", "From status")
    to_status = _export("to_status", "To status")
    serial_number = _export("device__serial_number", "Serial number")
    imei = _export("device__imei", "IMEI")

    class Meta(BaseTable.Meta):
        model = DeviceEvent
        fields = ()
        orderable = False
        sequence = ("created_at", "kind", "device", "model", "device_kind", "tech_bar", "actor", "holder", "note")
        empty_text = "No custody events match these filters."

    # For an export: the accessory movements the page's second table lists (filtered by the same
    # form), merged into the events newest first, each as a row of the events' columns.
    accessories = None

    def render_actor(self, value):
        return _person(value)

    def value_actor(self, value):
        return _person(value)

    def render_holder(self, value):
        return _person(value)

    def value_holder(self, value):
        return _person(value)

    def as_values(self, exclude_columns=None):
        if self.accessories is None:
            yield from super().as_values(exclude_columns)
            return
        names = [
            c.name
            for c in self.columns.iterall()
            if not (c.column.exclude_from_export or c.name in (exclude_columns or ()))
        ]
        rows = export_values.table_values(self, exclude_columns or ())
        yield [export_cell(cell) for cell in next(rows)]
        when = names.index("created_at")
        movements = (_accessory_values(m, names) for m in self.accessories.iterator(chunk_size=CHUNK_ROWS))
        for row in heapq.merge(rows, movements, key=lambda r: r[when], reverse=True):
            yield [export_cell(cell) for cell in row]


def _accessory_values(movement: AccessoryMovement, names: list[str]) -> list:
    """An accessory issued or taken back, in the activity export's columns."""
    receipt = f" (receipt {movement.visit.reference})" if movement.visit_id else ""
    values = {
        "created_at": movement.created_at,
        "kind": "Accessory issued" if movement.kind == AccessoryMovement.Kind.ISSUED else "Accessory taken back",
        "device": movement.accessory.code,
        "model": movement.accessory.name,
        "device_kind": "Accessory",
        "tech_bar": str(movement.tech_bar) if movement.tech_bar_id else "",
        "actor": _person(movement.actor),
        "holder": _person(movement.person),
        "note": f"{movement.quantity} x {movement.accessory.name}{receipt}",
    }
    return [values.get(name, "") for name in names]
