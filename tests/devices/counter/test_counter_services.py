"""A counter visit: one transaction, one event per device, swaps linked, FAQ 7, and who may get kit."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from devices.core import services
from devices.core.services import DeviceError, HolderNotEligible
from devices.counter import services as counter_services
from devices.counter.services import CounterBasket, TakeBack, counter_visit_confirm
from devices.losses.services import losses
from devices.models import Assignment, CounterLine, CounterVisit, Device, DeviceEvent
from incidents.models import IncidentEvent
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def visit(person, staff, bar, *, take=(), give=(), acceptance=None):
    return counter_visit_confirm(
        person=person,
        actor=staff,
        tech_bar=bar,
        basket=CounterBasket(take_back=[TakeBack(d, r, c) for d, r, c in take], hand_over=list(give)),
        acceptance=acceptance,
    )


@pytest.mark.django_db
def test_a_swap_is_one_visit_with_two_events_pointing_at_each_other(make_device, issued, bar, officer, tech_bar_staff):
    old = issued(make_device(), officer)
    new = make_device()

    v = visit(officer, tech_bar_staff, bar, take=[(old, "faulty", "Will not charge")], give=[new])

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.tech_bar, new.status) == (Device.Status.RETURNED, bar, Device.Status.ISSUED)
    returned = DeviceEvent.objects.get(device=old, kind=DeviceEvent.Kind.RETURNED)
    handed = DeviceEvent.objects.get(device=new, kind=DeviceEvent.Kind.ISSUED)
    assert returned.related_event == handed and handed.related_event == returned
    assert returned.counter_visit == handed.counter_visit == v
    assert "Swapped for " + new.asset_tag in returned.note
    lines = {line.direction: line for line in v.lines.all()}
    assert lines["taken_back"].reason == "faulty" and lines["taken_back"].condition == "Will not charge"
    assert lines["handed_over"].device == new
    assert Assignment.objects.get(device=new, returned_at__isnull=True).holder == officer


@pytest.mark.django_db
def test_leaving_kit_without_a_replacement_is_not_a_swap(make_device, issued, bar, officer, tech_bar_staff):
    old = issued(make_device(), officer)
    visit(officer, tech_bar_staff, bar, take=[(old, "no_longer_needed", "")])
    assert DeviceEvent.objects.get(device=old, kind=DeviceEvent.Kind.RETURNED).related_event is None


@pytest.mark.django_db
def test_faq_7_no_second_phone_while_the_first_is_held(make_device, issued, bar, officer, tech_bar_staff):
    held = issued(make_device(), officer)
    spare = make_device()

    with pytest.raises(DeviceError, match=f"still holds smartphone {held.asset_tag}"):
        visit(officer, tech_bar_staff, bar, give=[spare])
    spare.refresh_from_db()
    assert spare.status == Device.Status.IN_STOCK
    assert not CounterVisit.objects.filter(person=officer, lines__device=spare).exists()


@pytest.mark.django_db
def test_faq_7_a_replacement_once_the_old_phone_is_reported_lost(make_device, issued, bar, officer, tech_bar_staff):
    held = issued(make_device(), officer)
    Device.objects.filter(pk=held.pk).update(status=Device.Status.LOST)  # as the lost report leaves it
    visit(officer, tech_bar_staff, bar, give=[make_device()])
    assert officer.assignments.filter(returned_at__isnull=True, device__status="issued").count() == 1


@pytest.mark.django_db
def test_faq_7_two_phones_at_once_are_refused(make_device, bar, officer, tech_bar_staff):
    with pytest.raises(DeviceError, match="Only one smartphone at a time"):
        visit(officer, tech_bar_staff, bar, give=[make_device(), make_device()])


@pytest.mark.django_db
def test_a_laptop_beside_a_phone_is_fine(make_device, issued, laptop_model, bar, officer, tech_bar_staff):
    issued(make_device(), officer)
    visit(officer, tech_bar_staff, bar, give=[make_device(model=laptop_model)])
    assert officer.assignments.filter(returned_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_a_refusal_part_way_leaves_nothing_changed(make_device, issued, bar, officer, tech_bar_staff):
    old = issued(make_device(), officer)
    elsewhere = make_device()
    issued(elsewhere, UserFactory())

    with pytest.raises(services.DeviceNotAvailable):
        visit(officer, tech_bar_staff, bar, take=[(old, "faulty", "")], give=[elsewhere])
    old.refresh_from_db()
    assert old.status == Device.Status.ISSUED
    assert not DeviceEvent.objects.filter(device=old, kind=DeviceEvent.Kind.RETURNED).exists()
    assert CounterVisit.objects.filter(person=officer).count() == 1  # only the visit that issued it


@pytest.mark.django_db
def test_an_inactive_person_is_given_nothing(make_device, bar, tech_bar_staff):
    with pytest.raises(HolderNotEligible, match="no longer active"):
        visit(UserFactory(is_active=False), tech_bar_staff, bar, give=[make_device()])


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_nobody_past_their_leaving_date_is_given_kit_but_they_can_hand_it_back(
    make_device, issued, bar, tech_bar_staff
):
    person = UserFactory(leaving_date=datetime.date(2026, 3, 10))  # leaving today: still serving
    phone = issued(make_device(), person)
    person.leaving_date = datetime.date(2026, 3, 9)
    person.save(update_fields=["leaving_date"])

    with pytest.raises(HolderNotEligible, match="left on 9 March 2026"):
        visit(person, tech_bar_staff, bar, give=[make_device()])
    visit(person, tech_bar_staff, bar, take=[(phone, "leaver", "Good")])
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED


@pytest.mark.django_db
def test_the_conditions_of_use_are_accepted_at_the_counter_before_anything_is_handed_over(
    make_device, bar, tech_bar_staff
):
    version = published_version()
    person = UserFactory()
    phone = make_device()

    with pytest.raises(HolderNotEligible, match="not accepted the current ICT Conditions of Use"):
        visit(person, tech_bar_staff, bar, give=[phone])

    acceptance = counter_services.CounterAcceptance(versions=[version], shown_at=timezone.now())
    v = visit(person, tech_bar_staff, bar, give=[phone], acceptance=acceptance)
    assert v.accepted_here.user == person and v.accepted_here.version == version
    assert v.accepted_here.witnessed_by == tech_bar_staff and v.accepted_here.accepted_at_counter
    assert v.conditions_version == version


@pytest.mark.django_db
def test_the_receipt_names_the_version_already_accepted(make_device, bar, tech_bar_staff):
    version = published_version()
    person = UserFactory()
    accept(person, version)
    v = visit(person, tech_bar_staff, bar, give=[make_device()])
    assert v.conditions_version == version and v.accepted_here is None


@pytest.mark.django_db
def test_the_receipt_names_the_newest_version_from_the_states_the_page_read(make_device, bar, tech_bar_staff):
    """The confirm is given the policy states the page read: the version the receipt names is
    the newest they accepted among them, as reading the acknowledgements again would say."""
    from policy import selectors as policy_selectors

    v1 = published_version()
    person = UserFactory()
    accept(person, v1)
    v2 = published_version(policy=v1.policy, number=2)
    accept(person, v2)
    states = policy_selectors.policy_states_for(user=person)
    basket = CounterBasket(take_back=[], hand_over=[make_device()])
    v = counter_visit_confirm(person=person, actor=tech_bar_staff, tech_bar=bar, basket=basket, policy_states=states)
    assert v.conditions_version == v2 == counter_services._conditions_version_held(person)
    assert counter_services._conditions_version_held(person, states=[]) == v2  # none read: read now


@pytest.mark.django_db
def test_taking_back_someone_elses_device_is_refused(make_device, issued, bar, officer, tech_bar_staff):
    theirs = issued(make_device(), UserFactory())
    with pytest.raises(DeviceError, match="held by someone else"):
        visit(officer, tech_bar_staff, bar, take=[(theirs, "faulty", "")])
    theirs.refresh_from_db()
    assert theirs.status == Device.Status.ISSUED


@pytest.mark.django_db
def test_returning_a_device_nobody_holds_is_refused_with_its_state(make_device, bar, tech_bar_staff):
    device = make_device()
    with pytest.raises(DeviceError, match=f"{device.asset_tag} is not issued to anyone: it is in stock at {bar}"):
        services.device_return(device=device, actor=tech_bar_staff, tech_bar=bar, reason="faulty")


@pytest.mark.django_db
def test_an_empty_visit_is_refused(bar, officer, tech_bar_staff):
    with pytest.raises(DeviceError, match="Scan at least one device"):
        visit(officer, tech_bar_staff, bar)


@pytest.mark.django_db
def test_a_lost_phone_that_turns_up_goes_to_triage_and_its_incident_is_told(
    make_device, issued, bar, officer, tech_bar_staff
):
    phone = issued(make_device(), officer)
    loss = losses.device_report_lost(
        device=phone, actor=officer, kind="lost", noticed_at=timezone.now(), where="On patrol"
    )
    incident = loss.incident

    v = visit(officer, tech_bar_staff, bar, take=[(phone, "faulty", "Found in a patrol car")])

    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED
    assert v.lines.get().reason == Assignment.ReturnReason.FOUND  # found wins over what was chosen
    entry = IncidentEvent.objects.filter(incident=incident).latest("pk")
    assert entry.actor == tech_bar_staff and f"{phone.asset_tag} turned up" in entry.text
    loss.refresh_from_db()
    assert loss.found_at is not None and loss.found_by == tech_bar_staff  # it can be reported lost again


@pytest.mark.django_db
def test_receiving_a_device_records_its_event(phone_model, bar, tech_bar_staff):
    device = services.device_receive(
        device=Device(asset_tag="KB900001", model=phone_model), actor=tech_bar_staff, tech_bar=bar
    )
    event = DeviceEvent.objects.get(device=device)
    assert (event.kind, event.from_status, event.to_status, event.tech_bar) == ("received", "", "in_stock", bar)
    assert device.status == Device.Status.IN_STOCK and device.tech_bar == bar


@pytest.mark.django_db
def test_every_line_is_one_event(make_device, issued, bar, officer, tech_bar_staff, laptop_model):
    old_phone = issued(make_device(), officer)
    v = visit(
        officer,
        tech_bar_staff,
        bar,
        take=[(old_phone, "damaged", "Cracked")],
        give=[make_device(), make_device(model=laptop_model)],
    )
    assert v.events.count() == 3 == CounterLine.objects.filter(visit=v).count()
