"""Every way a leaver case's line ends, and when the case closes (devices.leavers.services.lines)."""

import pytest

from devices.core import services
from devices.counter import services as counter_services
from devices.leavers import services as leavers
from devices.models import Assignment, Device, DeviceLoss, LeaverCase, LeaverEvent, LeaverLine
from incidents.models import Incident
from tests.devices.leavers.leaver_helpers import open_case, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver_with_kit(make_device, laptop_model, bar, tech_bar_staff):
    """(supervisor, leaver, phone, laptop, case): the leaver holds both devices when the case opens."""
    sergeant, officer = team()
    phone, laptop = make_device(), make_device(model=laptop_model)
    for device in (phone, laptop):
        services.device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    return sergeant, officer, phone, laptop, open_case(officer, sergeant, days=10)


def _line(case, text):
    return case.lines.get(description__contains=text)


def test_a_device_checked_in_at_the_counter_ends_its_line_with_the_reason_leaver(leaver_with_kit, bar, tech_bar_staff):
    _, officer, phone, _, case = leaver_with_kit

    counter_services.counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(take_back=[counter_services.TakeBack(phone, "")]),
    )

    line = _line(case, phone.asset_tag)
    assert line.outcome == LeaverLine.Outcome.RETURNED
    assert line.ended_by == tech_bar_staff and line.received_at_tech_bar == bar and line.ended_at
    assert Assignment.objects.get(pk=line.assignment_id).return_reason == Assignment.ReturnReason.LEAVER
    assert Device.objects.get(pk=phone.pk).status == Device.Status.RETURNED


def test_a_reason_chosen_at_the_counter_is_kept_and_the_line_ends_all_the_same(leaver_with_kit, bar, tech_bar_staff):
    _, _, _, laptop, case = leaver_with_kit

    services.device_return(device=laptop, actor=tech_bar_staff, tech_bar=bar, reason="faulty", condition="No boot")

    line = _line(case, laptop.asset_tag)
    assert line.outcome == LeaverLine.Outcome.RETURNED
    assert line.assignment.return_reason == Assignment.ReturnReason.FAULTY


def test_without_an_open_case_the_counter_still_needs_a_reason(make_device, bar, tech_bar_staff):
    _, officer = team()
    phone = make_device()
    services.device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(services.DeviceError, match="Choose why"):
        services.device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="")


def test_a_device_checked_in_twice_is_already_returned(leaver_with_kit, bar, other_bar, tech_bar_staff):
    _, _, phone, _, _ = leaver_with_kit
    services.device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="leaver")

    with pytest.raises(leavers.LeaverError, match=f"{phone.asset_tag} was already returned at Headquarters Tech Bar"):
        services.device_return(device=phone, actor=tech_bar_staff, tech_bar=other_bar, reason="leaver")


def test_the_tech_bar_ticks_off_property_with_who_received_it(leaver_with_kit, bar, tech_bar_staff):
    _, _, _, _, case = leaver_with_kit
    card = _line(case, "Warrant or ID card")

    leavers.leaver_line_property_receive(line=card, actor=tech_bar_staff, tech_bar=bar)

    card.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.RETURNED
    assert (card.ended_by, card.received_at_tech_bar) == (tech_bar_staff, bar)
    event = case.events.get(kind=LeaverEvent.Kind.LINE_ENDED)
    assert event.line == card and event.actor == tech_bar_staff
    with pytest.raises(leavers.LeaverError, match="Warrant or ID card was already returned at Headquarters"):
        leavers.leaver_line_property_receive(line=card, actor=tech_bar_staff, tech_bar=bar)


def test_only_tech_bar_staff_receive_at_a_tech_bar_and_devices_come_through_the_counter(
    leaver_with_kit, bar, tech_bar_staff
):
    _, officer, phone, _, case = leaver_with_kit
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_line_property_receive(line=_line(case, "Radio"), actor=officer, tech_bar=bar)
    with pytest.raises(leavers.LeaverError, match="is a device"):
        leavers.leaver_line_property_receive(line=_line(case, phone.asset_tag), actor=tech_bar_staff, tech_bar=bar)
    assert not case.lines.filter(ended_at__isnull=False).exists()


