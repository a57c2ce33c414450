"""Fixtures and helpers for the kit request tests: a team (officer and supervisor), catalogue
models, and `request_in(status)` that drives a request to any state through the services."""

import pytest

from devices.core.services import device_issue
from devices.models import DeviceModel, DeviceRequest
from devices.requests import services as kit_requests
from portal.models import Role
from tests.factories import DeviceModelFactory, DeviceRequestFactory, UserFactory


@pytest.fixture
def boss(db):
    """A sergeant: the member's supervisor."""
    return UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], rank_or_grade="Sergeant", team="Response 1")


@pytest.fixture
def member(boss):
    """An officer in the sergeant's team, holding no kit."""
    return UserFactory(supervisor=boss, team="Response 1")


@pytest.fixture
def admin_one(db):
    return UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True)


@pytest.fixture
def admin_two(db):
    return UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True)


@pytest.fixture
def macbook(db):
    return DeviceModelFactory(
        make="Apple", model_name="MacBook Air 13", kind=DeviceModel.Kind.LAPTOP, approval_required=True
    )


@pytest.fixture
def old_laptop(db):
    return DeviceModelFactory(make="Dell", model_name="Latitude E7470", kind=DeviceModel.Kind.LAPTOP, retired=True)


@pytest.fixture
def tablet_model(db):
    return DeviceModelFactory(make="Samsung", model_name="Galaxy Tab Active5", kind=DeviceModel.Kind.TABLET)


def submit(requester, *, by=None, kind="laptop", model=None, reason="new_starter", details="", collect_at):
    return DeviceRequestFactory(
        requester=requester,
        submitted_by=by or requester,
        kind=kind,
        device_model=model,
        reason=reason,
        details=details,
        collect_at=collect_at,
    )


@pytest.fixture
def request_in(member, boss, bar, tech_bar_staff, make_device, laptop_model, tablet_model):
    """request_in(status) -> (request, device or None): the member's request driven there through
    the services. SUBMITTED/REFUSED use a tablet (outside the standard kit); the rest a laptop."""

    def _in(status: str):
        device = None
        if status in (DeviceRequest.Status.SUBMITTED, DeviceRequest.Status.REFUSED):
            request = submit(member, kind="tablet", reason="specialist", details="Mobile data", collect_at=bar)
            if status == DeviceRequest.Status.REFUSED:
                kit_requests.device_request_decide(request=request, actor=boss, approve=False, why="Not needed")
        else:
            request = submit(member, collect_at=bar)
            if status != DeviceRequest.Status.APPROVED:
                device = make_device(model=laptop_model)
                kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
            if status == DeviceRequest.Status.COLLECTED:
                device_issue(device=device, holder=member, actor=tech_bar_staff, tech_bar=bar)
            if status == DeviceRequest.Status.CANCELLED:
                kit_requests.device_request_cancel(request=request, actor=member, why="No longer needed")
        request.refresh_from_db()
        assert request.status == status
        return request, device

    return _in
