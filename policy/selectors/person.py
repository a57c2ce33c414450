"""Reads for one person: which policies apply, where they stand, what they must accept and the gate's question."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from policy import text
from policy.models import Acknowledgement, ComplianceStatus, Policy, PolicyVersion
from policy.selectors.in_effect import versions_in_effect
from portal.models import User
from portal.permissions import roles_of


# --- One person ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyState:
    """Where one person stands with one policy."""

    policy: Policy
    current: PolicyVersion
    required: PolicyVersion
    versions: list[PolicyVersion]  # in effect, oldest first
    acknowledgements: list[Acknowledgement]  # this person's, newest version first
    outstanding_since: datetime.datetime  # when the required version first asked them
    due_at: datetime.datetime  # the end of their grace period

    @property
    def latest_acknowledgement(self) -> Acknowledgement | None:
        return self.acknowledgements[0] if self.acknowledgements else None

    @property
    def accepted_current(self) -> bool:
        return any(ack.version_id == self.current.pk for ack in self.acknowledgements)

    @property
    def up_to_date(self) -> bool:
        return any(ack.version.number >= self.required.number for ack in self.acknowledgements)

    @property
    def status(self) -> str:
        if self.accepted_current:
            return ComplianceStatus.ACCEPTED_CURRENT
        return ComplianceStatus.ACCEPTED_OLDER if self.acknowledgements else ComplianceStatus.NEVER

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Past the grace period without accepting: the gate sends them to accept it."""
        return not self.up_to_date and (now or timezone.now()) >= self.due_at

    def changes_since_accepted(self) -> list[PolicyVersion]:
        """The versions after the one this person last accepted, up to the current one, oldest first."""
        accepted = self.latest_acknowledgement
        after = accepted.version.number if accepted else 0
        return [v for v in self.versions if after < v.number <= self.current.number]


def _current_and_required(versions: list[PolicyVersion]) -> tuple[PolicyVersion, PolicyVersion]:
    """`versions`: one policy's in-effect versions, oldest first (never empty)."""
    current = versions[-1]
    needing = [v for v in versions if v.requires_acceptance]
    # Publishing insists the first version needs acceptance; fall back to it all the same.
    return current, (needing[-1] if needing else versions[0])


def policies_applying_to(*, user: User) -> QuerySet[Policy]:
    """Policies that cover this person: those for everyone, and those for a role they hold."""
    holds_a_chosen_role = Exists(Policy.roles.through.objects.filter(policy=OuterRef("pk"), group__user=user))
    return Policy.objects.filter(
        Q(audience=Policy.Audience.EVERYONE) | Q(holds_a_chosen_role, audience=Policy.Audience.ROLES)
    )


def _applies(policy: Policy, roles: dict[int, frozenset[str]], held: frozenset[str]) -> bool:
    """policies_applying_to, asked of a kept policy: for everyone, or for a role the person holds."""
    if policy.audience == Policy.Audience.EVERYONE:
        return True
    return policy.audience == Policy.Audience.ROLES and bool(roles.get(policy.pk, frozenset()) & held)


def _roles_held(user: User) -> frozenset[str]:
    if user.is_active:
        return roles_of(user)  # read once per request, and the page header asks anyway
    return frozenset(user.groups.values_list("name", flat=True))


def _in_effect_by_policy(*, which, now: datetime.datetime) -> dict[int, list[PolicyVersion]]:
    """The versions in effect (kept per process) of the policies `which(policy, roles)` includes,
    by policy id, oldest first."""
    kept = versions_in_effect(on=timezone.localdate(now))
    by_policy: dict[int, list[PolicyVersion]] = {}
    for version in kept.versions:
        if which(version.policy, kept.roles):
            by_policy.setdefault(version.policy_id, []).append(version)
    return by_policy


def _states(*, user: User, which, now: datetime.datetime) -> list[PolicyState]:
    """`which(policy, roles)`: whether to include a policy (roles: policy id -> its roles' names)."""
    # The versions in effect are kept per process (in_effect): the gate asks on every request.
    # Not the markdown source: only the acceptance page's "what changed" reads it (fetched then).
    return _states_of(user=user, by_policy=_in_effect_by_policy(which=which, now=now))


