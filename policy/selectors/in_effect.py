"""The policies' versions in effect, kept per process for a few seconds.

The gate asks on every page load which versions are in effect, and the acceptance page and the
acceptance itself ask again: the same few rows for everyone. Each process keeps them for
settings.POLICY_VERSIONS_KEEP_SECONDS (by day, since what is in effect changes at midnight), with
each policy's roles when it covers chosen roles. Publishing a version or changing a policy forgets
them at once in the process that did it (signals below); other processes see it within those
seconds. A published version is never changed, so what is kept is only ever late, never wrong.

The versions are shared between requests: callers read them and never change them.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from policy.models import Policy, PolicyVersion


@dataclass(frozen=True)
class InEffect:
    versions: tuple[PolicyVersion, ...]  # every policy's versions in effect, by policy name then number
    roles: dict[int, frozenset[str]]  # policy id -> its roles' names (policies for chosen roles only)


_kept: dict[datetime.date, tuple[float, InEffect]] = {}
_DAYS_KEPT = 4


def versions_in_effect(*, on: datetime.date) -> InEffect:
    """Every policy's published versions in effect on `on` (with their policy; not the Markdown
    source), oldest first within a policy, policies by name: two queries at most every few seconds."""
    keep = settings.POLICY_VERSIONS_KEEP_SECONDS
    now = time.monotonic()
    kept = _kept.get(on)
    if kept is not None and now - kept[0] < keep:
        return kept[1]
    versions = tuple(
        PolicyVersion.objects.in_effect(on=on)
        .select_related("policy")
        .defer("body")
        .order_by("policy__name", "policy_id", "number")
    )
    by_roles = {v.policy_id for v in versions if v.policy.audience == Policy.Audience.ROLES}
    roles: dict[int, set[str]] = {pk: set() for pk in by_roles}
    if by_roles:
        through = Policy.roles.through.objects.filter(policy_id__in=by_roles).values_list("policy_id", "group__name")
        for policy_id, name in through:
            roles[policy_id].add(name)
    found = InEffect(versions=versions, roles={pk: frozenset(names) for pk, names in roles.items()})
    if keep > 0:
        # A few days' at most (today's, and a day a task or a dashboard asks about).
        for day in [day for day, (at, _) in _kept.items() if now - at >= keep or len(_kept) >= _DAYS_KEPT]:
            del _kept[day]
        _kept[on] = (now, found)
    return found


def forget() -> None:
    """Read the versions again on the next request (in this process)."""
    _kept.clear()


@receiver(post_save, sender=PolicyVersion, dispatch_uid="policy-in-effect-version-saved")
@receiver(post_delete, sender=PolicyVersion, dispatch_uid="policy-in-effect-version-deleted")
@receiver(post_save, sender=Policy, dispatch_uid="policy-in-effect-policy-saved")
@receiver(post_delete, sender=Policy, dispatch_uid="policy-in-effect-policy-deleted")
@receiver(m2m_changed, sender=Policy.roles.through, dispatch_uid="policy-in-effect-roles-changed")
def _forget_on_change(**kwargs) -> None:
    # Now, for the rest of this transaction, and again once it commits (a request in between may
    # have read the rows as they were before).
    forget()
    transaction.on_commit(forget, using=kwargs.get("using"))
