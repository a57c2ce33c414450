"""Lost, stolen and faulty reports and a lost device found again, through the services."""

from datetime import timedelta

import pytest

from devices.core.services import DeviceError
from devices.losses.services import losses
from devices.models import Assignment, Device, DeviceEvent, DeviceLoss, DeviceModel, RemoteAction
from incidents.models import Incident, IncidentEvent
from tests.devices.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def report(device, actor, kind="stolen", noticed=NOW - timedelta(hours=2), where="On the 18:10 bus"):
    return losses.device_report_lost(device=device, actor=actor, kind=kind, noticed_at=noticed, where=where)


@pytest.mark.parametrize("kind", ["lost", "stolen"])
def test_a_loss_asks_for_a_sim_block_and_a_wipe_and_opens_the_incident_once(
    kind, frozen, held_phone, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        loss = report(held_phone, officer, kind=kind)

    held_phone.refresh_from_db()
    assert held_phone.status == kind
    assignment = Assignment.objects.get(device=held_phone)
    assert (assignment.returned_at, assignment.returned_by, assignment.return_reason) == (NOW, officer, kind)
    assert sorted(loss.remote_actions.values_list("kind", "status")) == [
        ("sim_block", "requested"),
        ("wipe", "requested"),
    ]
    incident = Incident.objects.get()
    assert loss.incident == incident and incident.reporter == officer
    assert incident.source == Incident.Source.DEVICE and incident.asset_tags == held_phone.asset_tag
    assert held_phone.asset_tag in incident.summary and "On the 18:10 bus" in incident.summary
    event = DeviceEvent.objects.get(device=held_phone, kind=kind)
    assert (event.from_status, event.to_status, event.holder) == ("issued", kind, officer)
    # Two sends (one per action) and the incident's notifications wait for the commit.
    assert len(callbacks) >= 2

    with pytest.raises(losses.AlreadyReported) as second:
        report(held_phone, officer, kind=kind)
    assert second.value.loss == loss
    assert (Incident.objects.count(), RemoteAction.objects.count(), DeviceLoss.objects.count()) == (1, 2, 1)


def test_the_incident_clock_runs_from_when_the_loss_was_noticed(frozen, held_phone, officer):
    noticed = NOW - timedelta(hours=3, minutes=20)
    incident = report(held_phone, officer, noticed=noticed).incident
    assert incident.aware_at == noticed
    assert incident.due_at == noticed + timedelta(hours=12)
    assert incident.created_at == NOW


def test_a_loss_noticed_over_12_hours_ago_is_late_from_the_start(frozen, held_phone, officer):
    incident = report(held_phone, officer, noticed=NOW - timedelta(hours=13)).incident
    assert incident.late_from_start


def test_nobody_reports_a_device_they_do_not_hold(frozen, held_phone, make_device):
    someone_else = UserFactory()
    with pytest.raises(losses.NotHeld):
        report(held_phone, someone_else)
    with pytest.raises(losses.NotHeld):
        report(make_device(), someone_else)  # in stock: nobody holds it
    held_phone.refresh_from_db()
    assert held_phone.status == Device.Status.ISSUED
    assert not Incident.objects.exists() and not RemoteAction.objects.exists()


def test_tech_bar_staff_can_report_for_the_holder(frozen, held_phone, officer, tech_bar_staff):
    loss = losses.device_report_lost(
        device=held_phone, actor=tech_bar_staff, holder=officer, kind="lost", noticed_at=NOW, where="Unknown"
    )
    assert loss.holder == officer and loss.reported_by == tech_bar_staff
    assert loss.incident.reporter == officer


def test_only_what_the_device_has_is_requested(frozen, make_device, bar, officer, tech_bar_staff):
    from devices.core.services import device_issue

    laptop_model = DeviceModel.objects.create(make="Dell", model_name="Latitude 5450", kind=DeviceModel.Kind.LAPTOP)
    laptop = make_device(model=laptop_model, imei="", phone_number="", sim_iccid="")
    unenrolled_phone = make_device(mdm_enrolment_id="")
    for device in (laptop, unenrolled_phone):
        device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)

    assert list(report(laptop, officer).remote_actions.values_list("kind", flat=True)) == ["wipe"]
    assert list(report(unenrolled_phone, officer).remote_actions.values_list("kind", flat=True)) == ["sim_block"]


def test_where_is_required(frozen, held_phone, officer):
    with pytest.raises(DeviceError):
        report(held_phone, officer, where="   ")
    assert not Incident.objects.exists()


def test_a_found_device_goes_back_to_triage_and_its_incident_hears_of_it(
    frozen, held_phone, officer, tech_bar_staff, bar
):
    loss = report(held_phone, officer)
    frozen.shift(timedelta(days=2))
    losses.device_found(device=held_phone, actor=tech_bar_staff, tech_bar=bar, note="Handed in at Croydon")

    held_phone.refresh_from_db()
    loss.refresh_from_db()
    assert (held_phone.status, held_phone.tech_bar) == (Device.Status.RETURNED, bar)
    assert loss.found_at == NOW + timedelta(days=2) and loss.found_by == tech_bar_staff
    assert DeviceEvent.objects.filter(device=held_phone, kind=DeviceEvent.Kind.FOUND, to_status="returned").exists()
    note = loss.incident.events.get(kind=IncidentEvent.Kind.NOTE)
    assert held_phone.asset_tag in note.text and "Handed in at Croydon" in note.text and note.actor == tech_bar_staff

    with pytest.raises(DeviceError, match="not lost or stolen"):
        losses.device_found(device=held_phone, actor=tech_bar_staff, tech_bar=bar)


def test_a_faulty_report_is_recorded_once_and_changes_nothing(frozen, held_phone, officer):
    first = losses.device_report_faulty(device=held_phone, actor=officer, description="Screen flickers")
    again = losses.device_report_faulty(device=held_phone, actor=officer)
    assert first == again and first.kind == DeviceEvent.Kind.REPORTED_FAULTY
    held_phone.refresh_from_db()
    assert held_phone.status == Device.Status.ISSUED
    with pytest.raises(losses.NotHeld):
        losses.device_report_faulty(device=held_phone, actor=UserFactory())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_report_the_loss_once(make_device, bar, officer, tech_bar_staff, settings):
    """The double tap that beats `data-prevent-double-click`: two requests, two connections."""
    import threading

    from django.db import connection

    from devices.core.services import device_issue

    settings.TIMER_CLOCK = "application"
    for _round in range(10):
        phone = make_device()
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
        barrier = threading.Barrier(2)
        outcomes = []

        def submit(phone=phone, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                losses.device_report_lost(
                    device=phone, actor=officer, kind="stolen", noticed_at=phone.updated_at, where="Bus"
                )
                outcomes.append("reported")
            except losses.AlreadyReported:
                outcomes.append("already")
            finally:
                connection.close()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["already", "reported"]
        assert (DeviceLoss.objects.filter(device=phone).count(), RemoteAction.objects.filter(device=phone).count()) == (
            1,
            2,
        )
    assert Incident.objects.count() == 10
