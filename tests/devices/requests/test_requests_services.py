"""Kit request services: what is standard kit, what waits for whom, who may decide, what the
Tech Bar may reserve, and who is told."""

import pytest

from devices.core.services import device_issue
from devices.leavers import services as leavers
from devices.models import DeviceModel, DeviceRequest, KitEntitlement, TechBar
from devices.permissions import can_decide, can_request_for
from devices.requests import services as kit_requests
from devices.requests.services import RequestError
from portal.models import Notification, OutboundEmail
from tests.devices.requests.request_helpers import submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = DeviceRequest.Status


def _subjects(person):
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("subject", flat=True))


# --- Submitting ---------------------------------------------------------------------------------
def test_standard_kit_within_the_entitlement_is_approved_at_once(member, bar):
    request = submit(member, kind="laptop", collect_at=bar)
    assert request.status == S.APPROVED
    assert not request.needs_approval and not request.needs_admin_approval
    assert not request.steps.exists()


def test_a_second_laptop_is_outside_the_standard_kit_and_waits_for_the_supervisor(
    member, boss, bar, make_device, laptop_model, tech_bar_staff
):
    device_issue(device=make_device(model=laptop_model), holder=member, actor=tech_bar_staff, tech_bar=bar)
    request = submit(member, kind="laptop", reason="workplace_adjustment", details="Larger screen", collect_at=bar)
    assert request.status == S.SUBMITTED and request.needs_approval and not request.needs_admin_approval
    assert [s.step for s in request.steps.all()] == ["approval_reminder.1"]
    assert _subjects(boss) == [f"A request for a laptop for {member.get_full_name()} waits for your approval"]
    assert OutboundEmail.objects.filter(to=boss.email).count() == 1


def test_a_kind_outside_the_entitlement_needs_approval(member, bar):
    request = submit(member, kind="tablet", reason="specialist", details="Drone unit", collect_at=bar)
    assert request.status == S.SUBMITTED and request.needs_approval


def test_a_team_s_entitlement_replaces_the_role_s(member, bar):
    KitEntitlement.objects.create(role="Officer", team=member.team, kind="tablet", quantity=1)
    assert submit(member, kind="tablet", collect_at=bar).status == S.APPROVED
    other_team = UserFactory(team="CID")
    assert submit(other_team, kind="tablet", reason="other", details="Why not", collect_at=bar).status == S.SUBMITTED


def test_holding_a_retired_model_leaves_the_request_standard(member, bar, make_device, old_laptop, tech_bar_staff):
    device = make_device(model=old_laptop)
    # Issued before the model retired: now it counts as a gap, and its replacement is standard kit.
    DeviceModel.objects.filter(pk=old_laptop.pk).update(retired=False)
    device_issue(device=device, holder=member, actor=tech_bar_staff, tech_bar=bar)
    DeviceModel.objects.filter(pk=old_laptop.pk).update(retired=True)
    assert submit(member, kind="laptop", reason="replacement", collect_at=bar).status == S.APPROVED


def test_a_particular_model_is_a_preference_the_supervisor_approves(member, bar, laptop_model):
    request = submit(member, kind="laptop", model=laptop_model, collect_at=bar)
    assert request.status == S.SUBMITTED and request.needs_approval and not request.needs_admin_approval


def test_the_model_gives_the_kind_when_none_is_chosen(member, bar, laptop_model):
    assert submit(member, kind="", model=laptop_model, collect_at=bar).kind == "laptop"


