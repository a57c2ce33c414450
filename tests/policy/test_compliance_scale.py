"""The compliance aggregates' one-pass forms give the same figures as the per-person
annotation, and the compliance pages cache them for DASHBOARD_CACHE_SECONDS."""

import datetime

import pytest
from django.urls import reverse

from policy import selectors
from policy.models import Acknowledgement, ComplianceStatus
from portal.models import Role
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def mixed(portal_admin):
    """v1, v2 (needs acceptance again), v3 (does not): people at every stage in three units."""
    v1 = published_version(by=portal_admin)
    v2 = published_version(policy=v1.policy, number=2, by=portal_admin)
    v3 = published_version(policy=v1.policy, number=3, requires_acceptance=False, by=portal_admin)
    people = [UserFactory(command_unit=unit) for unit in ("North", "South", "East") for _ in range(4)]
    for person, versions in zip(people, [(v1,), (v2,), (v3,), (v1, v2), (v2, v3), (v1, v3), ()] * 2, strict=False):
        for version in versions:  # recorded directly: the service accepts only the version in force
            Acknowledgement.objects.create(user=person, version=version, content_hash=version.content_hash)
    return {"v1": v1, "v2": v2, "v3": v3, "people": people}


def test_the_unit_summary_counts_what_the_table_shows(mixed, data_office):
    compliance = selectors.policy_compliance(viewer=data_office, policy=mixed["v1"].policy)
    assert compliance.required == mixed["v2"] and compliance.current == mixed["v3"]
    expected: dict[str, dict[str, int]] = {}
    for person in compliance.people:
        unit = expected.setdefault(person.command_unit or "(none recorded)", dict.fromkeys(ComplianceStatus, 0))
        unit[person.status] += 1
        unit["ok"] = unit.get("ok", 0) + int(person.up_to_date)
    units = selectors.compliance_by_command_unit(compliance=compliance)
    got = {
        u.command_unit: {
            ComplianceStatus.ACCEPTED_CURRENT: u.accepted_current,
            ComplianceStatus.ACCEPTED_OLDER: u.accepted_older,
            ComplianceStatus.NEVER: u.never,
            "ok": u.up_to_date,
        }
        for u in units
    }
    assert got == {name: {**c, "ok": c.get("ok", 0)} for name, c in expected.items()}
    assert sum(u.people for u in units) == compliance.people.count()
    assert any(u.accepted_older for u in units) and any(u.never for u in units)


def test_the_chart_counts_each_person_once_from_their_first_acceptance_in_range(data_office, portal_admin):
    v1 = published_version(by=portal_admin)
    v2 = published_version(policy=v1.policy, number=2, requires_acceptance=False, by=portal_admin)
    start = v1.starts_at
    twice, tied = UserFactory(), UserFactory()
    for person, version, at in [
        (twice, v1, start + 1 * HOUR),
        (twice, v2, start + 50 * HOUR),  # a later version: still up to date from day one, counted once
        (tied, v1, start + 30 * HOUR),
        (tied, v2, start + 30 * HOUR),  # the same instant twice: counted once
    ]:
        Acknowledgement.objects.create(user=person, version=version, content_hash=version.content_hash, accepted_at=at)
    compliance = selectors.policy_compliance(viewer=data_office, policy=v1.policy)
    points = selectors.compliance_over_time(compliance=compliance, people=3, now=start + 72 * HOUR)
    by_day = {p.day: p.up_to_date for p in points}
    first = points[0].day
    assert [by_day[first + datetime.timedelta(days=n)] for n in range(4)][-1] == 2
    assert by_day[first] == 1


def test_a_supervisors_team_has_its_own_summary(mixed, data_office):
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR])
    member = mixed["people"][0]
    member.supervisor = sergeant
    member.save()
    mine = selectors.policy_compliance(viewer=sergeant, policy=mixed["v1"].policy)
    everyone = selectors.policy_compliance(viewer=data_office, policy=mixed["v1"].policy)
    team = selectors.compliance_by_command_unit_cached(compliance=mine, viewer=sergeant)
    force = selectors.compliance_by_command_unit_cached(compliance=everyone, viewer=data_office)
    assert sum(u.people for u in team) == 1
    assert sum(u.people for u in force) == everyone.people.count() > 1


