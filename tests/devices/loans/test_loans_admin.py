"""The loan pool in the admin: Tech Bar staff add a device to their Tech Bar's pool and take it out,
through the loan services (audited); loans are read there, never edited."""

import pytest
from django.urls import reverse

from devices.models import Loan, LoanPoolDevice

pytestmark = pytest.mark.django_db


def test_tech_bar_staff_keep_the_loan_pool(client, tech_bar_staff, make_device, bar):
    bar.staff.add(tech_bar_staff)
    device = make_device()
    client.force_login(tech_bar_staff)
    response = client.post(
        reverse("admin:devices_loanpooldevice_add"), {"device": device.pk, "tech_bar": bar.pk, "_save": "Save"}
    )
    assert response.status_code == 302
    pool = LoanPoolDevice.objects.get(device=device)
    assert (pool.tech_bar, pool.added_by) == (bar, tech_bar_staff)
    listed = client.get(reverse("admin:devices_loanpooldevice_changelist")).content.decode()
    assert device.asset_tag in listed

    response = client.post(reverse("admin:devices_loanpooldevice_delete", args=[pool.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not LoanPoolDevice.objects.exists()


def test_loans_are_read_only_in_the_admin(client, tech_bar_staff):
    client.force_login(tech_bar_staff)
    assert client.get(reverse("admin:devices_loan_changelist")).status_code == 200
    assert client.get(reverse("admin:devices_loan_add")).status_code == 403
    assert not Loan.objects.exists()


def test_staff_keep_only_their_own_tech_bars_pool(client, tech_bar_staff, make_device, bar, other_bar):
    bar.staff.add(tech_bar_staff)
    client.force_login(tech_bar_staff)
    add = reverse("admin:devices_loanpooldevice_add")
    device = make_device()
    response = client.post(add, {"device": device.pk, "tech_bar": other_bar.pk, "_save": "Save"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    elsewhere = make_device(tech_bar=other_bar)
    response = client.post(add, {"device": elsewhere.pk, "tech_bar": bar.pk, "_save": "Save"})
    assert f"{elsewhere.asset_tag} sits at North Hub Tech Bar" in response.content.decode()
    assert not LoanPoolDevice.objects.exists()

    theirs = LoanPoolDevice.objects.create(device=make_device(), tech_bar=other_bar)
    assert client.get(reverse("admin:devices_loanpooldevice_change", args=[theirs.pk])).status_code == 200
    response = client.post(reverse("admin:devices_loanpooldevice_delete", args=[theirs.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:devices_loanpooldevice_changelist"),
        {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"},
    )
    assert response.status_code == 403 and LoanPoolDevice.objects.filter(pk=theirs.pk).exists()


def test_portal_admins_keep_any_pool(client, portal_admin, make_device, other_bar):
    client.force_login(portal_admin)
    device = make_device(tech_bar=other_bar)
    response = client.post(
        reverse("admin:devices_loanpooldevice_add"), {"device": device.pk, "tech_bar": other_bar.pk, "_save": "Save"}
    )
    assert response.status_code == 302 and LoanPoolDevice.objects.get(device=device).tech_bar == other_bar
