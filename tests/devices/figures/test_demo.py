"""The demo has a past for the figures: a request about a date last month has kit to count, and an
answer given from it is saved, exported and found unchanged a day later (issue 24's "Done when")."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devices.figures.forms import end_of_local_day
from devices.figures.render import csv_sha256
from devices.figures.selectors import answer_figures
from devices.models import Device, FigureDisclosure
from policy.selectors import policies_to_accept
from portal.models import PersonHistory, User
from tests.devices.figures.history import issued
from tests.policy.factories import accept

pytestmark = pytest.mark.django_db


def test_the_demo_answers_a_request_for_a_date_last_month_and_seeding_again_adds_no_history(capsys):
    call_command("seed_demo")
    rows = PersonHistory.objects.count()
    call_command("seed_demo")
    assert PersonHistory.objects.count() == rows

    last_month = end_of_local_day(timezone.localdate() - datetime.timedelta(days=30))
    figures = answer_figures(as_of=last_month)
    table = figures.table("kinds")
    issued = table.columns.index("Devices issued")
    kinds = {labels[0]: values for labels, values in table.rows}
    assert kinds["Total"][issued] > 0 and kinds["Smartphone"][issued] > 0
    assert not Device.objects.filter(events__isnull=True).exists()
    statuses = {labels[0]: values[0] for labels, values in figures.table("statuses").rows}
    assert statuses["In stock"] > 0
    assert len(figures.table("units").rows) > 3


def test_on_the_demo_data_do001_answers_saves_exports_and_a_day_later_finds_the_figures_unchanged(client, freeze_clock):
    call_command("seed_demo", stdout=io.StringIO())
    do001 = User.objects.get(payroll_number="DO001")
    for state in policies_to_accept(user=do001):  # past the conditions-of-use gate
        accept(do001, state.current)
    day = timezone.localdate() - datetime.timedelta(days=30)
    client.force_login(do001)
    asked = {"as_of_date": day.isoformat(), "command_unit": "", "reference": "01.FOI.23.029741"}
    assert client.get(reverse("devices:figures"), asked).status_code == 200
    client.post(reverse("devices:figures_disclosure_create"), asked)
    disclosure = FigureDisclosure.objects.get(reference="01.FOI.23.029741")
    exported = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]), {"_export": "csv"})
    assert csv_sha256(exported.content.decode()) == disclosure.csv_sha256

    with freeze_clock(timezone.now() + datetime.timedelta(days=1)):
        holder, device = User.objects.filter(is_active=True).last(), Device.objects.filter(status="in_stock").first()
        issued(device, holder, timezone.now(), actor=do001)  # kit moves after the answer was given
        client.force_login(do001)
        again = client.get(reverse("devices:figures_disclosure", args=[disclosure.pk]))
    assert "match the ones given, byte for byte" in again.content.decode()
