"""Every portal URL against every role: who may see what. Each app adds its rows to ROUTES.

A test at the bottom fails when a URL exists that this table does not name, so no new page
ships without a decision about who may open it.
"""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import ROLE_FIXTURES

LOGIN = "login"  # anonymous users are sent to sign-in
ALL_SIGNED_IN = {"officer": 200, "supervisor": 200, "tech_bar_staff": 200, "data_office": 200, "portal_admin": 200}


def only(*roles, status=200, others=403):
    return {r: (status if r in roles else others) for r in ROLE_FIXTURES if r != "anonymous"}


def _a_sweep_ran(get):
    from portal import timers

    timers.sweep(schedule_ahead=False)  # /ready/ is 503 until beat has swept


def _policy_in_force(get):
    from tests.policy.factories import published_version

    return published_version(by=get("portal_admin"))


def _a_draft_version(get):
    from tests.policy.factories import PolicyVersionFactory

    return {"pk": PolicyVersionFactory().pk}


def _policy_slug(get):
    return {"slug": _policy_in_force(get).policy.slug}


def _policy_version(get):
    version = _policy_in_force(get)
    return {"slug": version.policy.slug, "number": version.number}


def _policy_receipt(get):
    """A receipt is the viewer's own: every signed-in role has accepted, so each sees theirs."""
    from tests.policy.factories import accept

    version = _policy_in_force(get)
    for role in ALL_SIGNED_IN:
        accept(get(role), version)
    return {"slug": version.policy.slug, "number": version.number}


def _officers_incident(get) -> dict:
    """A first notification by the `officer` fixture: theirs, and nobody else's but the Data Office's."""
    from django.utils import timezone

    from incidents import services

    incident = services.incident_open(
        reporter=get("officer"),
        summary="Sent a statement to the wrong address",
        aware_at=timezone.now(),
        personal_data_involved="yes",
        device_involved="no",
    )
    return {"pk": incident.pk}


def _officers_attachment(get) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents import services
    from incidents.models import Incident

    kwargs = _officers_incident(get)
    incident = Incident.objects.get(pk=kwargs["pk"])
    upload = SimpleUploadedFile("note.txt", b"what I saw", content_type="text/plain")
    attachment = services.incident_attachment_add(incident=incident, actor=incident.reporter, upload=upload)
    return {**kwargs, "attachment_pk": attachment.pk}


def _officers_breach_triaged(get) -> dict:
    """The officer's incident, triaged as a personal data breach by a reviewer of its own."""
    from incidents import services
    from incidents.models import Incident
    from portal.models import Role
    from tests.factories import UserFactory

    kwargs = _officers_incident(get)
    reviewer = UserFactory(roles=[Role.DATA_OFFICE])
    services.incident_triage(
        incident=Incident.objects.get(pk=kwargs["pk"]),
        actor=reviewer,
        severity="high",
        likelihood="likely",
        personal_data_breach=True,
        owner=reviewer,
    )
    return kwargs


def _officers_phone(get) -> dict:
    """A phone issued to the `officer` fixture: theirs to report, nobody else's (404)."""
    from devices.core.services import device_issue
    from devices.models import Device, DeviceModel, TechBar

    bar = TechBar.objects.create(code="perm", name="Permissions Tech Bar")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy S24", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(asset_tag="KBPERM1", model=model, tech_bar=bar, phone_number="07700 900999")
    device_issue(device=phone, holder=get("officer"), actor=get("tech_bar_staff"), tech_bar=bar)
    return {"pk": phone.pk}


def _officers_phone_stolen_form(get) -> dict:
    return {**_officers_phone(get), "kind": "stolen"}


HOLDER_ONLY = {"officer": 200, "supervisor": 404, "tech_bar_staff": 404, "data_office": 404, "portal_admin": 404}


def _officers_receipt(get) -> dict:
    """A counter visit where the `officer` fixture was handed a phone: their receipt."""
    from devices.counter import services as counter_services
    from devices.models import Device, DeviceModel, TechBar

    bar = TechBar.objects.create(code="perm", name="Permissions Tech Bar")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(asset_tag="KBPERM1", model=model, tech_bar=bar)
    visit = counter_services.counter_visit_confirm(
        person=get("officer"),
        actor=get("tech_bar_staff"),
        tech_bar=bar,
        basket=counter_services.CounterBasket(hand_over=[phone]),
    )
    return {"pk": visit.pk}


