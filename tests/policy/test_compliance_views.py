"""Compliance (filters, export, scope, query count) and the admin's preview-and-publish."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policy import selectors
from policy.models import Acknowledgement, ComplianceStatus, PolicyVersion
from portal.models import Role, User
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, PolicyVersionFactory, accept, published_version
from tests.policy.pages import accept_url, is_sent_to_accept, receipt_url, token_from

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


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


def test_the_forces_command_units_are_read_once_a_minute_not_on_every_page(client, data_office, version):
    """The filter's units for everyone are a DISTINCT over the whole force: kept (FILTER_CHOICES_CACHE_SECONDS)."""
    UserFactory(command_unit="North")
    client.force_login(data_office)
    url = compliance_url(version.policy)
    assert 'value="North"' in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        page = client.get(url).content.decode()
    assert 'value="North"' in page
    assert not [q for q in again.captured_queries if 'DISTINCT "portal_user"."command_unit"' in q["sql"]]


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
