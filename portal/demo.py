"""The demo accounts that `seed_demo` makes, as the sign-in page and `make run` show them: only on a
development machine (DEBUG on, never production) and only while those accounts are there."""

from dataclasses import dataclass

from django.conf import settings

from portal.models import Role, User


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
