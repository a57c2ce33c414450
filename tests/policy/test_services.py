"""Publishing, accepting and reminding, through the services that do them."""

import datetime
import hashlib
import threading

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from policy import selectors, services
from policy.models import Acknowledgement, Policy, PolicyReminder, PolicyVersion
from portal.formats import local_date
from portal.models import Notification, Role
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, PolicyVersionFactory, accept, published_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_delivered_at_once")]
DAY = datetime.timedelta(days=1)
REMINDER_HOUR = datetime.time(8, 0)


# --- Publishing --------------------------------------------------------------------------------
def test_a_portal_admin_publishes_rendered_sanitised_hashed_text(portal_admin):
    draft = PolicyVersionFactory(body="## Use\n\nBe <script>alert(1)</script>**careful**.")
    version = services.policy_version_publish(actor=portal_admin, version=draft)
    version.refresh_from_db()
    assert version.published_by == portal_admin
    assert version.published_at is not None
    assert "<script>" not in version.body_html
    assert '<h2 class="govuk-heading-m">Use</h2>' in version.body_html
    assert "<strong>careful</strong>" in version.body_html
    assert version.content_hash == hashlib.sha256(version.body_html.encode()).hexdigest()


def test_publishing_is_audited_with_the_publisher(portal_admin):
    version = services.policy_version_publish(actor=portal_admin, version=PolicyVersionFactory())
    entry = LogEntry.objects.get_for_object(version).order_by("-timestamp").first()
    assert entry.actor == portal_admin
    assert "published_at" in entry.changes_dict


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.TECH_BAR, Role.DATA_OFFICE])
def test_only_portal_admins_publish(role):
    draft = PolicyVersionFactory()
    with pytest.raises(services.NotAllowed):
        services.policy_version_publish(actor=UserFactory(roles=[role], is_staff=True), version=draft)
    assert not PolicyVersion.objects.get(pk=draft.pk).is_published


def test_a_version_is_published_once(portal_admin):
    version = published_version(by=portal_admin)
    with pytest.raises(services.VersionNotPublishable, match="already published"):
        services.policy_version_publish(actor=portal_admin, version=version)


def test_the_first_version_must_require_acceptance(portal_admin):
    with pytest.raises(services.VersionNotPublishable, match="first version"):
        services.policy_version_publish(actor=portal_admin, version=PolicyVersionFactory(requires_acceptance=False))


def test_version_numbers_and_effective_dates_only_go_forward(portal_admin):
    v2 = published_version(number=2, by=portal_admin)
    lower = PolicyVersionFactory(policy=v2.policy, number=1)
    with pytest.raises(services.VersionNotPublishable, match="number this one higher"):
        services.policy_version_publish(actor=portal_admin, version=lower)
    earlier = PolicyVersionFactory(policy=v2.policy, number=3, effective_date=v2.effective_date - DAY)
    with pytest.raises(services.VersionNotPublishable, match="cannot take effect before"):
        services.policy_version_publish(actor=portal_admin, version=earlier)


def test_publishing_stops_when_the_text_changed_since_the_preview(portal_admin):
    draft = PolicyVersionFactory()
    with pytest.raises(services.VersionNotPublishable, match="changed since your preview"):
        services.policy_version_publish(actor=portal_admin, version=draft, previewed_hash="0" * 64)
    assert not PolicyVersion.objects.get(pk=draft.pk).is_published


def test_a_version_with_no_text_is_not_published(portal_admin):
    with pytest.raises(services.VersionNotPublishable, match="no text"):
        services.policy_version_publish(actor=portal_admin, version=PolicyVersionFactory(body="   "))


def test_a_fix_starts_as_the_next_draft_from_the_published_text(portal_admin):
    v1 = published_version(by=portal_admin)
    draft = services.policy_version_draft_next(actor=portal_admin, source=v1)
    assert (draft.number, draft.body, draft.is_published) == (2, v1.body, False)
    assert draft.requires_acceptance


