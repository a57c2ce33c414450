"""The holder's report pages, the Data Office's view of the devices an incident involves, and
the Tech Bar's remote action queue in the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from devices.models import Device, DeviceEvent, DeviceLoss, RemoteAction, TechBar
from incidents import services as incident_services
from incidents.models import Incident
from tests.devices.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _loss_url(device, kind="stolen"):
    return reverse("devices:device_report_loss", kwargs={"pk": device.pk, "kind": kind})


def test_the_home_page_links_each_held_device_to_its_report(client, officer, held_phone):
    client.force_login(officer)
    response = client.get(reverse("portal:home"))
    assert reverse("devices:device_report", args=[held_phone.pk]) in response.text


def test_choosing_what_happened(client, officer, held_phone, frozen):
    client.force_login(officer)
    url = reverse("devices:device_report", args=[held_phone.pk])
    assert held_phone.asset_tag in client.get(url).text

    nothing = client.post(url, {})
    assert nothing.status_code == 400
    assert "Select whether it is lost, stolen, or faulty or damaged" in nothing.text

    assert client.post(url, {"kind": "stolen"}).url == _loss_url(held_phone)
    assert client.post(url, {"kind": "faulty"}).url == reverse("devices:device_report_faulty", args=[held_phone.pk])
    assert DeviceEvent.objects.filter(device=held_phone, kind=DeviceEvent.Kind.REPORTED_FAULTY).count() == 1


def test_reporting_a_phone_stolen_lands_on_its_incident_once_however_often_it_is_sent(
    client, officer, held_phone, frozen
):
    client.force_login(officer)
    noticed = NOW - timedelta(minutes=40)
    form = {"noticed_at": _local(noticed), "where": "Taken from my locker at Lewisham"}
    assert client.get(_loss_url(held_phone)).status_code == 200

    first = client.post(_loss_url(held_phone), form, follow=True)
    incident = Incident.objects.get()
    assert first.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    page = first.text
    assert f"{held_phone.asset_tag} is reported stolen; a SIM block and a remote wipe have been requested" in page
    assert incident.reference in page
    assert incident.aware_at == noticed and incident.due_at == noticed + timedelta(hours=12)

    # The button pressed twice, or the form sent again from the back button: the same incident.
    again = client.post(_loss_url(held_phone), form, follow=True)
    assert again.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    assert "reported" in again.text and "already" in again.text
    assert (Incident.objects.count(), DeviceLoss.objects.count(), RemoteAction.objects.count()) == (1, 1, 2)


def test_bad_input_is_a_message_and_keeps_what_was_typed(client, officer, held_phone, frozen):
    client.force_login(officer)
    response = client.post(
        _loss_url(held_phone), {"noticed_at": _local(NOW + timedelta(hours=2)), "where": "Outside Peckham station"}
    )
    assert response.status_code == 400
    assert "The time you noticed must be now or in the past" in response.text
    assert "Outside Peckham station" in response.text
    blank = client.post(_loss_url(held_phone), {"noticed_at": "", "where": ""})
    assert blank.status_code == 400 and "Enter where it was lost or stolen" in blank.text
    assert not Incident.objects.exists()
    held_phone.refresh_from_db()
    assert held_phone.status == Device.Status.ISSUED


def test_a_device_the_reporter_does_not_hold_is_not_found(client, held_phone, frozen, make_device):
    client.force_login(UserFactory())
    form = {"noticed_at": _local(NOW), "where": "Anywhere"}
    assert client.post(_loss_url(held_phone), form).status_code == 404
    assert client.post(reverse("devices:device_report", args=[held_phone.pk]), {"kind": "lost"}).status_code == 404
    assert client.get(reverse("devices:device_report", args=[make_device().pk])).status_code == 404
    assert not Incident.objects.exists()


def test_an_unknown_kind_of_report_is_not_found(client, officer, held_phone):
    client.force_login(officer)
    assert client.get(_loss_url(held_phone, kind="misplaced")).status_code == 404


def test_the_faulty_page_names_tech_bars_with_a_spare(client, officer, held_phone, make_device, bar):
    empty = TechBar.objects.create(code="lew", name="Lewisham Tech Bar")
    make_device()  # a spare smartphone in stock at `bar`
    client.force_login(officer)
    page = client.get(reverse("devices:device_report_faulty", args=[held_phone.pk])).text
    assert bar.name in page and bar.location in page
    assert empty.name not in page
    assert "warrant card or staff pass" in page


def test_the_data_office_sees_the_devices_an_incident_involves_as_links(
    client, officer, data_office, held_phone, frozen, make_device
):
    from devices.losses.services.losses import device_report_lost

    incident = device_report_lost(
        device=held_phone, actor=officer, kind="lost", noticed_at=NOW, where="Croydon tram"
    ).incident
    laptop = make_device()
    typed = incident_services.incident_open(
        reporter=officer,
        summary="Laptop left on a train",
        aware_at=NOW,
        personal_data_involved="unknown",
        device_involved="yes",
        asset_tags=f"{laptop.asset_tag}, NOTATAG",
    )
    client.force_login(data_office)
    page = client.get(reverse("incidents:incident_review", args=[incident.pk])).text
    assert "Devices involved" in page
    assert f'href="{reverse("devices:device_detail", args=[held_phone.pk])}"' in page
    assert "SIM block: requested" in page and "Remote wipe: requested" in page
    typed_page = client.get(reverse("incidents:incident_review", args=[typed.pk])).text
    assert laptop.asset_tag in typed_page and "Devices involved" in typed_page

    device_page = client.get(reverse("devices:device_detail", args=[held_phone.pk])).text
    assert "Remote wipe" in device_page and incident.reference in device_page and "Croydon tram" in device_page

    # The reporter's own page carries no Data Office links.
    client.force_login(officer)
    assert "Devices involved" not in client.get(reverse("incidents:incident_detail", args=[incident.pk])).text


def test_the_incident_page_costs_the_same_with_more_devices(
    client, officer, data_office, frozen, make_device, django_assert_max_num_queries
):
    tags = [make_device().asset_tag for _ in range(3)]
    small = incident_services.incident_open(
        reporter=officer,
        summary="Phones left in a car",
        aware_at=NOW,
        personal_data_involved="unknown",
        device_involved="yes",
        asset_tags=" ".join(tags[:1]),
    )
    client.force_login(data_office)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("incidents:incident_review", args=[small.pk]))
    many = incident_services.incident_open(
        reporter=officer,
        summary="Phones left in a car",
        aware_at=NOW,
        personal_data_involved="unknown",
        device_involved="yes",
        asset_tags=" ".join(tags),
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("incidents:incident_review", args=[many.pk]))


# --- the Tech Bar's queue in the admin -----------------------------------------------------
def _changelist():
    return reverse("admin:devices_remoteaction_changelist")


def test_tech_bar_staff_work_the_queue_in_the_admin(client, tech_bar_staff, held_phone, officer, frozen):
    from devices.losses.services.losses import device_report_lost

    loss = device_report_lost(device=held_phone, actor=officer, kind="stolen", noticed_at=NOW, where="Bus")
    sim = loss.remote_actions.get(kind=RemoteAction.Kind.SIM_BLOCK)
    wipe = loss.remote_actions.get(kind=RemoteAction.Kind.WIPE)
    client.force_login(tech_bar_staff)

    queue = client.get(_changelist())
    assert queue.status_code == 200 and held_phone.asset_tag in queue.text
    assert "delete_selected" not in queue.text

    done = client.post(_changelist(), {"action": "mark_done", "_selected_action": [sim.pk], "index": 0}, follow=True)
    assert "1 remote action marked done." in done.text
    sim.refresh_from_db()
    assert (sim.status, sim.completed_by) == (RemoteAction.Status.DONE, tech_bar_staff)
    assert client.get(_changelist()).context["cl"].result_count == 1  # the queue shows what is still to do

    asked = client.post(_changelist(), {"action": "mark_failed", "_selected_action": [wipe.pk], "index": 0})
    assert asked.status_code == 200 and "Why did it fail?" in asked.text
    blank = client.post(_changelist(), {"action": "mark_failed", "_selected_action": [wipe.pk], "reason": ""})
    assert blank.status_code == 200 and "Say why it failed" in blank.text
    client.post(_changelist(), {"action": "mark_failed", "_selected_action": [wipe.pk], "reason": "Not in Intune"})
    wipe.refresh_from_db()
    assert (wipe.status, wipe.failure_reason) == (RemoteAction.Status.FAILED, "Not in Intune")

    finished = f"{_changelist()}?progress=finished"
    assert client.get(finished).context["cl"].result_count == 2
    refused = client.post(finished, {"action": "mark_done", "_selected_action": [sim.pk], "index": 0}, follow=True)
    assert "it cannot be marked done" in refused.text


def test_remote_actions_are_never_edited_or_deleted_by_hand(client, tech_bar_staff, held_phone, officer, frozen):
    from devices.losses.services.losses import device_report_lost

    loss = device_report_lost(device=held_phone, actor=officer, kind="lost", noticed_at=NOW, where="Home")
    action = loss.remote_actions.first()
    client.force_login(tech_bar_staff)
    url = reverse("admin:devices_remoteaction_change", args=[action.pk])
    assert client.post(url, {"status": "done"}).status_code in (302, 403)
    action.refresh_from_db()
    assert action.status == RemoteAction.Status.REQUESTED
    assert client.get(reverse("admin:devices_remoteaction_delete", args=[action.pk])).status_code == 403
    assert client.get(reverse("admin:devices_remoteaction_add")).status_code == 403


def test_officers_and_the_data_office_have_no_queue(client, officer, data_office):
    for person in (officer, data_office):
        client.force_login(person)
        assert client.get(_changelist()).status_code in (302, 403)


def test_a_time_the_incident_clock_refuses_is_a_message_on_the_form(client, officer, held_phone, frozen, monkeypatch):
    """The incident service has the last word on the awareness time (its clock is the database's):
    its refusal lands on the field and nothing is half done."""
    from incidents.services import IncidentError

    def refuse(**kwargs):
        raise IncidentError({"aware_at": "The time you became aware must be now or in the past"})

    monkeypatch.setattr("incidents.services.incident_open_for_lost_device", refuse)
    client.force_login(officer)
    response = client.post(_loss_url(held_phone), {"noticed_at": _local(NOW), "where": "Somewhere"})
    assert response.status_code == 400
    assert "The time you became aware must be now or in the past" in response.text
    assert "Somewhere" in response.text
    assert not Incident.objects.exists() and not RemoteAction.objects.exists()
    held_phone.refresh_from_db()
    assert held_phone.status == Device.Status.ISSUED
