"""The admin as Tech Bar staff and Portal admins use it, in a real browser: every page they work
in is axe clean (WCAG 2.2 A and AA), on a desktop screen and, where the admin scrolls, a phone."""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from devices.core import services as device_services
from devices.leavers.services import leaver_date_set
from devices.models import Assignment, Device, DeviceEvent, DeviceModel, KitEntitlement, TechBar
from devices.requests.services import device_request_submit
from incidents import services as incident_services
from tests.conftest import WCAG_22_AA_TAGS, sign_in
from tests.policy.factories import PolicyVersionFactory, accept, published_version
from tests.portal.test_hr_import import VALID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Kit:
    """One of each thing the admin pages list, so no page is an empty list."""

    policy_version: object
    draft: object
    tech_bar: TechBar
    device_model: DeviceModel
    device: Device
    event: DeviceEvent
    incident: object
    person: object
    leaver_case: object
    device_request: object


@pytest.fixture
def kit(tech_bar_staff, portal_admin, data_office, officer):
    version = published_version(by=portal_admin)
    # Everyone signing in here has accepted the conditions of use, so the gate lets them through.
    for user in (tech_bar_staff, portal_admin, data_office, officer):
        accept(user, version)
    draft = PolicyVersionFactory(policy=version.policy, number=2)
    tech_bar = TechBar.objects.create(code="hq", name="Headquarters", location="Ground floor")
    device_model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy A55", kind="smartphone")
    device = Device.objects.create(asset_tag="KB000001", model=device_model, tech_bar=tech_bar, imei="350000000000001")
    Device.objects.create(asset_tag="KB000002", model=device_model, tech_bar=tech_bar)
    device_services.device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=tech_bar)
    returned = Device.objects.create(asset_tag="KB000003", model=device_model, tech_bar=tech_bar)  # in triage
    device_services.device_issue(device=returned, holder=portal_admin, actor=tech_bar_staff, tech_bar=tech_bar)
    device_services.device_return(device=returned, actor=tech_bar_staff, tech_bar=tech_bar, reason="faulty")
    incident = incident_services.incident_open(
        reporter=officer,
        summary="Work phone left on a train",
        aware_at=timezone.now(),
        personal_data_involved="yes",
        device_involved="yes",
    )
    device_request = device_request_submit(
        requester=portal_admin,
        submitted_by=portal_admin,
        kind="tablet",
        reason="specialist",
        details="Site surveys",
        collect_at=tech_bar,
    )  # waiting for approval, with its reminder step inline
    leaver_case = leaver_date_set(
        person=officer, leaving_date=timezone.localdate(), actor=portal_admin, source="admin"
    )  # a leaver holding the phone, with the demo's property list
    return Kit(
        leaver_case=leaver_case,
        device_request=device_request,
        policy_version=version,
        draft=draft,
        tech_bar=tech_bar,
        device_model=device_model,
        device=device,
        event=DeviceEvent.objects.get(device=device),
        incident=incident,
        person=officer,
    )


