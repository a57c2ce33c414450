"""The kit request pages: asking for a device (oneself, a supervisor for their team), where it
stands, the approvers' queue and decisions, the Tech Bar's reserve and release, who may see what,
and the counter showing open requests first."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from devices.models import DeviceModel, DeviceRequest, TechBarOpeningHours
from devices.requests import services as kit_requests
from portal.models import Role
from tests.factories import UserFactory

NEW = reverse("devices:request_new")
MINE = reverse("devices:request_list")
APPROVALS = reverse("devices:request_approvals")
TECH_BAR = reverse("devices:request_tech_bar")


@pytest.fixture
def team_member(officer, supervisor):
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    return officer


@pytest.fixture
def tablet_model(db):
    return DeviceModel.objects.create(make="Samsung", model_name="Galaxy Tab Active5", kind=DeviceModel.Kind.TABLET)


@pytest.fixture
def apple_model(db):
    return DeviceModel.objects.create(
        make="Apple", model_name="iPad Air", kind=DeviceModel.Kind.TABLET, approval_required=True
    )


def submit(person, bar, *, kind="tablet", by=None, device_model=None, reason=DeviceRequest.Reason.SPECIALIST):
    return kit_requests.device_request_submit(
        requester=person,
        submitted_by=by or person,
        kind=kind,
        device_model=device_model,
        reason=reason,
        details="Needs assessment of 2 June recommends a tablet",
        collect_at=bar,
    )


def form_data(bar, **overrides):
    data = {
        "kind": "tablet",
        "device_model": "",
        "reason": DeviceRequest.Reason.WORKPLACE_ADJUSTMENT,
        "details": "Needs assessment of 2 June recommends a tablet",
        "collect_at": bar.pk,
    }
    data.update(overrides)
    return data


# --- Asking for a device ------------------------------------------------------------------------
def test_the_form_offers_live_models_and_open_tech_bars_with_their_hours(client, officer, bar, other_bar, tablet_model):
    DeviceModel.objects.create(make="Samsung", model_name="Galaxy Tab S4", kind="tablet", retired=True)
    other_bar.is_active = False
    other_bar.save(update_fields=["is_active"])
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0, opens="08:00", closes="16:30")
    client.force_login(officer)
    page = client.get(NEW).text
    assert "Galaxy Tab Active5" in page and "Galaxy Tab S4" not in page
    assert bar.name in page and "16:30" in page and other_bar.name not in page
    assert "Who needs the device?" not in page  # an officer asks for themselves only


def test_an_officer_asks_for_a_tablet_and_sees_it_waiting_for_approval(client, team_member, bar):
    client.force_login(team_member)
    response = client.post(NEW, form_data(bar))
    request = DeviceRequest.objects.get(requester=team_member)
    assert response.status_code == 302 and response.url == reverse("devices:request_detail", args=[request.pk])
    assert request.status == DeviceRequest.Status.SUBMITTED and request.submitted_by == team_member
    page = client.get(response.url).text
    assert "Waiting for approval" in page and "Needs assessment of 2 June" in page and bar.name in page
    assert reverse("devices:request_detail", args=[request.pk]) in client.get(MINE).text


def test_standard_kit_is_approved_at_once(client, officer, bar):
    client.force_login(officer)
    client.post(NEW, form_data(bar, kind="laptop", reason=DeviceRequest.Reason.NEW_STARTER))
    request = DeviceRequest.objects.get(requester=officer)
    assert request.status == DeviceRequest.Status.APPROVED and not request.needs_approval
    assert "Not needed: standard kit" in client.get(reverse("devices:request_detail", args=[request.pk])).text


def test_a_retired_model_is_refused_with_a_message_and_nothing_typed_lost(client, officer, bar):
    retired = DeviceModel.objects.create(make="Samsung", model_name="Galaxy Tab S4", kind="tablet", retired=True)
    client.force_login(officer)
    response = client.post(NEW, form_data(bar, device_model=retired.pk, details="My own words, kept"))
    assert response.status_code == 400
    assert "that one is retired or not in the catalogue" in response.text
    assert "My own words, kept" in response.text
    unknown = client.post(NEW, form_data(bar, device_model=999999))
    assert unknown.status_code == 400 and "not in the catalogue" in unknown.text
    assert not DeviceRequest.objects.exists()


def test_a_model_of_another_kind_and_missing_fields_are_bad_input(client, officer, bar, laptop_model):
    client.force_login(officer)
    response = client.post(NEW, form_data(bar, device_model=laptop_model.pk))
    assert response.status_code == 400 and escape(f"{laptop_model} is a laptop") in response.text
    response = client.post(NEW, form_data(bar, details="   ", kind=""))
    assert response.status_code == 400
    assert "Select the kind of device" in response.text and "Enter the details" in response.text
    assert not DeviceRequest.objects.exists()


def test_a_supervisor_asks_for_a_team_member_and_nobody_else(client, supervisor, team_member, bar):
    stranger = UserFactory()
    client.force_login(supervisor)
    page = client.get(NEW).text
    assert "Who needs the device?" in page and team_member.payroll_number in page
    assert stranger.payroll_number not in page
    response = client.post(NEW, form_data(bar, requester=stranger.pk))
    assert response.status_code == 400 and "Choose someone from your team" in response.text
    response = client.post(NEW, form_data(bar, requester=team_member.pk))
    request = DeviceRequest.objects.get()
    assert response.status_code == 302
    assert request.requester == team_member and request.submitted_by == supervisor
    # The team member sees it among their requests too.
    client.force_login(team_member)
    assert reverse("devices:request_detail", args=[request.pk]) in client.get(MINE).text


def test_the_requester_cancels_with_a_reason(client, team_member, bar):
    request = submit(team_member, bar)
    cancel = reverse("devices:request_cancel", args=[request.pk])
    client.force_login(UserFactory())
    assert client.get(cancel).status_code == 404
    client.force_login(team_member)
    assert cancel in client.get(reverse("devices:request_detail", args=[request.pk])).text
    response = client.post(cancel, {"why": " "})
    assert response.status_code == 400 and "Enter why the request is cancelled" in response.text
    response = client.post(cancel, {"why": "No longer needed"})
    assert response.status_code == 302 and response.url == reverse("devices:request_detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.CANCELLED and request.cancelled_by == team_member
    page = client.get(response.url).text
    assert "No longer needed" in page and cancel not in page
    again = client.post(cancel, {"why": "twice"})
    assert again.status_code == 302 and again.url == reverse("devices:request_detail", args=[request.pk])


# --- Decisions ----------------------------------------------------------------------------------
def test_the_supervisor_approves_from_their_queue(client, supervisor, team_member, bar):
    request = submit(team_member, bar)
    other = submit(UserFactory(supervisor=UserFactory(roles=[Role.SUPERVISOR])), bar)
    client.force_login(supervisor)
    page = client.get(APPROVALS).text
    decide = reverse("devices:request_decide", args=[request.pk])
    assert decide in page and reverse("devices:request_decide", args=[other.pk]) not in page
    assert client.get(decide).status_code == 200
    response = client.post(decide, {"decision": "approve", "why": ""})
    assert response.status_code == 302 and response.url == APPROVALS
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.APPROVED and request.supervisor_decision_by == supervisor
    assert decide not in client.get(APPROVALS).text
    client.force_login(team_member)
    assert "Supervisor: approved" in client.get(reverse("devices:request_detail", args=[request.pk])).text
    # A second click on the decision lands on the request, not an error.
    client.force_login(supervisor)
    again = client.post(decide, {"decision": "refuse", "why": "Changed my mind"})
    assert again.status_code == 302 and again.url == reverse("devices:request_detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.APPROVED


def test_a_refusal_needs_a_reason_which_the_requester_sees(client, supervisor, team_member, bar):
    request = submit(team_member, bar)
    decide = reverse("devices:request_decide", args=[request.pk])
    client.force_login(supervisor)
    response = client.post(decide, {"decision": "refuse", "why": "  "})
    assert response.status_code == 400 and "Enter the reason for refusing the request" in response.text
    assert client.post(decide, {"decision": "", "why": ""}).status_code == 400
    client.post(decide, {"decision": "refuse", "why": "A standard laptop meets the assessment"})
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.REFUSED
    client.force_login(team_member)
    page = client.get(reverse("devices:request_detail", args=[request.pk])).text
    assert "Supervisor: refused" in page and "A standard laptop meets the assessment" in page


def test_nobody_decides_their_own_request(client, supervisor, bar):
    own = submit(supervisor, bar)
    client.force_login(supervisor)
    assert client.get(reverse("devices:request_decide", args=[own.pk])).status_code == 403
    assert reverse("devices:request_decide", args=[own.pk]) not in client.get(APPROVALS).text


def test_an_approval_required_model_waits_for_a_portal_admin_after_the_supervisor(
    client, supervisor, portal_admin, team_member, bar, apple_model
):
    request = submit(team_member, bar, device_model=apple_model)
    decide = reverse("devices:request_decide", args=[request.pk])
    client.force_login(supervisor)
    client.post(decide, {"decision": "approve", "why": "Agreed with occupational health"})
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.SUBMITTED and request.waiting_for_admin
    detail = client.get(reverse("devices:request_detail", args=[request.pk])).text
    assert "waiting for a Portal admin's approval" in detail
    client.force_login(portal_admin)
    assert decide in client.get(APPROVALS).text
    client.post(decide, {"decision": "approve", "why": ""})
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.APPROVED and request.admin_decision_by == portal_admin
    client.force_login(team_member)
    page = client.get(reverse("devices:request_detail", args=[request.pk])).text
    assert "Supervisor: approved" in page and "Portal admin: approved" in page


# --- Who sees what ------------------------------------------------------------------------------
def test_another_officer_does_not_find_the_request(client, team_member, bar):
    request = submit(team_member, bar)
    client.force_login(UserFactory())
    for name in ("devices:request_detail", "devices:request_decide"):
        assert client.get(reverse(name, args=[request.pk])).status_code == 404
    assert reverse("devices:request_detail", args=[request.pk]) not in client.get(MINE).text


def test_a_supervisor_sees_their_teams_requests_only(client, supervisor, team_member, bar):
    theirs = submit(team_member, bar)
    elsewhere = submit(UserFactory(), bar)
    client.force_login(supervisor)
    assert client.get(reverse("devices:request_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("devices:request_detail", args=[elsewhere.pk])).status_code == 404


def test_tech_bar_staff_see_a_request_and_the_data_office_does_not(
    client, tech_bar_staff, data_office, team_member, bar
):
    request = submit(team_member, bar)
    client.force_login(tech_bar_staff)
    assert client.get(reverse("devices:request_detail", args=[request.pk])).status_code == 200
    assert client.get(reverse("devices:request_decide", args=[request.pk])).status_code == 403
    # Requests are kit work: the Data Office sees kit gaps, not who asked for what.
    client.force_login(data_office)
    assert client.get(reverse("devices:request_detail", args=[request.pk])).status_code == 404


# --- The Tech Bar ------------------------------------------------------------------------------
@pytest.fixture
def approved_laptop(officer, bar):
    return submit(officer, bar, kind="laptop", reason=DeviceRequest.Reason.NEW_STARTER)


def test_tech_bar_staff_reserve_an_in_stock_device_and_release_it(
    client, tech_bar_staff, officer, bar, other_bar, make_device, laptop_model, approved_laptop
):
    bar.staff.add(tech_bar_staff)
    here = make_device(model=laptop_model)
    elsewhere = make_device(model=laptop_model, tech_bar=other_bar)
    old = make_device(model=DeviceModel.objects.create(make="Dell", model_name="E7470", kind="laptop", retired=True))
    phone = make_device()
    reserve = reverse("devices:request_reserve", args=[approved_laptop.pk])
    client.force_login(tech_bar_staff)
    assert reserve in client.get(TECH_BAR).text
    page = client.get(reserve).text
    assert here.asset_tag in page
    assert elsewhere.asset_tag not in page and old.asset_tag not in page and phone.asset_tag not in page
    response = client.post(reserve, {"device": "", "code": ""})
    assert response.status_code == 400 and "Choose a device or scan its asset tag" in response.text
    response = client.post(reserve, {"device": here.pk})
    assert response.status_code == 302 and response.url == TECH_BAR
    approved_laptop.refresh_from_db()
    assert approved_laptop.status == DeviceRequest.Status.READY and approved_laptop.reserved_device == here
    client.force_login(officer)
    page = client.get(reverse("devices:request_detail", args=[approved_laptop.pk])).text
    assert "Ready to collect at" in page and here.asset_tag in page

    release = reverse("devices:request_release", args=[approved_laptop.pk])
    client.force_login(tech_bar_staff)
    assert client.post(release, {"why": ""}).status_code == 400
    client.post(release, {"why": "Screen cracked on unboxing"})
    approved_laptop.refresh_from_db()
    assert approved_laptop.status == DeviceRequest.Status.APPROVED and approved_laptop.reserved_device is None
    # Releasing again: nothing to release, the request's page says so.
    again = client.post(release, {"why": "twice"})
    assert again.status_code == 302 and again.url == reverse("devices:request_detail", args=[approved_laptop.pk])


def test_a_device_is_reserved_by_scanning_its_tag_and_a_wrong_tag_is_refused(
    client, tech_bar_staff, bar, make_device, laptop_model, approved_laptop
):
    laptop = make_device(model=laptop_model)
    phone = make_device()
    reserve = reverse("devices:request_reserve", args=[approved_laptop.pk])
    client.force_login(tech_bar_staff)
    response = client.post(reserve, {"code": "KBNOSUCH"})
    assert response.status_code == 400 and "No device has the asset tag KBNOSUCH" in response.text
    response = client.post(reserve, {"code": phone.asset_tag})  # the wrong kind: the service says why
    assert response.status_code == 400
    approved_laptop.refresh_from_db()
    assert approved_laptop.status == DeviceRequest.Status.APPROVED
    client.post(reserve, {"code": laptop.asset_tag.lower()})
    approved_laptop.refresh_from_db()
    assert approved_laptop.reserved_device == laptop


def test_a_request_waiting_for_approval_has_nothing_to_reserve(client, tech_bar_staff, team_member, bar):
    request = submit(team_member, bar)
    client.force_login(tech_bar_staff)
    response = client.get(reverse("devices:request_reserve", args=[request.pk]))
    assert response.status_code == 302 and response.url == reverse("devices:request_detail", args=[request.pk])


def test_the_counter_shows_open_requests_and_the_reserved_device_first(
    counter_client, tech_bar_staff, officer, bar, make_device, laptop_model, approved_laptop, tablet_model
):
    laptop = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=approved_laptop, device=laptop, actor=tech_bar_staff, tech_bar=bar)
    submit(officer, bar)  # a tablet, waiting for approval
    page = counter_client.get(reverse("admin:devices_counter_person", args=[officer.payroll_number])).text
    assert "Device requests (2 open)" in page
    assert f"Reserved for {escape(officer.get_full_name())}" in page and laptop.asset_tag in page
    assert page.index("Device requests (2 open)") < page.index("Holds now")


def test_issuing_the_reserved_device_at_the_counter_completes_the_request(
    counter_client, tech_bar_staff, officer, bar, make_device, laptop_model, approved_laptop
):
    laptop = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=approved_laptop, device=laptop, actor=tech_bar_staff, tech_bar=bar)
    someone_else = UserFactory()
    other_page = reverse("admin:devices_counter_person", args=[someone_else.payroll_number])
    refused = counter_client.post(other_page, {"code": laptop.asset_tag})
    assert refused.status_code == 400 and "reserved" in refused.text
    person_page = reverse("admin:devices_counter_person", args=[officer.payroll_number])
    response = counter_client.post(person_page, {"give": laptop.asset_tag, "action": "confirm", "confirmed": "yes"})
    assert response.status_code == 302, response.text
    approved_laptop.refresh_from_db()
    assert approved_laptop.status == DeviceRequest.Status.COLLECTED
    assert approved_laptop.assignment.device == laptop and approved_laptop.assignment.holder == officer
    counter_client.force_login(officer)
    page = counter_client.get(reverse("devices:request_detail", args=[approved_laptop.pk])).text
    assert "Collected" in page and f"Collected: {laptop.asset_tag}" in page


def test_tech_bar_staff_choose_another_tech_bar_to_cover_its_requests(
    client, tech_bar_staff, bar, other_bar, approved_laptop
):
    other_bar.staff.add(tech_bar_staff)  # works elsewhere: the request is collected at `bar`
    reserve = reverse("devices:request_reserve", args=[approved_laptop.pk])
    client.force_login(tech_bar_staff)
    own = client.get(TECH_BAR)
    assert own.status_code == 200 and reserve not in own.text and "My Tech Bars" in own.text
    covering = client.get(TECH_BAR, {"tech_bar": bar.pk})
    assert covering.status_code == 200 and reserve in covering.text
    refused = client.get(TECH_BAR, {"tech_bar": "999999"})
    assert refused.status_code == 400 and "Choose one of the listed Tech Bars." in refused.text


# --- more -------------------------------------------------------------------------------------
def test_after_reserve_and_release_the_requests_page_stays_on_the_tech_bar_chosen(
    client, tech_bar_staff, bar, other_bar, make_device, laptop_model, approved_laptop
):
    other_bar.staff.add(tech_bar_staff)  # covering `bar`, where the request is collected
    laptop = make_device(model=laptop_model)
    client.force_login(tech_bar_staff)
    covering = client.get(TECH_BAR, {"tech_bar": bar.pk}).text
    reserve = reverse("devices:request_reserve", args=[approved_laptop.pk]) + f"?tech_bar={bar.pk}"
    assert reserve in covering

    response = client.post(reserve, {"device": laptop.pk})
    assert response.status_code == 302 and response.url == f"{TECH_BAR}?tech_bar={bar.pk}"
    release = reverse("devices:request_release", args=[approved_laptop.pk]) + f"?tech_bar={bar.pk}"
    assert release in client.get(response.url).text
    response = client.post(release, {"why": "Screen cracked"})
    assert response.status_code == 302 and response.url == f"{TECH_BAR}?tech_bar={bar.pk}"
    # A tech_bar that is not a Tech Bar's number is not carried on.
    again = reverse("devices:request_reserve", args=[approved_laptop.pk]) + "?tech_bar=x%0d"
    response = client.post(again, {"device": laptop.pk})
    assert response.status_code == 302 and response.url == TECH_BAR


def test_a_collected_request_shows_the_device_collected(
    client, officer, bar, tech_bar_staff, make_device, laptop_model
):
    from devices.core.services import device_issue
    from devices.requests import services as kit_requests

    approved = submit(officer, bar, kind="laptop", reason=DeviceRequest.Reason.NEW_STARTER)
    laptop = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=approved, device=laptop, actor=tech_bar_staff, tech_bar=bar)
    device_issue(device=laptop, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    client.force_login(officer)
    page = client.get(reverse("devices:request_detail", args=[approved.pk])).text
    assert f"Collected: {laptop.model}, asset tag {laptop.asset_tag}" in page