def test_property_handed_to_the_supervisor_ends_returned(leaver_with_kit):
    sergeant, _, _, _, case = leaver_with_kit
    radio = _line(case, "Radio")

    leavers.leaver_line_hand_to_supervisor(line=radio, actor=sergeant)

    radio.refresh_from_db()
    assert radio.outcome == LeaverLine.Outcome.RETURNED and radio.received_at_tech_bar is None
    assert radio.handed_to_supervisor_by == sergeant and radio.ended_by == sergeant


def test_a_device_handed_to_the_supervisor_ends_only_when_checked_in(leaver_with_kit, bar, tech_bar_staff):
    sergeant, _, phone, _, case = leaver_with_kit
    line = _line(case, phone.asset_tag)

    leavers.leaver_line_hand_to_supervisor(line=line, actor=sergeant)

    line.refresh_from_db()
    assert line.handed_to_supervisor_by == sergeant and line.outcome == "" and line.ended_at is None
    with pytest.raises(leavers.LeaverError, match="already with the supervisor"):
        leavers.leaver_line_hand_to_supervisor(line=line, actor=sergeant)

    services.device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="")  # the supervisor brings it

    line.refresh_from_db()
    assert line.outcome == LeaverLine.Outcome.RETURNED and line.received_at_tech_bar == bar


def test_another_supervisor_records_nothing(leaver_with_kit):
    _, _, _, _, case = leaver_with_kit
    stranger, _ = team()
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_line_hand_to_supervisor(line=_line(case, "Radio"), actor=stranger)
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_case_sign_off(case=case, actor=stranger)


def test_lost_property_ends_lost(leaver_with_kit):
    sergeant, _, _, _, case = leaver_with_kit
    fob = _line(case, "Access fob")

    leavers.leaver_line_lost(line=fob, actor=sergeant, details="Lost on a night out")

    fob.refresh_from_db()
    assert fob.outcome == LeaverLine.Outcome.LOST and fob.reason == "Lost on a night out"


def test_a_lost_device_goes_through_the_lost_flow_and_opens_a_security_incident(leaver_with_kit, tech_bar_staff):
    _, officer, phone, _, case = leaver_with_kit
    line = _line(case, phone.asset_tag)

    with pytest.raises(leavers.LeaverError, match="Say where"):
        leavers.leaver_line_lost(line=line, actor=tech_bar_staff, details=" ")

    leavers.leaver_line_lost(line=line, actor=tech_bar_staff, details="Left on a train")

    line.refresh_from_db()
    assert line.outcome == LeaverLine.Outcome.LOST and line.reason == "Lost: Left on a train"
    assert case.events.filter(kind=LeaverEvent.Kind.LINE_ENDED, line=line).count() == 1
    loss = DeviceLoss.objects.get(device=phone)
    assert loss.holder == officer and loss.reported_by == tech_bar_staff and loss.where == "Left on a train"
    assert Incident.objects.filter(pk=loss.incident_id, reporter=officer).exists()
    assert Device.objects.get(pk=phone.pk).status == Device.Status.LOST


def test_a_leaver_reporting_their_phone_stolen_ends_its_line(leaver_with_kit):
    from devices.losses.services.losses import device_report_lost
    from tests.devices.conftest import NOW

    _, officer, phone, _, case = leaver_with_kit

    device_report_lost(device=phone, actor=officer, kind="stolen", noticed_at=NOW, where="Taken from my car")

    line = _line(case, phone.asset_tag)
    assert (line.outcome, line.ended_by, line.reason) == ("lost", officer, "Stolen: Taken from my car")
    assert case.events.filter(kind=LeaverEvent.Kind.LINE_ENDED, line=line).count() == 1