def counter_pages(kit: Kit) -> list[str]:
    """What Tech Bar staff work in: people (to look up), Tech Bars, models, devices, custody."""
    pages = [
        "/admin/",
        "/admin/portal/user/",
        "/admin/portal/user/?q=P0&o=2.1",  # searched and sorted
        f"/admin/portal/user/{kit.person.pk}/change/",
        "/admin/devices/techbar/",
        f"/admin/devices/techbar/{kit.tech_bar.pk}/change/",  # read-only: Portal admins manage them
        "/admin/devices/devicemodel/",
        f"/admin/devices/devicemodel/{kit.device_model.pk}/change/",
        "/admin/devices/device/",
        "/admin/devices/device/?status__exact=issued",
        "/admin/devices/device/add/",
        f"/admin/devices/device/{kit.device.pk}/change/",  # with its assignments inline
        "/admin/devices/deviceevent/",
        f"/admin/devices/deviceevent/{kit.event.pk}/change/",
        "/admin/devices/remoteaction/",  # the SIM-block and wipe queue
        "/admin/devices/deviceloss/",
        "/admin/devices/countervisit/",
        "/admin/devices/countervisit/counter/",  # the counter: choose a Tech Bar
        f"/admin/devices/countervisit/counter/{kit.person.payroll_number}/{kit.device.pk}/loss/",  # report for them
        "/admin/devices/stocklevel/stock/",  # stock at each Tech Bar (the stocktake page: tests/devices)
        "/admin/devices/stocklevel/",
        "/admin/devices/stocklevel/add/",
        "/admin/devices/stocktransfer/",
        "/admin/devices/stocktake/",
        "/admin/devices/stocktake/start/",
        "/admin/devices/accessorykind/",
        "/admin/devices/accessorystock/",  # accessory stock per Tech Bar, with its delivery and transfer pages
        "/admin/devices/accessorystock/delivery/",
        "/admin/devices/accessorystock/transfer/",
        "/admin/devices/accessorymovement/",
        "/admin/devices/accessoryholding/",
        "/admin/devices/triagedevice/",  # the triage queue
        "/admin/devices/triagedevice/?queue=in_repair",
        "/admin/devices/leavercase/",  # leaver cases, read here (worked on their own pages)
        f"/admin/devices/leavercase/{kit.leaver_case.pk}/change/",  # lines, steps and timeline inline
        "/admin/devices/leaverpropertykind/",
        "/admin/devices/commandunitlead/",
        "/admin/devices/kitentitlement/",  # the standard kit per role, read here (Portal admins edit it)
        f"/admin/devices/kitentitlement/{KitEntitlement.objects.order_by('pk').first().pk}/change/",
        "/admin/devices/devicerequest/",  # requests, read here (worked on their own pages)
        f"/admin/devices/devicerequest/{kit.device_request.pk}/change/",
        "/admin/devices/loanpooldevice/",  # each Tech Bar's loan pool
        "/admin/devices/loanpooldevice/add/",
        "/admin/devices/loan/",  # loans, read here (made and ended at the counter)
    ]
    if admin.site.is_registered(Assignment):
        assignment = Assignment.objects.get(device=kit.device)
        pages += ["/admin/devices/assignment/", f"/admin/devices/assignment/{assignment.pk}/change/"]
    return pages


def portal_admin_pages(kit: Kit) -> list[str]:
    """What Portal admins work in: people (and the HR import), the conditions of use, the logs."""
    return [
        "/admin/",
        "/admin/portal/user/",
        "/admin/portal/user/add/",
        f"/admin/portal/user/{kit.person.pk}/change/",  # autocomplete supervisor, groups selector
        f"/admin/portal/user/{kit.person.pk}/sessions/",
        "/admin/portal/user/import/",
        "/admin/devices/device/",
        f"/admin/devices/device/{kit.device.pk}/change/",
        "/admin/devices/techbar/add/",
        f"/admin/devices/techbar/{kit.tech_bar.pk}/change/",  # opening hours inline, staff selector
        "/admin/devices/devicemodel/add/",
        "/admin/devices/leaverpropertykind/",  # order and "active" edited in the list
        "/admin/devices/leaverpropertykind/add/",
        "/admin/devices/commandunitlead/add/",  # the lead by autocomplete
        "/admin/devices/kitentitlement/",
        "/admin/devices/kitentitlement/add/",
        "/admin/policy/policy/",
        "/admin/policy/policy/add/",  # the split date and time inputs
        f"/admin/policy/policy/{kit.policy_version.policy.pk}/change/",
        "/admin/policy/policyversion/",
        "/admin/policy/policyversion/add/",
        f"/admin/policy/policyversion/{kit.draft.pk}/change/",
        f"/admin/policy/policyversion/{kit.draft.pk}/preview/",
        f"/admin/policy/policyversion/{kit.policy_version.pk}/change/",  # published: read-only
        "/admin/policy/acknowledgement/",  # date hierarchy
        *filtered_pages(kit),
        "/admin/portal/securityevent/",
        "/admin/api/apitoken/",
        "/admin/api/apitoken/add/",
    ]


def filtered_pages(kit: Kit) -> list[str]:
    """Lists narrowed by a search, a filter or a date: the "N results (M total)" link on the grey
    toolbar, and the date links over the list."""
    year = timezone.localdate().year
    return [
        f"/admin/policy/acknowledgement/?q={kit.person.payroll_number}",
        f"/admin/policy/acknowledgement/?accepted_at__year={year}",
        f"/admin/devices/device/?q={kit.device.asset_tag}",
    ]


def incident_pages(kit: Kit) -> list[str]:
    return ["/admin/incidents/incident/", f"/admin/incidents/incident/{kit.incident.pk}/change/"]


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS}})
    return [
        f"{violation['id']}: {', '.join(str(node['target']) for node in violation['nodes'][:4])}"
        for violation in results.response["violations"]
    ]


def assert_accessible_pages(page, live_server, user, paths: list[str]) -> None:
    """Sign in through the sign-in form, open each page, and list every page axe finds fault with."""
    page.context.clear_cookies()
    sign_in(page, live_server, user)
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.url == f"{live_server.url}{path}", f"{path} went to {page.url}"
        if problems := violations(page):
            found[path] = problems
    assert not found, "\n".join(f"{path}\n  " + "\n  ".join(problems) for path, problems in found.items())


