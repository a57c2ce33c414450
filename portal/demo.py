"""The demo: the registry of the apps' steps in `seed_demo` (each app's `demo.py` adds its own)
and the lines it prints after the logins; and the demo accounts that `seed_demo` makes, as the
sign-in page and `make run` show them: only on a development machine (DEBUG on, never
production) and only while those accounts are there."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from portal.models import Role, User

# Where seed_demo makes its people among the apps' steps: a step ordered before has no one yet.
PEOPLE_ORDER = 200


@dataclass
class DemoForce:
    """What the apps' steps share: the seed's random numbers (the same force every time) and its
    people, in the order they were made."""

    rng: random.Random
    people: list[User] = field(default_factory=list)

    def person(self, payroll_number: str) -> User:
        return next(p for p in self.people if p.payroll_number == payroll_number)


_SEEDERS: dict[str, tuple[int, Callable]] = {}  # by name: a module imported twice registers once
_HINTS: dict[str, tuple[int, Callable]] = {}


def _name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def register_seeder(*, order: int, seed: Callable) -> None:
    """`seed(force)`, run inside seed_demo's transaction in `order` (PEOPLE_ORDER is the people)."""
    _SEEDERS[_name(seed)] = (order, seed)


def register_hint(*, order: int, hint: Callable) -> None:
    """`hint() -> str`: a line seed_demo prints after the logins (nothing when empty)."""
    _HINTS[_name(hint)] = (order, hint)


def seeders() -> list[tuple[int, Callable]]:
    return sorted(_SEEDERS.values(), key=lambda step: step[0])


def hints() -> list[str]:
    return [line for _, hint in sorted(_HINTS.values(), key=lambda h: h[0]) if (line := hint())]


@dataclass(frozen=True)
class DemoLogin:
    payroll_number: str
    name: str
    roles: str  # what signing in as this person shows: their roles other than Officer


def demo_password() -> str:
    from portal.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def demo_logins() -> list[DemoLogin]:
    """The demo logins whose accounts exist and are active, in seed_demo's order."""
    # The command module holds the demo force's definition; imported here, not at load, so the
    # sign-in page pulls in the seed only on a development machine.
    from portal.management.commands.seed_demo import DEMO_LOGINS

    present = set(
        User.objects.filter(payroll_number__in=[login[0] for login in DEMO_LOGINS], is_active=True).values_list(
            "payroll_number", flat=True
        )
    )
    return [
        DemoLogin(
            payroll_number=payroll,
            name=f"{first} {last}",
            roles=", ".join(role.label for role in roles if role != Role.OFFICER) or Role.OFFICER.label,
        )
        for payroll, first, last, _rank, roles, _staff in DEMO_LOGINS
        if payroll in present
    ]


def demo_logins_to_show() -> list[DemoLogin]:
    """What the sign-in page lists: nothing unless DEBUG is on outside production."""
    if not settings.DEBUG or settings.KITBAG_ENVIRONMENT == "production":
        return []
    return demo_logins()
