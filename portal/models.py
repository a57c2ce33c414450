"""People, roles, notifications and the security log that every app stands on."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone

from portal.audit_chain import ChainedRecord
from portal.formats import local_datetime


class Role(models.TextChoices):
    """The roles of DESIGN.md; each is a Django group of this name, made by migration 0002."""

    OFFICER = "Officer", "Officer / staff"
    SUPERVISOR = "Supervisor", "Supervisor"
    TECH_BAR = "Tech Bar staff", "Tech Bar staff"
    DATA_OFFICE = "Data Office reviewer", "Data Office reviewer"
    PORTAL_ADMIN = "Portal admin", "Portal admin"


payroll_number_validator = RegexValidator(
    r"^[A-Za-z0-9]{3,20}$", "A payroll or warrant number is 3 to 20 letters and digits."
)

# A leaving date this far either side of today is a typing mistake, not a plan (1900-01-01 fires
# every escalation at once): the supervisor's form, the HR CSV import and the HR API refuse it alike.
LEAVING_DATE_MAX_YEARS_AWAY = 5


def leaving_date_problem(value) -> str:
    """Why a leaving date cannot be right ('' when it may be)."""
    if value is None:
        return ""
    if abs(value - timezone.localdate()).days > 365 * LEAVING_DATE_MAX_YEARS_AWAY:
        return f"Check the year: a leaving date is within {LEAVING_DATE_MAX_YEARS_AWAY} years of today"
    return ""


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, payroll_number, email, password, **extra_fields):
        if not payroll_number:
            raise ValueError("A person needs a payroll or warrant number.")
        user = self.model(payroll_number=payroll_number.upper(), email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, payroll_number, email="", password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(payroll_number, email, password, **extra_fields)

    def create_superuser(self, payroll_number, email="", password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(payroll_number, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in the force: officer or staff, as the HR feed describes them."""

    payroll_number = models.CharField(
        "payroll / warrant number",
        max_length=20,
        unique=True,
        validators=[payroll_number_validator],
        help_text="What the Tech Bar scans from the warrant card or staff pass.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    rank_or_grade = models.CharField("rank or grade", max_length=100, blank=True)
    command_unit = models.CharField(max_length=100, blank=True, db_index=True)
    team = models.CharField(max_length=100, blank=True, db_index=True)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="team_members"
    )
    leaving_date = models.DateField(null=True, blank=True, db_index=True)
    is_active = models.BooleanField(default=True, help_text="Untick when a person leaves: their sessions end at once.")
    is_staff = models.BooleanField(
        "admin access", default=False, help_text="May sign in to the admin (Tech Bar counters, portal admins)."
    )
    local_sign_in_allowed = models.BooleanField(
        "break-glass: may sign in with a local password",
        default=False,
        db_default=False,  # rows written by code that predates the field (migration tests) get False
        help_text="Only for emergency administrator accounts. With Entra ID on, everyone else signs in "
        "through Entra ID: their passwords are refused and no password reset email is sent to them.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "payroll_number"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "payroll_number"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="portal_user_email_ci_unique",
                violation_error_message="A person with this email already exists.",
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("pk")),
                name="portal_user_not_own_supervisor",
                violation_error_message="A person cannot be their own supervisor.",
            ),
        ]
        # People lists (compliance, admin) page in this order: read from the index, not a sort of
        # 50,000 people spilling to disk for every page.
        # And a number typed in any case (payroll_number__iexact: UPPER(...) = UPPER(...)) is found
        # through an index, as the searches and the counter look people up.
        indexes = [
            models.Index(fields=["last_name", "first_name", "payroll_number"], name="portal_user_name_order"),
            models.Index(Upper("payroll_number"), name="portal_user_payroll_upper"),
            # The lists of people still serving (compliance): a page's ids past page 1 read from
            # this index alone (the one above also read each person's row to check is_active), and
            # their count from the small one below (COUNT(*) WHERE is_active read the whole table).
            models.Index(
                fields=["last_name", "first_name", "payroll_number", "id"],
                condition=models.Q(is_active=True),
                name="portal_user_active_name_order",
            ),
            models.Index(fields=["is_active"], name="portal_user_active"),
        ]

    def __str__(self):
        return f"{self.get_full_name()} ({self.payroll_number})"

    def clean(self):
        super().clean()
        self.payroll_number = (self.payroll_number or "").upper()
        self.email = self.__class__.objects.normalize_email(self.email)
        if self.pk and self.supervisor_id == self.pk:
            raise ValidationError({"supervisor": "A person cannot be their own supervisor."})

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.payroll_number

    def get_short_name(self):
        return self.first_name or self.payroll_number

    def get_absolute_url(self):
        return reverse("admin:portal_user_change", args=[self.pk])


class PersonHistory(models.Model):
    """Where a person stood from an instant on (command unit, team, rank, active), as the HR feed,
    the HR API and the admin set it: the figures count people where they stood on a past date. One
    row per change, written by `portal.services.person_update`; rows are never changed."""

    TRACKED = ("command_unit", "team", "rank_or_grade", "is_active")

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="history")
    valid_from = models.DateTimeField(default=timezone.now)
    command_unit = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    rank_or_grade = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=20, help_text="What wrote it: admin, hr_import, leavers, start.")

    class Meta:
        ordering = ["person", "-valid_from", "-pk"]
        verbose_name_plural = "person history"
        indexes = [models.Index(fields=["person", "valid_from"], name="portal_personhist_person_from")]

    def __str__(self):
        return f"{self.person_id} from {local_datetime(self.valid_from)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A person's history is never changed: a change is a new row.")
        super().save(*args, **kwargs)


class Notification(models.Model):
    """A message to one person, shown in the portal and sent by email (see services.notify)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where in the portal to act on it.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="portal_notif_unread")]

    def __str__(self):
        return self.subject


class SecurityEvent(ChainedRecord):
    """Sign-ins, failed sign-ins, sign-outs and refused permissions. Never changed or deleted."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        PERMISSION_DENIED = "permission_denied", "Permission refused"
        SESSION_EXPIRED = "session_expired", "Session expired"
        SESSIONS_ENDED = "sessions_ended", "Sessions ended by an admin"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    identifier = models.CharField(max_length=254, blank=True, help_text="What was typed at sign-in.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.identifier or self.user_id} {local_datetime(self.created_at)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Security events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Security events are never deleted.")


class OutboundEmail(models.Model):
    """One email, written in the transaction that causes it and delivered afterwards by a Celery
    task (see portal.outbox): queued until the mail server has accepted it, then sent; failed once
    it has been tried too often or can never be sent. Never deleted, so the timeline can say
    what became of each message."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    to = models.CharField(max_length=254)
    recipient_label = models.CharField(
        max_length=200, blank=True, help_text="Who the address is, in words: 'the Data Office duty inbox'."
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    message_id = models.CharField(
        max_length=255, unique=True, help_text="The Message-ID header: the same on every attempt."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="Which delivery run holds it now.")
    cause_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    cause = GenericForeignKey("cause_type", "cause_id")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The delivery sweep's question, "which queued messages are due", reads only this index.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="queued"), name="portal_outbound_due"),
            # The operator's question (manage.py timers, /ready/): how many failed lately.
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="failed"), name="portal_outbound_failed"
            ),
            models.Index(fields=["cause_type", "cause_id"], name="portal_outbound_cause"),
        ]

    def __str__(self):
        return f"{self.subject} to {self.to} ({self.status})"