def test_an_approval_required_model_needs_both_steps_even_within_the_entitlement(member, bar, macbook):
    request = submit(member, kind="laptop", model=macbook, reason="specialist", details="iOS builds", collect_at=bar)
    assert request.status == S.SUBMITTED and request.needs_approval and request.needs_admin_approval


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model": "retired"}, "is retired and no longer issued"),
        ({"model": "unknown"}, "is not in the catalogue"),
        ({"model": "phone"}, "is a smartphone, not a laptop"),
        ({"kind": "pager"}, "Choose the kind of device"),
        ({"reason": "boredom"}, "Choose the reason"),
        ({"reason": "workplace_adjustment", "details": "   "}, "Say more about the workplace adjustment"),
        ({"collect_at": "closed"}, "Choose an open Tech Bar"),
    ],
)
def test_bad_requests_are_refused_with_a_message(member, bar, old_laptop, phone_model, change, message):
    values = {"kind": "laptop", "model": None, "reason": "new_starter", "details": "", "collect_at": bar}
    values.update(change)
    models = {
        "retired": old_laptop,
        "unknown": DeviceModel(make="Acme", model_name="Nothing", kind="laptop"),
        "phone": phone_model,
    }
    values["model"] = models.get(values["model"], values["model"])
    if values["collect_at"] == "closed":
        values["collect_at"] = TechBar.objects.create(code="old", name="Old Tech Bar", is_active=False)
    with pytest.raises(RequestError, match=message):
        submit(member, **values)
    assert not DeviceRequest.objects.exists()


def test_a_second_open_request_for_the_same_kind_is_refused(member, bar):
    first = submit(member, kind="laptop", collect_at=bar)
    with pytest.raises(RequestError, match=f"already has an open request for a laptop \\(request {first.pk}"):
        submit(member, kind="laptop", collect_at=bar)


def test_a_supervisor_asks_for_their_team_and_nobody_else(member, boss, officer, bar):
    assert can_request_for(boss, member) and can_request_for(member, member)
    assert not can_request_for(officer, member) and not can_request_for(member, boss)
    request = submit(member, by=boss, collect_at=bar)
    assert request.submitted_by == boss and request.requester == member
    with pytest.raises(RequestError, match="for yourself or your team"):
        submit(boss, by=officer, collect_at=bar)


def test_someone_with_an_open_leaver_case_cannot_ask(member, boss, bar):
    leavers.leaver_date_set(person=member, leaving_date=member.date_joined.date().replace(year=2027), actor=boss,
                            source="supervisor")  # fmt: skip
    with pytest.raises(RequestError, match="open leaver case"):
        submit(member, collect_at=bar)


# --- Deciding -----------------------------------------------------------------------------------
@pytest.fixture
def waiting(member, bar):
    return submit(member, kind="tablet", reason="specialist", details="Drone unit", collect_at=bar)


def test_the_supervisor_approves_and_the_requester_is_told(waiting, boss, member):
    request = kit_requests.device_request_decide(request=waiting, actor=boss, approve=True, why="Needed")
    assert request.status == S.APPROVED
    assert (request.supervisor_decision_by, request.supervisor_decision_why) == (boss, "Needed")
    assert request.supervisor_decision_at is not None and request.admin_decision_at is None
    assert _subjects(member) == ["Your request for a tablet is approved"]
    assert request.steps.get().cancelled_at is not None


def test_a_refusal_needs_a_reason_and_ends_the_request(waiting, boss, member):
    with pytest.raises(RequestError, match="Say why"):
        kit_requests.device_request_decide(request=waiting, actor=boss, approve=False, why=" ")
    request = kit_requests.device_request_decide(request=waiting, actor=boss, approve=False, why="Use the pool")
    assert request.status == S.REFUSED and request.supervisor_decision_why == "Use the pool"
    assert _subjects(member) == ["Your request for a tablet was refused"]


def test_approving_one_s_own_request_is_refused(boss, bar, admin_one):
    own = submit(boss, kind="tablet", reason="other", details="Briefings", collect_at=bar)
    assert not can_decide(boss, own)
    with pytest.raises(RequestError, match="your own request"):
        kit_requests.device_request_decide(request=own, actor=boss, approve=True, why="")
    own.refresh_from_db()
    assert own.status == S.SUBMITTED and own.supervisor_decision_at is None


def test_a_supervisor_who_asked_for_their_team_member_does_not_approve_it(member, boss, bar, admin_one):
    asked = submit(member, by=boss, kind="tablet", reason="other", details="Briefings", collect_at=bar)
    with pytest.raises(RequestError, match="your own request"):
        kit_requests.device_request_decide(request=asked, actor=boss, approve=True, why="")
    # A Portal admin takes the supervisor's step instead.
    assert (
        kit_requests.device_request_decide(request=asked, actor=admin_one, approve=True, why="OK").status == S.APPROVED
    )


