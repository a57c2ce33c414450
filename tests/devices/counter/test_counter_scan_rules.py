"""Who may be handed what, said at the scan and enforced again at confirm: nothing new for a person
with an open leaver case (a like-for-like swap of a faulty or damaged device aside), one device of
a kind at a time (FAQ 7), and a device scanned twice."""

from datetime import timedelta

import pytest
from django.urls import reverse

from devices.core.services import DeviceError
from devices.counter.services import CounterBasket, TakeBack, counter_visit_confirm
from devices.models import Assignment, Device, LeaverCase
from tests.devices.conftest import NOW
from tests.devices.leavers.leaver_page_helpers import join_team, open_case

LEAVING = NOW.date() + timedelta(days=14)


@pytest.fixture
def case(frozen, officer, supervisor, held_phone):
    """The `officer`, holding a phone, leaves in 14 days: set by their supervisor."""
    return open_case(join_team(officer, supervisor), supervisor, LEAVING)


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def confirm(person, staff, bar, *, take=(), give=()):
    return counter_visit_confirm(
        person=person,
        actor=staff,
        tech_bar=bar,
        basket=CounterBasket(take_back=[TakeBack(d, r, "") for d, r in take], hand_over=list(give)),
    )


# --- the service, at confirm ---------------------------------------------------------------------
def test_confirm_hands_nothing_new_to_a_leaver(case, make_device, laptop_model, bar, tech_bar_staff):
    laptop = make_device(model=laptop_model)
    with pytest.raises(DeviceError, match="open leaver case"):
        confirm(case.person, tech_bar_staff, bar, give=[laptop])
    laptop.refresh_from_db()
    assert laptop.status == Device.Status.IN_STOCK
    assert not case.lines.filter(assignment__device=laptop).exists()


def test_confirm_refuses_a_leaver_a_phone_for_one_handed_back_as_a_leaver(
    case, held_phone, make_device, bar, tech_bar_staff
):
    spare = make_device()
    with pytest.raises(DeviceError, match="open leaver case"):
        confirm(case.person, tech_bar_staff, bar, take=[(held_phone, "leaver")], give=[spare])
    held_phone.refresh_from_db()
    assert held_phone.status == Device.Status.ISSUED  # one transaction: nothing taken back either


def test_confirm_refuses_a_leaver_a_laptop_for_a_faulty_phone(
    case, held_phone, make_device, laptop_model, bar, tech_bar_staff
):
    laptop = make_device(model=laptop_model)
    with pytest.raises(DeviceError, match="open leaver case"):
        confirm(case.person, tech_bar_staff, bar, take=[(held_phone, "faulty")], give=[laptop])


@pytest.mark.parametrize("reason", ["faulty", "damaged"])
def test_a_leaver_swaps_a_faulty_or_damaged_phone_like_for_like(
    case, held_phone, make_device, bar, tech_bar_staff, reason
):
    spare = make_device()
    confirm(case.person, tech_bar_staff, bar, take=[(held_phone, reason)], give=[spare])
    new = Assignment.objects.get(device=spare, returned_at__isnull=True)
    assert new.holder == case.person
    line = case.lines.get(assignment=new)  # the replacement joins the case
    assert line.outcome == ""
    assert LeaverCase.objects.get(pk=case.pk).status == LeaverCase.Status.OPEN


# --- the counter screen, at the scan ---------------------------------------------------------------
def test_a_scan_for_a_leaver_is_refused_saying_why(counter_client, case, make_device):
    spare = make_device()
    r = counter_client.post(person_url(case.person), {"code": spare.asset_tag})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Refused:" in body and "open leaver case" in body and "leaves on 28 January 2026" in body
    assert r.context["basket"].hand_over == []


def test_a_leaver_swap_is_accepted_at_the_scan(counter_client, case, held_phone, make_device):
    spare = make_device()
    tag = held_phone.asset_tag
    r = counter_client.post(person_url(case.person), {"take": tag, f"reason-{tag}": "faulty", "code": spare.asset_tag})
    assert r.status_code == 200
    assert r.context["basket"].hand_over == [spare]
    assert f"Handing over {spare.asset_tag}" in r.content.decode()
    # The reason changed back to "leaver": the replacement no longer fits and is refused.
    r = counter_client.post(
        person_url(case.person), {"take": tag, f"reason-{tag}": "leaver", "give": spare.asset_tag, "code": ""}
    )
    assert r.context["basket"].hand_over == []
    assert any("open leaver case" in scan.message for scan in r.context["basket"].refused)


def test_a_second_phone_is_refused_at_the_scan(counter_client, frozen, held_phone, officer, make_device):
    spare = make_device()
    r = counter_client.post(person_url(officer), {"code": spare.asset_tag})
    assert r.status_code == 400
    body = r.content.decode()
    assert f"still holds smartphone {held_phone.asset_tag}" in body and "Refused:" in body
    assert r.context["basket"].hand_over == []
    # The old one's "report lost or stolen" is offered beside the refusal.
    assert (
        reverse("admin:devices_counter_report_loss", kwargs={"payroll": officer.payroll_number, "pk": held_phone.pk})
        in body.split('id="counter-basket"')[1]
    )


def test_two_phones_in_one_visit_are_refused_at_the_second_scan(counter_client, frozen, officer, make_device):
    first, second = make_device(), make_device()
    r = counter_client.post(person_url(officer), {"give": first.asset_tag, "code": second.asset_tag})
    assert r.status_code == 400
    assert "Only one smartphone at a time" in r.content.decode()
    assert r.context["basket"].hand_over == [first]


def test_a_device_scanned_twice_is_already_in_the_list(counter_client, frozen, officer, make_device, issued):
    held = issued(make_device(), officer)
    spare = make_device()
    url = person_url(officer)
    r = counter_client.post(url, {"take": held.asset_tag, "give": spare.asset_tag, "code": spare.serial_number})
    assert r.status_code == 200
    assert f"{spare.asset_tag} is already in the list (handing over)" in r.content.decode()
    assert r.context["basket"].hand_over == [spare] and r.context["basket"].refused == []
    r = counter_client.post(url, {"take": held.asset_tag, "give": spare.asset_tag, "code": held.asset_tag})
    assert f"{held.asset_tag} is already in the list (taking back)" in r.content.decode()
    assert [line["device"] for line in r.context["basket"].take_back] == [held]


def test_a_confirm_for_a_leaver_with_a_new_device_on_the_list_is_refused(counter_client, case, make_device):
    """A list carried from before the case opened (or typed by hand) still hands nothing over."""
    spare = make_device()
    r = counter_client.post(person_url(case.person), {"give": spare.asset_tag, "confirmed": "yes", "action": "confirm"})
    assert r.status_code == 400
    body = r.content.decode()
    assert f"{spare.asset_tag} is off the list" in body and "open leaver case" in body
    spare.refresh_from_db()
    assert spare.status == Device.Status.IN_STOCK
