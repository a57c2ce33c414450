"""Counter services: issue and return, the state machine, and the conditions-of-use check."""

import pytest

from devices.core.services import DeviceError, DeviceNotAvailable, HolderNotEligible, device_issue, device_return
from devices.models import Assignment, Device, DeviceEvent, DeviceModel, TechBar
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version


@pytest.fixture
def bar(db):
    return TechBar.objects.create(code="hq", name="Headquarters Tech Bar")


@pytest.fixture
def phone(bar):
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    return Device.objects.create(asset_tag="KB000001", model=model, tech_bar=bar, imei="350000000000006")


@pytest.mark.django_db
def test_issue_records_assignment_and_custody_event(phone, bar, officer, tech_bar_staff):
    assignment = device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)

    phone.refresh_from_db()
    assert phone.status == Device.Status.ISSUED and phone.tech_bar is None
    assert assignment.holder == officer and assignment.returned_at is None
    event = DeviceEvent.objects.get(device=phone)
    assert (event.kind, event.actor, event.holder, event.from_status, event.to_status) == (
        DeviceEvent.Kind.ISSUED, tech_bar_staff, officer, "in_stock", "issued"
    )  # fmt: skip


@pytest.mark.django_db
def test_an_issued_device_cannot_be_issued_again(phone, bar, officer, tech_bar_staff):
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(DeviceNotAvailable):
        device_issue(device=phone, holder=UserFactory(), actor=tech_bar_staff, tech_bar=bar)
    assert Assignment.objects.filter(device=phone).count() == 1


@pytest.mark.django_db
def test_return_closes_the_assignment_and_waits_for_triage(phone, bar, officer, tech_bar_staff):
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    assignment = device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty", condition="Cracked")

    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED and phone.tech_bar == bar
    assert assignment.returned_at is not None and assignment.return_reason == "faulty"
    with pytest.raises(DeviceError):
        device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty")


@pytest.mark.django_db
def test_kit_is_not_issued_to_someone_who_has_not_accepted_the_current_conditions(phone, bar, tech_bar_staff):
    version = published_version()
    holder = UserFactory()

    with pytest.raises(HolderNotEligible, match="Conditions of Use"):
        device_issue(device=phone, holder=holder, actor=tech_bar_staff, tech_bar=bar)
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK

    accept(holder, version)
    device_issue(device=phone, holder=holder, actor=tech_bar_staff, tech_bar=bar)


@pytest.mark.django_db
def test_inactive_people_are_not_issued_kit(phone, bar, tech_bar_staff):
    with pytest.raises(HolderNotEligible):
        device_issue(device=phone, holder=UserFactory(is_active=False), actor=tech_bar_staff, tech_bar=bar)
