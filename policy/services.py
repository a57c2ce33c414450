"""Writes for policies: saving drafts, publishing, accepting, and the daily reminders.

Each write is one transaction that also writes its record: the audit log entry (with the actor)
for drafts and publication, the acknowledgement itself for an acceptance, a reminder row for
each reminder. Email is written to the outbox with it and sent after commit (portal.outbox).
"""

import datetime
import itertools
import logging
from dataclasses import dataclass

from auditlog.context import set_actor
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from policy import permissions, selectors, text
from policy.models import Acknowledgement, Policy, PolicyReminder, PolicyVersion
from portal import outbox
from portal.errors import DomainError
from portal.formats import local_date
from portal.models import User
from portal.services import notify

logger = logging.getLogger(__name__)


class PolicyError(DomainError):
    """A rule of the domain said no; the message is written for the person who tried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(PolicyError):
    pass


class VersionNotPublishable(PolicyError):
    pass


class VersionNotAcceptable(PolicyError):
    pass


# --- Drafting and publishing (Portal admins, in the admin) ------------------------------------
@transaction.atomic
def policy_version_draft_save(*, actor: User, version: PolicyVersion) -> PolicyVersion:
    """Save a draft version as edited in the admin. Published versions refuse (see the model)."""
    if not permissions.can_publish(actor):
        raise NotAllowed("Only Portal admins write policy versions.")
    version.full_clean()
    with set_actor(actor):
        version.save()
    return version


@transaction.atomic
def policy_version_draft_next(*, actor: User, source: PolicyVersion) -> PolicyVersion:
    """Start the policy's next version as a draft, from `source`'s text: how a fix begins."""
    if not permissions.can_publish(actor):
        raise NotAllowed("Only Portal admins write policy versions.")
    Policy.objects.select_for_update().get(pk=source.policy_id)
    highest = PolicyVersion.objects.filter(policy_id=source.policy_id).aggregate(n=Max("number"))["n"] or 0
    draft = PolicyVersion(
        policy_id=source.policy_id,
        number=highest + 1,
        title=source.title,
        body=source.body,
        summary_of_changes="",
        effective_date=max(timezone.localdate(), source.effective_date),
        requires_acceptance=True,
        grace_days=source.grace_days,
    )
    draft.full_clean()
    with set_actor(actor):
        draft.save()
    return draft


@transaction.atomic
def policy_version_publish(*, actor: User, version: PolicyVersion, previewed_hash: str | None = None) -> PolicyVersion:
    """Publish a draft: render and fix its text, hash it, and record who published it and when.

    `previewed_hash` is the hash the admin saw on the preview page; if the draft changed since,
    publishing stops so nobody publishes text they have not read.
    """
    if not permissions.can_publish(actor):
        raise NotAllowed("Only Portal admins publish policy versions.")
    # One publication at a time per policy, so version numbers and dates stay in order.
    Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise VersionNotPublishable(f"Version {version.number} is already published. A fix needs a new version.")
    latest = selectors.published_versions(policy=version.policy).first()
    if latest is None and not version.requires_acceptance:
        raise VersionNotPublishable("The first version of a policy must be accepted by everyone it covers.")
    if latest is not None and version.number <= latest.number:
        raise VersionNotPublishable(f"Version {latest.number} is already published: number this one higher.")
    if latest is not None and version.effective_date < latest.effective_date:
        raise VersionNotPublishable(
            f"Version {latest.number} takes effect on {local_date(latest.effective_date)}: "
            "this version cannot take effect before it."
        )
    html = text.render_markdown(version.body)
    if not html:
        raise VersionNotPublishable("The version has no text to publish.")
    digest = text.content_hash(html)
    if previewed_hash is not None and previewed_hash != digest:
        raise VersionNotPublishable("The text has changed since your preview. Preview it again before publishing.")
    version.body_html = html
    version.content_hash = digest
    version.published_at = timezone.now()
    version.published_by = actor
    version.full_clean()
    with set_actor(actor):
        version.save(update_fields=["body_html", "content_hash", "published_at", "published_by"])
    logger.info("policy %s version %s published by %s", version.policy.slug, version.number, actor.pk)
    return version


# --- Accepting ---------------------------------------------------------------------------------
def policy_accept(
    *,
    actor: User,
    version: PolicyVersion,
    shown_at: datetime.datetime,
    content_hash: str,
    ip_address: str | None = None,
    user_agent: str = "",
    witnessed_by: User | None = None,
) -> Acknowledgement:
    """Record that `actor` read and accepted `version`, shown to them at `shown_at`.

    Idempotent: a second call for the same person and version (double click, two tabs, a retry,
    or two requests at the same instant) returns the first acknowledgement and records nothing.
    A version superseded while the person was reading it is recorded as what they read; the gate
    then asks for the new one. `witnessed_by`: the Tech Bar staff member, when the text was shown
    and accepted at a counter (recorded as accepted at the counter).

    One transaction, the insert's (with its chain link): the checks before it only read, and a
    published version never changes, so one already read as published is not read again. An
    acceptance already recorded is not read first: the insert meets it (the unique constraint on
    person and version), so the usual acceptance costs one read less; a check that refuses asks
    for it first, so a repeat is answered as before whatever the checks say now.
    """
    if not version.is_published:
        version = PolicyVersion.objects.select_related("policy").get(pk=version.pk)
    refusal = _acceptance_refusal(version=version, shown_at=shown_at, content_hash=content_hash)
    if refusal is not None:
        existing = Acknowledgement.objects.filter(user=actor, version=version).first()
        if existing is not None:
            return existing
        raise VersionNotAcceptable(refusal)
    try:
        # The write's transaction (a savepoint inside a caller's): when this person's acceptance
        # is already there (a double click, two tabs, a retry, a concurrent request that won the
        # race), this insert alone is undone and the first one returned.
        with transaction.atomic():
            return Acknowledgement.objects.create(
                user=actor,
                version=version,
                content_hash=content_hash,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:500],
                witnessed_by=witnessed_by,
            )
    except IntegrityError:
        return Acknowledgement.objects.get(user=actor, version=version)


def _acceptance_refusal(*, version: PolicyVersion, shown_at: datetime.datetime, content_hash: str) -> str | None:
    """Why `version`, shown at `shown_at` with this hash, cannot be accepted; None when it can."""
    if not version.is_published:
        return "This version of the policy has not been published."
    if content_hash != version.content_hash:
        return "The text you were shown does not match this version. Read it again below."
    if shown_at > timezone.now() or not selectors.version_was_current_at(version=version, at=shown_at):
        return f"Version {version.number} is not the version in force. Read the current version below."
    return None


# --- Reminders ---------------------------------------------------------------------------------
@dataclass
class ReminderRun:
    people_reminded: int = 0
    supervisors_reminded: int = 0


@outbox.batched()  # one transaction per person; their emails reach the workers in batches
def policy_reminders_send(*, now: datetime.datetime | None = None) -> ReminderRun:
    """Remind everyone still outstanding after POLICY_REMINDER_AFTER_DAYS, and from
    POLICY_SUPERVISOR_REMINDER_AFTER_DAYS tell their supervisor (one message listing the team).

    Safe to run any number of times a day, on any number of workers: each reminder is a row
    unique per (person, version, kind, day), written in the transaction that sends it. Each
    person is their own transaction, so a re-acceptance wave of tens of thousands never holds
    one long transaction, and a run cut short is finished by the next one.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = ReminderRun()
    for policy in Policy.objects.order_by("pk"):
        versions = selectors.current_and_required(policy=policy, now=now)
        if versions is None:
            continue
        current, required = versions
        reminded_today = PolicyReminder.objects.filter(user=OuterRef("pk"), version=current, sent_on=today)

        person_cutoff = now - datetime.timedelta(days=settings.POLICY_REMINDER_AFTER_DAYS)
        if required.starts_at <= person_cutoff:
            people = selectors.people_outstanding(
                policy=policy, current=current, required=required, joined_by=person_cutoff
            ).exclude(Exists(reminded_today.filter(kind=PolicyReminder.Kind.PERSON)))
            for person in people.order_by("pk").iterator(chunk_size=1000):
                if _remind_person(person=person, current=current, required=required, now=now):
                    run.people_reminded += 1

        supervisor_cutoff = now - datetime.timedelta(days=settings.POLICY_SUPERVISOR_REMINDER_AFTER_DAYS)
        if required.starts_at <= supervisor_cutoff:
            people = (
                selectors.people_outstanding(
                    policy=policy, current=current, required=required, joined_by=supervisor_cutoff
                )
                .filter(supervisor__is_active=True)
                .exclude(Exists(reminded_today.filter(kind=PolicyReminder.Kind.SUPERVISOR)))
                .select_related("supervisor")
                .order_by("supervisor_id", "last_name", "first_name", "pk")
            )
            for _, team in itertools.groupby(people.iterator(chunk_size=1000), key=lambda p: p.supervisor_id):
                if _remind_supervisor(team=list(team), current=current, today=today):
                    run.supervisors_reminded += 1
    logger.info("policy reminders: %s people, %s supervisors", run.people_reminded, run.supervisors_reminded)
    return run


