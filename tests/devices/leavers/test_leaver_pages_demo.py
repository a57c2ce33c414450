"""The issue's "Done when" walk on the demo data, through the pages this time: SUP001 sets
OFF001's leaving date on their team page, the reminders appear in both notification lists with
a link to the case, TB001 checks the phone and laptop in and ticks off the property at the
counter, SUP001 signs off, and the case closes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devices.counter.views import SESSION_KEY
from devices.models import Device, LeaverCase, TechBar
from policy.selectors import policies_to_accept
from portal.models import Notification, User
from tests.policy.factories import accept

pytestmark = pytest.mark.django_db


def test_the_leaver_walk_through_the_pages(frozen, client):
    call_command("seed_demo", stdout=io.StringIO())
    officer, sergeant, tb001 = (User.objects.get(payroll_number=p) for p in ("OFF001", "SUP001", "TB001"))
    hq = TechBar.objects.get(code="hq")
    held = list(Device.objects.filter(assignments__holder=officer, assignments__returned_at__isnull=True))
    assert len(held) == 2
    for person in (officer, sergeant, tb001):  # past the conditions-of-use gate
        for state in policies_to_accept(user=person):
            accept(person, state.current)

    client.force_login(sergeant)
    assert reverse("devices:leaving_date", args=["OFF001"]) in client.get(reverse("devices:my_team")).text
    leaving = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("devices:leaving_date", args=["OFF001"]), {"leaving_date": leaving.isoformat(), "action": "set"}
    )
    case = LeaverCase.objects.get(person=officer, status=LeaverCase.Status.OPEN)
    case_url = reverse("devices:leaver_case", args=[case.pk])
    assert response.url == case_url

    for person in (officer, sergeant):  # ten days' notice: the 14-day reminder is due at once
        client.force_login(person)
        reminder = Notification.objects.filter(recipient=person, url=case_url).first()
        assert reminder is not None and reminder.subject in client.get(reverse("portal:notifications")).text
        opened = client.post(reverse("portal:notification_read", args=[reminder.pk]))
        assert opened.url == case_url and client.get(case_url).status_code == 200

    client.force_login(tb001)
    session = client.session
    session[SESSION_KEY] = hq.pk
    session.save()
    counter = reverse("admin:devices_counter_person", args=["OFF001"])
    take = {"take": [d.asset_tag for d in held], "confirmed": "yes", "action": "confirm"}
    take |= {f"reason-{d.asset_tag}": "leaver" for d in held}
    assert client.post(counter, take).status_code == 302
    for line in case.lines.filter(property_kind__isnull=False):
        url = reverse("admin:devices_counter_leaver_receive", args=["OFF001", line.pk])
        assert client.post(url).status_code == 302

    client.force_login(sergeant)
    signed = client.post(reverse("devices:leaver_case_sign_off", args=[case.pk]), {"confirm": "yes"}, follow=True)
    assert "the case is closed" in signed.text
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED and case.ready_for_account_closure_at
    assert set(case.lines.values_list("outcome", flat=True)) == {"returned"}
