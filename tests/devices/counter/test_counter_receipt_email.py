"""Every counter visit emails the person their receipt through the outbox (the rows themselves)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from devices.core.services import DeviceError
from devices.counter.services import CounterBasket, TakeBack, counter_visit_confirm
from devices.leavers import services as leavers
from devices.leavers.models import LeaverCase
from portal.models import OutboundEmail
from tests.factories import DeviceModelFactory, UserFactory


def visit(person, staff, bar, *, take=(), give=()):
    return counter_visit_confirm(
        person=person,
        actor=staff,
        tech_bar=bar,
        basket=CounterBasket(take_back=[TakeBack(d, r, c) for d, r, c in take], hand_over=list(give)),
    )


def receipts_to(person):
    return list(OutboundEmail.objects.filter(to=person.email, subject__contains="receipt").order_by("pk"))


@pytest.mark.django_db
def test_a_swap_emails_one_receipt_with_what_was_handed_over_taken_back_and_held(
    make_device, issued, bar, officer, tech_bar_staff, settings
):
    settings.KITBAG_BASE_URL = "https://kitbag.example.police.uk"
    old = issued(make_device(), officer)
    new = make_device()
    before = OutboundEmail.objects.count()

    v = visit(officer, tech_bar_staff, bar, take=[(old, "faulty", "Will not charge")], give=[new])

    assert OutboundEmail.objects.count() == before + 1
    email = receipts_to(officer)[-1]
    assert email.to == officer.email and v.reference in email.subject
    body = email.body
    handed, rest = body.split("Handed over:")[1].split("Taken back:")
    taken, held = rest.split("What you hold now:")
    assert new.asset_tag in handed and old.asset_tag not in handed
    assert f"{old.asset_tag} {old.model} (Faulty: Will not charge)" in taken
    assert new.asset_tag in held and old.asset_tag not in held
    assert "https://kitbag.example.police.uk/devices/my-kit/" in body
    assert v.conditions_version is None and "Conditions of use accepted: none in force." in body
    assert "https://kitbag.example.police.uk/devices/my-kit/" in email.html and new.asset_tag in email.html
    assert email.cause_id == v.pk


@pytest.mark.django_db
def test_the_receipt_names_the_conditions_of_use_version_accepted(make_device, bar, tech_bar_staff):
    from tests.policy.factories import accept, published_version

    version = published_version()
    person = UserFactory()
    accept(person, version)

    visit(person, tech_bar_staff, bar, give=[make_device()])

    assert f"{version.policy.name}, version {version.number}" in receipts_to(person)[-1].body


@pytest.mark.django_db
def test_a_model_name_with_markup_is_inert_in_the_html_part(make_device, bar, officer, tech_bar_staff):
    model = DeviceModelFactory(make="Evil", model_name="<script>alert(1)</script>")

    visit(officer, tech_bar_staff, bar, give=[make_device(model=model)])

    email = receipts_to(officer)[-1]
    assert "<script>" not in email.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.body  # the text part is plain text, shown as text


@pytest.mark.django_db
def test_a_visit_that_rolls_back_sends_nothing(make_device, issued, bar, officer, tech_bar_staff):
    held = issued(make_device(), officer)
    before = OutboundEmail.objects.count()

    with pytest.raises(DeviceError):
        visit(officer, tech_bar_staff, bar, give=[make_device()])  # a second phone: refused
    with pytest.raises(RuntimeError), transaction.atomic():
        visit(officer, tech_bar_staff, bar, take=[(held, "no_longer_needed", "")])
        raise RuntimeError("the caller's transaction fails after the visit")

    assert OutboundEmail.objects.count() == before


@pytest.mark.django_db
def test_a_person_without_an_email_address_gets_no_email_but_the_visit_stands(make_device, bar, tech_bar_staff):
    person = UserFactory(email="")
    before = OutboundEmail.objects.count()

    v = visit(person, tech_bar_staff, bar, give=[make_device()])

    assert OutboundEmail.objects.count() == before
    assert v.lines.count() == 1  # their receipt is still in My kit and on the printout


@pytest.mark.django_db
def test_a_leaver_handing_everything_back_is_emailed_a_receipt_holding_nothing(
    make_device, issued, bar, tech_bar_staff
):
    person = UserFactory()
    phone = issued(make_device(), person)
    leavers.leaver_date_set(
        person=person,
        leaving_date=timezone.localdate() + datetime.timedelta(days=3),
        actor=None,
        source=LeaverCase.Source.HR_IMPORT,
    )

    visit(person, tech_bar_staff, bar, take=[(phone, "leaver", "Good")])

    body = receipts_to(person)[-1].body
    assert f"{phone.asset_tag} {phone.model} (Leaver: Good)" in body
    assert body.split("What you hold now:")[1].lstrip().startswith("- Nothing")


@pytest.mark.django_db
def test_one_receipt_per_visit(make_device, issued, bar, officer, tech_bar_staff):
    phone = issued(make_device(), officer)
    visit(officer, tech_bar_staff, bar, take=[(phone, "no_longer_needed", "")])
    assert len(receipts_to(officer)) == 2
