"""The device admin cannot break custody: status, Tech Bar and holder move only through services."""

import pytest
from django.urls import reverse

from devices.models import Device, DeviceEvent


def change_data(device, **overrides):
    data = {
        "asset_tag": device.asset_tag,
        "serial_number": device.serial_number,
        "imei": device.imei,
        "phone_number": "",
        "sim_iccid": "",
        "model": device.model_id,
        "mdm_enrolment_id": "",
        "purchase_date": "",
        "end_of_life_date": "",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_issued_device_cannot_be_moved_to_another_tech_bar_in_the_admin(
    client, tech_bar_staff, make_device, issued, officer, other_bar
):
    phone = issued(make_device(), officer)
    client.force_login(tech_bar_staff)
    url = reverse("admin:devices_device_change", args=[phone.pk])
    form = client.get(url).content.decode()
    assert 'name="tech_bar"' not in form and 'name="status"' not in form

    response = client.post(
        url, change_data(phone, tech_bar=other_bar.pk, status="in_stock", phone_number="07700 900123")
    )
    assert response.status_code == 302
    phone.refresh_from_db()
    assert (phone.status, phone.tech_bar, phone.phone_number) == ("issued", None, "07700 900123")
    assert phone.assignments.get(returned_at__isnull=True).holder == officer


@pytest.mark.django_db
def test_adding_a_device_records_that_it_was_received(client, tech_bar_staff, phone_model, bar):
    client.force_login(tech_bar_staff)
    response = client.post(
        reverse("admin:devices_device_add"),
        change_data(Device(asset_tag="KB777777", model=phone_model, serial_number="SN1"), tech_bar=bar.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    device = Device.objects.get(asset_tag="KB777777")
    assert device.status == "in_stock" and device.tech_bar == bar
    event = DeviceEvent.objects.get(device=device)
    assert (event.kind, event.actor, event.to_status) == ("received", tech_bar_staff, "in_stock")


@pytest.mark.django_db
def test_a_new_device_needs_the_tech_bar_that_received_it(client, tech_bar_staff, phone_model):
    client.force_login(tech_bar_staff)
    response = client.post(
        reverse("admin:devices_device_add"), change_data(Device(asset_tag="KB777778", model=phone_model))
    )
    assert response.status_code == 200 and not Device.objects.filter(asset_tag="KB777778").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["tech_bar_staff", "portal_admin"])
def test_devices_are_never_deleted(client, request, role, make_device):
    device = make_device()
    client.force_login(request.getfixturevalue(role))
    changelist = client.get(reverse("admin:devices_device_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert client.get(reverse("admin:devices_device_delete", args=[device.pk])).status_code == 403
    response = client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Device.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_counter_visits_are_read_only_in_the_admin(client, tech_bar_staff, make_device, issued, officer):
    issued(make_device(), officer)
    client.force_login(tech_bar_staff)
    visit = officer.counter_visits.get()
    assert client.get(reverse("admin:devices_countervisit_change", args=[visit.pk])).status_code == 200
    assert client.get(reverse("admin:devices_countervisit_add")).status_code == 403
    assert client.get(reverse("admin:devices_countervisit_delete", args=[visit.pk])).status_code == 403


@pytest.mark.django_db
def test_an_imei_with_a_wrong_check_digit_is_refused_in_the_admin(client, tech_bar_staff, make_device):
    phone = make_device()
    client.force_login(tech_bar_staff)
    url = reverse("admin:devices_device_change", args=[phone.pk])
    response = client.post(url, change_data(phone, imei="490154203237517"))
    assert response.status_code == 200 and "check digit is wrong" in response.content.decode()
    assert client.post(url, change_data(phone, imei="490154203237518")).status_code == 302