def test_the_compliance_page_serves_its_summary_from_the_cache(
    client, mixed, data_office, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 30
    client.force_login(data_office)
    url = reverse("policy:compliance", kwargs={"slug": mixed["v1"].policy.slug})
    first = client.get(url)
    assert first.status_code == 200
    late = UserFactory(command_unit="North")
    accept(late, mixed["v3"])  # within the cache's lifetime: the table shows it, the summary not yet
    # The summary, its chart and the filter's units read in one cache query (was three: 10 queries).
    with django_assert_max_num_queries(8):
        again = client.get(url, {"q": late.payroll_number})
    assert again.status_code == 200
    assert again.context["total"] == first.context["total"]
    assert [row.record.pk for row in again.context["table"].page.object_list] == [late.pk]
    settings.DASHBOARD_CACHE_SECONDS = 0
    fresh = client.get(url)
    assert fresh.context["total"].people == first.context["total"].people + 1


def test_the_compliance_page_reads_what_it_keeps_in_one_round_trip(client, mixed, data_office, settings, monkeypatch):
    """The summary, the chart's points and the filter's units are each kept a while: a page reads
    them in one round trip to the cache (one query with the database cache), not one each; the
    points follow the summary's number of people."""
    from portal import tables

    settings.DASHBOARD_CACHE_SECONDS = 30
    client.force_login(data_office)
    url = reverse("policy:compliance", kwargs={"slug": mixed["v1"].policy.slug})
    first = client.get(url)
    reads = []
    kept = tables.cache

    class Counting:
        def __getattr__(self, name):
            if name in ("get", "get_many"):
                reads.append(name)
            return getattr(kept, name)

    monkeypatch.setattr(tables, "cache", Counting())
    again = client.get(url, {"command_unit": "North"})
    assert again.status_code == 200
    assert reads == ["get_many"]
    assert again.context["points"] == first.context["points"]
    assert {p.people for p in again.context["points"]} == {again.context["total"].people}


def test_the_compliance_page_renders_its_summary_once_while_the_figures_stand(
    client, mixed, data_office, settings, monkeypatch
):
    """The share up to date, the table by command unit and the chart are rendered once for the
    figures kept, and the next page shows the same HTML without building the chart again; once
    the figures change, the summary is rendered again from them (never one rendered from others)."""
    from policy import charts

    settings.DASHBOARD_CACHE_SECONDS = 30
    client.force_login(data_office)
    url = reverse("policy:compliance", kwargs={"slug": mixed["v1"].policy.slug})
    built = []
    chart = charts.acceptance_chart

    def counting(*args, **kwargs):
        built.append(args)
        return chart(*args, **kwargs)

    monkeypatch.setattr(charts, "acceptance_chart", counting)
    first = client.get(url)
    again = client.get(url, {"page": 1})
    assert first.status_code == again.status_code == 200
    assert len(built) == 1, "the second page shows the summary as kept"
    summary = str(first.context["summary"])
    assert "Acceptance by command unit" in summary and "<svg" in summary
    assert str(again.context["summary"]) == summary
    assert summary in again.content.decode(), "shown as HTML, not escaped"
    for unit in first.context["units"]:
        assert f'<th scope="row" class="govuk-table__header">{unit.command_unit}</th>' in summary

    settings.DASHBOARD_CACHE_SECONDS = 0  # nothing kept: the figures are worked out afresh
    accept(UserFactory(command_unit="West"), mixed["v3"])
    fresh = client.get(url)
    assert len(built) == 2
    assert ">West</th>" in str(fresh.context["summary"]) and ">West</th>" not in summary


def test_a_kept_summary_is_shown_only_with_the_figures_it_was_rendered_from(client, mixed, data_office, settings):
    """The figures and the summary are kept under keys of their own: a summary kept for other
    figures (the figures worked out again since) is rendered again, not shown."""
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 30
    client.force_login(data_office)
    url = reverse("policy:compliance", kwargs={"slug": mixed["v1"].policy.slug})
    first = client.get(url)
    compliance = selectors.policy_compliance(viewer=data_office, policy=mixed["v1"].policy)
    kept = selectors.compliance_summary_kept(compliance=compliance, viewer=data_office)
    units, points, html = cache.get(kept.key)
    assert units == first.context["units"] and html == str(first.context["summary"])
    cache.set(kept.key, (units[:1], points, "<p>stale</p>"), 30)  # kept for other figures
    again = client.get(url)
    assert "<p>stale</p>" not in again.content.decode()
    assert str(again.context["summary"]) == html
