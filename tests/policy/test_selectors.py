"""Who must accept what and by when, the Tech Bar's check, and compliance figures."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from policy import selectors
from policy.models import Acknowledgement, ComplianceStatus, Policy
from portal.models import Role
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, accept, published_version

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def long_serving():
    """Someone who joined long before any policy version (so grace runs from the version)."""
    return UserFactory(date_joined=timezone.now() - 400 * DAY)


# --- has_accepted_current: the Tech Bar's question ---------------------------------------------
def test_nothing_to_accept_means_up_to_date(long_serving):
    assert selectors.has_accepted_current(long_serving)


def test_has_accepted_current_follows_acceptance(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    assert not selectors.has_accepted_current(long_serving)
    accept(long_serving, v1)
    assert selectors.has_accepted_current(long_serving)


def test_has_accepted_current_is_false_during_the_grace_period_too(long_serving, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 30
    published_version()
    assert selectors.policy_version_due(user=long_serving) is None  # not gated yet...
    assert not selectors.has_accepted_current(long_serving)  # ...but no kit until accepted


def test_has_accepted_current_is_false_for_anonymous_and_deactivated_people(long_serving):
    assert not selectors.has_accepted_current(AnonymousUser())
    long_serving.is_active = False
    assert not selectors.has_accepted_current(long_serving)


def test_a_new_version_needing_acceptance_needs_acceptance_again(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    accept(long_serving, v1)
    v2 = published_version(policy=v1.policy, number=2, requires_acceptance=True, by=portal_admin)
    assert not selectors.has_accepted_current(long_serving)
    assert selectors.policy_version_due(user=long_serving) == v2


def test_a_minor_version_does_not_need_acceptance_again(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    accept(long_serving, v1)
    published_version(policy=v1.policy, number=2, requires_acceptance=False, by=portal_admin)
    assert selectors.has_accepted_current(long_serving)
    assert selectors.policy_version_due(user=long_serving) is None
    [state] = selectors.policy_states_for(user=long_serving)
    assert (state.current.number, state.required.number) == (2, 1)
    assert state.up_to_date and not state.accepted_current
    assert state.status == ComplianceStatus.ACCEPTED_OLDER


def test_after_a_minor_version_someone_who_never_accepted_accepts_the_current_one(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    v2 = published_version(policy=v1.policy, number=2, requires_acceptance=False, by=portal_admin)
    assert selectors.policy_version_due(user=long_serving) == v2
    accept(long_serving, v2)
    assert selectors.has_accepted_current(long_serving)


def test_a_version_not_yet_in_effect_is_not_current(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    accept(long_serving, v1)
    published_version(policy=v1.policy, number=2, effective_date=timezone.localdate() + 5 * DAY, by=portal_admin)
    assert selectors.has_accepted_current(long_serving)
    later = timezone.now() + 6 * DAY
    assert selectors.policy_version_due(user=long_serving, now=later).number == 2


def test_people_whose_role_a_policy_does_not_cover_are_never_asked(long_serving):
    policy = PolicyFactory(audience=Policy.Audience.ROLES)
    policy.roles.add(Group.objects.get(name=Role.TECH_BAR))
    published_version(policy=policy)
    assert selectors.policy_states_for(user=long_serving) == []
    assert selectors.policy_version_due(user=long_serving) is None
    assert selectors.has_accepted_current(long_serving)
    counter = UserFactory(roles=[Role.TECH_BAR], date_joined=long_serving.date_joined)
    assert selectors.policy_version_due(user=counter).policy == policy


# --- The grace period --------------------------------------------------------------------------
def test_grace_period_from_settings(long_serving, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 7
    version = published_version()
    assert selectors.policy_version_due(user=long_serving, now=version.starts_at + 7 * DAY - DAY / 24) is None
    assert selectors.policy_version_due(user=long_serving, now=version.starts_at + 7 * DAY) == version


def test_a_versions_own_grace_period_wins_over_the_setting(long_serving, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 7
    version = published_version(grace_days=2)
    assert selectors.policy_version_due(user=long_serving, now=version.starts_at + DAY) is None
    assert selectors.policy_version_due(user=long_serving, now=version.starts_at + 2 * DAY) == version
    no_grace = published_version(grace_days=0)
    assert selectors.policy_version_due(user=long_serving, now=no_grace.starts_at) in {version, no_grace}


def test_a_newcomers_grace_period_runs_from_when_they_joined(settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 3
    version = published_version()
    joined = version.starts_at + 10 * DAY
    newcomer = UserFactory(date_joined=joined)
    assert selectors.policy_version_due(user=newcomer, now=joined + DAY) is None
    assert selectors.policy_version_due(user=newcomer, now=joined + 3 * DAY) == version
    [state] = selectors.policies_to_accept(user=newcomer, now=joined)
    assert state.due_at == joined + 3 * DAY


def test_changes_since_accepted_lists_each_later_version(long_serving, portal_admin):
    v1 = published_version(by=portal_admin)
    accept(long_serving, v1)
    published_version(policy=v1.policy, number=2, summary_of_changes="Two", by=portal_admin)
    published_version(policy=v1.policy, number=3, summary_of_changes="Three", by=portal_admin)
    [state] = selectors.policy_states_for(user=long_serving)
    assert [v.summary_of_changes for v in state.changes_since_accepted()] == ["Two", "Three"]


# --- Compliance --------------------------------------------------------------------------------
@pytest.fixture
def force(portal_admin):
    """v1 then v2 (acceptance required again); people in two command units, one sergeant's team."""
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], command_unit="North")
    current = UserFactory(command_unit="North", supervisor=sergeant)
    older = UserFactory(command_unit="North", supervisor=sergeant)
    never = UserFactory(command_unit="South")
    v1 = published_version(by=portal_admin)
    accept(older, v1)
    v2 = published_version(policy=v1.policy, number=2, by=portal_admin)
    accept(current, v2)
    return {"v1": v1, "v2": v2, "sergeant": sergeant, "current": current, "older": older, "never": never}


