"""Lending at the counter: a pool device handed over with its due-back date (on the screen, the
receipt email and printout, My kit and the counter's person screen), refused without a good date,
the "lent" history row; a loan standing in for a device in repair is not a second device of its
kind (FAQ question 7), and says so; a leaver's case line says "on loan, due ..."."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from devices.counter import services as counter_services
from devices.leavers import services as leavers
from devices.loans import services as loan_services
from devices.models import Device, DeviceEvent, Loan, LoanPoolDevice
from devices.triage.services import triage_to_repair
from portal.models import OutboundEmail
from tests.devices.loans.loan_helpers import lend, pool_device

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 6, 12)  # the suite's clock starts on Wednesday 10 June 2026


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def test_lend_a_tablet_due_back_friday_at_the_counter(
    counter_client, make_device, bar, tech_bar_staff, officer, tablet_model
):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    url = person_url(officer)
    screen = counter_client.post(url, {"code": tablet.asset_tag}).content.decode()
    assert "Lent from the loan pool" in screen and f'name="due-{tablet.asset_tag}"' in screen

    response = counter_client.post(
        url,
        {"give": tablet.asset_tag, f"due-{tablet.asset_tag}": "2026-06-12", "confirmed": "yes", "action": "confirm"},
    )
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert (loan.device, loan.holder, loan.tech_bar, loan.due_back) == (tablet, officer, bar, FRIDAY)
    assert loan.visit.loans.get() == loan
    lent = DeviceEvent.objects.get(device=tablet, kind=DeviceEvent.Kind.LENT)
    assert lent.note == "Lent, on loan, due back Friday 12 June 2026."
    assert lent.counter_visit == loan.visit

    printout = counter_client.get(response.url).content.decode()
    assert "Lent at this visit" in printout and "due back Friday 12 June 2026" in printout
    receipt = OutboundEmail.objects.get(to=officer.email, subject__contains="receipt")
    assert f"{tablet.asset_tag} {tablet.model} (On loan, due back Friday 12 June 2026)" in receipt.body

    screen = counter_client.get(url).content.decode()
    assert "On loan (1)" in screen and "due back Friday 12 June 2026" in screen


@pytest.mark.parametrize(
    ("due", "says"),
    [
        ("", "give the date it is due back"),
        ("2026-06-10", "must be after today"),
        ("2028-01-01", "at most a year"),
        ("19/19/2026", "as a date"),
    ],
)
def test_a_pool_device_needs_a_good_due_back_date(
    counter_client, make_device, bar, tech_bar_staff, officer, tablet_model, due, says
):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    response = counter_client.post(
        person_url(officer),
        {"give": tablet.asset_tag, f"due-{tablet.asset_tag}": due, "confirmed": "yes", "action": "confirm"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert says.lower() in page.lower()
    assert f'name="give" value="{tablet.asset_tag}"' in page  # nothing on the list is lost
    tablet.refresh_from_db()
    assert tablet.status == Device.Status.IN_STOCK and not Loan.objects.exists()


def test_the_service_refuses_a_loan_of_a_device_outside_the_pool(make_device, bar, tech_bar_staff, officer):
    phone = make_device()
    with pytest.raises(loan_services.LoanError, match="not in the loan pool"):
        counter_services.counter_visit_confirm(
            person=officer,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=counter_services.CounterBasket(hand_over=[phone]),
            loans={phone.pk: FRIDAY},
        )
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK


def test_the_service_refuses_a_pool_device_handed_over_without_a_due_back_date(
    make_device, bar, tech_bar_staff, officer
):
    spare = pool_device(make_device, bar, tech_bar_staff)
    with pytest.raises(loan_services.LoanError, match="give the date it is due back"):
        counter_services.counter_visit_confirm(
            person=officer,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=counter_services.CounterBasket(hand_over=[spare]),
        )
    assert not Loan.objects.exists()


def test_another_tech_bars_pool_device_is_not_lent_here(make_device, bar, other_bar, tech_bar_staff, officer):
    phone = make_device(tech_bar=bar)
    LoanPoolDevice.objects.create(device=phone, tech_bar=other_bar)
    with pytest.raises(loan_services.LoanError, match="not in the loan pool of"):
        lend(phone, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)


def test_a_loan_standing_in_for_a_phone_in_repair_is_not_a_second_phone(
    make_device, issued, bar, tech_bar_staff, officer
):
    own = issued(make_device(), officer)
    spare = pool_device(make_device, bar, tech_bar_staff)
    # Their phone comes back faulty and goes for repair; the spare is lent meanwhile.
    loan = lend(
        spare,
        officer,
        due_back=FRIDAY,
        bar=bar,
        staff=tech_bar_staff,
        take_back=[counter_services.TakeBack(own, "faulty", "No signal")],
    )
    assert loan.stands_in_for == own
    assert "standing in for" in loan.words and "not counted as a second device" in loan.words
    own.refresh_from_db()
    triage_to_repair(device=own, actor=tech_bar_staff, supplier_reference="RMA-1")
    # A new phone of their own while the loan runs: the loan is not counted against the rule.
    new = make_device()
    basket = counter_services.CounterBasket(hand_over=[new])
    assert counter_services.faq_refusal(person=officer, basket=basket) == ""


def test_a_loan_that_stands_in_for_nothing_counts_as_a_device_of_its_kind(
    make_device, issued, bar, tech_bar_staff, officer
):
    spare = pool_device(make_device, bar, tech_bar_staff)
    loan = lend(spare, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)
    assert loan.stands_in_for is None
    basket = counter_services.CounterBasket(hand_over=[make_device()])
    assert "still holds" in counter_services.faq_refusal(person=officer, basket=basket)


def test_my_kit_shows_the_loan_with_its_due_date(client, make_device, bar, tech_bar_staff, officer, tablet_model):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    lend(tablet, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)
    client.force_login(officer)
    page = client.get(reverse("devices:my_kit")).content.decode()
    assert "On loan to me" in page
    assert f"asset tag {tablet.asset_tag}" in page and "Due back Friday 12 June 2026" in page


def test_a_leaver_case_line_says_on_loan_and_the_due_date(make_device, bar, tech_bar_staff, officer, tablet_model):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    lend(tablet, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)
    case = leavers.leaver_date_set(
        person=officer, leaving_date=datetime.date(2026, 7, 31), actor=None, source="hr_import"
    )
    line = case.lines.get(assignment__device=tablet)
    assert line.description == f"{tablet.model} ({tablet.asset_tag}), on loan, due back Friday 12 June 2026"


def test_a_loaned_device_reported_lost_ends_its_ladder(make_device, bar, tech_bar_staff, officer, tablet_model):
    from devices.losses.services import losses

    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    loan = lend(tablet, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)
    losses.device_report_lost(
        device=tablet, actor=officer, holder=officer, kind="lost", noticed_at=timezone.now(), where="On the bus"
    )
    loan.refresh_from_db()
    assert loan.ended_at is not None
    assert not loan.steps.filter(fired_at__isnull=True, cancelled_at__isnull=True).exists()


def test_the_activity_report_lists_lent_events(client, data_office, make_device, bar, tech_bar_staff, officer):
    spare = pool_device(make_device, bar, tech_bar_staff)
    lend(spare, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff)
    client.force_login(data_office)
    page = client.get(reverse("devices:activity"), {"event": "lent"}).content.decode()
    assert spare.asset_tag in page and "Lent" in page


def test_the_loan_counts_again_once_the_device_it_stands_in_for_is_out_of_repair(
    counter_client, make_device, issued, bar, tech_bar_staff, officer
):
    from devices.triage.services import triage_back_from_repair, triage_to_stock

    own = issued(make_device(), officer)
    spare = pool_device(make_device, bar, tech_bar_staff)
    take_back = [counter_services.TakeBack(own, "faulty", "No signal")]
    loan = lend(spare, officer, due_back=FRIDAY, bar=bar, staff=tech_bar_staff, take_back=take_back)
    own.refresh_from_db()
    triage_to_repair(device=own, actor=tech_bar_staff, supplier_reference="RMA-1")
    new = make_device()
    assert counter_services.faq_refusal(person=officer, basket=counter_services.CounterBasket(hand_over=[new])) == ""

    own.refresh_from_db()
    triage_back_from_repair(device=own, actor=tech_bar_staff)  # back, awaiting its check: still in repair
    loan.refresh_from_db()
    assert loan.stands_in
    own.refresh_from_db()
    triage_to_stock(device=own, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=True)
    own.refresh_from_db()  # back in stock: the loan counts again
    assert own.status == Device.Status.IN_STOCK
    loan.refresh_from_db()
    assert not loan.stands_in and loan.stood_in and "standing in" not in loan.words
    assert counter_services.faq_refusal(person=officer, basket=counter_services.CounterBasket(hand_over=[new])) != ""
    page = counter_client.get(reverse("admin:devices_counter_person", args=[officer.payroll_number])).content.decode()
    assert f"Stood in for {own.asset_tag}, which is out of repair (in stock)" in page
    # Their own device handed back with the loan taken back in the same visit: no conflict.
    basket = counter_services.CounterBasket(
        take_back=[counter_services.TakeBack(spare, "no_longer_needed")], hand_over=[own]
    )
    assert counter_services.faq_refusal(person=officer, basket=basket) == ""


def test_a_device_lent_after_the_leaver_case_opened_joins_it_on_loan(make_device, issued, bar, tech_bar_staff, officer):
    own = issued(make_device(), officer)
    case = leavers.leaver_date_set(
        person=officer, leaving_date=datetime.date(2026, 7, 31), actor=None, source="hr_import"
    )
    spare = pool_device(make_device, bar, tech_bar_staff)
    # A like-for-like swap while the case is open: their phone comes back faulty, a spare is lent.
    lend(
        spare,
        officer,
        due_back=FRIDAY,
        bar=bar,
        staff=tech_bar_staff,
        take_back=[counter_services.TakeBack(own, "faulty", "Cracked")],
    )
    line = case.lines.get(assignment__device=spare)
    assert line.description.startswith(f"{spare.model} ({spare.asset_tag}), on loan, due back Friday 12 June 2026")