def incidents_admin_user(candidates):
    """Whoever may open the incidents admin (the Data Office, once least privilege holds)."""
    for user in candidates:
        client = Client()
        client.force_login(user)
        if client.get("/admin/incidents/incident/").status_code == 200:
            return user
    pytest.fail("nobody in the role fixtures may open the incidents admin")


def test_the_admin_pages_tech_bar_staff_use_are_accessible(page, live_server, kit, tech_bar_staff):
    assert_accessible_pages(page, live_server, tech_bar_staff, counter_pages(kit))


def test_the_admin_pages_portal_admins_use_are_accessible(page, live_server, kit, portal_admin):
    assert_accessible_pages(page, live_server, portal_admin, portal_admin_pages(kit))

    # The HR import's second step: the file checked, each row shown before it is confirmed.
    page.goto(f"{live_server.url}/admin/portal/user/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "hr.csv", "mimeType": "text/csv", "buffer": VALID.encode()}]
    )
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    assert violations(page) == []


def test_the_incidents_admin_is_accessible(page, live_server, kit, data_office, portal_admin):
    data_office.is_staff = True
    data_office.save(update_fields=["is_staff"])
    user = incidents_admin_user([data_office, portal_admin])
    assert_accessible_pages(page, live_server, user, incident_pages(kit))


def test_the_admin_on_a_phone_scrolls_in_focusable_regions(phone_page, live_server, kit, tech_bar_staff, portal_admin):
    # A phone is where the admin's inline tables scroll sideways, and where select2 and the
    # group selector are squeezed.
    assert_accessible_pages(phone_page, live_server, tech_bar_staff, [f"/admin/devices/device/{kit.device.pk}/change/"])
    region = phone_page.get_by_role("region", name="Assignments")
    region.focus()
    assert phone_page.evaluate("document.activeElement.id") == "assignments-group"
    paths = [
        f"/admin/portal/user/{kit.person.pk}/change/",
        f"/admin/policy/policy/{kit.policy_version.policy.pk}/change/",
    ]
    assert_accessible_pages(phone_page, live_server, portal_admin, paths)


def test_the_tech_bar_lists_fit_a_desktop_screen_with_plain_titles(page, live_server, kit, tech_bar_staff, officer):
    """Remote actions, triage and devices: every column a Tech Bar needs on a 1280 px screen,
    nothing scrolled or hidden; titles and breadcrumbs in plain words."""
    from devices.losses.services import losses

    Device.objects.filter(pk=kit.device.pk).update(
        phone_number="07700 900123",
        serial_number="R58N12345678",
        mdm_enrolment_id="0f7c0001-aaaa-bbbb-cccc-000000000001",
    )
    kit.device.refresh_from_db()
    losses.device_report_lost(device=kit.device, actor=officer, kind="stolen", noticed_at=timezone.now(), where="Bus")
    page.context.clear_cookies()
    sign_in(page, live_server, tech_bar_staff)
    titles = {
        "/admin/devices/remoteaction/": "SIM blocks and wipes",
        "/admin/devices/triagedevice/": "Devices to triage",
        "/admin/devices/device/": "All devices",
    }
    for path, title in titles.items():
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"{path} is {width} px wide on a 1280 px screen"
        results = page.locator("#result_list")
        assert results.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth"), f"{path}: columns scroll"
        assert page.get_by_role("heading", level=1).inner_text() == title
        crumbs = page.locator("div.breadcrumbs").inner_text().split("›")
        assert [c.strip() for c in crumbs].count("Devices") <= 1, f"{path}: {crumbs}"
    assert "to change" not in page.content()


def test_filtered_admin_lists_and_their_date_links_pass_axe(page, live_server, kit, portal_admin):
    """The "N total" link reads against the toolbar's grey (it failed contrast at 1.18:1), and
    each date link over the acknowledgements is a target at least 24 px tall (it was 15)."""
    assert_accessible_pages(page, live_server, portal_admin, filtered_pages(kit))
    page.goto(f"{live_server.url}/admin/policy/acknowledgement/")
    links = page.locator(".toplinks a")
    assert links.count() > 0
    heights = [links.nth(i).bounding_box()["height"] for i in range(links.count())]
    assert min(heights) >= 24, heights
    page.goto(f"{live_server.url}{filtered_pages(kit)[0]}")
    total = page.locator("#changelist-search .quiet a")
    assert total.inner_text().endswith("total")
    assert total.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
