"""Who sees which requests and who may do what with them: the requester and whoever asked for
them, their supervisor, Tech Bar staff and Portal admins; not other officers, other supervisors
or the Data Office (a workplace adjustment's details are health information)."""

import pytest
from django.http import Http404

from devices.models import DeviceRequest
from devices.permissions import can_cancel_device_request, can_reserve, can_view_device_request
from devices.requests import services as kit_requests
from devices.requests.selectors.kit import (
    device_request_for_user,
    device_requests_awaiting_decision_by,
    device_requests_to_reserve,
    device_requests_visible_to,
)
from portal.models import Role
from tests.devices.requests.request_helpers import submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adjustment(member, bar):
    return submit(member, kind="tablet", reason="workplace_adjustment", details="Needs assessment", collect_at=bar)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("member", True),
        ("boss", True),
        ("tech_bar_staff", True),
        ("portal_admin", True),
        ("officer", False),
        ("data_office", False),
        ("other_sergeant", False),
        ("anonymous", False),
    ],
)
def test_who_sees_a_request(request, adjustment, who, sees):
    from django.contrib.auth.models import AnonymousUser

    if who == "anonymous":
        user = AnonymousUser()
    elif who == "other_sergeant":
        user = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR])
    else:
        user = request.getfixturevalue(who)
    assert can_view_device_request(user, adjustment) is sees
    assert device_requests_visible_to(user=user).filter(pk=adjustment.pk).exists() is sees
    assert can_cancel_device_request(user, adjustment) is sees
    if sees:
        assert device_request_for_user(user=user, pk=adjustment.pk) == adjustment
    else:
        with pytest.raises(Http404):
            device_request_for_user(user=user, pk=adjustment.pk)


def test_a_missing_or_mistyped_request_is_not_found(tech_bar_staff):
    for pk in (999999, "abc", None):
        with pytest.raises(Http404):
            device_request_for_user(user=tech_bar_staff, pk=pk)


def test_the_supervisor_who_asked_sees_it_as_theirs(member, boss, bar):
    asked = submit(member, by=boss, collect_at=bar)
    assert device_request_for_user(user=boss, pk=asked.pk) == asked


def test_only_the_tech_bar_reserves(officer, boss, data_office, tech_bar_staff, portal_admin):
    assert [can_reserve(u) for u in (officer, boss, data_office, tech_bar_staff, portal_admin)] == [
        False, False, False, True, True
    ]  # fmt: skip


def test_what_waits_for_whom(adjustment, member, boss, portal_admin, officer, bar):
    assert list(device_requests_awaiting_decision_by(user=boss)) == [adjustment]
    assert list(device_requests_awaiting_decision_by(user=portal_admin)) == []  # the supervisor's step
    assert list(device_requests_awaiting_decision_by(user=officer)) == []
    assert list(device_requests_awaiting_decision_by(user=member)) == []  # never one's own
    approved = submit(officer, kind="laptop", collect_at=bar)
    assert list(device_requests_to_reserve(tech_bar=bar)) == [approved]


def test_a_portal_admin_is_queued_first_steps_only_without_a_supervisor(
    adjustment, member, boss, portal_admin, bar, macbook
):
    """Docstring of device_requests_awaiting_decision_by: first steps of people with no
    supervisor, second steps of approval-required models once the supervisor has approved."""
    loner = UserFactory(team="Response 2")  # no supervisor
    alone = submit(loner, kind="tablet", reason="other", details="No laptop bag", collect_at=bar)
    mac = submit(member, kind="laptop", model=macbook, reason="specialist", details="Xcode", collect_at=bar)
    assert list(device_requests_awaiting_decision_by(user=portal_admin)) == [alone]
    assert list(device_requests_awaiting_decision_by(user=boss)) == [adjustment, mac]
    kit_requests.device_request_decide(request=mac, actor=boss, approve=True, why="Needs to build iOS apps")
    mac.refresh_from_db()
    assert mac.status == DeviceRequest.Status.SUBMITTED  # waits for the second step
    assert list(device_requests_awaiting_decision_by(user=portal_admin)) == [alone, mac]
    assert list(device_requests_awaiting_decision_by(user=boss)) == [adjustment]
    kit_requests.device_request_decide(request=alone, actor=portal_admin, approve=True, why="Agreed")
    assert list(device_requests_awaiting_decision_by(user=portal_admin)) == [mac]
