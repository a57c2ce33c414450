"""A supervisor's leaver journey in a real browser: set the date, open the case, sign off; and the
leaver's own case on a phone. Every page axe clean."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devices.leavers import services as leavers
from devices.models import LeaverCase, LeaverPropertyKind, TechBarOpeningHours
from tests.conftest import assert_accessible, sign_in
from tests.devices.leavers.leaver_page_helpers import end_every_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def property_kinds(db):
    """The seeded list (a transactional test's flush empties the migration's rows)."""
    for order, name in enumerate(("Warrant or ID card", "Radio", "Access fob"), start=1):
        LeaverPropertyKind.objects.get_or_create(name=name, defaults={"order": order})


@pytest.fixture
def team_member(officer, supervisor):
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    return officer


def test_a_supervisor_sets_a_leaving_date_and_signs_the_case_off(
    page, live_server, supervisor, team_member, tech_bar_staff, bar, make_device, issued
):
    phone = issued(make_device(), team_member)
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0, opens="08:00", closes="16:00")
    leaving = timezone.localdate() + timedelta(days=14)
    sign_in(page, live_server, supervisor)

    page.goto(f"{live_server.url}{reverse('devices:my_team')}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Set leaving date for {team_member.get_full_name()}").click()
    page.get_by_label("Leaving date", exact=True).fill(leaving.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Save leaving date").click()
    case = LeaverCase.objects.get(person=team_member, status=LeaverCase.Status.OPEN)
    page.wait_for_url(f"**{reverse('devices:leaver_case', args=[case.pk])}")
    assert phone.asset_tag in page.locator("#main-content").inner_text()
    expect(page.get_by_text("Leaves in 14 days")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('devices:leaver_list')}")
    expect(page.get_by_role("link", name=team_member.get_full_name())).to_be_visible()
    assert_accessible(page)

    end_every_line(case, actor=tech_bar_staff, tech_bar=bar)
    page.goto(f"{live_server.url}{reverse('devices:leaver_case', args=[case.pk])}")
    expect(page.get_by_text("Nothing: every item has ended.")).to_be_visible()
    page.get_by_role("link", name="Sign off this case").click()
    page.wait_for_url("**/sign-off/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign off").click()  # without the tick: refused, with the reason
    page.get_by_role("alert").get_by_text("Tick the box to confirm the sign-off").wait_for()
    assert_accessible(page)
    page.get_by_label(f"I confirm that {team_member.get_full_name()} has handed back").check()
    page.get_by_role("button", name="Sign off").click()
    page.wait_for_url(f"**{reverse('devices:leaver_case', args=[case.pk])}")
    expect(page.get_by_text("Signed off: every item has ended, so the case is closed.")).to_be_visible()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED and case.signed_off_by == supervisor


def test_the_leaver_sees_their_case_on_a_phone(phone_page, live_server, supervisor, team_member, make_device, issued):
    issued(make_device(), team_member)
    case = leavers.leaver_date_set(
        person=team_member,
        leaving_date=timezone.localdate() + timedelta(days=3),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    page = phone_page
    sign_in(page, live_server, team_member)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="See what you still have to hand back, and where").click()
    page.wait_for_url(f"**{reverse('devices:leaver_case', args=[case.pk])}")
    assert page.get_by_role("heading", level=1).inner_text() == "Handing back your kit"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_the_supervisor_records_an_item_on_a_phone(phone_page, live_server, supervisor, team_member):
    case = leavers.leaver_date_set(
        person=team_member,
        leaving_date=timezone.localdate() + timedelta(days=3),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    card = case.lines.order_by("pk").first()
    page = phone_page
    sign_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}{reverse('devices:leaver_case', args=[case.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(rf"^Handed to me\W+{card.description}$")).click()
    page.get_by_text(f"Recorded: {card.description} handed to you.").wait_for()
    card.refresh_from_db()
    assert card.outcome == "returned" and card.handed_to_supervisor_by == supervisor
    assert_accessible(page)


def test_the_counter_shows_a_leavers_case_first(
    page, live_server, open_counter, supervisor, team_member, tech_bar_staff, bar, make_device, issued
):
    issued(make_device(), team_member)
    case = leavers.leaver_date_set(
        person=team_member,
        leaving_date=timezone.localdate() + timedelta(days=3),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    card = case.lines.filter(property_kind__isnull=False).order_by("pk").first()
    open_counter(page)
    page.goto(f"{live_server.url}{reverse('admin:devices_counter_person', args=[team_member.payroll_number])}")
    expect(page.get_by_role("heading", name="Leaver: leaves on")).to_be_visible()
    assert_accessible(page)
    # The hidden part of the name is a block of its own to the browser: "Received : Radio".
    page.get_by_role("button", name=re.compile(rf"^Received\W+{card.description}$")).click()
    page.get_by_text(f"Received {card.description} from {team_member.get_full_name()}").wait_for()
    card.refresh_from_db()
    assert card.outcome == "returned"
    assert_accessible(page)
    page.get_by_role("button", name="Mark lost").first.click()
    page.wait_for_url("**/lost/")
    assert_accessible(page)

    bar.leads.add(tech_bar_staff)  # a Tech Bar lead approves write-offs
    page.goto(f"{live_server.url}{reverse('admin:devices_counter_person', args=[team_member.payroll_number])}")
    page.get_by_role("button", name="Write off").first.click()
    page.wait_for_url("**/write-off/")
    page.get_by_role("button", name="Write it off").click()  # no reason: refused, with the reason why
    page.get_by_role("alert").get_by_text("Enter why it is written off").wait_for()
    assert_accessible(page)
    page.get_by_label("Why is it written off?").fill("Damaged beyond repair before they left")
    page.get_by_role("button", name="Write it off").click()
    page.get_by_text("is written off for").wait_for()
