"""The leaver's case at the Tech Bar counter: shown first, property ticked off, devices returned
through the scan list, lines marked lost or written off (Tech Bar leads and Portal admins)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from devices.models import Assignment, Device, DeviceLoss, LeaverLine
from tests.devices.conftest import NOW
from tests.devices.leavers.leaver_page_helpers import device_line, join_team, open_case, property_lines

LEAVING = NOW.date() + timedelta(days=14)  # 28 January 2026


@pytest.fixture
def case(frozen, officer, supervisor, held_phone):
    """The `officer`, holding a phone, leaves in 14 days: set by their supervisor."""
    return open_case(join_team(officer, supervisor), supervisor, LEAVING)


def _counter_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def test_the_counter_shows_the_case_first_and_ticks_off_property(counter_client, case, bar, tech_bar_staff):
    page = counter_client.get(_counter_url(case.person)).text
    assert page.index('id="leaver-case"') < page.index('id="who"')
    assert "leaves on 28 January 2026" in page
    card = property_lines(case)[0]
    url = reverse(
        "admin:devices_counter_leaver_receive", kwargs={"payroll": case.person.payroll_number, "line_pk": card.pk}
    )
    assert counter_client.get(url).status_code == 405
    response = counter_client.post(url)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.RETURNED
    assert card.ended_by == tech_bar_staff and card.received_at_tech_bar == bar
    # A second counter receiving the same item: it sees it already returned.
    again = counter_client.post(url)
    assert again.status_code == 409 and "already ended: returned" in again.text


def test_a_device_scanned_for_a_leaver_comes_back_as_a_leavers(counter_client, case, held_phone):
    response = counter_client.post(_counter_url(case.person), {"code": held_phone.asset_tag, "action": "scan"})
    assert response.status_code == 200
    assert response.context["basket"].take_back[0]["reason"] == Assignment.ReturnReason.LEAVER


def test_a_device_returned_through_the_counter_ends_its_line(counter_client, case, held_phone, bar):
    tag = held_phone.asset_tag
    response = counter_client.post(
        _counter_url(case.person), {"take": tag, f"reason-{tag}": "leaver", "confirmed": "yes", "action": "confirm"}
    )
    assert response.status_code == 302
    line = device_line(case)
    assert line.outcome == LeaverLine.Outcome.RETURNED and line.received_at_tech_bar == bar
    page = counter_client.get(_counter_url(case.person)).text
    outstanding = page[page.index('id="leaver-case"') : page.index("Ended (")]
    assert tag not in outstanding


def test_marking_a_line_lost(counter_client, case):
    card = property_lines(case)[1]
    url = reverse(
        "admin:devices_counter_leaver_lost", kwargs={"payroll": case.person.payroll_number, "line_pk": card.pk}
    )
    assert counter_client.get(url).status_code == 200
    too_long = counter_client.post(url, {"details": "x" * 501})
    assert too_long.status_code == 400 and "500 characters" in too_long.text
    response = counter_client.post(url, {"details": "Left in a locker at the old station"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.LOST


def test_a_write_off_is_for_tech_bar_leads_with_a_reason(counter_client, case, bar, tech_bar_staff):
    card = property_lines(case)[2]
    url = reverse(
        "admin:devices_counter_leaver_write_off", kwargs={"payroll": case.person.payroll_number, "line_pk": card.pk}
    )
    assert "Write off" not in counter_client.get(_counter_url(case.person)).text
    assert counter_client.get(url).status_code == 403
    bar.leads.add(tech_bar_staff)
    assert "Write off" in counter_client.get(_counter_url(case.person)).text
    refused = counter_client.post(url, {"reason": "   "})
    assert refused.status_code == 400 and "Enter why it is written off" in refused.text
    response = counter_client.post(url, {"reason": "Broken beyond use years ago"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.WRITTEN_OFF
    assert card.approved_by == tech_bar_staff and card.reason == "Broken beyond use years ago"


def test_counter_lines_of_someone_without_a_case_are_not_found(counter_client, frozen, officer):
    url = reverse("admin:devices_counter_leaver_lost", kwargs={"payroll": officer.payroll_number, "line_pk": 1})
    assert counter_client.get(url).status_code == 404


def test_the_device_line_is_listed_for_scanning_not_ticking(counter_client, case):
    page = counter_client.get(_counter_url(case.person)).text
    device = Device.objects.get(assignments__holder=case.person)
    assert f"{device.asset_tag}" in page and "scan it to take it back" in page
    line = device_line(case)
    receive = reverse(
        "admin:devices_counter_leaver_receive", kwargs={"payroll": case.person.payroll_number, "line_pk": line.pk}
    )
    assert receive not in page


def test_a_device_line_marked_lost_opens_its_security_incident(counter_client, case, held_phone):
    line = device_line(case)
    url = reverse(
        "admin:devices_counter_leaver_lost", kwargs={"payroll": case.person.payroll_number, "line_pk": line.pk}
    )
    refused = counter_client.post(url, {"details": ""})
    assert refused.status_code == 400 and "the security incident needs it" in refused.text
    assert counter_client.post(url, {"details": "Left on the 18:10 train"}).status_code == 302
    line.refresh_from_db()
    assert line.outcome == LeaverLine.Outcome.LOST
    loss = DeviceLoss.objects.get(device=held_phone)
    assert loss.incident is not None and loss.holder == case.person


def _line_url(name, case, line):
    return reverse(
        f"admin:devices_counter_leaver_{name}", kwargs={"payroll": case.person.payroll_number, "line_pk": line.pk}
    )


def _scanned(held_phone):
    """The counter form's scan list as it posts: the leaver's phone taken back, with a condition."""
    tag = held_phone.asset_tag
    return {"take": tag, f"reason-{tag}": "leaver", f"condition-{tag}": "Scratched back", "code": ""}


def _kept(counter_client, response, held_phone):
    """Back on the counter screen after the line's action: the scan list as it was."""
    assert response.status_code == 302
    page = counter_client.get(response.url)
    assert page.status_code == 200
    take_back = page.context["basket"].take_back
    assert [(t["device"], t["reason"], t["condition"]) for t in take_back] == [(held_phone, "leaver", "Scratched back")]
    assert "Taking back (1)" in page.text


