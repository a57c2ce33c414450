"""Incident pages carry people's personal data: no browser or proxy keeps a copy of them."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_every_incident_page_says_no_store(client, reporter, data_office, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    for url in (
        reverse("incidents:incident_start"),
        reverse("incidents:my_incidents"),
        reverse("incidents:incident_detail", args=[incident.pk]),
        reverse("incidents:incident_report_edit", args=[incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url

    client.force_login(data_office)
    for url in (
        reverse("incidents:incident_queue"),
        reverse("incidents:incident_queue") + "?_export=csv",
        reverse("incidents:incident_review", args=[incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_refusals_and_other_pages_are_not_cacheable_either_where_they_are_incident_pages(
    client, officer, open_incident
):
    incident = open_incident()
    client.force_login(officer)  # not the reporter: refused
    response = client.get(reverse("incidents:incident_detail", args=[incident.pk]))
    assert response.status_code in (403, 404)
    assert "no-store" in response["Cache-Control"]
