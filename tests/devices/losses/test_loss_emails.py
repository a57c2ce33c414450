"""A lost, stolen or faulty report emails the holder what happens next (the outbox rows themselves)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse

from devices.losses.services import losses
from devices.models import TechBarOpeningHours
from portal.localtime import local_time
from portal.models import OutboundEmail
from portal.outbox import emails_caused_by
from tests.devices.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def emails_to(person, about):
    return list(OutboundEmail.objects.filter(to=person.email, subject__contains=about).order_by("pk"))


@pytest.mark.parametrize("kind", ["lost", "stolen"])
def test_a_loss_report_tells_the_holder_what_happens_next(kind, frozen, held_phone, officer, settings):
    settings.KITBAG_BASE_URL = "https://kitbag.example.police.uk"
    loss = losses.device_report_lost(
        device=held_phone, actor=officer, kind=kind, noticed_at=NOW - timedelta(hours=2), where="On the bus"
    )

    [email] = emails_to(officer, f"reported {kind}")
    incident = loss.incident
    assert held_phone.asset_tag in email.subject and email.cause_id == loss.pk
    assert "A SIM block has been requested" in email.body and "A remote wipe has been requested" in email.body
    assert f"security incident {incident.reference}" in email.body
    assert f"by {local_time(incident.due_at)}" in email.body
    assert "https://kitbag.example.police.uk" + incident.get_absolute_url() in email.body
    assert (
        "https://kitbag.example.police.uk" + reverse("incidents:incident_report_edit", args=[incident.pk]) in email.body
    )
    assert "https://kitbag.example.police.uk/devices/my-kit/" in email.body
    assert incident.reference in email.html and "/devices/my-kit/" in email.html


def test_a_loss_report_is_one_email_to_the_holder_and_the_incident_acknowledgement_stays_in_the_portal(
    frozen, held_phone, officer
):
    loss = losses.device_report_lost(
        device=held_phone, actor=officer, kind="stolen", noticed_at=NOW - timedelta(hours=1), where="Car park"
    )
    [email] = OutboundEmail.objects.filter(to=officer.email)
    assert "reported stolen: what happens next" in email.subject and loss.incident.reference in email.body
    assert officer.notifications.filter(subject__contains="we have your first notification").count() == 1


def test_a_loss_reported_by_someone_else_emails_the_holder(frozen, held_phone, officer, tech_bar_staff):
    losses.device_report_lost(
        device=held_phone,
        actor=tech_bar_staff,
        holder=officer,
        kind="lost",
        noticed_at=NOW - timedelta(hours=1),
        where="Canteen",
    )
    assert len(emails_to(officer, "reported lost")) == 1
    assert emails_to(tech_bar_staff, "reported lost") == []


def test_a_loss_report_that_rolls_back_emails_nothing(frozen, held_phone, officer):
    before = OutboundEmail.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        losses.device_report_lost(
            device=held_phone, actor=officer, kind="stolen", noticed_at=NOW - timedelta(hours=1), where="Car park"
        )
        raise RuntimeError("after the report")
    assert OutboundEmail.objects.count() == before


def test_a_faulty_report_says_which_tech_bar_to_go_to_and_what_to_bring_once(
    frozen, held_phone, officer, bar, make_device
):
    make_device()  # a spare of the same kind at the Headquarters Tech Bar
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0)

    losses.device_report_faulty(device=held_phone, actor=officer, description="Screen flickers")
    losses.device_report_faulty(device=held_phone, actor=officer)  # again: recorded once, told once

    [email] = emails_to(officer, "reported faulty")
    assert "Headquarters Tech Bar, Ground floor, HQ" in email.body and "Monday 08:00 to" in email.body
    assert "- Your warrant card or staff pass" in email.body
    assert "/devices/my-kit/" in email.body and "Headquarters Tech Bar" in email.html


def test_a_faulty_report_with_no_spare_anywhere_says_so(frozen, held_phone, officer):
    losses.device_report_faulty(device=held_phone, actor=officer)
    [email] = emails_to(officer, "reported faulty")
    assert "No Tech Bar has a spare smartphone in stock right now" in email.body


def test_a_holder_without_an_email_address_is_sent_nothing(frozen, make_device, bar, tech_bar_staff):
    from tests.factories import AssignmentFactory

    person = UserFactory(email="")
    phone = make_device()
    AssignmentFactory(device=phone, holder=person, issued_by=tech_bar_staff, issued_at_tech_bar=bar)

    loss = losses.device_report_lost(
        device=phone, actor=person, kind="lost", noticed_at=NOW - timedelta(hours=1), where="Home"
    )

    assert loss.incident is not None  # the report stands; the Data Office is still told
    assert not emails_caused_by([loss]).exists()
    assert not OutboundEmail.objects.filter(to="").exists()