def test_received_keeps_the_devices_already_scanned(counter_client, case, held_phone):
    card = property_lines(case)[0]
    response = counter_client.post(_line_url("receive", case, card), _scanned(held_phone))
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.RETURNED
    _kept(counter_client, response, held_phone)


def test_mark_lost_keeps_the_devices_already_scanned(counter_client, case, held_phone):
    card = property_lines(case)[1]
    url = _line_url("lost", case, card)
    # "Mark lost" on the counter screen posts the scan list with it: the form opens, not refused.
    opened = counter_client.post(url, {**_scanned(held_phone), "line_action": "open"})
    assert opened.status_code == 200 and "errornote" not in opened.text
    assert f'name="take" value="{held_phone.asset_tag}"' in opened.text
    assert "Scratched back" in opened.text
    response = counter_client.post(url, {**_scanned(held_phone), "details": "Left in a locker"})
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.LOST
    _kept(counter_client, response, held_phone)


def test_write_off_keeps_the_devices_already_scanned(counter_client, case, held_phone, bar, tech_bar_staff):
    bar.leads.add(tech_bar_staff)
    card = property_lines(case)[2]
    url = _line_url("write_off", case, card)
    refused = counter_client.post(url, {**_scanned(held_phone), "reason": " "})
    assert refused.status_code == 400 and f'name="take" value="{held_phone.asset_tag}"' in refused.text
    response = counter_client.post(url, {**_scanned(held_phone), "reason": "Never issued to them"})
    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.WRITTEN_OFF
    _kept(counter_client, response, held_phone)


def test_the_line_buttons_post_the_counter_form(counter_client, case, bar, tech_bar_staff):
    bar.leads.add(tech_bar_staff)
    page = counter_client.get(_counter_url(case.person)).text
    leaver = page[page.index('id="leaver-case"') : page.index('id="who"')]
    for name, line in (("receive", property_lines(case)[0]), ("lost", property_lines(case)[1])):
        assert f'form="counter-form" formaction="{_line_url(name, case, line)}"' in leaver
    assert f'formaction="{_line_url("write_off", case, property_lines(case)[2])}"' in leaver
    # The scan field does not take focus by itself under the case (it would scroll the case away);
    # the script focuses it without scrolling.
    assert "autofocus" not in page[page.index('id="counter-code"') - 200 : page.index('id="counter-code"') + 300]
    assert 'class="button default"' in page[page.index('value="confirm"') - 100 :][:300]
