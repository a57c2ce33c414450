"""A device's page with its actions, in a real browser: axe clean with the buttons shown, and
"Mark it found" from the page through its confirmation to the device back at a Tech Bar."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devices.core.services import device_issue
from devices.losses.services import losses
from devices.models import Device, DeviceModel, TechBar
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lost_and_spare(officer, tech_bar_staff):
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")
    bar.staff.add(tech_bar_staff)
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    lost = Device.objects.create(asset_tag="KB000201", model=model, tech_bar=bar, imei="350000000002017")
    spare = Device.objects.create(asset_tag="KB000202", model=model, tech_bar=bar)
    device_issue(device=lost, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    losses.device_report_lost(
        device=lost, actor=officer, kind="lost", noticed_at=timezone.now() - timedelta(hours=1), where="On the bus"
    )
    return lost, spare


def test_tech_bar_staff_act_from_an_accessible_device_page(page, live_server, tech_bar_staff, lost_and_spare):
    lost, spare = lost_and_spare
    sign_in(page, live_server, tech_bar_staff)

    page.goto(f"{live_server.url}{reverse('devices:device_detail', args=[spare.pk])}")
    expect(page.get_by_role("button", name="Print its label")).to_be_visible()
    expect(page.get_by_role("button", name="Send it to another Tech Bar")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('devices:device_detail', args=[lost.pk])}")
    assert_accessible(page)
    page.get_by_role("button", name="Mark it found").click()
    page.wait_for_url(f"**{reverse('devices:device_found', args=[lost.pk])}")
    assert_accessible(page)
    page.get_by_role("button", name="Mark it found").click()
    page.wait_for_url(f"**{reverse('devices:device_detail', args=[lost.pk])}")
    assert "is found: it waits for triage" in page.content()
    assert_accessible(page)
    lost.refresh_from_db()
    assert lost.status == Device.Status.RETURNED