def test_nobody_else_decides(waiting, officer, tech_bar_staff, data_office):
    for person in (officer, tech_bar_staff, data_office, UserFactory(roles=["Supervisor"])):
        assert not can_decide(person, waiting)
        with pytest.raises(RequestError, match="supervisor or a Portal admin"):
            kit_requests.device_request_decide(request=waiting, actor=person, approve=True, why="")


def test_an_approval_required_model_takes_two_steps_by_two_people(member, boss, bar, macbook, admin_one, admin_two):
    request = submit(member, kind="laptop", model=macbook, reason="specialist", details="iOS builds", collect_at=bar)
    assert can_decide(boss, request) and not can_decide(member, request)

    request = kit_requests.device_request_decide(request=request, actor=boss, approve=True, why="Builds apps")
    assert request.status == S.SUBMITTED and request.waiting_for_admin
    assert [s.step for s in request.steps.order_by("pk")] == ["approval_reminder.1", "approval_reminder.2"]
    assert _subjects(admin_one) == [
        f"A request for a Apple MacBook Air 13 for {member.get_full_name()} waits for a Portal admin's approval"
    ]
    # The supervisor cannot take the second step too; neither can a Portal admin who took the first.
    with pytest.raises(RequestError, match="waits for a Portal admin"):
        kit_requests.device_request_decide(request=request, actor=boss, approve=True, why="")

    request = kit_requests.device_request_decide(request=request, actor=admin_one, approve=True, why="Approved spend")
    assert request.status == S.APPROVED
    assert (request.admin_decision_by, request.admin_decision_why) == (admin_one, "Approved spend")


def test_the_same_admin_does_not_take_both_steps(member, bar, macbook, admin_one, admin_two):
    member.supervisor = None
    member.save()
    request = submit(member, kind="laptop", model=macbook, reason="specialist", details="iOS", collect_at=bar)
    kit_requests.device_request_decide(request=request, actor=admin_one, approve=True, why="Team lead away")
    with pytest.raises(RequestError, match="another Portal admin approves the second"):
        kit_requests.device_request_decide(request=request, actor=admin_one, approve=True, why="")
    refused = kit_requests.device_request_decide(request=request, actor=admin_two, approve=False, why="Too dear")
    assert refused.status == S.REFUSED and refused.admin_decision_by == admin_two


# --- Reserving ----------------------------------------------------------------------------------
@pytest.fixture
def approved(member, bar):
    return submit(member, kind="laptop", collect_at=bar)


