"""Every admin model against every role: what each may view, change, add, delete and export.

The table names every model registered on the admin site; a test fails when a model is
registered without a row here, so no admin page ships without a decision about who may use it.
Letters: v view, c change, a add, d delete, e export. A role not named in a row gets nothing.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from portal.admin_site import admin_site_has_permission
from portal.models import User
from tests.conftest import ROLE_FIXTURES
from tests.factories import UserFactory

ROLES = [*ROLE_FIXTURES, "superuser"]  # the superuser is the break-glass account: sees all, edits no record

PORTAL_ADMIN_MANAGES = {"portal_admin": "vcad", "superuser": "vcad"}
PORTAL_ADMIN_READS = {"portal_admin": "v", "superuser": "v"}
DATA_OFFICE_READS = {"data_office": "v", "superuser": "v"}  # incidents: never Portal admins, never edited here
COUNTER_READS = {"tech_bar_staff": "v", **PORTAL_ADMIN_READS}

EXPECTED: dict[str, dict[str, str]] = {
    "auth.Group": PORTAL_ADMIN_MANAGES,
    "account.EmailAddress": PORTAL_ADMIN_MANAGES,
    "socialaccount.SocialApp": PORTAL_ADMIN_MANAGES,
    "socialaccount.SocialToken": PORTAL_ADMIN_MANAGES,
    "socialaccount.SocialAccount": PORTAL_ADMIN_MANAGES,
    "auditlog.LogEntry": PORTAL_ADMIN_READS,
    # People: the counter finds a person (read-only, few fields); only Portal admins export the list.
    "portal.User": {"tech_bar_staff": "v", "portal_admin": "vcade", "superuser": "vcade"},
    "portal.SecurityEvent": PORTAL_ADMIN_READS,
    "portal.Notification": PORTAL_ADMIN_READS,
    # The outbox: read-only, with a resend action for failed email (Portal admins run the portal).
    "portal.OutboundEmail": PORTAL_ADMIN_READS,
    "policy.Policy": PORTAL_ADMIN_MANAGES,
    "policy.PolicyVersion": PORTAL_ADMIN_MANAGES,  # drafts only; a published version is read-only
    "policy.Acknowledgement": PORTAL_ADMIN_READS,
    "policy.PolicyReminder": PORTAL_ADMIN_READS,
    "incidents.Incident": DATA_OFFICE_READS,
    "incidents.IncidentStep": DATA_OFFICE_READS,
    "incidents.RegulatorDecision": DATA_OFFICE_READS,
    "devices.TechBar": {"tech_bar_staff": "v", **PORTAL_ADMIN_MANAGES},
    "devices.DeviceModel": {"tech_bar_staff": "v", **PORTAL_ADMIN_MANAGES},
    # A device is disposed of, never deleted: nobody has delete, not even the superuser.
    "devices.Device": {"tech_bar_staff": "vca", "portal_admin": "vca", "superuser": "vca"},
    "devices.CounterVisit": COUNTER_READS,  # receipts: written only by the counter
    "devices.DeviceEvent": COUNTER_READS,
    "devices.DeviceLoss": COUNTER_READS,
    # SIM blocks and wipes: marked done or failed through the admin's actions, never added or deleted.
    "devices.StockLevel": {"tech_bar_staff": "vcad", **PORTAL_ADMIN_MANAGES},  # low-stock levels
    "devices.StockTransfer": COUNTER_READS,  # sent and received through devices.stock.services.stock
    "devices.Stocktake": COUNTER_READS,  # run on its own pages through devices.stock.services.stocktake
    # Accessories: kinds are the Portal admins' (never deleted: they have history); a Tech Bar's shelf
    # row and its level are the staff's, its quantity moved only by the services; history read-only.
    "devices.AccessoryKind": {"tech_bar_staff": "v", "portal_admin": "vca", "superuser": "vca"},
    "devices.AccessoryStock": {"tech_bar_staff": "vca", "portal_admin": "vca", "superuser": "vca"},
    "devices.AccessoryHolding": COUNTER_READS,
    "devices.AccessoryMovement": COUNTER_READS,
    "devices.RemoteAction": {"tech_bar_staff": "vc", "portal_admin": "vc", "superuser": "vc"},
    # The triage queue: outcomes given by the admin's actions (a change), never added or deleted.
    "devices.TriageDevice": {"tech_bar_staff": "vc", "portal_admin": "vc", "superuser": "vc"},
    # Integration API tokens: created and revoked (a change) by Portal admins, never deleted.
    "api.ApiToken": {"portal_admin": "vca", "superuser": "vca"},
    # Leavers: the property list and command unit leads are the Portal admins'; a property kind on
    # a case is retired (untick active), never deleted. Cases are worked on their own pages.
    "devices.LeaverPropertyKind": {"tech_bar_staff": "v", "portal_admin": "vca", "superuser": "vca"},
    "devices.CommandUnitLead": {"tech_bar_staff": "v", **PORTAL_ADMIN_MANAGES},
    "devices.LeaverCase": COUNTER_READS,
    # Kit requests: the standard kit per role is the Portal admins'; requests are worked on their pages.
    "devices.KitEntitlement": {"tech_bar_staff": "v", **PORTAL_ADMIN_MANAGES},
    "devices.DeviceRequest": COUNTER_READS,
    # Loans: each Tech Bar keeps its loan pool; loans are made and ended at the counter.
    "devices.LoanPoolDevice": {"tech_bar_staff": "vcad", **PORTAL_ADMIN_MANAGES},
    "devices.Loan": COUNTER_READS,
}


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def _can(model_admin, user) -> str:
    """What the admin lets this user do with the model, in the table's letters."""
    request = RequestFactory().get("/admin/")
    request.user = user
    if not admin_site_has_permission(request):
        return ""
    checks = {
        "v": model_admin.has_view_permission(request),
        "c": model_admin.has_change_permission(request),
        "a": model_admin.has_add_permission(request),
        "d": model_admin.has_delete_permission(request),
        "e": getattr(model_admin, "has_export_permission", lambda request: False)(request),
    }
    return "".join(letter for letter, allowed in checks.items() if allowed)


