"""Input for policies: the "I have read and accept" form."""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone

from policy.models import PolicyVersion
from portal.models import User

_SALT = "policy.accept"


@dataclass(frozen=True)
class ShownVersion:
    """What the acceptance page showed this person: which version, its hash, and when."""

    version_id: int
    content_hash: str
    shown_at: datetime.datetime


def shown_version_token(*, user: User, version: PolicyVersion, shown_at: datetime.datetime | None = None) -> str:
    """A signed note of the version on the page, so that what is accepted is what was shown, and
    a version published while the page was open is told apart from a tampered form."""
    shown_at = shown_at or timezone.now()
    return signing.dumps(
        {"user": user.pk, "version": version.pk, "hash": version.content_hash, "at": shown_at.timestamp()},
        salt=_SALT,
    )


class AcceptForm(forms.Form):
    shown = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm you have read and accept the conditions"},
    )

    def __init__(self, *args, user: User, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["confirm"].label = f"I have read and accept the {version.policy.name}, version {version.number}"
        self.fields["shown"].initial = shown_version_token(user=user, version=version)

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("shown") or ""
        try:
            data = signing.loads(token, salt=_SALT, max_age=settings.POLICY_ACCEPT_FORM_MAX_AGE)
        except signing.SignatureExpired:
            self.add_error(None, "This page was open for too long. Read the version below and accept it again.")
            return cleaned
        except signing.BadSignature:
            self.add_error(None, "The form was changed or damaged. Read the version below and accept it again.")
            return cleaned
        if data.get("user") != self.user.pk:
            self.add_error(None, "This form was for someone else. Read the version below and accept it yourself.")
            return cleaned
        cleaned["shown"] = ShownVersion(
            version_id=int(data["version"]),
            content_hash=str(data["hash"]),
            shown_at=datetime.datetime.fromtimestamp(data["at"], tz=datetime.UTC),
        )
        return cleaned

    def with_fresh_token(self, *, version: PolicyVersion) -> "AcceptForm":
        """After a refusal, the page shows `version` again: its form carries a new token for it and
        keeps the errors. A tick given to some other text is not carried over to this one."""
        shown = getattr(self, "cleaned_data", {}).get("shown")
        self.data = self.data.copy()
        self.data[self.add_prefix("shown")] = shown_version_token(user=self.user, version=version)
        if not isinstance(shown, ShownVersion) or shown.version_id != version.pk:
            self.data.pop(self.add_prefix("confirm"), None)
        self.fields["confirm"].label = f"I have read and accept the {version.policy.name}, version {version.number}"
        return self
