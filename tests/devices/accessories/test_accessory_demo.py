"""On the demo data: accessory kinds with shelf codes and stock at every Tech Bar, someone holding a
charger, and TB001 scanning ACC-CHARGER at the counter. Seeding twice changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from devices.models import AccessoryHolding, AccessoryKind, AccessoryMovement, AccessoryStock, TechBar
from portal.models import User


@pytest.mark.django_db
def test_the_demo_has_accessories_to_scan_at_every_tech_bar(client):
    call_command("seed_demo")
    codes = set(AccessoryKind.objects.values_list("code", flat=True))
    assert {"ACC-CHARGER", "ACC-CARKIT", "ACC-HEADSET", "ACC-CASE", "ACC-DOCK", "ACC-KEYBOARD", "ACC-MOUSE"} <= codes
    assert AccessoryKind.objects.filter(assistive=True).count() >= 2
    assert AccessoryStock.objects.count() == len(codes) * TechBar.objects.filter(is_active=True).count()
    assert AccessoryHolding.objects.get(kind__code="ACC-CHARGER").quantity == 1
    assert not AccessoryHolding.objects.filter(person__payroll_number="OFF001").exists()  # the leaver walk's
    movements = AccessoryMovement.objects.count()

    call_command("seed_demo")
    assert AccessoryMovement.objects.count() == movements

    client.force_login(User.objects.get(payroll_number="TB001"))
    client.post(reverse("admin:devices_counter"), {"tech_bar": TechBar.objects.get(code="hq").pk})
    page = client.post(reverse("admin:devices_counter_person", kwargs={"payroll": "OFF002"}), {"code": "ACC-CHARGER"})
    assert "Handing over USB-C charger." in page.content.decode()