def _registered():
    return {model._meta.label: model for model in admin.site._registry}


def test_every_admin_model_is_in_the_table():
    registered = set(_registered())
    assert not registered - set(EXPECTED), f"add these admin models to EXPECTED: {sorted(registered - set(EXPECTED))}"
    assert not set(EXPECTED) - registered, f"no longer in the admin: {sorted(set(EXPECTED) - registered)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_admin_model_against_role(request, label, role):
    model = _registered()[label]
    allowed = _can(admin.site._registry[model], _user(request, role))
    assert allowed == EXPECTED[label].get(role, ""), f"{role} on {label}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_admin_list_page_against_role(client, request, label, role):
    """The list page agrees with the table: 200 where the role may view, else refused."""
    model = _registered()[label]
    if role != "anonymous":
        client.force_login(_user(request, role))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, follow=True)
    if role == "anonymous":
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    else:
        assert response.status_code == (200 if "v" in EXPECTED[label].get(role, "") else 403), f"{role} on {url}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_portal_admins_export_people(client, request, role):
    UserFactory.create_batch(3)
    if role != "anonymous":
        client.force_login(_user(request, role))
    response = client.post(reverse("admin:portal_user_export"), {"format": "0"}, follow=True)
    if role == "anonymous":
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    elif role in ("portal_admin", "superuser"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "payroll_number" not in response.content.decode()


@pytest.mark.django_db
def test_tech_bar_staff_see_a_person_as_the_counter_needs(client, tech_bar_staff):
    person = UserFactory(
        payroll_number="PC4321", email="private.person@police.example", command_unit="North", team="Response 1"
    )
    client.force_login(tech_bar_staff)

    found = client.get(reverse("admin:portal_user_changelist"), {"q": "PC4321"}).content.decode()
    assert "PC4321" in found and "private.person@police.example" not in found
    assert "Export" not in found and "Import" not in found

    page = client.get(reverse("admin:portal_user_change", args=[person.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "PC4321" in html and "Response 1" in html and "Kit held now" in html
    assert "private.person@police.example" not in html
    assert "../password/" not in html and "Reset password" not in html and "Set password" not in html
    assert "Superuser status" not in html
    assert client.get(reverse("admin:auth_user_password_change", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_portal_admins_still_manage_people_in_full(client, portal_admin):
    person = UserFactory(email="private.person@police.example")
    client.force_login(portal_admin)
    html = client.get(reverse("admin:portal_user_change", args=[person.pk])).content.decode()
    assert "private.person@police.example" in html
    assert 'href="../password/"' in html  # Django's relative link to the password form


@pytest.mark.django_db
def test_the_admin_access_flag_alone_opens_nothing(client):
    client.force_login(UserFactory(is_staff=True))  # an officer ticked by mistake
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def _open_incident(reporter):
    from django.utils import timezone

    from incidents import services

    return services.incident_open(
        reporter=reporter,
        summary="Victim's statement emailed to the wrong address",
        aware_at=timezone.now(),
        personal_data_involved="yes",
        device_involved="no",
    )


@pytest.mark.django_db
def test_data_office_reviewers_read_incidents_in_the_admin_and_cannot_change_them(client, officer, data_office):
    incident = _open_incident(officer)
    client.force_login(data_office)
    change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and "reminder_2h" in page.content.decode()
    assert 'name="status"' not in page.content.decode()  # shown, never a form field
    assert client.post(change_url, {"status": "closed", "severity": "low"}).status_code == 403
    assert client.get(reverse("admin:incidents_incident_add")).status_code == 403
    assert (
        client.post(reverse("admin:incidents_incident_delete", args=[incident.pk]), {"post": "yes"}).status_code == 403
    )
    incident.refresh_from_db()
    assert incident.status == incident.Status.NOTIFIED and incident.severity == ""


@pytest.mark.django_db
def test_portal_admins_do_not_read_incidents_in_the_admin_or_its_audit_log(client, officer, portal_admin):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from incidents.models import Incident

    incident = _open_incident(officer)
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Incident)).exists()
    client.force_login(portal_admin)
    assert client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:incidents_incident_changelist") not in index
    log = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "wrong address" not in log and incident.reference not in log
    assert (
        User.objects.filter(pk=portal_admin.pk, groups__permissions__content_type__app_label="incidents").count() == 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_portal_admins_see_and_end_a_persons_sessions(client, request, role):
    person = UserFactory()
    url = reverse("admin:portal_user_sessions", kwargs={"pk": person.pk})
    if role != "anonymous":
        client.force_login(_user(request, role))
    for response in (client.get(url, follow=True), client.post(url, {"end": "all"}, follow=True)):
        if role == "anonymous":
            assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        elif role in ("portal_admin", "superuser"):
            assert response.status_code == 200
            assert "has no signed-in sessions" in response.content.decode()
        else:
            assert response.status_code == 403


# Bulk actions on a list page, per model and role: what each role can run (an action runs only
# through a list page the role may open). A model with actions but no row here fails the test.
TECH_BAR_ACTS = ("tech_bar_staff", "portal_admin", "superuser")
PORTAL_ADMIN_ACTS = ("portal_admin", "superuser")
ACTIONS: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "account.EmailAddress": (PORTAL_ADMIN_ACTS, {"make_verified"}),
    "api.ApiToken": (PORTAL_ADMIN_ACTS, {"revoke"}),
    "portal.OutboundEmail": (PORTAL_ADMIN_ACTS, {"resend"}),  # failed email queued again
    "policy.PolicyVersion": (PORTAL_ADMIN_ACTS, {"start_next_draft"}),
    "devices.Device": (TECH_BAR_ACTS, {"print_labels", "send_to_tech_bar"}),
    "devices.RemoteAction": (TECH_BAR_ACTS, {"mark_done", "mark_failed", "ask_again"}),
    "devices.StockTransfer": (TECH_BAR_ACTS, {"receive_here"}),
    "devices.TriageDevice": (TECH_BAR_ACTS, {"to_stock", "to_repair", "dispose", "back_from_repair"}),
}


def _actions_for(model_admin, user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    if not (admin_site_has_permission(request) and model_admin.has_view_or_change_permission(request)):
        return set()
    return set(model_admin.get_actions(request)) - {"delete_selected"}  # delete_selected: the "d" above


def test_every_admin_action_is_in_the_table():
    with_actions = {label for label, model in _registered().items() if admin.site._registry[model].actions}
    assert with_actions == set(ACTIONS), f"add to or remove from ACTIONS: {sorted(with_actions ^ set(ACTIONS))}"
    for label, (_roles, names) in ACTIONS.items():
        declared = {getattr(a, "__name__", a) for a in admin.site._registry[_registered()[label]].actions}
        assert declared == names, f"{label}: {sorted(declared)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(ACTIONS))
def test_admin_actions_against_role(request, label, role):
    roles, names = ACTIONS[label]
    model_admin = admin.site._registry[_registered()[label]]
    assert _actions_for(model_admin, _user(request, role)) == (names if role in roles else set()), f"{role} on {label}"


def _url_matrix(name):
    from tests import test_url_permissions as matrix

    return getattr(matrix, name)


# The admin's own pages that change something (beyond a model's change, add and delete), POSTed
# empty by each role: refused (403) unless the role's work needs it; never a 404, 405 or 500 for
# those whose page it is (their empty form is answered with what is missing, or acted on).
CUSTOM_POSTS = [
    ("admin:portal_user_import", None, PORTAL_ADMIN_ACTS),
    ("admin:portal_user_process_import", None, PORTAL_ADMIN_ACTS),
    ("admin:portal_user_export", None, PORTAL_ADMIN_ACTS),
    ("admin:portal_user_sessions", lambda get: {"pk": get("officer").pk}, PORTAL_ADMIN_ACTS),
    ("admin:policy_policyversion_preview", "_a_draft_version", PORTAL_ADMIN_ACTS),
    ("admin:devices_device_import", None, TECH_BAR_ACTS),
    ("admin:devices_device_process_import", None, TECH_BAR_ACTS),
    ("admin:devices_counter", None, TECH_BAR_ACTS),
    ("admin:devices_counter_person", "_officers_payroll", TECH_BAR_ACTS),
    ("admin:devices_counter_leaver_receive", "_officers_leaver_counter_line", TECH_BAR_ACTS),
    ("admin:devices_counter_leaver_write_off", "_officers_leaver_counter_line", PORTAL_ADMIN_ACTS),
    ("admin:devices_stock", None, TECH_BAR_ACTS),
    ("admin:devices_stocktake_start", None, TECH_BAR_ACTS),
    ("admin:devices_stocktake_count", "_a_stocktake", TECH_BAR_ACTS),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "kwargs_factory", "roles"), CUSTOM_POSTS, ids=[row[0] for row in CUSTOM_POSTS])
def test_admin_custom_posts_against_role(client, request, url_name, kwargs_factory, roles, role):
    if isinstance(kwargs_factory, str):
        kwargs_factory = _url_matrix(kwargs_factory)
    kwargs = kwargs_factory(request.getfixturevalue) if kwargs_factory else None
    if role != "anonymous":
        client.force_login(_user(request, role))
    response = client.post(reverse(url_name, kwargs=kwargs), {}, follow=True)
    if role == "anonymous":
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    elif role in roles:
        assert response.status_code not in (403, 404, 405, 500), f"{role} POST {url_name}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{role} POST {url_name}: {response.status_code}"
