"""Refused requests in the security log: a 403, someone else's object asked for by id (a 404 that
exists), the admin's refusals (the API's 401 and 403: tests/api/test_refusals.py). Once per person
(or address) and path a minute, and at most REFUSALS_PER_WINDOW a minute each: no flooding."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from portal.models import Role, SecurityEvent
from portal.services import REFUSALS_PER_WINDOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals():
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED).order_by("pk")


def _incident_of(reporter):
    return incident_services.incident_open(
        reporter=reporter,
        summary="Sent a statement to the wrong address",
        aware_at=timezone.now(),
        personal_data_involved="yes",
        device_involved="no",
    )


def test_a_403_is_recorded_with_the_person_path_method_and_address(client, officer):
    client.force_login(officer)
    url = reverse("devices:device_list")
    assert client.get(f"{url}?q=x").status_code == 403
    event = refusals().get()
    assert (event.user, event.identifier, event.ip_address) == (officer, officer.payroll_number, "127.0.0.1")
    assert event.path == f"{url}?q=x"
    assert event.detail.startswith("GET 403: ")


def test_the_address_is_the_one_the_proxy_saw(client, officer, settings):
    settings.USE_X_FORWARDED_FOR = True
    client.force_login(officer)
    client.get(reverse("devices:device_list"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert refusals().get().ip_address == "192.0.2.7"


def test_someone_elses_incident_is_a_plain_404_and_recorded(client, officer):
    incident = _incident_of(officer)
    other = UserFactory(roles=[Role.OFFICER])
    client.force_login(other)
    url = reverse("incidents:incident_detail", kwargs={"pk": incident.pk})
    missing = reverse("incidents:incident_detail", kwargs={"pk": incident.pk + 1000})

    theirs, nothing = client.get(url), client.get(missing)
    assert theirs.status_code == nothing.status_code == 404
    # the id says nothing about what exists: the same page but for the per-request nonce
    assert _without_nonces(theirs) == _without_nonces(nothing)
    event = refusals().get()  # only the one that exists
    assert (event.user, event.path) == (other, url)
    assert event.detail == "GET 404: not yours: No such incident."


def _without_nonces(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_a_post_is_recorded_as_a_post(client, officer):
    incident = _incident_of(officer)
    client.force_login(UserFactory(roles=[Role.OFFICER]))
    url = reverse("incidents:incident_report_edit", kwargs={"pk": incident.pk})
    assert client.post(url, {"summary": "mine now"}).status_code == 404
    assert refusals().get().detail.startswith("POST 404: not yours")


def test_once_per_person_and_path_a_minute(client, officer, supervisor, fixed_clock):
    url = reverse("devices:device_list")
    client.force_login(officer)
    for _ in range(5):
        assert client.get(url).status_code == 403
    client.get(f"{url}?page=2")  # the same path: the query string is not a new one
    assert refusals().count() == 1

    client.get(reverse("incidents:incident_queue"))  # another path
    client.force_login(supervisor)
    client.get(url)  # another person
    assert refusals().count() == 3

    fixed_clock.shift(datetime.timedelta(seconds=61))
    client.force_login(officer)
    client.get(url)
    assert refusals().count() == 4


def test_many_paths_are_capped_per_person_a_minute(client, officer, fixed_clock):
    client.force_login(officer)
    for pk in range(1, REFUSALS_PER_WINDOW + 11):
        assert client.get(reverse("devices:device_detail", kwargs={"pk": pk})).status_code == 403
    assert refusals().count() == REFUSALS_PER_WINDOW
    fixed_clock.shift(datetime.timedelta(seconds=61))
    client.get(reverse("devices:device_detail", kwargs={"pk": 999}))
    assert refusals().count() == REFUSALS_PER_WINDOW + 1


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("officer", "admin:index"),  # no admin role at all: sent to the admin's sign-in, refused there
        ("tech_bar_staff", "admin:incidents_incident_changelist"),  # a model not theirs
        ("portal_admin", "admin:incidents_incident_changelist"),  # Portal admins do not read incidents
        ("data_office", "admin:devices_counter"),  # a custom admin page not theirs
    ],
)
def test_a_refused_admin_page_is_recorded(client, request, role, url_name):
    person = request.getfixturevalue(role)
    client.force_login(person)
    assert client.get(reverse(url_name), follow=True).status_code == 403
    event = refusals().get()
    assert event.user == person
    assert event.path.split("?")[0] in (reverse(url_name), reverse("admin:login"))


def test_someone_elses_import_job_in_the_admin_is_recorded(client, tech_bar_staff):
    from devices.imports.services import jobs as import_jobs

    job = import_jobs.device_import_job_start(
        actor=tech_bar_staff, file_name="a.csv", data=b"Asset tag\r\n", tech_bar=None
    )
    colleague = UserFactory(roles=[Role.TECH_BAR], is_staff=True)
    client.force_login(colleague)
    url = reverse("admin:devices_device_import_job", kwargs={"pk": job.pk})
    assert client.get(url).status_code == 404
    assert refusals().get().user == colleague
    assert client.get(reverse("admin:devices_device_import_job", kwargs={"pk": job.pk + 1})).status_code == 404
    assert refusals().count() == 1


def test_a_device_once_held_is_a_plain_404_and_anyone_elses_a_refusal(client, officer, tech_bar_staff):
    from devices.core.services import device_issue, device_return
    from devices.models import Device, DeviceModel, TechBar

    bar = TechBar.objects.create(code="ref", name="Refusals Tech Bar")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy", kind=DeviceModel.Kind.SMARTPHONE)
    handed_back = Device.objects.create(asset_tag="KBREF1", model=model, tech_bar=bar)
    device_issue(device=handed_back, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device_return(device=handed_back, actor=tech_bar_staff, tech_bar=bar, reason="faulty")
    someone_elses = Device.objects.create(asset_tag="KBREF2", model=model, tech_bar=bar)
    device_issue(device=someone_elses, holder=UserFactory(roles=[Role.OFFICER]), actor=tech_bar_staff, tech_bar=bar)

    client.force_login(officer)
    assert client.get(reverse("devices:device_report", kwargs={"pk": handed_back.pk})).status_code == 404
    assert not refusals().exists()  # an old link to their own phone
    assert client.get(reverse("devices:device_report", kwargs={"pk": someone_elses.pk})).status_code == 404
    assert refusals().get().detail == "GET 404: not yours: You do not hold this device."