def test_compliance_statuses_are_annotated_in_the_database(force, data_office):
    compliance = selectors.policy_compliance(viewer=data_office, policy=force["v2"].policy)
    rows = {p.pk: p for p in compliance.people}
    assert rows[force["current"].pk].status == ComplianceStatus.ACCEPTED_CURRENT
    assert rows[force["current"].pk].last_accepted_number == 2
    assert rows[force["older"].pk].status == ComplianceStatus.ACCEPTED_OLDER
    assert rows[force["older"].pk].last_accepted_number == 1
    assert not rows[force["older"].pk].up_to_date
    assert rows[force["never"].pk].status == ComplianceStatus.NEVER
    assert rows[force["never"].pk].last_accepted_at is None
    assert compliance.everyone


def test_a_supervisor_sees_their_own_team_only(force):
    compliance = selectors.policy_compliance(viewer=force["sergeant"], policy=force["v2"].policy)
    assert set(compliance.people.values_list("pk", flat=True)) == {force["current"].pk, force["older"].pk}
    assert not compliance.everyone


def test_a_supervisor_with_no_team_sees_nobody(force):
    lonely = UserFactory(roles=[Role.SUPERVISOR])
    assert not selectors.policy_compliance(viewer=lonely, policy=force["v2"].policy).people.exists()


def test_compliance_by_command_unit(force, data_office):
    compliance = selectors.policy_compliance(viewer=data_office, policy=force["v2"].policy)
    units = {u.command_unit: u for u in selectors.compliance_by_command_unit(compliance=compliance)}
    # North: the sergeant, current, older (+ the data office and portal admin fixtures, also North).
    north, south = units["North"], units["South"]
    assert (south.people, south.never, south.percent_up_to_date) == (1, 1, 0)
    assert north.accepted_current == 1 and north.accepted_older == 1
    assert north.never == north.people - 2
    assert north.percent_up_to_date == (100 * 1) // north.people
    total = selectors.compliance_total(list(units.values()))
    assert total.people == north.people + south.people


def test_a_role_limited_policy_counts_only_its_roles(data_office):
    policy = PolicyFactory(audience=Policy.Audience.ROLES)
    policy.roles.add(Group.objects.get(name=Role.DATA_OFFICE))
    published_version(policy=policy)
    UserFactory.create_batch(3)  # officers: not covered
    compliance = selectors.policy_compliance(viewer=data_office, policy=policy)
    assert list(compliance.people) == [data_office]


@time_machine.travel(datetime.datetime(2025, 6, 10, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_compliance_over_time_is_cumulative_from_when_the_version_took_effect(data_office, portal_admin):
    version = published_version(by=portal_admin)
    people = UserFactory.create_batch(4)
    start = version.starts_at
    # History, recorded directly: the service stamps "now".
    history = [
        (people[0], start + datetime.timedelta(minutes=5)),
        (people[1], start + 2 * DAY),
        (people[2], start + 2 * DAY),
    ]
    for person, when in history:
        Acknowledgement.objects.create(
            user=person, version=version, content_hash=version.content_hash, accepted_at=when
        )
    compliance = selectors.policy_compliance(viewer=data_office, policy=version.policy)
    total = compliance.people.count()
    points = selectors.compliance_over_time(compliance=compliance, people=total, now=start + 3 * DAY)
    by_day = {p.day: p.up_to_date for p in points}
    first = timezone.localdate(start)
    assert [by_day[first + n * DAY] for n in range(4)] == [1, 1, 3, 3]
    assert points[-1].percent == (100 * 3) // total


def test_compliance_over_time_samples_long_spans(data_office):
    version = published_version()
    compliance = selectors.policy_compliance(viewer=data_office, policy=version.policy)
    points = selectors.compliance_over_time(compliance=compliance, people=1, now=version.starts_at + 365 * DAY)
    assert len(points) <= 31
    assert points[-1].day == timezone.localdate(version.starts_at + 365 * DAY)
    assert points[0].day >= timezone.localdate(version.starts_at)
