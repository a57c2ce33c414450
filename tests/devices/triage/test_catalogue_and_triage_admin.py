"""The triage queue in the admin (per Tech Bar, oldest first, outcomes by action, constant cost),
Tech Bar opening hours shown to officers, and a staff member's counter opening at their Tech Bar."""

import datetime
import io
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse

from devices.core.services import device_issue, device_return
from devices.counter.views import SESSION_KEY
from devices.models import Device, DeviceTriage, TechBar, TechBarOpeningHours
from portal.models import User
from tests.factories import UserFactory

QUEUE = "/admin/devices/triagedevice/"


@pytest.fixture
def hand_back(frozen, make_device, officer, tech_bar_staff):
    def _hand_back(*, at):
        phone = make_device(tech_bar=at)
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=at)
        device_return(device=phone, actor=tech_bar_staff, tech_bar=at, reason="faulty")
        return phone

    return _hand_back


def _rows(html: str, tags: list[str]) -> list[str]:
    return sorted(tags, key=html.index)


def test_the_queue_lists_returned_devices_per_tech_bar_oldest_first(
    client, tech_bar_staff, hand_back, bar, other_bar, frozen, make_device
):
    later = hand_back(at=bar)
    frozen.shift(timedelta(hours=-3))  # handed back earlier, so listed first
    earlier = hand_back(at=bar)
    north = hand_back(at=other_bar)
    in_stock = make_device()
    client.force_login(tech_bar_staff)

    html = client.get(QUEUE).text
    tags = [earlier.asset_tag, later.asset_tag, north.asset_tag]
    assert in_stock.asset_tag not in html
    assert _rows(html, tags) == [earlier.asset_tag, later.asset_tag, north.asset_tag]  # Headquarters, then North
    only_north = client.get(QUEUE, {"tech_bar__id__exact": other_bar.pk}).text
    assert north.asset_tag in only_north and earlier.asset_tag not in only_north


def test_tech_bar_staff_put_a_device_back_in_stock_from_the_queue(client, tech_bar_staff, hand_back, bar):
    phone = hand_back(at=bar)
    client.force_login(tech_bar_staff)
    asked = client.post(QUEUE, {"action": "to_stock", ACTION_CHECKBOX_NAME: [phone.pk]})
    assert asked.status_code == 200 and "Who wiped and checked them?" in asked.text

    data = {"action": "to_stock", ACTION_CHECKBOX_NAME: [phone.pk], "apply": "1", "checked_by": tech_bar_staff.pk}
    refused = client.post(QUEUE, data)  # the box not ticked: asked again, nothing changed
    assert refused.status_code == 400 and "Tick to confirm the devices were wiped and checked" in refused.text
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED

    done = client.post(QUEUE, {**data, "wiped_and_checked": "on"})
    assert done.status_code == 302
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK
    assert DeviceTriage.objects.get(device=phone).checked_by == tech_bar_staff


def test_repair_disposal_and_back_from_repair_from_the_queue(client, tech_bar_staff, hand_back, bar):
    to_fix, to_bin = hand_back(at=bar), hand_back(at=bar)
    client.force_login(tech_bar_staff)
    missing = client.post(QUEUE, {"action": "dispose", ACTION_CHECKBOX_NAME: [to_bin.pk], "apply": "1"})
    assert missing.status_code == 400 and "Enter the disposal certificate reference" in missing.text

    client.post(
        QUEUE, {"action": "to_repair", ACTION_CHECKBOX_NAME: [to_fix.pk], "apply": "1", "supplier_reference": "RMA-7"}
    )
    client.post(
        QUEUE, {"action": "dispose", ACTION_CHECKBOX_NAME: [to_bin.pk], "apply": "1", "disposal_reference": "WEEE-9"}
    )
    to_fix.refresh_from_db()
    to_bin.refresh_from_db()
    assert (to_fix.status, to_bin.status) == (Device.Status.IN_REPAIR, Device.Status.DISPOSED)

    in_repair = client.get(QUEUE, {"queue": "in_repair"}).text
    assert to_fix.asset_tag in in_repair and to_bin.asset_tag not in in_repair
    client.post(
        f"{QUEUE}?queue=in_repair",
        {"action": "back_from_repair", ACTION_CHECKBOX_NAME: [to_fix.pk], "apply": "1", "note": ""},
    )
    to_fix.refresh_from_db()
    assert to_fix.status == Device.Status.RETURNED


def test_officers_cannot_triage(client, officer, hand_back, bar):
    phone = hand_back(at=bar)
    client.force_login(officer)
    data = {"action": "to_stock", ACTION_CHECKBOX_NAME: [phone.pk], "apply": "1", "wiped_and_checked": "on"}
    assert client.post(QUEUE, data, follow=True).status_code == 403
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED


@pytest.mark.parametrize("waiting", [5, 50])
def test_the_queue_costs_the_same_whatever_its_length(
    client, tech_bar_staff, hand_back, bar, waiting, django_assert_max_num_queries
):
    for _ in range(waiting):
        hand_back(at=bar)
    client.force_login(tech_bar_staff)
    client.get(QUEUE)  # warm the session
    with django_assert_max_num_queries(TRIAGE_QUEUE_QUERIES):
        response = client.get(QUEUE)
    assert response.status_code == 200 and response.text.count('name="_selected_action"') == waiting