# --- Accepting ---------------------------------------------------------------------------------
def test_accepting_records_who_what_when_and_from_where(officer):
    version = published_version()
    ack = services.policy_accept(
        actor=officer,
        version=version,
        shown_at=timezone.now(),
        content_hash=version.content_hash,
        ip_address="10.1.2.3",
        user_agent="Mozilla/5.0 (iPhone)",
    )
    assert (ack.user, ack.version, ack.content_hash) == (officer, version, version.content_hash)
    assert (ack.ip_address, ack.user_agent) == ("10.1.2.3", "Mozilla/5.0 (iPhone)")
    assert selectors.has_accepted_current(officer)


def test_accepting_twice_records_one_acknowledgement_and_returns_it_again(officer):
    version = published_version()
    first = accept(officer, version)
    second = accept(officer, version, at=timezone.now())
    assert first.pk == second.pk
    assert first.accepted_at == second.accepted_at
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1


def test_a_draft_cannot_be_accepted(officer):
    draft = PolicyVersionFactory()
    with pytest.raises(services.VersionNotAcceptable, match="not been published"):
        services.policy_accept(actor=officer, version=draft, shown_at=timezone.now(), content_hash="")
    assert not Acknowledgement.objects.exists()


def test_a_hash_that_is_not_the_versions_is_refused(officer):
    version = published_version()
    with pytest.raises(services.VersionNotAcceptable, match="does not match"):
        services.policy_accept(actor=officer, version=version, shown_at=timezone.now(), content_hash="f" * 64)
    assert not Acknowledgement.objects.exists()


def test_a_version_that_is_not_current_when_shown_is_refused(officer, portal_admin):
    v1 = published_version(by=portal_admin)
    published_version(policy=v1.policy, number=2, by=portal_admin)
    with pytest.raises(services.VersionNotAcceptable, match="not the version in force"):
        accept(officer, v1, at=timezone.now())
    assert not Acknowledgement.objects.exists()


def test_a_version_not_yet_in_effect_is_refused(officer):
    future = published_version(effective_date=timezone.localdate() + 3 * DAY)
    with pytest.raises(services.VersionNotAcceptable):
        accept(officer, future)
    assert not Acknowledgement.objects.exists()


def test_a_version_superseded_while_open_is_recorded_as_read_and_the_new_one_is_then_due(officer, portal_admin):
    v1 = published_version(by=portal_admin)
    opened_at = timezone.now()
    v2 = published_version(policy=v1.policy, number=2, by=portal_admin)  # published while the page was open
    ack = accept(officer, v1, at=opened_at)
    assert ack.version == v1
    assert selectors.policy_version_due(user=officer) == v2
    assert not selectors.has_accepted_current(officer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_record_one_row(monkeypatch):
    """Both requests get past the "already accepted?" check before either inserts: the unique
    constraint decides, and the loser returns the winner's acknowledgement."""
    person = UserFactory()
    version = published_version()
    both_checked = threading.Barrier(2, timeout=10)
    real_check = selectors.version_was_current_at

    def check_then_wait(**kwargs):
        result = real_check(**kwargs)
        both_checked.wait()
        return result

    monkeypatch.setattr(selectors, "version_was_current_at", check_then_wait)
    results, errors = [], []

    def request():
        try:
            results.append(accept(person, version).pk)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not errors, errors
    assert len(results) == 2 and len(set(results)) == 1
    assert Acknowledgement.objects.filter(user=person, version=version).count() == 1


# --- Reminders ---------------------------------------------------------------------------------
@pytest.fixture
def reminder_settings(settings):
    settings.POLICY_REMINDER_AFTER_DAYS = 3
    settings.POLICY_SUPERVISOR_REMINDER_AFTER_DAYS = 10
    settings.POLICY_GRACE_PERIOD_DAYS = 7
    return settings


@pytest.fixture
def team(reminder_settings):
    """A sergeant and two constables who joined long before the policy."""
    long_ago = timezone.now() - datetime.timedelta(days=400)
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], date_joined=long_ago)
    pc1 = UserFactory(supervisor=sergeant, date_joined=long_ago, last_name="Able")
    pc2 = UserFactory(supervisor=sergeant, date_joined=long_ago, last_name="Baker")
    return sergeant, pc1, pc2


