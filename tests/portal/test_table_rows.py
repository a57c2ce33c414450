"""portal.table_rows renders each row's cells as django-tables2's own row.items() and the template's
{{ cell }} would, whatever the column: links (static or computed attributes, by id or by
get_absolute_url), defaults, booleans, choices, dates, a render that returns None, pinned rows.
The list pages themselves are compared byte for byte in test_list_golden.py."""

import datetime

import django_tables2 as tables
import pytest
from django.template.base import render_value_in_context
from django.template.context import Context
from django.urls import reverse

from portal.table_rows import rendered_rows, url_by_id
from portal.tables import BaseTable
from tests.factories import DeviceFactory


def _slow(table):
    context = Context(autoescape=True)
    return [
        "".join(
            f'<td class="govuk-table__cell">{render_value_in_context(cell, context)}</td>' for _c, cell in row.items()
        )
        for row in table.paginated_rows
    ]


class _Table(BaseTable):
    asset_tag = tables.Column(linkify=url_by_id("devices:device_detail"), attrs={"a": {"class": "govuk-link"}})
    serial = tables.Column(
        accessor="serial_number", linkify=lambda record, value: f"/s/{value}?a=1&b=<2>", attrs={"a": {"title": "x"}}
    )
    computed = tables.Column(
        accessor="pk", linkify=lambda record: None, attrs={"a": {"data-n": lambda record: record.pk}}
    )
    model = tables.Column(linkify=True)
    status = tables.Column()
    tech_bar = tables.Column(default=lambda: "callable default")
    phone_number = tables.Column(default="—")
    has_imei = tables.BooleanColumn(accessor="imei")
    nothing = tables.Column(accessor="pk")
    end_of_life_date = tables.Column(default="never")
    created = tables.Column(accessor="purchase_date", empty_values=())

    class Meta(BaseTable.Meta):
        fields = ()

    def get_top_pinned_data(self):
        return [{"status": "All <devices>", "nothing": 2}]

    def render_nothing(self, value):
        return None

    def render_created(self, value, record, bound_row):
        return value or datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_rows_render_as_django_tables2_renders_them(monkeypatch):
    from devices.models import DeviceModel

    monkeypatch.setattr(DeviceModel, "get_absolute_url", lambda self: f"/models/{self.pk}/", raising=False)
    devices = [DeviceFactory(), DeviceFactory(tech_bar=None, serial_number="<b>&", imei="", phone_number="")]
    devices[0].end_of_life_date = datetime.date(2027, 1, 2)
    table = _Table(devices)
    fast = list(rendered_rows(table, table.paginated_rows))
    assert fast == _slow(table)
    assert "All &lt;devices&gt;" in fast[0]
    assert "&lt;b&gt;&amp;" in fast[2] and "callable default" in fast[2] and "<a " in fast[1]


@pytest.mark.django_db
def test_a_url_by_id_is_the_url_reverse_gives():
    device = DeviceFactory()
    assert url_by_id("devices:device_detail")(device) == reverse("devices:device_detail", args=[device.pk])
    assert url_by_id("devices:device_detail", "model_id")(device) == reverse(
        "devices:device_detail", args=[device.model_id]
    )