@transaction.atomic
def _remind_person(*, person: User, current: PolicyVersion, required: PolicyVersion, now: datetime.datetime) -> bool:
    _, created = PolicyReminder.objects.get_or_create(
        user=person,
        version=current,
        kind=PolicyReminder.Kind.PERSON,
        sent_on=timezone.localdate(now),
        defaults={"recipient": person},
    )
    if created:
        due_at = max(required.starts_at, person.date_joined) + required.grace_period
        context = {"person": person, "version": current, "due_at": due_at, "overdue": due_at <= now}
        notify(
            recipient=person,
            subject=f"Please read and accept the {current.policy.name} (version {current.number})",
            body=render_to_string("policy/email/reminder_person.txt", context).strip(),
            url=reverse("policy:accept", kwargs={"slug": current.policy.slug}),
        )
    return created


@transaction.atomic
def _remind_supervisor(*, team: list[User], current: PolicyVersion, today: datetime.date) -> bool:
    supervisor = team[0].supervisor
    newly = []
    for member in team:
        _, created = PolicyReminder.objects.get_or_create(
            user=member,
            version=current,
            kind=PolicyReminder.Kind.SUPERVISOR,
            sent_on=today,
            defaults={"recipient": supervisor},
        )
        if created:
            newly.append(member)
    if newly:
        notify(
            recipient=supervisor,
            subject=f"{len(newly)} of your team have not accepted the {current.policy.name}",
            body=render_to_string(
                "policy/email/reminder_supervisor.txt", {"supervisor": supervisor, "team": newly, "version": current}
            ).strip(),
            url=reverse("policy:compliance", kwargs={"slug": current.policy.slug}),
        )
    return bool(newly)