def test_a_tech_bar_lead_or_a_portal_admin_writes_off_with_a_reason(leaver_with_kit, bar, tech_bar_staff, portal_admin):
    _, _, _, laptop, case = leaver_with_kit
    camera, laptop_line = _line(case, "Body-worn camera"), _line(case, laptop.asset_tag)

    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_line_write_off(line=camera, actor=tech_bar_staff, reason="Never issued")
    bar.leads.add(tech_bar_staff)
    with pytest.raises(leavers.LeaverError, match="reason"):
        leavers.leaver_line_write_off(line=camera, actor=tech_bar_staff, reason="")

    leavers.leaver_line_write_off(line=camera, actor=tech_bar_staff, reason="Never issued to them")
    leavers.leaver_line_write_off(line=laptop_line, actor=portal_admin, reason="Destroyed in a flood, photos kept")

    camera.refresh_from_db()
    laptop_line.refresh_from_db()
    assert (camera.outcome, camera.approved_by, camera.reason) == (
        "written_off",
        tech_bar_staff,
        "Never issued to them",
    )
    assert (laptop_line.outcome, laptop_line.approved_by) == ("written_off", portal_admin)


def test_sign_off_before_the_last_line_ends_closes_the_case_when_it_does(leaver_with_kit, bar, tech_bar_staff):
    sergeant, officer, phone, laptop, case = leaver_with_kit
    leavers.leaver_case_sign_off(case=case, actor=sergeant)
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN and case.signed_off_by == sergeant
    assert "7 item(s) still to end" in case.events.get(kind=LeaverEvent.Kind.SIGNED_OFF).note
    with pytest.raises(leavers.LeaverError, match="Already signed off"):
        leavers.leaver_case_sign_off(case=case, actor=sergeant)

    for line in case.lines.filter(property_kind__isnull=False):
        leavers.leaver_line_property_receive(line=line, actor=tech_bar_staff, tech_bar=bar)
    counter_services.counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(
            take_back=[counter_services.TakeBack(phone, ""), counter_services.TakeBack(laptop, "")]
        ),
    )

    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED
    assert case.closed_at and case.ready_for_account_closure_at == case.closed_at
    assert case.events.filter(kind=LeaverEvent.Kind.CLOSED).count() == 1
    # Ten days' notice: the 14-day reminder went at once when the case opened; closing stops the rest.
    assert list(case.steps.filter(fired_at__isnull=False).values_list("step", flat=True)) == ["reminder_14d"]
    rest = case.steps.filter(fired_at__isnull=True)
    assert rest.count() == 3 and all(s.cancelled_at and s.cancel_reason == "Leaver case closed" for s in rest)


def test_every_line_ended_is_not_enough_without_the_sign_off(leaver_with_kit, bar, tech_bar_staff, portal_admin):
    _, _, phone, laptop, case = leaver_with_kit
    for line in case.lines.filter(property_kind__isnull=False):
        leavers.leaver_line_write_off(line=line, actor=portal_admin, reason="Not issued")
    for device in (phone, laptop):
        services.device_return(device=device, actor=tech_bar_staff, tech_bar=bar, reason="leaver")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN and case.ready_for_account_closure_at is None

    leavers.leaver_case_sign_off(case=case, actor=portal_admin)  # a Portal admin may sign off too

    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED and case.signed_off_by == portal_admin


def test_a_person_with_nothing_to_return_closes_on_sign_off_alone():
    from devices.models import LeaverPropertyKind

    LeaverPropertyKind.objects.update(is_active=False)
    sergeant, officer = team()
    case = open_case(officer, sergeant)
    assert case.lines.count() == 0

    closed = leavers.leaver_case_sign_off(case=case, actor=sergeant)

    assert closed.status == LeaverCase.Status.CLOSED and closed.ready_for_account_closure_at


