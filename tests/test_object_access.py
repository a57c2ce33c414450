"""Someone else's things by id: every URL that takes an object's id, asked for by another ordinary
person, answers 404 to GET and POST (not 403, which would confirm the id exists, and never 200).

Each URL with an id in it is in one of three tables: OWNED (a person's own thing: another person
gets 404, and the security log records it), ROLE_GATED (a page an ordinary officer's role cannot
open at all: the same refusal for a real id and a made-up one), or NOT_OWNED (nobody's in
particular, with the reason). A test fails when a URL with an id is in none of them.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.models import Role, SecurityEvent
from tests import test_url_permissions as matrix
from tests.factories import UserFactory

ID_KWARGS = {"pk", "attachment_pk", "line_pk", "payroll", "asset_tag", "number", "object_id"}
CHECKED_NAMESPACES = {*matrix.CHECKED_NAMESPACES, "admin"}
# The admin's own model pages take an object id too; tests/test_admin_permissions.py decides who
# may open each model, and an ordinary officer never reaches the admin (ROLE_GATED below).
STANDARD_ADMIN = re.compile(r"^admin:\w+_(change|delete|history)$")


def _officers_notification(get) -> dict:
    from portal.services import notify

    return {"pk": notify(recipient=get("officer"), subject="Your phone is ready", email=False).pk}


def _officers_own_receipt(get) -> dict:
    """The policy in force, accepted by the `officer` fixture only: the URL names the version, and
    the receipt it shows is the viewer's; someone who has not accepted has none."""
    from tests.policy.factories import accept

    version = matrix._policy_in_force(get)
    accept(get("officer"), version)
    return {"slug": version.policy.slug, "number": version.number}


# (URL name, kwargs factory (objects owned by the `officer` fixture, or by `tech_bar_staff` for the
# admin's import jobs), who asks: an ordinary "officer" or a Tech Bar "colleague", logged?)
OWNED = [
    ("incidents:incident_detail", matrix._officers_incident, "officer", True),
    ("incidents:incident_report_edit", matrix._officers_incident, "officer", True),
    ("incidents:incident_autosave", matrix._officers_incident, "officer", True),
    ("incidents:incident_update_add", matrix._officers_incident, "officer", True),
    ("incidents:incident_attachment_add", matrix._officers_incident, "officer", True),
    ("incidents:incident_attachment_download", matrix._officers_attachment, "officer", True),
    ("devices:receipt", matrix._officers_receipt, "officer", True),
    ("devices:device_report", matrix._officers_phone, "officer", True),
    ("devices:device_report_faulty", matrix._officers_phone, "officer", True),
    ("devices:device_report_loss", matrix._officers_phone_stolen_form, "officer", True),
    ("devices:leaver_case", matrix._officers_leaver_case, "officer", True),
    ("devices:leaver_line_handed", matrix._officers_leaver_line, "officer", True),
    ("devices:leaver_case_sign_off", matrix._officers_leaver_case, "officer", True),
    ("devices:request_detail", matrix._officers_request, "officer", True),
    ("devices:request_decide", matrix._officers_request, "officer", True),
    ("devices:request_cancel", matrix._officers_request, "officer", True),
    ("portal:notification_read", _officers_notification, "officer", True),
    # the URL names a version, not a person: someone who has not accepted it has no receipt
    ("policy:receipt", _officers_own_receipt, "officer who has not accepted", False),
    # a large MDM import is its starter's (and Portal admins'): another Tech Bar member gets 404
    ("admin:devices_device_import_job", matrix._tech_bar_staffs_import_job, "colleague", True),
    ("admin:devices_device_import_job_progress", matrix._tech_bar_staffs_import_job, "colleague", True),
    ("admin:devices_device_import_job_confirm", matrix._tech_bar_staffs_import_job, "colleague", True),
]

