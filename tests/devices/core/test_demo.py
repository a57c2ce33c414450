"""On `make run`'s demo data the demo officer can report their phone stolen, even with a new
version of the conditions of use still to accept (reporting is never blocked by the gate)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devices.models import Assignment, RemoteAction
from policy import selectors as policy_selectors
from portal.models import User
from tests.devices.conftest import NOW


@pytest.mark.django_db
def test_the_demo_officer_reports_their_phone_stolen(client, frozen):
    call_command("seed_demo", stdout=io.StringIO())
    officer = User.objects.get(payroll_number="OFF001")
    assert not policy_selectors.has_accepted_current(officer)  # the gate would stop most pages
    held = Assignment.objects.select_related("device").get(
        holder=officer, returned_at__isnull=True, device__model__kind="smartphone"
    )
    assert held.device.phone_number and held.device.mdm_enrolment_id

    client.force_login(officer)
    url = reverse("devices:device_report_loss", kwargs={"pk": held.device_id, "kind": "stolen"})
    response = client.post(
        url, {"noticed_at": timezone.localtime(NOW).strftime("%Y-%m-%dT%H:%M"), "where": "Demo: taken on the bus"}
    )
    assert response.status_code == 302 and response.url.startswith("/incidents/report/")
    assert set(RemoteAction.objects.filter(device=held.device).values_list("kind", flat=True)) == {"sim_block", "wipe"}