def _states_of(*, user: User, by_policy: dict[int, list[PolicyVersion]]) -> list[PolicyState]:
    """`by_policy`: as _in_effect_by_policy gives it."""
    if not by_policy:
        return []
    version_by_pk = {v.pk: v for versions in by_policy.values() for v in versions}
    acks: dict[int, list[Acknowledgement]] = {}
    for ack in Acknowledgement.objects.filter(user=user, version__in=list(version_by_pk)).order_by("-version__number"):
        ack.version = version_by_pk[ack.version_id]
        acks.setdefault(ack.version.policy_id, []).append(ack)
    states = []
    for policy_versions in by_policy.values():
        current, required = _current_and_required(policy_versions)
        # Someone who joined after the version took effect gets their grace period from joining.
        since = max(required.starts_at, user.date_joined)
        states.append(
            PolicyState(
                policy=current.policy,
                current=current,
                required=required,
                versions=policy_versions,
                acknowledgements=acks.get(current.policy_id, []),
                outstanding_since=since,
                due_at=since + required.grace_period,
            )
        )
    return states


def policy_states_for(*, user: User, now: datetime.datetime | None = None) -> list[PolicyState]:
    """Every policy that covers this person and has a version in effect, with where they stand."""
    return _states_of(user=user, by_policy=_applying(user=user, now=now or timezone.now()))


def policy_state_for(*, user: User, policy: Policy, now: datetime.datetime | None = None) -> PolicyState | None:
    """Where this person stands with one policy (covered or not); None before any version is in effect."""
    states = _states(user=user, which=lambda p, _: p.pk == policy.pk, now=now or timezone.now())
    return states[0] if states else None


def policy_state_by_slug(*, user: User, slug: str, now: datetime.datetime | None = None) -> PolicyState | None:
    """policy_state_for the policy with this slug, found among the versions kept in effect (the
    acceptance page's, which everyone at the gate loads)."""
    states = _states(user=user, which=lambda p, _: p.slug == slug, now=now or timezone.now())
    return states[0] if states else None


def wording_changes(*, old: PolicyVersion, new: PolicyVersion) -> list[text.DiffBlock]:
    """What changed in the wording from `old` to `new` (text.readable_diff of their Markdown).
    Everyone who accepted `old` is shown the same changes at the gate, and a published text never
    changes (its hash is in the key all the same): worked out once per process, the two texts
    read only then."""
    return list(_wording_changes(old.pk, old.content_hash, new.pk, new.content_hash))


@lru_cache(maxsize=64)
def _wording_changes(old_pk: int, old_hash: str, new_pk: int, new_hash: str) -> tuple[text.DiffBlock, ...]:
    sources = dict(PolicyVersion.objects.filter(pk__in=[old_pk, new_pk]).order_by().values_list("pk", "body"))
    return tuple(text.readable_diff(sources[old_pk], sources[new_pk]))


def policy_applies_to(*, user: User, policy: Policy) -> bool:
    if policy.audience == Policy.Audience.EVERYONE:
        return True  # no need to ask the database
    kept = versions_in_effect(on=timezone.localdate())
    if policy.pk in kept.roles:  # a policy in effect: its roles are kept with its versions
        return _applies(policy, kept.roles, _roles_held(user))
    return policies_applying_to(user=user).filter(pk=policy.pk).exists()


def policies_to_accept(*, user: User, now: datetime.datetime | None = None) -> list[PolicyState]:
    """What the home page asks this person to accept, with the date by which they must."""
    return [state for state in policy_states_for(user=user, now=now) if not state.up_to_date]


def policy_version_due(*, user: User, now: datetime.datetime | None = None) -> PolicyVersion | None:
    """The gate's question: the version this person must accept before going on, if any."""
    return policy_gate(user=user, now=now).due


