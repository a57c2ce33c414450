"""The gate, the acceptance pages, the receipt, compliance (filters, export, scope, query count)
and the admin's preview-and-publish."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policy import selectors
from policy.forms import shown_version_token
from policy.models import Acknowledgement, ComplianceStatus, Policy, PolicyVersion
from portal.models import Role, User
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, PolicyVersionFactory, accept, published_version

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def version(portal_admin):
    """Version 1 of the conditions of use, in force since yesterday, no grace period."""
    return published_version(by=portal_admin)


@pytest.fixture
def gated(client, officer, version):
    """An officer who has not accepted the version in force, signed in."""
    client.force_login(officer)
    return client


def accept_url(version, next_url=None):
    url = reverse("policy:accept", kwargs={"slug": version.policy.slug})
    return f"{url}?next={next_url}" if next_url else url


def receipt_url(version):
    return reverse("policy:receipt", kwargs={"slug": version.policy.slug, "number": version.number})


def token_from(response) -> str:
    return re.search(r'name="shown" value="([^"]+)"', response.content.decode()).group(1)


def is_sent_to_accept(response, version) -> bool:
    return response.status_code == 302 and response["Location"].startswith(accept_url(version))


# --- The gate ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/logout/",
        "/accounts/password/change/",
        "/policy/mine/",
        "/help/",
        "/help",
        "/accessibility/",
        "/health/",
        "/notifications/",
        "/static/css/kitbag.css",
        "/incidents/report/",
        "/incidents/report",
        "/incidents/report/lost-or-stolen/",
        "/incidents/report/any/page/at/all/?device=123",
    ],
)
def test_the_gate_never_blocks(gated, version, path):
    response = gated.get(path)
    assert not is_sent_to_accept(response, version), f"{path} was gated"


def test_the_gate_never_blocks_the_policy_pages(gated, version):
    for url in [
        accept_url(version),
        reverse("policy:version", kwargs={"slug": version.policy.slug, "number": 1}),
        reverse("policy:my_policies"),
    ]:
        assert gated.get(url).status_code == 200, url


def test_the_gate_never_blocks_signing_out(gated, version):
    response = gated.post("/accounts/logout/")
    assert response.status_code == 302
    assert not is_sent_to_accept(response, version)
    assert "_auth_user_id" not in gated.session


@pytest.mark.parametrize("path", ["/", "/admin/", "/incidents/", "/incidents/42/", "/devices/", "/no-such-page/"])
def test_the_gate_blocks_everything_else_and_remembers_where_you_were_going(gated, version, path):
    response = gated.get(path)
    assert is_sent_to_accept(response, version), f"{path}: {response.status_code}"
    assert response["Location"] == f"{accept_url(version)}?next={path.replace('/', '%2F')}"


def test_a_form_already_open_when_the_gate_closes_is_not_lost(gated, officer, version):
    """The form is let through (nothing typed is lost); the page it leads to is gated."""
    from portal.services import notify

    note = notify(recipient=officer, subject="Your report is due", url="/help/", email=False)
    response = gated.post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert is_sent_to_accept(gated.get("/notifications-elsewhere/"), version)


def test_after_accepting_the_gate_opens(gated, officer, version):
    accept(officer, version)
    assert gated.get("/").status_code == 200


def test_anonymous_people_are_sent_to_sign_in_not_to_the_policy(client, version):
    response = client.get("/")
    assert response["Location"].startswith(reverse("account_login"))


def test_people_whose_role_is_not_covered_are_never_gated(client, officer, tech_bar_staff):
    policy = PolicyFactory(audience=Policy.Audience.ROLES)
    policy.roles.add(*tech_bar_staff.groups.all())
    version = published_version(policy=policy)
    client.force_login(officer)
    assert client.get("/").status_code == 200
    client.force_login(tech_bar_staff)
    assert is_sent_to_accept(client.get("/"), version)


def test_grace_period_lets_people_in_until_it_ends(client, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 5
    person = UserFactory(date_joined=timezone.now() - 100 * DAY)
    version = published_version(effective_date=timezone.localdate())
    client.force_login(person)
    home = client.get("/")
    assert home.status_code == 200
    assert "Policy to accept" in home.content.decode()  # the home panel asks, with a date
    with time_machine.travel(version.starts_at + 5 * DAY - datetime.timedelta(minutes=1), tick=False):
        client.force_login(person)
        assert client.get("/").status_code == 200
    with time_machine.travel(version.starts_at + 5 * DAY, tick=False):
        client.force_login(person)
        assert is_sent_to_accept(client.get("/"), version)


def test_a_versions_grace_period_overrides_the_setting(client, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 30
    person = UserFactory(date_joined=timezone.now() - 100 * DAY)
    version = published_version(grace_days=0)
    client.force_login(person)
    assert is_sent_to_accept(client.get("/"), version)


def test_a_new_version_with_the_flag_gates_again(gated, officer, version, portal_admin):
    accept(officer, version)
    v2 = published_version(policy=version.policy, number=2, requires_acceptance=True, by=portal_admin)
    assert is_sent_to_accept(gated.get("/"), v2)


def test_a_new_version_without_the_flag_does_not_gate(gated, officer, version, portal_admin):
    accept(officer, version)
    published_version(policy=version.policy, number=2, requires_acceptance=False, by=portal_admin)
    assert gated.get("/").status_code == 200


# --- Reading and accepting ---------------------------------------------------------------------
def test_the_acceptance_page_shows_the_text_and_an_explicit_checkbox(gated, version):
    response = gated.get(accept_url(version, "/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert version.body_html in html
    assert 'type="checkbox" name="confirm"' in html
    assert f"I have read and accept the {version.policy.name}, version 1" in html
    assert "Accept and continue" in html
    assert "If you cannot accept these conditions" in html
    assert 'name="next" value="/"' in html


def test_accepting_records_and_shows_the_receipt(gated, officer, version):
    page = gated.get(accept_url(version, "/"))
    response = gated.post(
        accept_url(version, "/"),
        {"shown": token_from(page), "confirm": "on", "next": "/"},
        HTTP_USER_AGENT="Mozilla/5.0 (Android 15; Mobile)",
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{receipt_url(version)}?next=/"
    ack = Acknowledgement.objects.get(user=officer, version=version)
    assert (ack.content_hash, ack.ip_address) == (version.content_hash, "10.20.30.40")
    assert ack.user_agent == "Mozilla/5.0 (Android 15; Mobile)"

    receipt = gated.get(response["Location"])
    html = receipt.content.decode()
    assert "govuk-panel--confirmation" in html
    assert version.content_hash in html
    assert timezone.localtime(ack.accepted_at).strftime("%H:%M") in html
    assert 'href="/"' in html  # Continue goes back where the gate stopped them
    assert gated.get("/").status_code == 200


def test_double_submit_records_one_acknowledgement_and_shows_the_same_receipt(gated, officer, version):
    token = token_from(gated.get(accept_url(version)))
    first = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    second = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert first["Location"] == second["Location"] == receipt_url(version)
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1
    # A second tab opened before the first accepted: same again.
    other_tab = shown_version_token(user=officer, version=version, shown_at=timezone.now() - DAY / 24)
    third = gated.post(accept_url(version), {"shown": other_tab, "confirm": "on"})
    assert third["Location"] == receipt_url(version)
    assert Acknowledgement.objects.filter(user=officer).count() == 1


def test_without_the_checkbox_nothing_is_recorded(gated, version):
    response = gated.post(accept_url(version, "/"), {"shown": token_from(gated.get(accept_url(version))), "next": "/"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "Tick the box to confirm you have read and accept the conditions" in html
    assert 'href="#id_confirm"' in html
    assert version.body_html in html
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("tampered", ["", "not-a-token", "eyJ2ZXJzaW9uIjo5OTl9:forged:signature"])
def test_a_tampered_form_records_nothing(gated, version, tampered):
    response = gated.post(accept_url(version), {"shown": tampered, "confirm": "on"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_form_made_for_someone_else_records_nothing(gated, version, supervisor):
    token = shown_version_token(user=supervisor, version=version)
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "for someone else" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_of_another_policy_records_nothing(gated, officer, version):
    other = published_version(policy=PolicyFactory(name="Mobile Device Rules"))
    token = shown_version_token(user=officer, version=other)
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "not a version of this policy" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_that_is_not_current_records_nothing(gated, officer, version, portal_admin):
    v2 = published_version(policy=version.policy, number=2, by=portal_admin)
    token = shown_version_token(user=officer, version=version)  # v1, "shown" after v2 was published
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Version 1 is not the version in force" in html
    assert f"version {v2.number}" in html  # the page now shows version 2 to read
    assert token_from(response) != token  # with a fresh form for it...
    assert re.search(r'name="confirm"[^>]*checked', html) is None  # ...to be ticked after reading it
    assert not Acknowledgement.objects.exists()


def test_a_page_left_open_too_long_records_nothing(gated, officer, version, settings):
    token = shown_version_token(user=officer, version=version)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.POLICY_ACCEPT_FORM_MAX_AGE + 60)):
        gated.force_login(officer)  # a new session: the old one has long timed out
        response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_version_published_while_reading_is_recorded_as_read_then_the_new_one_is_asked(
    gated, officer, version, portal_admin
):
    token = token_from(gated.get(accept_url(version)))  # reading version 1...
    v2 = published_version(policy=version.policy, number=2, by=portal_admin)  # ...when version 2 appears
    response = gated.post(accept_url(version), {"shown": token, "confirm": "on"})
    assert response["Location"] == receipt_url(version)
    assert Acknowledgement.objects.get(user=officer).version == version
    receipt = gated.get(response["Location"]).content.decode()
    assert "Version 2 was published while you were reading" in receipt
    assert is_sent_to_accept(gated.get("/"), v2)


def test_the_acceptance_page_summarises_what_changed_since_my_last_acceptance(gated, officer, version, portal_admin):
    accept(officer, version)
    published_version(
        policy=version.policy,
        number=2,
        body=version.body.replace("Keep it with you", "Keep it with you at all times"),
        summary_of_changes="Devices must be kept with you at all times.",
        by=portal_admin,
    )
    html = gated.get(accept_url(version)).content.decode()
    assert "What has changed since version 1" in html
    assert "Devices must be kept with you at all times." in html
    assert 'with you <ins><span class="govuk-visually-hidden">Added: </span>at all times</ins>, locked' in html


def test_an_unsafe_next_is_ignored(gated, version):
    token = token_from(gated.get(accept_url(version)))
    response = gated.post(
        accept_url(version, "https://evil.example/"), {"shown": token, "confirm": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == receipt_url(version)


def test_a_policy_with_nothing_in_force_is_not_found(gated):
    draft = PolicyVersionFactory()
    assert gated.get(accept_url(draft)).status_code == 404


# --- Receipts, versions, my policies, home -----------------------------------------------------
def test_a_receipt_is_only_for_the_person_who_accepted(client, officer, supervisor, version):
    accept(supervisor, version)
    client.force_login(officer)
    assert client.get(receipt_url(version)).status_code == 404
    client.force_login(supervisor)
    assert client.get(receipt_url(version)).status_code == 200


def test_my_policies_lists_status_and_receipts(gated, officer, version):
    html = gated.get(reverse("policy:my_policies")).content.decode()
    assert "To accept" in html and "You have not accepted any policy yet." in html
    accept(officer, version)
    html = gated.get(reverse("policy:my_policies")).content.decode()
    assert "Accepted" in html
    assert receipt_url(version) in html


def test_drafts_are_never_shown(gated, version):
    draft = PolicyVersionFactory(policy=version.policy, number=2)
    url = reverse("policy:version", kwargs={"slug": version.policy.slug, "number": draft.number})
    assert gated.get(url).status_code == 404


def test_home_shows_nothing_to_accept_once_accepted(client, officer, version):
    accept(officer, version)
    client.force_login(officer)
    assert "Policy to accept" not in client.get("/").content.decode()


# --- Compliance --------------------------------------------------------------------------------
@pytest.fixture
def people(portal_admin, data_office):
    """Seven people across two command units; statuses against v2 (acceptance required again)."""
    sergeant = UserFactory(
        roles=[Role.OFFICER, Role.SUPERVISOR], payroll_number="SGT001", command_unit="North", team="Response 1"
    )
    make = UserFactory
    north_current = make(payroll_number="NC001", command_unit="North", team="Response 1", supervisor=sergeant)
    north_older = make(payroll_number="NO001", command_unit="North", team="Response 2", supervisor=sergeant)
    make(payroll_number="NN001", command_unit="North", team="Response 2")
    south_current = make(payroll_number="SC001", command_unit="South", team="CID", roles=[Role.TECH_BAR])
    make(payroll_number="SN001", command_unit="South", team="CID")
    v1 = published_version(by=portal_admin)
    accept(north_older, v1)
    v2 = published_version(policy=v1.policy, number=2, by=portal_admin)
    for person in (north_current, south_current, data_office):
        accept(person, v2)
    return {"v2": v2, "sergeant": sergeant}


def compliance_url(policy, **params):
    url = reverse("policy:compliance", kwargs={"slug": policy.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def payrolls_in(response) -> set[str]:
    return set(re.findall(r"<td class=\"govuk-table__cell\">([A-Z]{2,3}\d{3})</td>", response.content.decode()))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"command_unit": "South"}, {"SC001", "SN001"}),
        ({"team": "response 2"}, {"NO001", "NN001"}),
        ({"role": "Tech%20Bar%20staff"}, {"SC001"}),
        ({"status": "current"}, {"NC001", "SC001"}),
        ({"status": "older"}, {"NO001"}),
        ({"status": "never", "command_unit": "North"}, {"SGT001", "NN001"}),
        ({"q": "NN001"}, {"NN001"}),
    ],
)
def test_compliance_filters(client, data_office, people, params, expected):
    client.force_login(data_office)
    response = client.get(compliance_url(people["v2"].policy, **params))
    assert response.status_code == 200
    found = payrolls_in(response) - {data_office.payroll_number}
    assert found == expected


def test_a_bad_filter_value_is_a_clear_400(client, data_office, people):
    client.force_login(data_office)
    response = client.get(compliance_url(people["v2"].policy, status="everyone-is-fine"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_compliance_page_shows_the_summary_and_an_accessible_chart(client, data_office, people):
    client.force_login(data_office)
    html = client.get(compliance_url(people["v2"].policy)).content.decode()
    assert "By command unit" in html
    assert re.search(r'<th scope="row" class="govuk-table__header">South</th>\s*<td[^>]*>2</td>', html)
    assert '<svg viewBox="0 0 400 200"' in html and 'role="img"' in html
    assert 'aria-labelledby="chart-title chart-desc"' in html
    assert "Show the chart&#x27;s figures as a table" in html or "Show the chart's figures as a table" in html


def test_csv_export_has_the_filtered_people_and_their_status(client, data_office, people):
    client.force_login(data_office)
    response = client.get(compliance_url(people["v2"].policy, command_unit="North", _export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{people['v2'].policy.slug}-compliance-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    by_payroll = {row["Payroll number"]: row for row in rows}
    assert {"NC001", "NO001", "NN001", "SGT001"} <= set(by_payroll)
    assert "SC001" not in by_payroll
    assert by_payroll["NC001"]["Status"] == "Accepted current version"
    assert by_payroll["NC001"]["Version accepted"] == "2"
    assert by_payroll["NC001"]["Up to date"] == "Yes"
    assert by_payroll["NO001"]["Status"] == "Accepted an older version"
    assert by_payroll["NO001"]["Version accepted"] == "1"
    assert by_payroll["NO001"]["Up to date"] == "No"
    assert by_payroll["NN001"]["Status"] == "Never accepted"
    assert by_payroll["NN001"]["Accepted at"] == ""
    assert by_payroll["NC001"]["Supervisor"].startswith(people["sergeant"].get_full_name())


def test_xlsx_export_has_the_same_rows(client, data_office, people):
    client.force_login(data_office)
    response = client.get(compliance_url(people["v2"].policy, status="never", _export="xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[:2] == ["Name", "Payroll number"]
    status = header.index("Status")
    payroll = header.index("Payroll number")
    assert {row[payroll] for row in rows} == {"SGT001", "NN001", "SN001", people["v2"].published_by.payroll_number}
    assert {row[status] for row in rows} == {ComplianceStatus.NEVER.label}


def test_a_supervisor_sees_and_exports_their_own_team_only(client, people):
    client.force_login(people["sergeant"])
    page = client.get(compliance_url(people["v2"].policy))
    assert payrolls_in(page) == {"NC001", "NO001"}
    assert "Only your team is shown." in page.content.decode()
    export = client.get(compliance_url(people["v2"].policy, _export="csv"))
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    assert {row["Payroll number"] for row in rows} == {"NC001", "NO001"}


def test_officers_cannot_see_compliance(client, officer, people):
    client.force_login(officer)
    accept(officer, people["v2"])
    assert client.get(compliance_url(people["v2"].policy)).status_code == 403
    assert client.get(compliance_url(people["v2"].policy, _export="csv")).status_code == 403


def _bulk_people(n: int, version: PolicyVersion) -> None:
    """n people, a third of whom accepted: inserted in bulk to keep the test fast."""
    password = make_password("unused")
    start = User.objects.count()
    created = User.objects.bulk_create(
        User(
            payroll_number=f"B{start + i:06d}",
            first_name="Bulk",
            last_name=f"Person {i}",
            email=f"bulk{start + i}@police.example",
            command_unit=f"Unit {i % 7}",
            team=f"Team {i % 23}",
            password=password,
        )
        for i in range(n)
    )
    accepted = User.objects.filter(payroll_number__in=[u.payroll_number for u in created[: n // 3]])
    Acknowledgement.objects.bulk_create(
        Acknowledgement(user=user, version=version, content_hash=version.content_hash) for user in accepted
    )


def test_compliance_page_costs_the_same_queries_at_10_and_1000_people(
    client, data_office, version, django_assert_max_num_queries
):
    accept(data_office, version)
    client.force_login(data_office)
    url = compliance_url(version.policy)
    _bulk_people(10, version)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as at_10:
        assert client.get(url).status_code == 200
    _bulk_people(990, version)
    with django_assert_max_num_queries(len(at_10.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Page 1 of" in response.content.decode()  # 1,000 people: paged, not all on one page


# --- The admin: preview and publish ------------------------------------------------------------
def preview_url(version):
    return reverse("admin:policy_policyversion_preview", args=[version.pk])


def test_a_portal_admin_writes_a_draft_in_the_admin_and_it_is_audited(client, portal_admin):
    policy = PolicyFactory()
    client.force_login(portal_admin)
    assert client.get(reverse("admin:policy_policyversion_add")).status_code == 200
    response = client.post(
        reverse("admin:policy_policyversion_add"),
        {
            "policy": policy.pk,
            "number": 1,
            "title": "ICT Conditions of Use",
            "summary_of_changes": "",
            "body": "## Devices\n\nLock your phone.",
            "effective_date": timezone.localdate().isoformat(),
            "requires_acceptance": "on",
            "grace_days": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = PolicyVersion.objects.get(policy=policy)
    assert not draft.is_published
    assert LogEntry.objects.get_for_object(draft).get().actor == portal_admin
    change = client.get(reverse("admin:policy_policyversion_change", args=[draft.pk])).content.decode()
    assert preview_url(draft) in change and "Preview and publish" in change


def test_a_portal_admin_previews_then_publishes(client, portal_admin):
    draft = PolicyVersionFactory(body="## Your device\n\nKeep it **locked**.")
    client.force_login(portal_admin)
    preview = client.get(preview_url(draft))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>locked</strong>" in html
    digest = re.search(r"<code>([0-9a-f]{64})</code>", html).group(1)

    refused = client.post(preview_url(draft), {"previewed_hash": digest})  # box not ticked
    assert refused.status_code == 400
    assert not PolicyVersion.objects.get(pk=draft.pk).is_published

    published = client.post(preview_url(draft), {"previewed_hash": digest, "confirm": "yes"})
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.content_hash == digest and draft.published_by == portal_admin


def test_publishing_text_changed_after_the_preview_is_refused(client, portal_admin):
    draft = PolicyVersionFactory()
    client.force_login(portal_admin)
    digest = re.search(r"<code>([0-9a-f]{64})</code>", client.get(preview_url(draft)).content.decode()).group(1)
    PolicyVersion.objects.filter(pk=draft.pk).update(body="Changed behind the preview's back.")
    response = client.post(preview_url(draft), {"previewed_hash": digest, "confirm": "yes"})
    assert response.status_code == 400
    assert "changed since your preview" in response.content.decode()
    assert not PolicyVersion.objects.get(pk=draft.pk).is_published


def test_only_portal_admins_reach_the_preview(client, tech_bar_staff, data_office):
    draft = PolicyVersionFactory()
    client.force_login(tech_bar_staff)
    assert client.get(preview_url(draft)).status_code == 403
    assert client.post(preview_url(draft), {"previewed_hash": "x", "confirm": "yes"}).status_code == 403
    client.force_login(data_office)  # in the admin for incidents only
    assert client.get(preview_url(draft)).status_code == 403
    assert not PolicyVersion.objects.get(pk=draft.pk).is_published


def test_a_published_version_is_read_only_in_the_admin(client, portal_admin, version):
    accept(portal_admin, version)
    client.force_login(portal_admin)
    change = reverse("admin:policy_policyversion_change", args=[version.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()
    assert client.post(change, {"title": "Rewritten"}).status_code == 403
    delete = reverse("admin:policy_policyversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PolicyVersion.objects.get(pk=version.pk).title == version.title


def test_acknowledgements_are_read_only_in_the_admin(client, portal_admin, version):
    ack = accept(portal_admin, version)
    client.force_login(portal_admin)
    assert client.get(reverse("admin:policy_acknowledgement_changelist")).status_code == 200
    assert client.get(reverse("admin:policy_acknowledgement_add")).status_code == 403
    change = reverse("admin:policy_acknowledgement_change", args=[ack.pk])
    assert client.post(change, {"ip_address": "1.2.3.4"}).status_code == 403
    delete = reverse("admin:policy_acknowledgement_delete", args=[ack.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Acknowledgement.objects.filter(pk=ack.pk).exists()


def test_the_admin_is_gated_for_counter_staff_who_have_not_accepted(client, tech_bar_staff, version):
    client.force_login(tech_bar_staff)
    assert is_sent_to_accept(client.get("/admin/"), version)
    accept(tech_bar_staff, version)
    assert client.get("/admin/").status_code == 200
    assert selectors.has_accepted_current(tech_bar_staff)


def test_the_receipt_link_keeps_a_next_with_its_own_query_string(gated, officer, version):
    target = "/incidents/report/mine/?page=2&sort=-created"
    page = gated.get(accept_url(version))
    response = gated.post(accept_url(version), {"shown": token_from(page), "confirm": "on", "next": target})
    assert response.status_code == 302
    assert response["Location"] == f"{receipt_url(version)}?next=/incidents/report/mine/%3Fpage%3D2%26sort%3D-created"
    receipt = gated.get(response["Location"]).content.decode()
    assert 'href="/incidents/report/mine/?page=2&amp;sort=-created"' in receipt


def test_acceptance_evidence_keeps_the_address_the_proxy_saw(gated, officer, version, settings):
    settings.USE_X_FORWARDED_FOR = True
    page = gated.get(accept_url(version))
    gated.post(
        accept_url(version),
        {"shown": token_from(page), "confirm": "on"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, not-an-ip, 192.0.2.44",
    )
    assert Acknowledgement.objects.get(user=officer, version=version).ip_address == "192.0.2.44"
