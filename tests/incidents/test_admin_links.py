"""The incidents admin links a person only where the viewer may open that person's page: the Data
Office may not open the people admin, so reporter and owner are shown as names."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from incidents.models import Incident
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reporter_and_owner_are_not_links_the_data_office_cannot_follow(client, open_incident, reporter, data_office):
    incident = open_incident()
    Incident.objects.filter(pk=incident.pk).update(owner=data_office)
    client.force_login(data_office)
    reporter_page = reverse("admin:portal_user_change", args=[reporter.pk])
    assert client.get(reporter_page).status_code == 403  # why there must be no link
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert escape(reporter.get_full_name()) in page and escape(data_office.get_full_name()) in page  # O'Donnell
    assert reporter_page not in page
    assert reverse("admin:portal_user_change", args=[data_office.pk]) not in page


def test_a_viewer_who_may_open_people_gets_the_links(client, open_incident, reporter):
    both = UserFactory(roles=[Role.DATA_OFFICE, Role.PORTAL_ADMIN], is_staff=True)
    incident = open_incident()
    client.force_login(both)
    reporter_page = reverse("admin:portal_user_change", args=[reporter.pk])
    assert client.get(reporter_page).status_code == 200
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert f'href="{reporter_page}"' in page