def _run(now, capture):
    with capture(execute=True):
        return services.policy_reminders_send(now=now)


def test_no_reminder_before_n_days(team, django_capture_on_commit_callbacks, mailoutbox):
    version = published_version()
    run = _run(version.starts_at + 3 * DAY - datetime.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert run.people_reminded == 0
    assert not PolicyReminder.objects.exists()
    assert mailoutbox == []


def test_people_outstanding_after_n_days_are_reminded_once_a_day(team, django_capture_on_commit_callbacks, mailoutbox):
    sergeant, pc1, pc2 = team
    version = published_version()
    accept(pc2, version)
    # 08:00 local on day 3, the reminder hour; the fixed test clock keeps "later that day" on the same date.
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(version.starts_at) + 4 * DAY, REMINDER_HOUR))

    first = _run(now, django_capture_on_commit_callbacks)
    reminded = set(PolicyReminder.objects.filter(kind=PolicyReminder.Kind.PERSON).values_list("user", flat=True))
    assert pc1.pk in reminded and sergeant.pk in reminded
    assert pc2.pk not in reminded  # accepted
    assert first.supervisors_reminded == 0  # not yet M days
    to_pc1 = [m for m in mailoutbox if m.to == [pc1.email]]
    assert len(to_pc1) == 1
    assert "version 1" in to_pc1[0].subject
    assert f"/policy/{version.policy.slug}/accept/" in to_pc1[0].body
    assert Notification.objects.filter(recipient=pc1).count() == 1

    # The same day, however often it runs: nothing more.
    sent, rows = len(mailoutbox), PolicyReminder.objects.count()
    second = _run(now + datetime.timedelta(hours=5), django_capture_on_commit_callbacks)
    assert second.people_reminded == 0
    assert (len(mailoutbox), PolicyReminder.objects.count()) == (sent, rows)
    assert Notification.objects.filter(recipient=pc1).count() == 1

    # The next day: one more reminder each.
    third = _run(now + DAY, django_capture_on_commit_callbacks)
    assert third.people_reminded == first.people_reminded
    assert PolicyReminder.objects.filter(user=pc1, kind=PolicyReminder.Kind.PERSON).count() == 2


@pytest.mark.parametrize(
    "late_evening",
    [
        datetime.datetime(2026, 11, 30, 23, 30),  # an ordinary midnight (GMT), also the month's end
        datetime.datetime(2026, 12, 31, 23, 45),  # the year's end
        datetime.datetime(2026, 7, 31, 23, 30),  # a month's end in BST: 22:30 UTC is still the 31st here
    ],
    ids=["midnight", "year_end", "month_end_in_bst"],
)
def test_reminder_days_turn_at_local_midnight_month_and_year_end(
    team, late_evening, django_capture_on_commit_callbacks, mailoutbox
):
    """A run late in the evening and one just after local midnight are two days: one reminder each."""
    _, pc1, _ = team
    before_midnight = timezone.make_aware(late_evening)
    with time_machine.travel(before_midnight - 30 * DAY, tick=False):
        version = published_version()

    _run(before_midnight, django_capture_on_commit_callbacks)
    _run(before_midnight + datetime.timedelta(minutes=31), django_capture_on_commit_callbacks)

    days = PolicyReminder.objects.filter(user=pc1, kind=PolicyReminder.Kind.PERSON).values_list("sent_on", flat=True)
    assert sorted(days) == [late_evening.date(), late_evening.date() + DAY]
    assert version.number == 1


