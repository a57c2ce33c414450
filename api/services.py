"""Writes for the API's own records: service accounts and their tokens.

A service account is a User that never signs in interactively: no usable password, no local
sign-in, an address under the reserved .invalid domain (no mail; no Entra ID account matches it),
no role, and inactive, so it is counted nowhere people are (compliance, lists) and no session of
its own can exist.
"""

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, token_hash, token_new
from devices import remote
from devices.models import RemoteAction
from portal.models import User, payroll_number_validator


def service_account_problem(identifier: str) -> str:
    """Why this cannot be a service account's identifier ('' if it can)."""
    try:
        payroll_number_validator(identifier)
    except ValidationError as error:
        return " ".join(error.messages)
    account = User.objects.filter(payroll_number=identifier).first()
    if account is not None and not account.api_tokens.exists():
        return f"{identifier} is a person's payroll number, not a service account."
    return ""


def service_account_get_or_create(*, identifier: str, name: str) -> User:
    """The service account with this identifier (its payroll-number-like key), made if new.
    An identifier that belongs to a person is refused."""
    identifier = (identifier or "").strip().upper()
    problem = service_account_problem(identifier)
    if problem:
        raise ValidationError({"service_account_id": problem})
    account = User.objects.filter(payroll_number=identifier).first()
    if account is not None:
        return account
    account = User(
        payroll_number=identifier,
        first_name=name[:100],
        last_name="(service account)",
        email=f"{identifier.lower()}@service-account.invalid",  # unique, undeliverable (RFC 2606)
        is_active=False,
        is_staff=False,
        local_sign_in_allowed=False,
    )
    account.set_unusable_password()
    account.save()
    return account


@transaction.atomic
def api_token_create(*, actor: User, name: str, scope: str, service_account_id: str) -> tuple[ApiToken, str]:
    """A new token: the object, and the secret, which is shown once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the token a name saying what uses it."})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": "Choose a scope."})
    with set_actor(actor):
        account = service_account_get_or_create(identifier=service_account_id, name=name)
        raw = token_new()
        token = ApiToken.objects.create(
            name=name[:100],
            scope=scope,
            service_account=account,
            key_hash=token_hash(raw),
            key_prefix=raw[:12],
            created_by=actor,
        )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """It stops working at once. Revoking twice keeps the first time."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        with set_actor(actor):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken, every_seconds: int = 60) -> None:
    """Record that the token was used; at most one write a minute per token."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= every_seconds:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- the MDM reports a remote action carried out ------------------------------------------------------
class NothingToReport(Exception):
    """No open request of that kind for the device (and none done either)."""


def remote_action_report(*, device, kind: str, outcome: str, note: str, actor: User):
    """The MDM says a wipe or SIM block it was asked for is done (or failed): the open request ends
    through `devices.remote`, as when Tech Bar staff mark it. Reporting "done" again is harmless: the
    request already done is answered, unchanged."""
    actions = RemoteAction.objects.filter(device=device, kind=kind)
    action = actions.filter(status__in=RemoteAction.OPEN).order_by("-requested_at", "-pk").first()
    if action is None:
        done = actions.filter(status=RemoteAction.Status.DONE).order_by("-completed_at", "-pk").first()
        if outcome == RemoteAction.Status.DONE and done is not None:
            return done, False
        raise NothingToReport(f"No {RemoteAction.Kind(kind).label.lower()} is waiting for {device.asset_tag}.")
    with set_actor(actor):
        if outcome == RemoteAction.Status.DONE:
            return remote.remote_action_complete(action=action, actor=actor, note=note), True
        return remote.remote_action_fail(action=action, actor=actor, reason=note), True