def _officers_loan(get) -> dict:
    """A loan pool phone lent to the `officer` fixture at the counter."""
    import datetime

    from devices.counter import services as counter_services
    from devices.loans.services import loan_pool_add
    from devices.models import Device, DeviceModel, TechBar

    bar = TechBar.objects.create(code="loan", name="Loans Tech Bar")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(asset_tag="KBLOAN1", model=model, tech_bar=bar)
    loan_pool_add(device=phone, tech_bar=bar, actor=None)
    visit = counter_services.counter_visit_confirm(
        person=get("officer"),
        actor=get("tech_bar_staff"),
        tech_bar=bar,
        basket=counter_services.CounterBasket(hand_over=[phone]),
        loans={phone.pk: timezone.localdate() + datetime.timedelta(days=7)},
    )
    return {"pk": visit.loans.get().pk}


def _a_stocktake(get) -> dict:
    from devices.models import Stocktake, TechBar

    bar = TechBar.objects.create(code="st", name="Stocktake Tech Bar")
    return {"pk": Stocktake.objects.create(tech_bar=bar, started_by=get("tech_bar_staff")).pk}


def _tech_bar_staffs_import_job(get) -> dict:
    """A large MDM import started by the `tech_bar_staff` fixture: theirs and Portal admins' only."""
    from devices.imports.services import jobs as import_jobs

    job = import_jobs.device_import_job_start(
        actor=get("tech_bar_staff"), file_name="intune.csv", data=b"Asset tag\r\n", tech_bar=None
    )
    return {"pk": job.pk}


def _officers_payroll(get) -> dict:
    return {"payroll": get("officer").payroll_number}


def _officers_payroll_and_phone(get) -> dict:
    return {**_officers_payroll(get), **_officers_phone(get)}


API_ONLY = {"anonymous": 401, **only(others=401)}


def _officers_phone_tag(get) -> dict:
    from devices.models import Device

    return {"asset_tag": Device.objects.get(pk=_officers_phone(get)["pk"]).asset_tag}