def test_reminder_day_is_the_local_date_on_the_night_clocks_go_back(team, django_capture_on_commit_callbacks):
    """01:30 BST and 01:30 GMT on 25 October 2026 are one local day: one reminder, not two."""
    _, pc1, _ = team
    first_0130 = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)  # 01:30 BST
    second_0130 = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)  # 01:30 GMT
    with time_machine.travel(first_0130 - 30 * DAY, tick=False):
        published_version()

    _run(first_0130, django_capture_on_commit_callbacks)
    _run(second_0130, django_capture_on_commit_callbacks)

    days = list(
        PolicyReminder.objects.filter(user=pc1, kind=PolicyReminder.Kind.PERSON).values_list("sent_on", flat=True)
    )
    assert days == [datetime.date(2026, 10, 25)]


def test_supervisors_get_one_message_about_their_team_after_m_days(
    team, django_capture_on_commit_callbacks, mailoutbox
):
    sergeant, pc1, pc2 = team
    version = published_version()
    now = version.starts_at + 10 * DAY + datetime.timedelta(hours=1)

    run = _run(now, django_capture_on_commit_callbacks)
    assert run.supervisors_reminded == 1
    to_sergeant = [m for m in mailoutbox if m.to == [sergeant.email] and "of your team" in m.subject]
    assert len(to_sergeant) == 1
    assert to_sergeant[0].subject.startswith("[Kitbag] 2 of your team")
    assert pc1.payroll_number in to_sergeant[0].body and pc2.payroll_number in to_sergeant[0].body
    rows = PolicyReminder.objects.filter(kind=PolicyReminder.Kind.SUPERVISOR)
    assert set(rows.values_list("user", "recipient")) == {(pc1.pk, sergeant.pk), (pc2.pk, sergeant.pk)}

    again = _run(now + datetime.timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert again.supervisors_reminded == 0
    assert len([m for m in mailoutbox if "of your team" in m.subject]) == 1


def test_the_person_reminder_says_when_they_will_be_asked(team, django_capture_on_commit_callbacks, mailoutbox):
    _, pc1, _ = team
    version = published_version()  # grace 7 days from the settings fixture
    _run(version.starts_at + 3 * DAY + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)
    body = next(m.body for m in mailoutbox if m.to == [pc1.email])
    due = timezone.localtime(version.starts_at + 7 * DAY)
    assert f"Please accept it by {local_date(due.date())} " in body  # then the time, as everywhere


def test_people_who_joined_recently_or_are_not_covered_are_not_reminded(
    reminder_settings, django_capture_on_commit_callbacks
):
    policy = PolicyFactory(audience=Policy.Audience.ROLES)
    policy.roles.add(Group.objects.get(name=Role.SUPERVISOR))
    version = published_version(policy=policy)
    now = version.starts_at + 20 * DAY
    newcomer = UserFactory(roles=[Role.SUPERVISOR], date_joined=now - DAY)
    not_covered = UserFactory(roles=[Role.OFFICER], date_joined=now - 100 * DAY)
    covered = UserFactory(roles=[Role.SUPERVISOR], date_joined=now - 100 * DAY)
    _run(now, django_capture_on_commit_callbacks)
    reminded = set(PolicyReminder.objects.values_list("user", flat=True))
    assert covered.pk in reminded
    assert newcomer.pk not in reminded
    assert not_covered.pk not in reminded


def test_a_minor_version_does_not_remind_people_who_accepted_the_one_before(
    team, django_capture_on_commit_callbacks, portal_admin
):
    _, pc1, pc2 = team
    v1 = published_version(by=portal_admin)
    accept(pc1, v1)
    published_version(policy=v1.policy, number=2, requires_acceptance=False, by=portal_admin)
    _run(timezone.now() + 30 * DAY, django_capture_on_commit_callbacks)
    reminded = set(PolicyReminder.objects.values_list("user", flat=True))
    assert pc1.pk not in reminded
    assert pc2.pk in reminded


def test_deactivated_people_are_not_reminded(team, django_capture_on_commit_callbacks):
    _, pc1, _ = team
    pc1.is_active = False
    pc1.save(update_fields=["is_active"])
    version = published_version()
    _run(version.starts_at + 30 * DAY, django_capture_on_commit_callbacks)
    assert not PolicyReminder.objects.filter(user=pc1).exists()
