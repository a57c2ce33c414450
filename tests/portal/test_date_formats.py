"""Dates and times read the same everywhere, "24 Nov 2026 20:28": 24-hour, in local time
(Europe/London), on a table, a page and an admin changelist alike."""

import datetime

import django_tables2 as tables
import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from policy.models import Acknowledgement
from portal.formats import local_date, local_datetime
from portal.tables import BaseTable
from tests.policy.factories import accept, published_version

UTC = datetime.UTC
# Winter: GMT, so local time is UTC. Summer: BST, local time is an hour ahead of UTC.
WINTER = datetime.datetime(2026, 11, 24, 20, 28, tzinfo=UTC)
SUMMER = datetime.datetime(2026, 7, 14, 19, 28, tzinfo=UTC)
INSTANTS = [
    pytest.param(WINTER, "24 Nov 2026 20:28", id="winter-GMT"),
    pytest.param(SUMMER, "14 Jul 2026 20:28", id="summer-BST"),
]


@pytest.mark.parametrize(("instant", "shown"), INSTANTS)
def test_the_portal_formats_are_24_hour_local_time(instant, shown):
    assert local_datetime(instant) == shown
    assert local_date(instant.date()) == shown[: -len(" 20:28")]
    assert local_datetime(None) == "" and local_date(None) == ""


@pytest.mark.parametrize(("instant", "shown"), INSTANTS)
def test_a_django_tables2_date_time_column_reads_the_same(instant, shown):
    class Table(BaseTable):
        at = tables.DateTimeColumn()  # SHORT_DATETIME_FORMAT
        plain = tables.Column()  # the value as a template shows it: DATETIME_FORMAT

    html = Table([{"at": instant, "plain": instant}]).as_html(RequestFactory().get("/"))
    assert html.count(shown) == 2, html


@pytest.mark.django_db
@pytest.mark.parametrize(("instant", "shown"), INSTANTS)
def test_an_acceptance_reads_alike_on_a_table_a_page_and_the_admin(instant, shown, client, data_office, portal_admin):
    utc_time = f"{instant:%H:%M}"
    with time_machine.travel(instant, tick=False):
        version = published_version(by=portal_admin)
        accept(data_office, version)
        accept(portal_admin, version)
        slug = version.policy.slug

        client.force_login(data_office)
        table = client.get(reverse("policy:compliance", kwargs={"slug": slug})).content.decode()
        page = client.get(reverse("policy:my_policies")).content.decode()
        receipt_url = reverse("policy:receipt", kwargs={"slug": slug, "number": version.number})
        receipt = client.get(receipt_url).content.decode()

        client.force_login(portal_admin)
        changelist = client.get("/admin/policy/acknowledgement/").content.decode()

    for html in (table, page, receipt, changelist):
        assert shown in html
    if instant == SUMMER:  # local time, not UTC
        for html in (table, page, receipt, changelist):
            assert f"2026 {utc_time}" not in html
    assert "a.m." not in changelist and "p.m." not in changelist
    # The record's own name (admin titles, breadcrumbs, the audit log) reads the same.
    assert str(Acknowledgement.objects.get(user=data_office)).endswith(f"at {shown}")
