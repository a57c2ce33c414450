"""The device list and its CSV/XLSX export."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format

from devices.core.models import Device
from portal.tables import BaseTable


def _export(accessor: str, verbose_name: str) -> tables.Column:
    return tables.Column(accessor=accessor, verbose_name=verbose_name, visible=False, orderable=False)


class DeviceTable(BaseTable):
    asset_tag = tables.Column(
        verbose_name="Asset tag",
        linkify=lambda record: reverse("devices:device_detail", args=[record.pk]),
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
        return date_format(value, "j M Y")