TRIAGE_QUEUE_QUERIES = 10  # measured: 10 at 5 and at 50


# --- Opening hours and staff --------------------------------------------------------------------------
@pytest.fixture
def hours(bar):
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0, opens=datetime.time(8), closes=datetime.time(17, 30))
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=5, opens=datetime.time(9), closes=datetime.time(12))


def test_officers_see_opening_hours_on_my_kit_and_the_faulty_page(client, officer, held_phone, make_device, bar, hours):
    make_device()  # a spare at `bar`, so the faulty page lists it
    client.force_login(officer)
    for url in (reverse("devices:my_kit"), reverse("devices:device_report_faulty", args=[held_phone.pk])):
        page = client.get(url).text
        assert bar.name in page
        assert "Monday" in page and "08:00 to 17:30" in page and "Saturday" in page and "09:00 to 12:00" in page
        assert "Sunday" not in page


def test_a_staff_members_counter_opens_at_their_tech_bar(client, tech_bar_staff, other_bar):
    zulu = TechBar.objects.create(code="zulu", name="Zulu Tech Bar")
    zulu.staff.add(tech_bar_staff)
    other_bar.staff.add(tech_bar_staff)  # several: the first by name
    client.force_login(tech_bar_staff)
    page = client.get(reverse("admin:devices_counter"))
    assert page.status_code == 200 and client.session[SESSION_KEY] == other_bar.pk
    assert page.context["tech_bar"] == other_bar and not page.context["choosing"]


def test_a_staff_member_at_no_tech_bar_chooses_one(client, tech_bar_staff, bar):
    client.force_login(tech_bar_staff)
    page = client.get(reverse("admin:devices_counter"))
    assert page.context["tech_bar"] is None and page.context["choosing"]


def test_portal_admins_set_opening_hours_and_staff_in_the_admin(client, portal_admin, tech_bar_staff, bar):
    officer = UserFactory()
    client.force_login(portal_admin)
    url = reverse("admin:devices_techbar_change", args=[bar.pk])
    form = client.get(url)
    assert form.status_code == 200
    staff_choices = [choice for choice, _ in form.context["adminform"].form.fields["staff"].choices]
    assert tech_bar_staff.pk in [getattr(c, "value", c) for c in staff_choices]
    assert officer.pk not in [getattr(c, "value", c) for c in staff_choices]  # only Tech Bar staff work there
    data = {
        "name": bar.name, "code": bar.code, "location": bar.location, "is_active": "on", "staff": [tech_bar_staff.pk],
        "opening_hours-TOTAL_FORMS": "2", "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0", "opening_hours-MAX_NUM_FORMS": "7",
        "opening_hours-0-weekday": "0", "opening_hours-0-opens": "08:00", "opening_hours-0-closes": "17:00",
        "opening_hours-1-weekday": "0", "opening_hours-1-opens": "09:00", "opening_hours-1-closes": "12:00",
    }  # fmt: skip
    twice = client.post(url, data)  # Monday twice: refused with the reason
    assert twice.status_code == 200 and not bar.opening_hours.exists()
    assert client.post(url, {**data, "opening_hours-1-weekday": "1"}).status_code == 302
    assert list(bar.opening_hours.values_list("weekday", flat=True)) == [0, 1]
    assert list(bar.staff.all()) == [tech_bar_staff]


@pytest.mark.django_db
def test_the_demo_has_a_returned_phone_waiting_at_headquarters_and_tb001_works_there(client, frozen):
    call_command("seed_demo", stdout=io.StringIO())
    tb001 = User.objects.get(payroll_number="TB001")
    hq = TechBar.objects.get(code="hq")
    assert list(tb001.tech_bars.all()) == [hq]
    waiting = Device.objects.filter(status=Device.Status.RETURNED, tech_bar=hq)
    assert waiting.exists() and hq.opening_hours.count() >= 5
    client.force_login(tb001)
    assert waiting.first().asset_tag in client.get(QUEUE).text
    assert client.get(reverse("admin:devices_counter")).context["tech_bar"] == hq


def test_portal_admins_keep_the_catalogue(client, portal_admin, phone_model):
    client.force_login(portal_admin)
    url = reverse("admin:devices_devicemodel_change", args=[phone_model.pk])
    data = {
        "make": phone_model.make, "model_name": phone_model.model_name, "kind": phone_model.kind,
        "operating_system": "Android 15", "unit_cost": "-1", "expected_life_months": "36", "retired": "on",
    }  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200 and "greater than or equal to 0" in refused.text
    assert client.post(url, {**data, "unit_cost": "329.99", "approval_required": "on"}).status_code == 302
    phone_model.refresh_from_db()
    assert (str(phone_model.unit_cost), phone_model.expected_life_months) == ("329.99", 36)
    assert phone_model.retired and phone_model.approval_required
