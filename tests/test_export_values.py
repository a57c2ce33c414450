"""BaseTable.as_values' fast path (portal.export_values) exports the same bytes as
django-tables2's own Table.as_values, on every list page with an export (tests/test_export_formulas
lists them), with real rows: related fields, choices, dates, empty values and linked columns."""

import django_tables2 as tables
import pytest

from portal import export_values
from tests.test_export_formulas import LIST_EXPORTS


def _slow(table, exclude_columns=()):
    return tables.Table.as_values(table, exclude_columns=exclude_columns)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LIST_EXPORTS))
def test_the_fast_export_matches_django_tables2(name, client, request, monkeypatch):
    from devices.models import Device, DeviceModel

    url, user = LIST_EXPORTS[name](request.getfixturevalue)
    # A device with most optional fields empty, next to the full ones.
    Device.objects.create(
        asset_tag="KB999999",
        model=DeviceModel.objects.first()
        or DeviceModel.objects.create(make="HP", model_name="EliteBook", kind=DeviceModel.Kind.LAPTOP),
    )
    client.force_login(user)
    fast = client.get(url, {"_export": "csv"}).getvalue()
    monkeypatch.setattr(export_values, "table_values", _slow)
    slow = client.get(url, {"_export": "csv"}).getvalue()
    assert fast.count(b"\n") > 2  # a header and real rows, not an empty export
    assert fast == slow
