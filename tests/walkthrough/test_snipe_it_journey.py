"""What a Snipe-IT user looks for, end to end on `seed_demo`'s data: at Headquarters' counter TB001
swaps OFF001's faulty phone, hands over a charger and a car kit and lends a tablet due back on
Friday, all in one visit; OFF001's emailed receipt says so, and My kit shows all four; the header's
search finds the tablet by its IMEI; the activity report shows the visit; and the loan's reminder
goes out the working day before Friday, 09:00 London time, at the timer sweep.

The server's clock travels to a fixed Monday morning (and on to the reminder), so the test reads the
same at any hour on any day; the browser keeps the real clock, so cookies last the session."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from devices.loans import ladder as loan_ladder
from devices.models import CounterVisit, Device, Loan, LoanStep
from portal import timers
from portal.models import OutboundEmail, User
from tests.walkthrough.test_counter_and_my_kit import (
    CAR_KIT,
    CHARGER,
    counter_hint,
    hand_over_a_charger_and_a_car_kit,
    scan,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Monday morning in GMT, far from midnight, month ends, bank holidays and clock changes.
MONDAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(settings):
    settings.TIMER_CLOCK = "application"
    settings.CSRF_COOKIE_AGE = None  # the browser's clock is the real one: a session cookie
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def demo_on_monday(clock):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def friday() -> datetime.date:
    """The Friday of the frozen week: the 20th."""
    monday = MONDAY.date()
    return monday + datetime.timedelta(days=4 - monday.weekday())


def long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def one_visit_at_the_counter(walk, demo: str) -> tuple[str, str, str]:
    """TB001 at Headquarters: OFF001's faulty phone back, a spare phone, a charger and a car kit
    handed over and a pool tablet lent, due back on Friday; the receipt prints."""
    old, spares = counter_hint(demo)
    tablet = re.search(r"lend OFF001 the tablet (KBL\d+) from the loan pool", demo)[1]
    new = spares[0]
    page = walk.sign_in("TB001")
    page.get_by_role("link", name=re.compile("^Tech Bar counter")).click()
    page.wait_for_url("**/counter/**")
    field = page.get_by_label("Scan or type their payroll or warrant number")
    field.fill("OFF001")
    field.press("Enter")
    page.wait_for_url("**/counter/OFF001/")
    scan(page, old, f"Taking back {old}")
    page.get_by_label("Why is it coming back?").select_option(label="Faulty")
    scan(page, new, f"Handing over {new}")
    hand_over_a_charger_and_a_car_kit(page)
    scan(page, tablet, f"Handing over {tablet}")
    page.get_by_label("due back on").fill(friday().isoformat())
    walk.step("journey-counter-visit")
    page.get_by_label(re.compile(r"^Olivia Officer confirms what is listed above")).check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    receipt = page.locator(".kitbag-receipt").inner_text()
    for words in (old, new, tablet, CHARGER, CAR_KIT, f"due back {long_date(friday())}"):
        assert words in receipt, words
    walk.step("journey-receipt")
    return old, new, tablet


def test_a_snipe_it_user_issues_lends_finds_reports_and_is_reminded(walk, demo_on_monday, clock):
    old, new, tablet = one_visit_at_the_counter(walk, demo_on_monday)
    officer = User.objects.get(payroll_number="OFF001")
    loan = Loan.objects.get(device__asset_tag=tablet, holder=officer, ended_at__isnull=True)
    assert loan.due_back == friday()

    # The receipt by email: what was handed over and taken back, the loan's date, what they hold
    # now, the conditions-of-use version, and a link to My kit.
    visit = CounterVisit.objects.filter(person=officer).latest("pk")
    assert loan.device.asset_tag == tablet and visit.lines.filter(device__asset_tag=new).exists()
    (email,) = OutboundEmail.objects.filter(to=officer.email, subject__contains=f"receipt {visit.reference} ")
    body = email.body
    handed, _, rest = body.partition("Taken back:")
    assert new in handed
    assert re.search(rf"{tablet} .*\(On loan, due back {long_date(friday())}\)", handed)
    assert old in rest.partition("What you hold now:")[0]
    held_now = rest.partition("What you hold now:")[2]
    assert new in held_now and tablet in held_now and old not in held_now.partition("Accessories")[0]
    accessories = body.partition("Accessories handed over:")[2]
    assert f"1 x {CHARGER}" in accessories and f"1 x {CAR_KIT}" in accessories
    assert "Conditions of use accepted: ICT Conditions of Use, version 2" in body
    assert "/devices/my-kit/" in body

    # OFF001 sees all four in My kit.
    page = walk.sign_in("OFF001")
    page.get_by_role("link", name=re.compile("^My kit")).first.click()
    page.wait_for_url("**/devices/my-kit/")
    my_kit = page.locator("#main-content").inner_text()
    for words in (new, tablet, CHARGER, CAR_KIT, f"Due back {long_date(friday())}"):
        assert words in my_kit, words
    expect(page.get_by_role("heading", name="On loan to me")).to_be_visible()
    walk.step("journey-my-kit")

    # TB001 searches the header for the tablet's IMEI: its device page opens.
    imei = Device.objects.get(asset_tag=tablet).imei
    assert imei, "the pool tablet is cellular"
    page = walk.sign_in("TB001")
    page.get_by_label("Search", exact=True).fill(imei)
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(re.compile(rf"/devices/{Device.objects.get(asset_tag=tablet).pk}/$"))
    assert tablet in page.get_by_role("heading", level=1).inner_text()
    walk.step("journey-search-imei")

    # The activity report shows the visit: issued, lent, taken back and the accessories issued.
    walk.go("/devices/activity/?holder=OFF001")
    main = page.locator("main")
    rows = main.locator("table").first.locator("tbody tr")
    assert rows.filter(has_text=new).filter(has_text="Issued").count() >= 1
    assert rows.filter(has_text=tablet).filter(has_text="Lent").count() >= 1
    accessory_text = main.inner_text().partition("Accessories issued and taken back")[2]
    assert CHARGER in accessory_text and CAR_KIT in accessory_text and "Issued" in accessory_text
    walk.step("journey-activity")

    # The reminder: nothing a minute before 09:00 London the working day before Friday; then the
    # sweep sends it to OFF001.
    reminder_at = loan_ladder.due_at(friday(), loan_ladder.rung("reminder"))
    assert reminder_at == datetime.datetime(2026, 11, 19, 9, 0, tzinfo=datetime.UTC)  # Thursday, GMT
    subject = f"Reminder: the {loan.device.model} {tablet} lent to you is due back on {long_date(friday())}"
    clock.move_to(reminder_at - datetime.timedelta(minutes=1))
    timers.sweep(schedule_ahead=False)
    assert not OutboundEmail.objects.filter(to=officer.email, subject__contains=subject).exists()
    assert LoanStep.objects.get(loan=loan, step="reminder").fired_at is None
    clock.move_to(reminder_at + datetime.timedelta(seconds=30))
    timers.sweep(schedule_ahead=False)
    assert OutboundEmail.objects.filter(to=officer.email, subject__contains=subject).count() == 1
    assert LoanStep.objects.get(loan=loan, step="reminder").fired_at is not None
