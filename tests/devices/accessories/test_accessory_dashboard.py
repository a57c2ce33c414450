"""The Devices dashboard's accessory panels: accessories issued per month by kind, and consumables
used per Tech Bar, counted from the movements (history), narrowed by command unit."""

import datetime

import pytest
from django.urls import reverse

from devices.accessories.services import accessory_issue
from devices.models import AccessoryMovement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _panel(response, panel_id):
    return next(panel for panel, _ in response.context["panels"] if panel.id == panel_id)


def test_issued_per_month_by_kind_and_consumables_per_tech_bar(
    client_as, frozen, bar, other_bar, tech_bar_staff, charger, screen_protector
):
    alpha, bravo = UserFactory(command_unit="Alpha"), UserFactory(command_unit="Bravo")
    accessory_issue(kind=charger, quantity=2, person=alpha, actor=tech_bar_staff, tech_bar=bar)
    accessory_issue(kind=screen_protector, quantity=3, person=alpha, actor=tech_bar_staff, tech_bar=bar)
    accessory_issue(kind=screen_protector, quantity=1, person=bravo, actor=tech_bar_staff, tech_bar=bar)
    last_month = AccessoryMovement.objects.filter(person=bravo).get()
    AccessoryMovement.objects.filter(pk=last_month.pk).update(
        created_at=last_month.created_at - datetime.timedelta(days=31)
    )
    today = last_month.created_at.date()
    start = (today - datetime.timedelta(days=62)).isoformat()

    url = reverse("portal:dashboard", args=["devices"])
    response = client_as("data_office").get(url, {"date_from": start, "date_to": today.isoformat()})
    assert response.status_code == 200
    monthly = _panel(response, "devices-accessories-monthly")
    assert monthly.chart.legend and {s.name for s in monthly.chart.legend} >= {"USB-C charger", "Screen protector"}
    rows = {row.header: row.cells for row in monthly.chart.table.rows}
    this_month, previous = list(rows)[-1], list(rows)[-2]
    assert rows[this_month][:2] == ["3", "2"] or rows[this_month][:2] == ["2", "3"]
    assert "1" in rows[previous]
    consumables = _panel(response, "devices-consumables")
    assert [(row.header, row.cells[:2]) for row in consumables.chart.table.rows] == [(bar.name, ["4", "2"])]

    response = client_as("data_office").get(url, {"unit": "Bravo", "date_from": start, "date_to": today.isoformat()})
    consumables = _panel(response, "devices-consumables")
    assert [(row.header, row.cells[:2]) for row in consumables.chart.table.rows] == [(bar.name, ["1", "1"])]
