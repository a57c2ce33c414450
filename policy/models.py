"""Policies (the ICT Conditions of Use), their numbered versions, acceptances and reminders.

Published versions and acknowledgements are records: the models refuse to change or delete them,
one by one or in bulk. Workflow (publishing, accepting, reminding) lives in services.py.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portal.audit_chain import ChainedQuerySet, ChainedRecord
from portal.formats import local_datetime


class ComplianceStatus(models.TextChoices):
    """Where a person stands with a policy's current version (annotated by the selectors)."""

    ACCEPTED_CURRENT = "current", "Accepted current version"
    ACCEPTED_OLDER = "older", "Accepted an older version"
    NEVER = "never", "Never accepted"


class Policy(models.Model):
    """A policy people must accept, e.g. the ICT Conditions of Use. Its text lives in versions."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        ROLES = "roles", "Only the roles chosen below"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Part of the policy's web address.")
    audience = models.CharField("applies to", max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    roles = models.ManyToManyField(
        Group,
        blank=True,
        related_name="policies",
        help_text="When the policy applies only to chosen roles: people holding any of these roles.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("policy:accept", kwargs={"slug": self.slug})


class PolicyVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def in_effect(self, *, on: datetime.date):
        """Published versions whose effective date has come: the latest of a policy is its current one."""
        return self.published().filter(effective_date__lte=on)

    # Bulk writes skip save() and delete(); they must not get round the rule that published text is fixed.
    def update(self, **kwargs):
        if self.filter(published_at__isnull=False).exists():
            raise ValidationError("A published policy version is never changed. Publish a new version instead.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise ValidationError("A published policy version is never deleted.")
        return super().delete()


class PolicyVersion(models.Model):
    """One numbered text of a policy. A draft until a Portal admin publishes it; then fixed for good."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the first version, then 2, 3, ...")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The full text, in Markdown. Start headings at ## (level 2).")
    summary_of_changes = models.TextField(
        blank=True, help_text="In plain words, what changed since the last version. Shown before the text."
    )
    effective_date = models.DateField(
        default=timezone.localdate, help_text="The day from which people are asked to accept this version."
    )
    requires_acceptance = models.BooleanField(
        "acceptance required again",
        default=True,
        help_text="Untick for a minor change (typo, contact details): people who accepted an earlier "
        "version are not asked again. The first version of a policy always needs acceptance.",
    )
    grace_days = models.PositiveSmallIntegerField(
        "grace period (days)",
        null=True,
        blank=True,
        help_text="Days people may keep using the portal before they must accept. Empty: the portal's "
        "default (setting POLICY_GRACE_PERIOD_DAYS).",
    )
    body_html = models.TextField(editable=False, blank=True, help_text="The rendered, sanitised text as published.")
    content_hash = models.CharField("SHA-256", max_length=64, editable=False, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"],
                name="policy_version_number_unique",
                violation_error_message="This policy already has a version with this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="policy_version_number_positive",
                violation_error_message="Version numbers start at 1.",
            ),
            # Publication is all or nothing: when, by whom and the exact text's hash.
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True, published_by__isnull=True, content_hash="")
                | (
                    models.Q(published_at__isnull=False, published_by__isnull=False)
                    & ~models.Q(content_hash="")
                    & ~models.Q(body_html="")
                ),
                name="policy_version_published_completely",
                violation_error_message="A published version needs its publisher, time, text and hash.",
            ),
        ]

    def __str__(self):
        return f"{self.policy} version {self.number}"

    def save(self, *args, **kwargs):
        # Read the stored row, not this object: its published_at may be stale or tampered with.
        stored_published = (
            not self._state.adding and PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists()
        )
        if stored_published:
            raise ValidationError("A published policy version is never changed. Publish a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("policy:version", kwargs={"slug": self.policy.slug, "number": self.number})

    def delete(self, *args, **kwargs):
        if self.pk is not None and PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError("A published policy version is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def starts_at(self) -> datetime.datetime | None:
        """When people were first asked to accept it: publication or the effective date, the later."""
        if self.published_at is None:
            return None
        effective = timezone.make_aware(datetime.datetime.combine(self.effective_date, datetime.time.min))
        return max(self.published_at, effective)

    @property
    def grace_period(self) -> datetime.timedelta:
        days = self.grace_days if self.grace_days is not None else settings.POLICY_GRACE_PERIOD_DAYS
        return datetime.timedelta(days=days)


class AcknowledgementQuerySet(ChainedQuerySet):
    def update(self, **kwargs):
        raise ValidationError("An acknowledgement is never changed.")

    def delete(self):
        raise ValidationError("An acknowledgement is never deleted.")


class Acknowledgement(ChainedRecord):
    """One person's acceptance of one version: the record, kept for good, of what they were shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    accepted_at = models.DateTimeField(default=timezone.now, db_index=True)
    content_hash = models.CharField(
        "SHA-256 of the text shown", max_length=64, help_text="Matches the version's hash: the exact text accepted."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The Tech Bar staff member who showed the text at a counter; empty when accepted in Kitbag.",
    )

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"],
                name="policy_acknowledgement_once_per_version",
                violation_error_message="This person has already accepted this version.",
            ),
        ]

    def __str__(self):
        return f"{self.user} accepted {self.version} at {local_datetime(self.accepted_at)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("An acknowledgement is never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("policy:receipt", kwargs={"slug": self.version.policy.slug, "number": self.version.number})

    @property
    def accepted_at_counter(self) -> bool:
        return self.witnessed_by_id is not None

    def delete(self, *args, **kwargs):
        raise ValidationError("An acknowledgement is never deleted.")


class PolicyReminder(models.Model):
    """A reminder sent about a version someone has not accepted: one per person, version, kind and day.

    The unique constraint is what makes the daily task safe to run twice, or on two workers at once.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Reminder to the person"
        SUPERVISOR = "supervisor", "Reminder to their supervisor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_reminders",
        help_text="Who has not accepted.",
    )
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField(help_text="The local date the reminder went out.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", help_text="Who was told."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version", "kind", "sent_on"],
                name="policy_reminder_once_a_day",
                violation_error_message="This reminder has already been sent today.",
            ),
        ]
        indexes = [models.Index(fields=["version", "kind", "sent_on"], name="policy_reminder_day")]

    def __str__(self):
        return f"{self.get_kind_display()} about {self.version} for {self.user} on {self.sent_on}"
