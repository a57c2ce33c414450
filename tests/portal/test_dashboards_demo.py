"""Done when: on the demo data, every panel of every dashboard has figures for the Data Office."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.dashboards.registry import sections
from portal.models import User


@pytest.mark.django_db
def test_every_panel_is_populated_on_the_demo_data(client):
    call_command("seed_demo")
    client.force_login(User.objects.get(payroll_number="DO001"))
    for section in sections():
        response = client.get(reverse("portal:dashboard", args=[section]))
        assert response.status_code == 200, section
        panels = [panel for panel, _ in response.context["panels"]]
        assert panels, section
        empty = [panel.id for panel in panels if panel.empty]
        assert not empty, f"{section}: no figures in {empty}"
