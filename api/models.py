"""API tokens: how the MDM and HR systems (service accounts) sign in to the integration API.

Only a SHA-256 hash of a token is stored: the token itself is shown once, when a Portal admin
creates it in the admin. A token is never deleted, only revoked, so the audit trail keeps its name.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "kbt_"  # nosec B105 # the tokens' public prefix, not a secret


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new() -> str:
    """A new secret: 'kbt_' and 43 URL-safe characters (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        MDM = "mdm", "MDM: upsert devices, report wipes and SIM blocks done"
        HR = "hr", "HR: upsert people"
        READ = "read", "Read: devices, assignments, compliance"

    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Intune inventory sync”.")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    service_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The account its writes are recorded under (it never signs in interactively).",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=12, editable=False, help_text="The token's first characters, to recognise it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.scope}, {self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
