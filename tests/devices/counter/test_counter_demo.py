"""On the demo data, TB001 swaps OFF001's faulty phone at the counter and prints the receipt."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from devices.models import CounterVisit, Device, DeviceEvent, TechBar
from portal.models import User


@pytest.mark.django_db
def test_tb001_swaps_off001s_phone_at_the_counter_on_the_demo_data(client, capsys):
    call_command("seed_demo")
    hint = re.search(r"OFF001 holds (KB\d+); spare phones there: (KB\d+)", capsys.readouterr().out)
    assert hint, "seed_demo prints what to scan"
    old, new = Device.objects.get(asset_tag=hint[1]), Device.objects.get(asset_tag=hint[2])
    officer = User.objects.get(payroll_number="OFF001")
    assert officer.counter_visits.count() == 2  # a history: issued, then swapped when damaged

    client.force_login(User.objects.get(payroll_number="TB001"))
    client.post(reverse("admin:devices_counter"), {"tech_bar": TechBar.objects.get(code="hq").pk})
    url = reverse("admin:devices_counter_person", kwargs={"payroll": "OFF001"})
    page = client.post(url, {"code": new.asset_tag})
    # OFF001 has version 2 of the conditions to accept: the counter shows it and records it.
    tokens = dict(re.findall(r'name="(shown-\d+)" value="([^"]+)"', page.content.decode()))
    assert tokens
    response = client.post(
        url,
        {
            "take": old.asset_tag,
            f"reason-{old.asset_tag}": "faulty",
            "give": new.asset_tag,
            "confirmed": "yes",
            "action": "confirm",
            **tokens,
        },
    )
    visit = CounterVisit.objects.filter(person=officer).latest("pk")
    assert response.status_code == 302 and response.url.endswith(f"/{visit.pk}/receipt/")
    assert visit.accepted_here is not None and visit.accepted_here.witnessed_by.payroll_number == "TB001"
    assert DeviceEvent.objects.get(device=old, counter_visit=visit).related_event.device == new
    assert client.get(response.url).status_code == 200