# An ordinary officer's role cannot open these at all: refused before any object is looked up.
ROLE_GATED = [
    ("incidents:incident_review", matrix._officers_incident),
    ("incidents:incident_print", matrix._officers_incident),  # the printable summary: Data Office only
    ("incidents:incident_triage", matrix._officers_incident),
    ("incidents:incident_decision", matrix._officers_breach_triaged),
    ("incidents:incident_status", matrix._officers_breach_triaged),
    ("devices:device_detail", matrix._officers_phone),
    ("devices:device_found", matrix._officers_phone),
    ("devices:leaving_date", matrix._team_members_payroll),
    ("devices:request_reserve", matrix._officers_approved_request),
    ("devices:request_release", matrix._officers_ready_request),
    ("api:device_detail", matrix._officers_phone_tag),  # a person's session never reaches the API
    ("admin:portal_user_sessions", lambda get: {"pk": get("officer").pk}),
    ("devices:figures_disclosure", matrix._a_disclosure),  # the disclosure log: Data Office, Portal admins
    ("devices:figures_disclosure_print", matrix._a_disclosure),
    ("admin:policy_policyversion_preview", lambda get: {"pk": matrix._policy_in_force(get).pk}),
    ("admin:devices_counter_person", matrix._officers_payroll),
    ("admin:devices_counter_report_loss", matrix._officers_payroll_and_phone),
    ("admin:devices_counter_receipt", matrix._officers_receipt),
    ("admin:devices_counter_leaver_receive", matrix._officers_leaver_counter_line),
    ("admin:devices_counter_leaver_lost", matrix._officers_leaver_counter_line),
    ("admin:devices_counter_leaver_write_off", matrix._officers_leaver_counter_line),
    ("admin:devices_stocktake_count", matrix._a_stocktake),
    ("admin:devices_loan_extend", matrix._officers_loan),  # any Tech Bar's staff may extend a loan
    ("admin:view_on_site", None),  # Django's redirect to an object's page; the page decides
]

NOT_OWNED = {
    "policy:version": "a published version of a policy: everyone covered by it reads it",
}


def _intruder(kind: str):
    if kind == "colleague":
        person = UserFactory(roles=[Role.TECH_BAR], is_staff=True)
    else:
        person = UserFactory(roles=[Role.OFFICER])
    if kind != "officer who has not accepted":
        _accept_what_is_in_force(person)
    return person


def _accept_what_is_in_force(person):
    """So the policy gate (a redirect) does not stand between the intruder and the page."""
    from policy.models import PolicyVersion
    from tests.policy.factories import accept

    for version in PolicyVersion.objects.exclude(published_at=None):
        accept(person, version)


def _missing(kwargs: dict) -> dict:
    return {key: (999_999 if isinstance(value, int) else "NOSUCH999") for key, value in kwargs.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("url_name", "kwargs_factory", "who", "logged"), OWNED, ids=[row[0] for row in OWNED])
def test_someone_elses_object_is_not_found(client, request, method, url_name, kwargs_factory, who, logged):
    kwargs = kwargs_factory(request.getfixturevalue)
    client.force_login(intruder := _intruder(who))
    send = getattr(client, method)
    response = send(reverse(url_name, kwargs=kwargs))
    if response.status_code == 405:  # a method the page never takes: the same for a made-up id
        assert send(reverse(url_name, kwargs=_missing(kwargs))).status_code == 405
        return
    assert response.status_code == 404, f"{method.upper()} {url_name} as another {who}: {response.status_code}"
    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED, user=intruder)
    assert refused.exists() == logged, f"{url_name}: logged {refused.exists()}"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("url_name", "kwargs_factory"), ROLE_GATED, ids=[row[0] for row in ROLE_GATED])
def test_a_page_the_role_cannot_open_says_nothing_about_the_id(client, request, method, url_name, kwargs_factory):
    kwargs = kwargs_factory(request.getfixturevalue) if kwargs_factory else {"content_type_id": 1, "object_id": 1}
    client.force_login(_intruder("officer"))
    send = getattr(client, method)
    real = send(reverse(url_name, kwargs=kwargs), follow=True)
    made_up = send(reverse(url_name, kwargs=_missing(kwargs)), follow=True)
    assert real.status_code != 200, f"{method.upper()} {url_name}: an ordinary officer got in"
    assert real.status_code == made_up.status_code, f"{url_name}: {real.status_code} vs {made_up.status_code}"


def _urls_with_an_id(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _urls_with_an_id(p.url_patterns, p.namespace or namespace)
        elif (
            isinstance(p, URLPattern)
            and p.name
            and namespace in CHECKED_NAMESPACES
            and ID_KWARGS & set(p.pattern.regex.groupindex)
        ):
            yield f"{namespace}:{p.name}"


def test_every_url_with_an_id_is_in_a_table():
    listed = {row[0] for row in OWNED} | {row[0] for row in ROLE_GATED} | set(NOT_OWNED)
    found = {name for name in _urls_with_an_id(get_resolver().url_patterns) if not STANDARD_ADMIN.match(name)}
    missing = sorted(found - listed)
    assert not missing, f"say whose object each of these URLs names (OWNED, ROLE_GATED or NOT_OWNED): {missing}"
    assert not listed - found, f"no longer URLs with an id: {sorted(listed - found)}"
