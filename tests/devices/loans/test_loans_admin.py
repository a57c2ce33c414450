"""The loan pool in the admin: Tech Bar staff add a device to their Tech Bar's pool and take it out,
through the loan services (audited); loans are read there, never edited."""

import pytest
from django.urls import reverse

from devices.models import Loan, LoanPoolDevice

pytestmark = pytest.mark.django_db


def test_tech_bar_staff_keep_the_loan_pool(client, tech_bar_staff, make_device, bar):
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