def test_a_closed_or_cancelled_case_changes_no_more(leaver_with_kit, bar, tech_bar_staff):
    sergeant, officer, _, _, case = leaver_with_kit
    leavers.leaver_date_set(person=officer, leaving_date=None, actor=sergeant, source="supervisor", reason="Stays")
    with pytest.raises(leavers.LeaverError, match="cancelled"):
        leavers.leaver_line_property_receive(line=_line(case, "Radio"), actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(leavers.LeaverError, match="cancelled"):
        leavers.leaver_case_sign_off(case=case, actor=sergeant)


def test_a_line_is_a_device_or_a_property_item_never_both_nor_neither(leaver_with_kit):
    from django.db import IntegrityError, transaction

    _, _, phone, _, case = leaver_with_kit
    device_line = _line(case, phone.asset_tag)
    kind = _line(case, "Radio").property_kind
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaverLine.objects.create(case=case, description="neither")
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaverLine.objects.create(case=case, assignment=device_line.assignment, property_kind=kind, description="both")


# --- nobody approves their own case; a written-off phone is blocked and wiped -----------
def test_nobody_signs_off_or_writes_off_their_own_case_whatever_their_role(
    make_device, bar, tech_bar_staff, portal_admin
):
    """A Portal admin closed their own case ("I say so") and kept their phone."""
    phone = make_device()
    services.device_issue(device=phone, holder=portal_admin, actor=tech_bar_staff, tech_bar=bar)
    bar.leads.add(portal_admin)  # a Tech Bar lead too: still not their own approver
    case = open_case(portal_admin, portal_admin, days=10)
    line = _line(case, phone.asset_tag)

    with pytest.raises(leavers.LeaverNotAllowed, match="own"):
        leavers.leaver_line_write_off(line=line, actor=portal_admin, reason="I say so")
    with pytest.raises(leavers.LeaverNotAllowed, match="own"):
        leavers.leaver_case_sign_off(case=case, actor=portal_admin)
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_line_property_receive(line=_line(case, "Radio"), actor=portal_admin)
    case.refresh_from_db()
    line.refresh_from_db()
    assert (case.status, case.signed_off_at, line.ended_at) == (LeaverCase.Status.OPEN, None, None)

    # Another Portal admin may approve it.
    from portal.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True)
    leavers.leaver_line_write_off(line=line, actor=colleague, reason="Destroyed, photos kept")
    leavers.leaver_case_sign_off(case=case, actor=colleague)


def test_the_counter_does_not_offer_a_write_off_of_your_own_line(
    make_device, bar, client, portal_admin, tech_bar_staff
):
    from django.urls import reverse

    from devices.counter.views import SESSION_KEY

    phone = make_device()
    services.device_issue(device=phone, holder=portal_admin, actor=tech_bar_staff, tech_bar=bar)
    case = open_case(portal_admin, portal_admin, days=10)
    line = _line(case, phone.asset_tag)
    client.force_login(portal_admin)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()
    url = reverse("admin:devices_counter_leaver_write_off", args=[portal_admin.payroll_number, line.pk])
    response = client.post(url, {"reason": "I say so"})
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.ended_at is None


def test_a_written_off_phone_gets_its_sim_block_and_wipe_requested(
    leaver_with_kit, bar, tech_bar_staff, django_capture_on_commit_callbacks
):
    from devices.models import DeviceEvent, RemoteAction

    _, _, phone, _, case = leaver_with_kit
    bar.leads.add(tech_bar_staff)
    with django_capture_on_commit_callbacks() as callbacks:
        leavers.leaver_line_write_off(line=_line(case, phone.asset_tag), actor=tech_bar_staff, reason="Drowned")

    actions = RemoteAction.objects.filter(device=phone)
    assert sorted(actions.values_list("kind", "status", "requested_by")) == [
        ("sim_block", "requested", tech_bar_staff.pk),
        ("wipe", "requested", tech_bar_staff.pk),
    ]
    assert len(callbacks) >= 2  # each sent after commit
    notes = DeviceEvent.objects.filter(device=phone, kind=DeviceEvent.Kind.REMOTE_ACTION).values_list("note", flat=True)
    assert any("written off" in note for note in notes)


def test_a_written_off_phone_that_comes_back_after_all_ends_its_sim_block_and_wipe(
    leaver_with_kit, bar, tech_bar_staff
):
    from devices.models import RemoteAction

    _, _, phone, _, case = leaver_with_kit
    bar.leads.add(tech_bar_staff)
    leavers.leaver_line_write_off(line=_line(case, phone.asset_tag), actor=tech_bar_staff, reason="Thought drowned")
    services.device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="leaver", condition="Dried out")

    assert set(RemoteAction.objects.filter(device=phone).values_list("status", flat=True)) == {"found"}
