"""The counter as Tech Bar staff use it: choose the Tech Bar, find the person, scan, confirm, print."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from devices.counter.views import SESSION_KEY
from devices.models import Assignment, CounterVisit, Device, DeviceEvent
from policy.models import Acknowledgement
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def hidden(content: bytes, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', content.decode())


@pytest.mark.django_db
def test_choose_the_tech_bar_once_then_find_people(client, tech_bar_staff, bar, officer):
    client.force_login(tech_bar_staff)
    start = reverse("admin:devices_counter")
    assert "Which Tech Bar are you working at?" in client.get(start).content.decode()

    client.post(start, {"tech_bar": bar.pk})
    assert client.session[SESSION_KEY] == bar.pk

    # The payroll scan answers with the person's screen itself (no redirect), whose form posts to
    # that person's own address (the counter's script also shows it in the address bar).
    response = client.get(start, {"payroll": officer.payroll_number.lower()})
    assert response.status_code == 200
    assert response.context["person"] == officer
    assert f'id="counter-form" action="{person_url(officer)}"' in response.content.decode()
    response = client.get(start, {"payroll": "ZZZ999"})
    assert response.status_code == 404
    assert "Nobody has the payroll or warrant number ZZZ999" in response.content.decode()
    assert 'value="ZZZ999"' in response.content.decode()  # what was typed is kept


@pytest.mark.django_db
def test_choosing_no_tech_bar_is_refused_on_the_page(client, tech_bar_staff):
    client.force_login(tech_bar_staff)
    response = client.post(reverse("admin:devices_counter"), {"tech_bar": "999"})
    assert response.status_code == 400 and "Choose a Tech Bar from the list" in response.content.decode()


@pytest.mark.django_db
def test_the_person_screen_shows_who_they_are_and_what_they_hold(
    counter_client, make_device, issued, officer, tech_bar_staff, bar
):
    phone = issued(make_device(), officer)
    damaged = issued(make_device(model=phone.model), UserFactory())
    Assignment.objects.filter(device=damaged).update(holder=officer)
    from devices.core import services

    services.device_return(device=damaged, actor=tech_bar_staff, tech_bar=bar, reason="damaged", condition="Cracked")

    page = counter_client.get(person_url(officer)).content.decode()
    assert officer.get_full_name() in page and officer.command_unit in page and officer.rank_or_grade in page
    assert "Active" in page and "No policy in force" in page
    assert phone.asset_tag in page and phone.imei in page
    assert f"{damaged.asset_tag} {damaged.model}: returned damaged" in page


@pytest.mark.django_db
def test_scans_go_to_the_right_column_and_refusals_keep_the_list(
    counter_client, make_device, issued, officer, other_bar
):
    held = issued(make_device(), officer)
    spare = make_device()
    url = person_url(officer)

    r = counter_client.post(url, {"code": held.imei})
    assert hidden(r.content, "take") == [held.asset_tag] and "Taking back " + held.asset_tag in r.content.decode()
    r = counter_client.post(url, {"take": held.asset_tag, "code": spare.serial_number})
    assert hidden(r.content, "give") == [spare.asset_tag]

    kept = {"take": held.asset_tag, "give": spare.asset_tag}
    refusals = [
        ("KB-NOWHERE", 404, "No device has the asset tag, IMEI or serial number KB-NOWHERE"),
        ("490154203237517", 404, "not a valid IMEI: its check digit is wrong"),
        (issued(make_device(), UserFactory()).asset_tag, 400, "is issued to someone else"),
        (make_device(tech_bar=other_bar).asset_tag, 400, "in stock at North Hub Tech Bar, not here"),
        (make_device(status=Device.Status.RETURNED).asset_tag, 400, "is not issued to anyone"),
    ]
    for code, status, message in refusals:
        r = counter_client.post(url, {**kept, "code": code})
        assert r.status_code == status, code
        assert message in r.content.decode(), code
        assert hidden(r.content, "take") == [held.asset_tag] and hidden(r.content, "give") == [spare.asset_tag]


@pytest.mark.django_db
def test_a_scan_with_the_fragment_header_returns_only_the_lists(counter_client, make_device, officer):
    spare = make_device()
    r = counter_client.post(person_url(officer), {"code": spare.asset_tag}, headers={"X-Counter-Fragment": "1"})
    body = r.content.decode()
    assert body.lstrip().startswith('<div id="counter-basket">') and "<html" not in body
    assert hidden(r.content, "give") == [spare.asset_tag]


@pytest.mark.django_db
def test_a_swap_through_the_counter_then_the_receipt(counter_client, make_device, issued, officer, tech_bar_staff, bar):
    old = issued(make_device(), officer)
    new = make_device()
    response = counter_client.post(
        person_url(officer),
        {
            "take": old.asset_tag,
            f"reason-{old.asset_tag}": "faulty",
            f"condition-{old.asset_tag}": "Battery swollen",
            "give": new.asset_tag,
            "confirmed": "yes",
            "action": "confirm",
        },
    )
    visit = CounterVisit.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("admin:devices_counter_receipt", args=[visit.pk])
    old_event = DeviceEvent.objects.get(device=old, kind="returned")
    assert old_event.related_event.device == new and old_event.related_event.related_event == old_event

    receipt = counter_client.get(response.url).content.decode()
    for text in (old.asset_tag, old.imei, new.asset_tag, new.imei, "Battery swollen", "Faulty", bar.name):
        assert text in receipt
    assert tech_bar_staff.get_full_name() in receipt and visit.reference in receipt


@pytest.mark.django_db
def test_return_only_through_the_counter(counter_client, make_device, issued, officer):
    phone = issued(make_device(), officer)
    counter_client.post(
        person_url(officer),
        {"take": phone.asset_tag, f"reason-{phone.asset_tag}": "leaver", "confirmed": "yes", "action": "confirm"},
    )
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED
    assert CounterVisit.objects.latest("pk").lines.get().reason == "leaver"


@pytest.mark.django_db
def test_the_conditions_of_use_are_shown_and_accepted_at_the_counter(
    counter_client, make_device, tech_bar_staff, portal_admin
):
    version = published_version(by=portal_admin)
    accept(tech_bar_staff, version)  # the staff member's own acceptance is not what this is about
    person = UserFactory()
    phone = make_device()
    page = counter_client.post(person_url(person), {"code": phone.asset_tag})
    assert "has not accepted the current conditions of use" in page.content.decode()
    assert "Who these conditions cover" in page.content.decode()  # the text itself, to show them
    token = hidden(page.content, f"shown-{version.pk}")[0]

    # Without the tick nothing happens, and the scan list is still there.
    refused = counter_client.post(
        person_url(person), {"give": phone.asset_tag, f"shown-{version.pk}": token, "action": "confirm"}
    )
    assert refused.status_code == 400 and "must tick the box" in refused.content.decode()
    assert hidden(refused.content, "give") == [phone.asset_tag]
    assert not Acknowledgement.objects.filter(user=person).exists()

    done = counter_client.post(
        person_url(person),
        {"give": phone.asset_tag, f"shown-{version.pk}": token, "confirmed": "yes", "action": "confirm"},
    )
    assert done.status_code == 302
    ack = Acknowledgement.objects.get(user=person, version=version)
    assert ack.witnessed_by == tech_bar_staff
    visit = CounterVisit.objects.get(person=person)
    assert visit.accepted_here == ack and visit.conditions_version == version
    assert "accepted at this counter" in counter_client.get(done.url).content.decode()

    counter_client.force_login(person)  # their own policy receipt says where they accepted
    receipt = reverse("policy:receipt", kwargs={"slug": version.policy.slug, "number": version.number})
    assert (
        f"At a Tech Bar counter, shown by {tech_bar_staff.get_full_name()}"
        in counter_client.get(receipt).content.decode()
    )


@pytest.mark.django_db
def test_without_the_text_shown_nothing_is_handed_over(counter_client, make_device, portal_admin):
    published_version(by=portal_admin)
    person = UserFactory()
    phone = make_device()
    r = counter_client.post(person_url(person), {"give": phone.asset_tag, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 400 and "has not accepted the current ICT Conditions of Use" in r.content.decode()
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK


@pytest.mark.django_db
def test_a_device_coming_back_needs_a_reason(counter_client, make_device, issued, officer):
    phone = issued(make_device(), officer)
    r = counter_client.post(person_url(officer), {"take": phone.asset_tag, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 400 and f"Choose why {phone.asset_tag} is coming back" in r.content.decode()
    assert hidden(r.content, "take") == [phone.asset_tag]


@pytest.mark.django_db
def test_the_counter_needs_a_tech_bar_first_and_the_person_asked_for_comes_along(client, tech_bar_staff, bar, officer):
    client.force_login(tech_bar_staff)
    start = reverse("admin:devices_counter")
    response = client.get(person_url(officer))
    assert response.status_code == 302 and response.url == f"{start}?payroll={officer.payroll_number}"

    page = client.get(response.url).content.decode()
    assert "Which Tech Bar are you working at?" in page
    assert hidden(page.encode(), "payroll") == [officer.payroll_number]
    assert f"then the counter opens for payroll or warrant number <strong>{officer.payroll_number}</strong>" in page

    refused = client.post(start, {"tech_bar": "999", "payroll": officer.payroll_number})
    assert refused.status_code == 400 and hidden(refused.content, "payroll") == [officer.payroll_number]

    chosen = client.post(start, {"tech_bar": bar.pk, "payroll": officer.payroll_number})
    assert chosen.status_code == 302 and chosen.url == f"{start}?payroll={officer.payroll_number}"
    assert client.get(chosen.url).context["person"] == officer  # their screen, at once


@pytest.mark.django_db
def test_an_unknown_person_url_is_not_found(counter_client):
    assert counter_client.get(reverse("admin:devices_counter_person", kwargs={"payroll": "NOBODY1"})).status_code == 404


@pytest.mark.django_db
def test_the_admin_index_and_home_page_lead_to_the_counter(counter_client):
    counter = reverse("admin:devices_counter")
    assert f'href="{counter}"' in counter_client.get(reverse("admin:index")).content.decode()
    assert f'href="{counter}"' in counter_client.get(reverse("portal:home")).content.decode()


# The confirm handing over one device to someone up to date with the conditions of use (61
# queries before): where they stand with each policy is read once for the request (two queries)
# and passed down, not read again by the service nor for each device handed over; the devices are
# locked and read with their model and Tech Bar in one query. The scan list checked before it reads
# the person with their leaver case, and its devices with their latest assignments, reservations
# and loan pool flags, in two queries; the service reads the leaver case and the holdings once after
# locking the person, for every rule (55 before). The custody services take the devices as the
# confirm locked them and hand back the event they wrote, and the receipt is built from the lines
# as written, without reading the accessory movements of a visit that moved none (46 before).
# On PostgreSQL the three audit chains' advisory locks (the visit, the event, the line) ride with
# their last-hash reads (3 queries more before).
CONFIRM_QUERIES = 42


@pytest.mark.django_db
def test_a_confirm_reads_the_policy_states_once(counter_client, make_device, portal_admin):
    from django.test.utils import CaptureQueriesContext

    version = published_version(by=portal_admin)
    person = UserFactory()
    accept(person, version)
    phone = make_device()
    with CaptureQueriesContext(connection) as queries:
        r = counter_client.post(person_url(person), {"give": phone.asset_tag, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 302 and Assignment.objects.filter(holder=person, device=phone).exists()
    assert sum('FROM "policy_policyversion"' in q["sql"] for q in queries.captured_queries) == 1
    assert len(queries.captured_queries) <= CONFIRM_QUERIES


# The person's page (the payroll scan's answer): no admin sidebar, so not the app list it is built
# from (the staff member's permissions, two queries, and every model's URL): 16 queries before.
# The leaver case panel is not read for a person read without an open case (13 before).
PERSON_PAGE_QUERIES = 12


@pytest.mark.django_db
def test_the_person_page_has_no_admin_sidebar(
    counter_client, officer, make_device, issued, django_assert_max_num_queries
):
    issued(make_device(), officer)
    counter_client.get(person_url(officer))  # the first request may warm per-process caches
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES):
        response = counter_client.get(person_url(officer))
    assert response.status_code == 200
    assert response.context["available_apps"] == [] and not response.context["is_nav_sidebar_enabled"]
    assert 'id="nav-sidebar"' not in response.content.decode()