def test_reserving_makes_it_ready_and_tells_the_requester(approved, member, bar, make_device, laptop_model,
                                                          tech_bar_staff):  # fmt: skip
    device = make_device(model=laptop_model)
    request = kit_requests.device_request_reserve(request=approved, device=device, actor=tech_bar_staff, tech_bar=bar)
    assert request.status == S.READY
    assert (request.reserved_device, request.reserved_by) == (device, tech_bar_staff)
    assert _subjects(member) == ["Your laptop is ready to collect at Headquarters Tech Bar"]
    assert OutboundEmail.objects.filter(to=member.email, subject__contains="ready to collect").exists()
    assert sorted(s.step for s in request.steps.all()) == ["ready_release.1", "ready_reminder.1"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("phone", "is a smartphone, not a laptop"),
        ("other_bar", "is not on the shelf at Headquarters Tech Bar"),
        ("issued", "is issued, not in stock"),
        ("retired", "a retired model"),
        ("wrong_model", "the request is for a Apple MacBook Air 13"),
        ("reserved", "is already reserved for request"),
    ],
)
def test_the_wrong_device_is_refused(
    case, message, member, officer, bar, other_bar, make_device, laptop_model, phone_model, old_laptop, macbook,
    tech_bar_staff, admin_one, boss
):  # fmt: skip
    request = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    if case == "phone":
        device = make_device(model=phone_model)
    elif case == "other_bar":
        device = make_device(model=laptop_model, tech_bar=other_bar)
    elif case == "issued":
        device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    elif case == "retired":
        device = make_device(model=old_laptop)
    elif case == "wrong_model":
        kit_requests.device_request_cancel(request=request, actor=member, why="Wrong kind")
        request = submit(member, kind="laptop", model=macbook, reason="specialist", details="iOS", collect_at=bar)
        kit_requests.device_request_decide(request=request, actor=boss, approve=True, why="")
        kit_requests.device_request_decide(request=request, actor=admin_one, approve=True, why="")
    elif case == "reserved":
        first = submit(officer, kind="laptop", collect_at=bar)
        kit_requests.device_request_reserve(request=first, device=device, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(RequestError, match=message):
        kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
    request.refresh_from_db()
    assert request.status == S.APPROVED and request.reserved_device is None


def test_only_the_tech_bar_reserves_and_only_at_the_collection_bar(approved, officer, other_bar, make_device,
                                                                   laptop_model, tech_bar_staff):  # fmt: skip
    device = make_device(model=laptop_model)
    with pytest.raises(RequestError, match="Only Tech Bar staff"):
        kit_requests.device_request_reserve(request=approved, device=device, actor=officer, tech_bar=device.tech_bar)
    with pytest.raises(RequestError, match="reserve one there, not at North Hub"):
        kit_requests.device_request_reserve(request=approved, device=device, actor=tech_bar_staff, tech_bar=other_bar)


def test_a_release_needs_a_reason_and_frees_the_device_for_another_request(
    approved, member, officer, bar, make_device, laptop_model, tech_bar_staff
):
    device = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=approved, device=device, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(RequestError, match="Say why"):
        kit_requests.device_request_release(request=approved, actor=tech_bar_staff, why="")
    with pytest.raises(RequestError, match="Only Tech Bar staff"):
        kit_requests.device_request_release(request=approved, actor=member, why="Mine")
    released = kit_requests.device_request_release(request=approved, actor=tech_bar_staff, why="Battery fault.")
    assert released.status == S.APPROVED and released.reserved_device is None
    assert released.steps.filter(cancelled_at__isnull=False).count() == 2
    other = submit(officer, kind="laptop", collect_at=bar)
    assert (
        kit_requests.device_request_reserve(
            request=other, device=device, actor=tech_bar_staff, tech_bar=bar
        ).reserved_device
        == device
    )
    # Reserved again later: the ladder's steps start a second round.
    kit_requests.device_request_reserve(request=released, device=make_device(model=laptop_model),
                                        actor=tech_bar_staff, tech_bar=bar)  # fmt: skip
    assert set(released.steps.filter(cancelled_at__isnull=True).values_list("step", flat=True)) == {
        "ready_reminder.2", "ready_release.2"
    }  # fmt: skip


def test_who_may_cancel(approved, member, boss, officer, tech_bar_staff, data_office):
    for outsider in (officer, data_office):
        with pytest.raises(RequestError, match="may not cancel"):
            kit_requests.device_request_cancel(request=approved, actor=outsider, why="Tidy up")
    with pytest.raises(RequestError, match="Say why"):
        kit_requests.device_request_cancel(request=approved, actor=boss, why="")
    cancelled = kit_requests.device_request_cancel(request=approved, actor=boss, why="Moved to CID")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancelled_why) == (S.CANCELLED, boss, "Moved to CID")
    assert _subjects(member) == ["Your request for a laptop was cancelled"]


# --- A leaver's requests ------------------------------------------------------------------------
def test_a_leaver_case_opening_cancels_the_open_requests_and_frees_the_device(
    member, boss, bar, make_device, laptop_model, tablet_model, tech_bar_staff
):
    laptop = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=laptop, device=device, actor=tech_bar_staff, tech_bar=bar)
    tablet = submit(member, kind="tablet", reason="specialist", details="Drone", collect_at=bar)
    refused = submit(member, kind="smartphone", collect_at=bar)
    kit_requests.device_request_cancel(request=refused, actor=member, why="Found my old one")

    case = leavers.leaver_date_set(
        person=member, leaving_date=member.date_joined.date().replace(year=2027), actor=boss, source="supervisor"
    )
    for request in (laptop, tablet):
        request.refresh_from_db()
        assert request.status == S.CANCELLED and request.cancelled_by == boss
        assert request.cancelled_why.startswith(f"{member.get_full_name()} leaves on ")
    assert laptop.reserved_device is None
    assert "2 open device requests cancelled." in case.events.get(kind="opened").note
    assert not DeviceRequest.objects.filter(reserved_device=device).exists()
