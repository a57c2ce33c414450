"""Each scan as a small request (static/js/counter.js sends X-Counter-Fragment): the lists alone,
placing the device in its column or refusing it with a message and a 4xx, never the page around
them and never a 500; the list still round-trips, so the confirm issues exactly what was shown."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices.models import CounterLine, CounterVisit, DeviceModel
from tests.devices.conftest import NOW
from tests.devices.leavers.leaver_page_helpers import join_team, open_case
from tests.factories import AccessoryKindFactory, DeviceModelFactory

FRAGMENT = {"X-Counter-Fragment": "1"}
# A scan: the session, the staff member and their roles, the Tech Bar, the person with their open
# leaver case (one query: devices.counter.selectors.counter_person); the lines on the list and the
# code scanned, read as one batch, each device with its latest assignment, the request someone else
# has it kept for and whether it is a loan pool device (one query however long the list:
# devices.counter.selectors.ScanFacts); the devices the person holds (FAQ 7, read once:
# HandOverFacts); the accessory kinds, read once for the shelf code, the lines and the list to choose
# from; what the person holds of them. 14 to 17 before: the leaver case, the scanned code's device,
# its latest assignment and reservation, the loan pool and the accessory kinds each read again.
SCAN_QUERIES = 9


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def lists(response) -> dict[str, list[str]]:
    basket = response.context["basket"]
    return {
        "take": [line["device"].asset_tag for line in basket.take_back],
        "give": [device.asset_tag for device in basket.hand_over],
        "refused": [scan.code for scan in basket.refused],
    }


def fragment(response) -> str:
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="counter-basket">') and "<html" not in body
    assert "Holds now" not in body and "Unit and team" not in body  # none of the page around the lists
    assert "Confirm and print receipt" not in body  # the confirm section stays as the page has it
    return body


@pytest.fixture
def other_model(db):
    return DeviceModelFactory(make="Zebra", model_name="Ring scanner", kind=DeviceModel.Kind.OTHER)


@pytest.mark.django_db
def test_a_scan_places_the_device_in_its_column(
    counter_client, make_device, issued, officer, django_assert_max_num_queries
):
    held = issued(make_device(), officer)
    with django_assert_max_num_queries(SCAN_QUERIES):
        r = counter_client.post(person_url(officer), {"code": held.imei}, headers=FRAGMENT)
    assert r.status_code == 200
    body = fragment(r)
    assert f"Taking back {held.asset_tag}." in body and "Taking back (1)" in body
    assert lists(r) == {"take": [held.asset_tag], "give": [], "refused": []}


@pytest.mark.django_db
def test_a_scan_refused_by_the_rules_is_a_400_saying_why(counter_client, make_device, issued, officer):
    held = issued(make_device(), officer)
    second_phone = make_device()
    r = counter_client.post(person_url(officer), {"code": second_phone.asset_tag}, headers=FRAGMENT)
    assert r.status_code == 400
    body = fragment(r)
    assert f"Refused: {officer.get_full_name()} still holds smartphone {held.asset_tag}" in body
    assert f"Report {held.asset_tag} lost or stolen" in body  # FAQ 7's way out, as on the full page
    assert lists(r) == {"take": [], "give": [], "refused": [second_phone.asset_tag]}


@pytest.mark.django_db
def test_an_unknown_code_is_a_404_and_keeps_the_list(counter_client, make_device, officer, other_model):
    scanner = make_device(model=other_model)
    url = person_url(officer)
    r = counter_client.post(url, {"give": scanner.asset_tag, "code": "KB-NOWHERE"}, headers=FRAGMENT)
    assert r.status_code == 404
    body = fragment(r)
    assert "Refused: No device has the asset tag, IMEI or serial number KB-NOWHERE" in body
    assert lists(r) == {"take": [], "give": [scanner.asset_tag], "refused": ["KB-NOWHERE"]}


@pytest.mark.django_db
def test_unreadable_and_overlong_codes_are_refused_never_a_500(counter_client, officer):
    url = person_url(officer)
    r = counter_client.post(url, {"code": "KB\x00001"}, headers=FRAGMENT)
    assert r.status_code == 404 and "no scanner sends" in fragment(r)
    r = counter_client.post(url, {"code": "9" * 500, "take": "x" * 5000}, headers=FRAGMENT)
    assert r.status_code == 404 and "Refused:" in fragment(r)


@pytest.mark.django_db
def test_the_counter_refuses_kit_to_a_leaver(frozen, counter_client, officer, supervisor, held_phone, make_device):
    open_case(join_team(officer, supervisor), supervisor, NOW.date() + timedelta(days=14))
    laptop = make_device(model=DeviceModelFactory(kind=DeviceModel.Kind.LAPTOP))
    url = person_url(officer)
    r = counter_client.post(url, {"code": laptop.asset_tag}, headers=FRAGMENT)
    assert r.status_code == 400
    assert "Refused:" in fragment(r) and "open leaver case" in r.content.decode()
    # What they bring back comes back as a leaver's, as on the full page.
    r = counter_client.post(url, {"code": held_phone.asset_tag, "refused": laptop.asset_tag}, headers=FRAGMENT)
    assert r.status_code == 200
    assert r.context["basket"].take_back[0]["reason"] == "leaver"
    assert lists(r) == {"take": [held_phone.asset_tag], "give": [], "refused": [laptop.asset_tag]}


@pytest.mark.django_db
def test_the_counter_refuses_kit_to_a_person_who_has_left(counter_client, officer, make_device):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    r = counter_client.post(person_url(officer), {"code": make_device().asset_tag}, headers=FRAGMENT)
    assert r.status_code == 400 and "is no longer active and cannot be issued kit" in fragment(r)


@pytest.mark.django_db
def test_a_remove_through_the_fragment_takes_the_line_off(counter_client, make_device, officer, other_model):
    one, two = make_device(model=other_model), make_device(model=other_model)
    data = {"give": [one.asset_tag, two.asset_tag], "remove": one.asset_tag, "code": ""}
    r = counter_client.post(person_url(officer), data, headers=FRAGMENT)
    assert r.status_code == 200 and lists(r)["give"] == [two.asset_tag]


@pytest.mark.django_db
@pytest.mark.parametrize("lines", [0, 6, 30])
def test_a_scans_queries_are_pinned_at_a_short_and_a_longer_list(
    lines, counter_client, make_device, issued, officer, other_model, django_assert_max_num_queries
):
    takes = [issued(make_device(model=other_model), officer).asset_tag for _ in range(lines // 2)]
    gives = [make_device(model=other_model).asset_tag for _ in range(lines - lines // 2)]
    new = make_device(model=other_model)
    data = {"take": takes, "give": gives, "code": new.asset_tag}
    data |= {f"reason-{tag}": "faulty" for tag in takes}
    with django_assert_max_num_queries(SCAN_QUERIES):  # the same at 0 lines, at 6 and at 30
        r = counter_client.post(person_url(officer), data, headers=FRAGMENT)
    assert r.status_code == 200
    assert lists(r) == {"take": takes, "give": [*gives, new.asset_tag], "refused": []}


@pytest.mark.django_db
def test_what_the_fragments_built_is_what_the_confirm_issues(counter_client, make_device, issued, officer, other_model):
    """Each answer's hidden inputs are what the next scan posts: the confirm issues exactly them."""
    held = issued(make_device(), officer)
    spare = make_device(model=other_model)
    url = person_url(officer)
    posted: dict[str, list[str] | str] = {}
    for code in (held.asset_tag, "KB-NOWHERE", spare.asset_tag, held.imei):
        r = counter_client.post(url, {**posted, "code": code}, headers=FRAGMENT)
        body = r.content.decode()
        posted = {}
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body):
            posted.setdefault(name, []).append(value)
    assert posted["take"] == [held.asset_tag] and posted["give"] == [spare.asset_tag]
    assert posted["refused"] == ["KB-NOWHERE"]
    posted[f"reason-{held.asset_tag}"] = "faulty"
    r = counter_client.post(url, {**posted, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 302
    visit = CounterVisit.objects.filter(person=officer).latest("pk")
    assert sorted(visit.lines.values_list("device__asset_tag", "direction")) == sorted(
        [(held.asset_tag, CounterLine.Direction.TAKEN_BACK), (spare.asset_tag, CounterLine.Direction.HANDED_OVER)]
    )


@pytest.mark.django_db
def test_a_leavers_shelf_code_is_refused_from_the_facts_the_device_refusal_reads(
    frozen, counter_client, officer, supervisor, held_phone
):
    """The accessory refusal reads the leaver case the device refusal reads (HandOverFacts): once,
    with the person, whether the list holds a device taken back or not."""
    open_case(join_team(officer, supervisor), supervisor, NOW.date() + timedelta(days=14))
    AccessoryKindFactory(name="USB-C charger", code="ACC-CHARGER")
    data = {"take": [held_phone.asset_tag], f"reason-{held_phone.asset_tag}": "leaver", "code": "acc-charger"}
    with CaptureQueriesContext(connection) as queries:
        r = counter_client.post(person_url(officer), data, headers=FRAGMENT)
    assert r.status_code == 400
    assert "open leaver case" in fragment(r) and "no accessories are handed over" in r.content.decode()
    assert lists(r) == {"take": [held_phone.asset_tag], "give": [], "refused": ["acc-charger"]}
    assert len(queries.captured_queries) <= SCAN_QUERIES
    assert sum('"devices_leavercase"' in q["sql"] for q in queries.captured_queries) == 1
