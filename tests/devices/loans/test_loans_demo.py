"""On the demo data: each Tech Bar has a loan pool, one loan is overdue, and TB001 lends OFF001 a
tablet due back on Friday at Headquarters' counter, as the README's walk does."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devices.models import Device, Loan, LoanPoolDevice, TechBar
from portal.models import User


def _next_friday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)


@pytest.mark.django_db
def test_tb001_lends_off001_a_tablet_due_back_friday_on_the_demo_data(client, capsys):
    call_command("seed_demo")
    hint = re.search(r"lend OFF001 the tablet (KBL\d+) from the loan pool", capsys.readouterr().out)
    assert hint, "seed_demo prints the tablet to lend"
    for bar in TechBar.objects.all():
        kinds = sorted(LoanPoolDevice.objects.filter(tech_bar=bar).values_list("device__model__kind", flat=True))
        assert kinds == ["laptop", "smartphone", "tablet", "tablet"], bar
    overdue = Loan.objects.get()
    assert overdue.due_back < timezone.localdate() and overdue.ended_at is None
    call_command("seed_demo")  # idempotent
    assert LoanPoolDevice.objects.count() == 12 and Loan.objects.count() == 1

    tablet = Device.objects.get(asset_tag=hint[1])
    client.force_login(User.objects.get(payroll_number="TB001"))
    client.post(reverse("admin:devices_counter"), {"tech_bar": TechBar.objects.get(code="hq").pk})
    url = reverse("admin:devices_counter_person", kwargs={"payroll": "OFF001"})
    page = client.post(url, {"code": tablet.asset_tag}).content.decode()
    assert f'name="due-{tablet.asset_tag}"' in page
    tokens = dict(re.findall(r'name="(shown-\d+)" value="([^"]+)"', page))
    friday = _next_friday(timezone.localdate())
    response = client.post(
        url,
        {
            "give": tablet.asset_tag,
            f"due-{tablet.asset_tag}": friday.isoformat(),
            "confirmed": "yes",
            "action": "confirm",
            **tokens,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    loan = Loan.objects.get(device=tablet)
    assert (loan.holder.payroll_number, loan.due_back) == ("OFF001", friday)
    assert "Lent at this visit" in client.get(response.url).content.decode()