def _officers_leaver_case(get) -> dict:
    """The `officer` fixture, in the `supervisor` fixture's team, leaving in two weeks: their case."""
    from datetime import timedelta

    from django.utils import timezone

    from devices.leavers import services as leavers
    from devices.models import LeaverCase

    officer, supervisor = get("officer"), get("supervisor")
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    case = leavers.leaver_date_set(
        person=officer,
        leaving_date=timezone.localdate() + timedelta(days=14),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    return {"pk": case.pk}


def _officers_request(get, *, kind="tablet") -> dict:
    """The `officer` fixture (in the `supervisor` fixture's team) asks for a device at a Tech Bar: a
    tablet is outside the standard kit (waits for the supervisor); a laptop is standard kit."""
    from devices.models import DeviceRequest, TechBar
    from devices.requests import services as kit_requests

    officer, supervisor = get("officer"), get("supervisor")
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    bar, _ = TechBar.objects.get_or_create(code="perm", defaults={"name": "Permissions Tech Bar"})
    request = kit_requests.device_request_submit(
        requester=officer,
        submitted_by=officer,
        kind=kind,
        reason=DeviceRequest.Reason.WORKPLACE_ADJUSTMENT,
        details="Needs assessment recommends a tablet",
        collect_at=bar,
    )
    return {"pk": request.pk}


def _officers_approved_request(get) -> dict:
    return _officers_request(get, kind="laptop")


def _officers_ready_request(get) -> dict:
    """The officer's standard-kit laptop request with a laptop reserved for it."""
    from devices.models import Device, DeviceModel, DeviceRequest
    from devices.requests import services as kit_requests

    kwargs = _officers_approved_request(get)
    request = DeviceRequest.objects.get(pk=kwargs["pk"])
    model = DeviceModel.objects.create(make="Dell", model_name="Latitude 7450", kind=DeviceModel.Kind.LAPTOP)
    laptop = Device.objects.create(asset_tag="KBPERM9", model=model, tech_bar=request.collect_at)
    kit_requests.device_request_reserve(
        request=request, device=laptop, actor=get("tech_bar_staff"), tech_bar=request.collect_at
    )
    return kwargs


def _officers_leaver_line(get) -> dict:
    from devices.models import LeaverCase

    kwargs = _officers_leaver_case(get)
    return {**kwargs, "line_pk": LeaverCase.objects.get(pk=kwargs["pk"]).lines.order_by("pk").first().pk}


def _officers_leaver_counter_line(get) -> dict:
    kwargs = _officers_leaver_line(get)
    return {"payroll": get("officer").payroll_number, "line_pk": kwargs["line_pk"]}


def _a_disclosure(get) -> dict:
    """An answer in the disclosure log, given by the Data Office."""
    from devices.models import FigureDisclosure

    disclosure = FigureDisclosure.objects.create(
        reference="01.FOI.23.029741",
        as_of=timezone.now(),
        threshold=5,
        produced_by=get("data_office"),
        figures="[]",
        csv_sha256="0" * 64,
    )
    return {"pk": disclosure.pk}


def _team_members_payroll(get) -> dict:
    officer = get("officer")
    officer.supervisor = get("supervisor")
    officer.save(update_fields=["supervisor"])
    return {"payroll": officer.payroll_number}


# The leaver, their supervisor, Tech Bar staff and Portal admins see a case; others do not find it.
LEAVER_CASE = {"officer": 200, "supervisor": 200, "tech_bar_staff": 200, "data_office": 404, "portal_admin": 200}
COUNTER = {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}

# Someone else's incident is not found (404); a page their role may not use is refused (403).
REPORTER_AND_OFFICE = {
    "officer": 200,
    "supervisor": 404,
    "tech_bar_staff": 404,
    "data_office": 200,
    "portal_admin": 404,  # Portal admins run the portal, not breach reports
}
OFFICE = only("data_office")
ADMIN_USERS_405 = only("tech_bar_staff", "data_office", "portal_admin", status=405)

# (URL name, function(request fixture getter) -> URL kwargs or None, {role: expected status})
ROUTES = [
    # --- portal ---
    # a person's signed-in sessions (admin view), to end them: Portal admins only
    (
        "admin:portal_user_sessions",
        lambda get: {"pk": get("officer").pk},
        {**only("portal_admin"), "anonymous": LOGIN},
    ),
    ("portal:home", None, ALL_SIGNED_IN),
    ("portal:notifications", None, ALL_SIGNED_IN),
    ("portal:help", None, {**ALL_SIGNED_IN, "anonymous": 200}),
    ("portal:accessibility", None, {**ALL_SIGNED_IN, "anonymous": 200}),
    ("portal:favicon", None, {**ALL_SIGNED_IN, "anonymous": 200}),
    ("portal:health", None, {**ALL_SIGNED_IN, "anonymous": 200}),
    ("portal:ready", _a_sweep_ran, {**ALL_SIGNED_IN, "anonymous": 200}),
    ("portal:readyz", _a_sweep_ran, {**ALL_SIGNED_IN, "anonymous": 200}),
    # notification_read is POST-only and per-recipient: tested in tests/portal/test_views.py
    # the admin hands its sign-in to allauth and refuses signed-in people without an admin role;
    # what each role may do there is in tests/test_admin_permissions.py
    ("admin:index", None, {**only("tech_bar_staff", "data_office", "portal_admin"), "anonymous": LOGIN}),
    # the Tech Bar counter (admin views): Tech Bar staff and Portal admins only
    ("admin:devices_counter", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_counter_person", _officers_payroll, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    (
        "admin:devices_counter_report_loss",
        _officers_payroll_and_phone,
        {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN},
    ),
    (
        "admin:devices_counter_receipt",
        _officers_receipt,
        {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN},
    ),
    # a leaver's case at the counter: POST only (405 to a GET) for property received; a write-off is
    # for Tech Bar leads (the fixture is not one) and Portal admins
    (
        "admin:devices_counter_leaver_receive",
        _officers_leaver_counter_line,
        {**COUNTER, "tech_bar_staff": 405, "portal_admin": 405},
    ),
    ("admin:devices_counter_leaver_lost", _officers_leaver_counter_line, COUNTER),
    (
        "admin:devices_counter_leaver_write_off",
        _officers_leaver_counter_line,
        {**only("portal_admin"), "anonymous": LOGIN},
    ),
    # stock and stocktakes (admin views): Tech Bar staff and Portal admins only
    ("admin:devices_stock", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_stocktake_start", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_accessory_delivery", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_accessory_transfer", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_loan_extend", _officers_loan, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_stocktake_count", _a_stocktake, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    # a large MDM import's job page, its progress and its confirmation (POST only): the person who
    # started it and Portal admins; other admin users are told it does not exist
    (
        "admin:devices_device_import_job",
        _tech_bar_staffs_import_job,
        {**only("tech_bar_staff", "portal_admin"), "data_office": 404, "anonymous": LOGIN},
    ),
    (
        "admin:devices_device_import_job_progress",
        _tech_bar_staffs_import_job,
        {**only("tech_bar_staff", "portal_admin"), "data_office": 404, "anonymous": LOGIN},
    ),
    (
        "admin:devices_device_import_job_confirm",
        _tech_bar_staffs_import_job,
        {**only("tech_bar_staff", "portal_admin", status=405), "data_office": 404, "anonymous": LOGIN},
    ),
    # the admin's own views beyond a model's list, change, add, delete and history pages: the HR
    # import and the staff list export (Portal admins), the MDM import (Tech Bar staff too), the
    # preview of a policy version before it is published (Portal admins)
    ("admin:portal_user_import", None, {**only("portal_admin"), "anonymous": LOGIN}),
    # the import's second step is POST only: a GET is 405 to every admin user (nothing is looked at);
    # who may POST it is in tests/test_admin_permissions.py
    ("admin:portal_user_process_import", None, {**ADMIN_USERS_405, "anonymous": LOGIN}),
    ("admin:portal_user_export", None, {**only("portal_admin"), "anonymous": LOGIN}),
    ("admin:policy_policyversion_preview", _a_draft_version, {**only("portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_device_import", None, {**only("tech_bar_staff", "portal_admin"), "anonymous": LOGIN}),
    ("admin:devices_device_process_import", None, {**ADMIN_USERS_405, "anonymous": LOGIN}),
    # --- devices ---
    ("devices:my_kit", None, ALL_SIGNED_IN),
    # a receipt: the person's own, and any for Tech Bar staff and Portal admins; others' are not found
    ("devices:receipt", _officers_receipt, {**only("officer", "tech_bar_staff", "portal_admin", others=404)}),
    # --- policy ---
    ("policy:my_policies", None, ALL_SIGNED_IN),
    ("policy:accept", _policy_slug, ALL_SIGNED_IN),
    ("policy:version", _policy_version, ALL_SIGNED_IN),
    ("policy:receipt", _policy_receipt, ALL_SIGNED_IN),  # someone else's receipt: 404, see tests/policy
    ("policy:compliance_index", None, only("supervisor", "data_office", "portal_admin")),
    # --- dashboards: the Data Office and Portal admins; supervisors their team's slice, not the estate ---
    ("portal:dashboards", None, only("supervisor", "data_office", "portal_admin")),
    # --- the header's search box: Tech Bar staff, the Data Office, supervisors and Portal admins ---
    ("portal:search", None, only("supervisor", "tech_bar_staff", "data_office", "portal_admin")),
    ("portal:dashboard", lambda get: {"section": "incidents"}, only("supervisor", "data_office", "portal_admin")),
    (
        "portal:dashboard",
        lambda get: {"section": "conditions-of-use"},
        only("supervisor", "data_office", "portal_admin"),
    ),
    ("portal:dashboard", lambda get: {"section": "devices"}, only("data_office", "portal_admin")),
    ("portal:dashboard", lambda get: {"section": "leavers"}, only("supervisor", "data_office", "portal_admin")),
    ("policy:compliance", _policy_slug, only("supervisor", "data_office", "portal_admin")),
    # --- incidents ---
    ("incidents:incident_start", None, ALL_SIGNED_IN),
    ("incidents:my_incidents", None, ALL_SIGNED_IN),
    ("incidents:incident_detail", _officers_incident, REPORTER_AND_OFFICE),
    (
        "incidents:incident_report_edit",
        _officers_incident,
        {**REPORTER_AND_OFFICE, "data_office": 403},
    ),
    # POST only (405 to a GET from the reporter); the rest are refused before the method is looked at
    (
        "incidents:incident_autosave",
        _officers_incident,
        {**REPORTER_AND_OFFICE, "officer": 405, "data_office": 403},
    ),
    ("incidents:incident_update_add", _officers_incident, REPORTER_AND_OFFICE),
    ("incidents:incident_attachment_add", _officers_incident, REPORTER_AND_OFFICE),
    ("incidents:incident_attachment_download", _officers_attachment, REPORTER_AND_OFFICE),
    ("incidents:incident_queue", None, OFFICE),
    ("incidents:incident_review", _officers_incident, OFFICE),
    ("incidents:incident_print", _officers_incident, OFFICE),
    ("incidents:incident_triage", _officers_incident, OFFICE),
    ("incidents:incident_decision", _officers_breach_triaged, OFFICE),
    ("incidents:incident_status", _officers_breach_triaged, OFFICE),
    # --- devices ---
    ("devices:device_report", _officers_phone, HOLDER_ONLY),
    ("devices:device_report_loss", _officers_phone_stolen_form, HOLDER_ONLY),
    ("devices:device_report_faulty", _officers_phone, HOLDER_ONLY),
    ("devices:device_detail", _officers_phone, only("tech_bar_staff", "data_office", "portal_admin")),
    ("devices:device_found", _officers_phone, only("tech_bar_staff", "portal_admin")),
    ("devices:device_list", None, only("tech_bar_staff", "data_office", "portal_admin")),
    # every custody event: Tech Bar leads (tests/devices/core/test_activity.py), not all Tech Bar staff
    ("devices:activity", None, only("data_office", "portal_admin")),
    # --- integration API: the schema and its docs for Portal admins (and any valid token, in
    # tests/api/test_schema.py); every endpoint answers only a service account's token, so a
    # person's session gets 401 ---
    ("api:schema", None, only("portal_admin")),
    ("api:docs", None, only("portal_admin")),
    ("api:mdm_devices", None, API_ONLY),
    ("api:mdm_remote_actions", None, API_ONLY),
    ("api:hr_people", None, API_ONLY),
    ("api:device_list", None, API_ONLY),
    ("api:device_detail", _officers_phone_tag, API_ONLY),
    ("api:assignment_list", None, API_ONLY),
    ("api:policy_list", None, API_ONLY),
    ("api:policy_compliance", _policy_slug, API_ONLY),
    ("api:leaver_cases_ready", None, API_ONLY),
    # --- leavers ---
    ("devices:my_team", None, only("supervisor", "portal_admin")),
    ("devices:leaving_date", _team_members_payroll, only("supervisor", "portal_admin")),
    ("devices:leaver_list", None, only("supervisor", "tech_bar_staff", "portal_admin")),
    ("devices:leaver_case", _officers_leaver_case, LEAVER_CASE),
    # POST only: those who find the case get a 405 to a GET
    (
        "devices:leaver_line_handed",
        _officers_leaver_line,
        {**LEAVER_CASE, "officer": 405, "supervisor": 405, "tech_bar_staff": 405, "portal_admin": 405},
    ),
    # the supervisor's (and a Portal admin's); the leaver and Tech Bar staff may not sign off
    ("devices:leaver_case_sign_off", _officers_leaver_case, {**LEAVER_CASE, "officer": 403, "tech_bar_staff": 403}),
    # --- kit requests ---
    ("devices:request_list", None, ALL_SIGNED_IN),
    ("devices:request_new", None, ALL_SIGNED_IN),
    # the requester, their supervisor, Tech Bar staff and Portal admins; the Data Office does not find it
    ("devices:request_detail", _officers_request, {**ALL_SIGNED_IN, "data_office": 404}),
    ("devices:request_approvals", None, only("supervisor", "portal_admin")),
    # the requester's supervisor (or a Portal admin standing in); never the requester
    ("devices:request_decide", _officers_request, {**only("supervisor", "portal_admin"), "data_office": 404}),
    ("devices:request_tech_bar", None, only("tech_bar_staff", "portal_admin")),
    (
        "devices:request_reserve",
        _officers_approved_request,
        {**only("tech_bar_staff", "portal_admin"), "data_office": 404},
    ),
    (
        "devices:request_release",
        _officers_ready_request,
        {**only("tech_bar_staff", "portal_admin"), "data_office": 404},
    ),
    # whoever finds an open request may cancel it
    ("devices:request_cancel", _officers_request, {**ALL_SIGNED_IN, "data_office": 404}),
    ("devices:kit_gaps", None, only("supervisor", "tech_bar_staff", "data_office", "portal_admin")),
    # --- figures and the disclosure log: the Data Office and Portal admins ---
    ("devices:figures", None, only("data_office", "portal_admin")),
    ("devices:figures_log", None, only("data_office", "portal_admin")),
    ("devices:figures_disclosure_create", None, only("data_office", "portal_admin", status=405)),
    ("devices:figures_disclosure", _a_disclosure, only("data_office", "portal_admin")),
    ("devices:figures_disclosure_print", _a_disclosure, only("data_office", "portal_admin")),
    ("devices:loans_overdue", None, only("tech_bar_staff", "portal_admin")),
]
# An export's page and download are their requester's own: tested in tests/devices/core/test_device_exports.py.
NOT_IN_TABLE_ON_PURPOSE = {"portal:notification_read", "portal:export_job", "portal:export_download"}
CHECKED_NAMESPACES = {"portal", "policy", "incidents", "devices", "api", "admin"}
# The admin's model pages are in tests/test_admin_permissions.py (per model and role); Django's own
# admin plumbing (sign-in, sign-out, scripts, the redirect to an object's site page) opens nothing.
ADMIN_MODEL_PAGE = re.compile(r"^admin:\w+_(changelist|change|add|delete|history)$")
ADMIN_BUILT_IN = {
    "admin:login",
    "admin:logout",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}


def _cases():
    for name, kwargs_factory, expected in ROUTES:
        for role in ROLE_FIXTURES:
            yield pytest.param(name, kwargs_factory, role, expected.get(role, LOGIN), id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "kwargs_factory", "role", "expected"), list(_cases()))
def test_url_against_role(client_as, request, url_name, kwargs_factory, role, expected):
    kwargs = kwargs_factory(request.getfixturevalue) if kwargs_factory else None
    url = reverse(url_name, kwargs=kwargs)
    response = client_as(role).get(url, follow=True)
    if expected == LOGIN:
        assert response.redirect_chain, f"{role} on {url}: {response.status_code}, not sent to sign in"
        assert response.redirect_chain[-1][0].startswith(reverse("account_login")), response.redirect_chain
    else:
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}"
    public = url.startswith(tuple(settings.NO_STORE_EXEMPT_PATHS))  # the icon: the same for everyone
    if role != "anonymous" and response.status_code == 200 and not public:
        # Personal data in every signed-in page and export: never kept by a browser or proxy cache.
        assert "no-store" in response.get("Cache-Control", ""), f"{role} on {url}: {response.get('Cache-Control')}"


def _named_urls(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _named_urls(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name and namespace in CHECKED_NAMESPACES:
            yield f"{namespace}:{p.name}"


def test_every_url_is_in_the_table():
    in_table = {name for name, _, _ in ROUTES} | NOT_IN_TABLE_ON_PURPOSE
    named = {
        name for name in _named_urls(get_resolver().url_patterns) if not ADMIN_MODEL_PAGE.match(name)
    } - ADMIN_BUILT_IN
    missing = sorted(named - in_table)
    assert not missing, f"add these URLs to ROUTES with who may see them: {missing}"
