"""Extending a loan: Tech Bar staff move an open loan's due-back date (from the admin's loan page or
the counter's person screen), in one audited transaction; the ladder still to come moves with it
(a reminder already sent is armed again for the new date) and the borrower is told by email."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from devices.counter import services as counter_services
from devices.loans import services as loan_services
from devices.loans.services import LoanError
from devices.models import Loan
from portal import timers
from portal.models import OutboundEmail
from tests.devices.loans.loan_helpers import lend, pool_device
from tests.devices.loans.test_loans_ladder import _local

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(make_device, bar, tech_bar_staff, officer, fixed_clock, tablet_model):
    fixed_clock.move_to(_local(2026, 3, 23, 10))  # Monday
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    return lend(tablet, officer, due_back=datetime.date(2026, 3, 30), bar=bar, staff=tech_bar_staff)


def _steps(loan):
    return {s.step: (s.due_at, s.fired_at is None, s.cancelled_at is None) for s in loan.steps.all()}


def test_extending_moves_the_ladder_rearms_the_reminder_audits_and_tells_the_borrower(
    loan, tech_bar_staff, officer, fixed_clock
):
    fixed_clock.move_to(_local(2026, 3, 27, 9, 1))  # the reminder goes out on Friday
    assert timers.sweep(schedule_ahead=False).fired == 1
    emails = OutboundEmail.objects.count()

    loan_services.loan_extend(
        loan=loan, due_back=datetime.date(2026, 4, 14), actor=tech_bar_staff, reason="Their own is still in repair."
    )

    loan.refresh_from_db()
    assert loan.due_back == datetime.date(2026, 4, 14)
    assert _steps(loan) == {
        "reminder": (_local(2026, 4, 13, 9), True, True),  # fired before, armed again
        "overdue": (_local(2026, 4, 15, 9), True, True),
        "overdue_leads": (_local(2026, 4, 17, 9), True, True),
    }
    entry = LogEntry.objects.get_for_object(loan).get()
    assert entry.actor == tech_bar_staff and entry.changes_dict == {"due_back": ["2026-03-30", "2026-04-14"]}
    mail = OutboundEmail.objects.order_by("pk").last()
    assert OutboundEmail.objects.count() == emails + 1 and mail.to == officer.email
    assert "now runs until Tuesday 14 April 2026" in mail.subject
    assert "Their own is still in repair." in mail.body
    fixed_clock.move_to(_local(2026, 3, 31, 9, 1))  # the old overdue day: nothing now
    assert timers.sweep(schedule_ahead=False).fired == 0


@pytest.mark.parametrize(
    ("due_back", "message"),
    [
        (datetime.date(2026, 3, 20), "must be after today"),
        (datetime.date(2026, 3, 23), "must be after today"),
        (datetime.date(2027, 6, 1), "at most a year"),
        (datetime.date(2026, 3, 30), "already due back on"),
    ],
)
def test_a_date_in_the_past_or_over_a_year_ahead_is_refused(loan, tech_bar_staff, due_back, message):
    with pytest.raises(LoanError, match=message):
        loan_services.loan_extend(loan=loan, due_back=due_back, actor=tech_bar_staff)
    loan.refresh_from_db()
    assert loan.due_back == datetime.date(2026, 3, 30)
    assert not LogEntry.objects.get_for_object(loan).exists()


def test_an_ended_loan_is_not_extended(loan, tech_bar_staff, officer, bar):
    counter_services.counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(take_back=[counter_services.TakeBack(loan.device, "no_longer_needed")]),
    )
    with pytest.raises(LoanError, match="has ended"):
        loan_services.loan_extend(loan=loan, due_back=datetime.date(2026, 4, 14), actor=tech_bar_staff)


def test_the_admin_page_extends_and_refuses_with_a_clear_message(client, loan, tech_bar_staff, officer):
    client.force_login(tech_bar_staff)
    change = client.get(reverse("admin:devices_loan_change", args=[loan.pk])).content.decode()
    url = reverse("admin:devices_loan_extend", args=[loan.pk])
    assert url in change
    response = client.post(url, {"due_back": "2026-03-01", "reason": "kept typing"})
    page = response.content.decode()
    assert response.status_code == 400 and "The due-back date must be after today" in page and "kept typing" in page
    response = client.post(url, {"due_back": "2028-01-01"})
    assert response.status_code == 400 and "A loan lasts at most a year" in response.content.decode()
    response = client.post(url, {"due_back": "not a date"})
    assert response.status_code == 400 and "Enter the new due-back date as a date." in response.content.decode()
    response = client.post(url, {"due_back": "2026-04-14"})
    assert response.status_code == 302 and response.url == reverse("admin:devices_loan_change", args=[loan.pk])
    assert Loan.objects.get(pk=loan.pk).due_back == datetime.date(2026, 4, 14)


def test_the_counter_links_to_extend_and_comes_back(counter_client, loan, officer):
    person = reverse("admin:devices_counter_person", args=[officer.payroll_number])
    page = counter_client.get(person).content.decode()
    url = reverse("admin:devices_loan_extend", args=[loan.pk])
    assert url in page
    response = counter_client.post(url, {"due_back": "2026-04-14", "next": person})
    assert response.status_code == 302 and response.url == person
    response = counter_client.post(url, {"due_back": "2026-04-15", "next": "https://evil.example/"})
    assert response.url == reverse("admin:devices_loan_change", args=[loan.pk])


def test_only_tech_bar_staff_extend(client, loan, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:devices_loan_extend", args=[loan.pk]))
    assert response.status_code in (302, 403)
    assert Loan.objects.get(pk=loan.pk).due_back == datetime.date(2026, 3, 30)
