"""FAQ 7 at the counter: the person hasn't got the old device, so Tech Bar staff report it lost or
stolen on their behalf, and the replacement can then be handed over."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from devices.models import Assignment, CounterVisit, DeviceLoss, RemoteAction
from incidents.models import Incident
from tests.devices.conftest import NOW
from tests.factories import UserFactory


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def loss_url(person, device):
    return reverse("admin:devices_counter_report_loss", kwargs={"payroll": person.payroll_number, "pk": device.pk})


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def confirm_hand_over(client, person, device):
    return client.post(person_url(person), {"give": device.asset_tag, "confirmed": "yes", "action": "confirm"})


@pytest.mark.django_db
def test_each_held_device_and_the_faq_refusal_offer_the_report(counter_client, make_device, issued, officer):
    old = issued(make_device(), officer)
    page = counter_client.get(person_url(officer)).content.decode()
    assert f'href="{loss_url(officer, old)}"' in page and f"Report {old.asset_tag} lost or stolen" in page

    refused = confirm_hand_over(counter_client, officer, make_device())
    body = refused.content.decode()
    assert refused.status_code == 400 and f"still holds smartphone {old.asset_tag}" in body
    refusal = body[body.index('id="counter-errors"') :]
    assert f'href="{loss_url(officer, old)}"' in refusal[: refusal.index("</div>")]


@pytest.mark.django_db
def test_reporting_for_the_person_then_the_replacement_is_handed_over(
    frozen, counter_client, make_device, issued, officer, tech_bar_staff
):
    old = issued(make_device(), officer)
    new = make_device()
    form_page = counter_client.get(loss_url(officer, old))
    assert form_page.status_code == 200 and _local(NOW) in form_page.content.decode()  # initial: now

    form = {"kind": "stolen", "noticed_at": _local(NOW - timedelta(minutes=30)), "where": "Snatched at Brixton"}
    response = counter_client.post(loss_url(officer, old), form)
    assert response.status_code == 302 and response.url == person_url(officer)
    old.refresh_from_db()
    loss = DeviceLoss.objects.get()
    assert old.status == "stolen" and (loss.holder, loss.reported_by, loss.kind) == (officer, tech_bar_staff, "stolen")
    assert loss.noticed_at == NOW - timedelta(minutes=30) and loss.where == "Snatched at Brixton"
    assert sorted(RemoteAction.objects.filter(device=old).values_list("kind", flat=True)) == ["sim_block", "wipe"]
    incident = Incident.objects.get()
    assert loss.incident == incident and incident.reporter == officer
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert incident.reference in message and "a SIM block and a remote wipe have been requested" in message
    assert not Assignment.objects.filter(device=old, returned_at__isnull=True).exists()

    again = counter_client.post(loss_url(officer, old), form)  # a double submit
    assert again.status_code == 302 and again.url == person_url(officer)
    assert (Incident.objects.count(), DeviceLoss.objects.count(), RemoteAction.objects.count()) == (1, 1, 2)
    assert incident.reference in [str(m) for m in get_messages(again.wsgi_request)][-1]

    handed = confirm_hand_over(counter_client, officer, new)
    assert handed.status_code == 302 and CounterVisit.objects.latest("pk").events.get().device == new
    assert Assignment.objects.get(device=new, returned_at__isnull=True).holder == officer


@pytest.mark.django_db
def test_a_device_the_person_does_not_hold_is_not_found(counter_client, make_device, issued, officer):
    someone_elses = issued(make_device(), UserFactory())
    in_stock = make_device()
    for device in (someone_elses, in_stock):
        assert counter_client.get(loss_url(officer, device)).status_code == 404
        form = {"kind": "lost", "noticed_at": _local(timezone.now()), "where": "Anywhere"}
        assert counter_client.post(loss_url(officer, device), form).status_code == 404
    assert not DeviceLoss.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_shown_again_with_what_was_typed(frozen, counter_client, make_device, issued, officer):
    old = issued(make_device(), officer)
    response = counter_client.post(
        loss_url(officer, old), {"kind": "", "noticed_at": _local(NOW + timedelta(hours=3)), "where": "On the tram"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select whether it is lost or stolen" in body and "must be now or in the past" in body
    assert "On the tram" in body
    old.refresh_from_db()
    assert old.status == "issued" and not DeviceLoss.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "data_office"])
def test_only_counter_staff_report_for_someone(client_as, role, make_device, issued, officer):
    old = issued(make_device(), officer)
    form = {"kind": "lost", "noticed_at": _local(timezone.now()), "where": "Anywhere"}
    response = client_as(role).post(loss_url(officer, old), form)
    # the admin sends people without an admin role to sign in; the Data Office is refused
    assert response.status_code == (302 if role == "officer" else 403)
    assert not DeviceLoss.objects.exists()
