"""The demo has a past for the figures: a request about a date last month has kit to count."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from devices.figures.forms import end_of_local_day
from devices.figures.selectors import answer_figures
from devices.models import Device
from portal.models import PersonHistory

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