@dataclass(frozen=True)
class GateAnswer:
    """The acceptance gate's answer for one request (policy_gate)."""

    due: PolicyVersion | None  # the version to accept before going on
    key: str  # what the answer rests on: this person and the version each policy covering them requires
    up_to_date: bool  # with every policy that covers them: while the key holds, nothing is due


def _applying(*, user: User, now: datetime.datetime) -> dict[int, list[PolicyVersion]]:
    held = _roles_held(user)
    return _in_effect_by_policy(which=lambda policy, roles: _applies(policy, roles, held), now=now)


def _gate_key(*, user: User, by_policy: dict[int, list[PolicyVersion]]) -> str:
    """This person and the version each policy covering them requires now (from _applying: no
    query of its own). A new version that needs accepting, a role gained or lost, or a policy's
    audience changed makes a new key."""
    required = sorted(_current_and_required(versions)[1].pk for versions in by_policy.values())
    return f"{user.pk}:{','.join(map(str, required))}"


def policy_gate(*, user: User, passed: str | None = None, now: datetime.datetime | None = None) -> GateAnswer:
    """The gate's question (policy_version_due), with what the answer rests on. `passed`: the key
    of an earlier answer that found this person up to date with everything. While the key is the
    same, nothing can be due (an acceptance is never withdrawn: the acknowledgements are an
    insert-only chain), so their acknowledgements are not read again."""
    now = now or timezone.now()
    by_policy = _applying(user=user, now=now)  # the versions in effect read once (kept per process)
    key = _gate_key(user=user, by_policy=by_policy)
    if passed is not None and passed == key:
        return GateAnswer(due=None, key=key, up_to_date=True)
    states = _states_of(user=user, by_policy=by_policy)
    due = next((state.current for state in states if state.is_overdue(now)), None)
    return GateAnswer(due=due, key=key, up_to_date=all(state.up_to_date for state in states))


def has_accepted_current(user: User) -> bool:
    """True when this person is up to date with every policy that covers them (grace periods
    aside). The Tech Bar refuses to issue kit to anyone for whom this is False."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return all(state.up_to_date for state in policy_states_for(user=user))


def current_and_required(
    *, policy: Policy, now: datetime.datetime | None = None, kept: bool = False
) -> tuple[PolicyVersion, PolicyVersion] | None:
    """The policy's current and required versions; None before any version is in effect.
    `kept`: from the versions this process keeps (in_effect; a page's read, a few seconds late at
    most), not read now (what a task that writes uses)."""
    on = timezone.localdate(now)
    if kept:
        versions = [v for v in versions_in_effect(on=on).versions if v.policy_id == policy.pk]
    else:
        versions = list(PolicyVersion.objects.in_effect(on=on).filter(policy=policy).order_by("number"))
    return _current_and_required(versions) if versions else None


def version_was_current_at(*, version: PolicyVersion, at: datetime.datetime) -> bool:
    """Was this the version people were asked to read at that moment (published, in effect, and
    not yet followed by a later one)?"""
    if not version.is_published or version.published_at > at or version.effective_date > timezone.localdate(at):
        return False
    return not PolicyVersion.objects.filter(
        policy_id=version.policy_id,
        number__gt=version.number,
        published_at__lte=at,
        effective_date__lte=timezone.localdate(at),
    ).exists()


def published_versions(*, policy: Policy) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.published().filter(policy=policy).order_by("-number")


def published_version(*, policy: Policy, number: int) -> PolicyVersion | None:
    return published_versions(policy=policy).select_related("policy", "published_by").filter(number=number).first()


def previous_published_version(*, version: PolicyVersion) -> PolicyVersion | None:
    return published_versions(policy=version.policy).filter(number__lt=version.number).first()


def acknowledgements_for(*, user: User) -> QuerySet[Acknowledgement]:
    return Acknowledgement.objects.filter(user=user).select_related("version__policy").order_by("-accepted_at")


def acknowledgement_for(*, user: User, version: PolicyVersion) -> Acknowledgement | None:
    return acknowledgements_for(user=user).filter(version=version).first()
