"""How the apps meet: the conditions-of-use gate never stands between a person and reporting an incident."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from tests.policy.factories import published_version


@pytest.mark.django_db
def test_a_person_who_has_not_accepted_the_conditions_can_still_report_an_incident(client, officer, portal_admin):
    published_version(by=portal_admin)
    client.force_login(officer)

    home = client.get("/")
    assert home.status_code == 302 and "/policy/" in home.url  # gated everywhere else

    assert client.get(reverse("incidents:incident_start")).status_code == 200
    aware = timezone.localtime(timezone.now() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("incidents:incident_start"),
        {
            "summary": "Left my notebook with a witness list on the bus",
            "aware_at": aware,
            "personal_data_involved": "yes",
            "device_involved": "no",
        },
    )
    incident = Incident.objects.get(reporter=officer)
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("incidents:incident_report_edit", kwargs={"pk": incident.pk})).status_code == 200
    assert client.get(reverse("incidents:my_incidents")).status_code == 200


@pytest.mark.django_db
def test_a_form_open_when_the_gate_closes_is_saved_and_the_next_page_is_gated(
    client, officer, data_office, portal_admin
):
    """A reviewer's triage form, posted after their grace period ran out, is not thrown away."""
    from incidents import services

    incident = services.incident_open(
        reporter=officer,
        summary="Custody photo shared in the wrong Teams channel",
        aware_at=timezone.now() - timedelta(hours=1),
        personal_data_involved="yes",
        device_involved="no",
    )
    published_version(by=portal_admin)
    client.force_login(data_office)

    response = client.post(
        reverse("incidents:incident_triage", args=[incident.pk]),
        {"severity": "high", "likelihood": "likely", "personal_data_breach": "yes", "owner": data_office.pk},
    )

    incident.refresh_from_db()
    assert incident.severity == "high" and incident.owner == data_office
    assert "/policy/" in client.get(response.url).url  # and then they are asked to accept
