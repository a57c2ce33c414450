"""`manage.py seed_demo`: a believable small force for the demo and for development.

3 Tech Bars, 6 device models, 300 devices, 60 people across the roles and teams, some kit
issued, the ICT Conditions of Use with a history of acceptances, and security incidents in
every state. Running it again changes nothing. Prints the demo logins.
"""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from portal import demo, outbox
from portal.models import OutboundEmail, Role, User

DEMO_PASSWORD = "kitbag-demo-2026"  # nosec B105 # the published demo password; seed_demo refuses production

# The demo logins, one per role (payroll number, first name, last name, rank, roles, admin access).
DEMO_LOGINS = [
    ("OFF001", "Olivia", "Officer", "Police Constable", [Role.OFFICER], False),
    ("SUP001", "Sam", "Sergeant", "Sergeant", [Role.OFFICER, Role.SUPERVISOR], False),
    ("TB001", "Tariq", "Bar", "ICT Technician", [Role.OFFICER, Role.TECH_BAR], True),
    ("DO001", "Dana", "Office", "Data Protection Officer", [Role.OFFICER, Role.DATA_OFFICE], True),
    ("ADM001", "Ada", "Admin", "ICT Service Manager", [Role.OFFICER, Role.PORTAL_ADMIN], True),
    # A new starter in SUP001's team with a phone but no laptop: the kit request walk.
    ("OFF002", "Noor", "Newman", "Police Constable", [Role.OFFICER], False),
]
UNITS = {
    "North": ["Response 1", "Response 2", "Neighbourhood"],
    "South": ["Response 3", "CID", "Enquiry Office"],
    "Headquarters": ["ICT", "Data Office", "Professional Standards"],
}
FIRST = (
    "Amina Ben Chloe Dev Ellie Farid Grace Harry Isla Jack Kiran Leah Mo Nia Owen Priya Rhys Sofia Tom Zara"
).split()
LAST = "Ahmed Bell Clarke Davies Evans Fraser Green Hughes Iqbal Jones Khan Lewis Morgan Patel Price Shah".split()
PEOPLE = 60


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if not settings.DEBUG and settings.KITBAG_ENVIRONMENT == "production":
            raise CommandError("seed_demo makes accounts with a published password: never in production.")
        rng = random.Random(2026)  # the same force every time  # nosec B311 # the same demo force every time, not a secret
        # Hashing is deliberately slow; demo accounts share one password, so hash it once.
        self._password_hash = make_password(DEMO_PASSWORD)
        # The demo's history (issued kit, reminders, escalations) would email people who do not
        # exist: its messages go to a mail backend that drops them, so the worker has nothing of
        # the seed's to print.
        seeded_after = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed(rng)
            self._drop_seed_emails(after=seeded_after)
        self._print_logins()

    def _seed(self, rng):
        """Each app's steps (its demo.py, portal.demo) in their order, the people among them."""
        force = demo.DemoForce(rng=rng)
        with transaction.atomic():
            steps = [*demo.seeders(), (demo.PEOPLE_ORDER, lambda force: force.people.extend(self._people(rng)))]
            for _order, seed in sorted(steps, key=lambda step: step[0]):
                seed(force)

    def _drop_seed_emails(self, *, after: int) -> None:
        queued = OutboundEmail.objects.filter(pk__gt=after, status=OutboundEmail.Status.QUEUED)
        ids = list(queued.values_list("pk", flat=True))
        for start in range(0, len(ids), outbox.BATCH_SIZE):
            chunk = ids[start : start + outbox.BATCH_SIZE]
            outbox.deliver(ids=chunk, limit=len(chunk))

    def _person(self, payroll, first, last, rank, unit, team, supervisor=None, roles=(Role.OFFICER,), staff=False):
        person, created = User.objects.get_or_create(
            payroll_number=payroll,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}.{payroll}@police.example".lower(),
                "rank_or_grade": rank,
                "command_unit": unit,
                "team": team,
                "supervisor": supervisor,
                "is_staff": staff,
            },
        )
        if created:
            person.password = self._password_hash
            person.save(update_fields=["password"])
            person.groups.set(Group.objects.filter(name__in=roles))
        return person

    def _people(self, rng):
        people = []
        for payroll, first, last, rank, roles, staff in DEMO_LOGINS:
            unit, team = (
                ("North", "Response 1") if payroll in ("OFF001", "SUP001", "OFF002") else ("Headquarters", "ICT")
            )
            if payroll == "DO001":
                team = "Data Office"
            people.append(self._person(payroll, first, last, rank, unit, team, roles=roles, staff=staff))
        sergeant = people[1]
        for officer in (people[0], people[5]):  # OFF001 and OFF002
            if officer.supervisor_id != sergeant.pk:
                officer.supervisor = sergeant
                officer.save(update_fields=["supervisor"])
        n = 0
        for unit, teams in UNITS.items():
            for team in teams:
                supervisor = self._person(
                    f"S{len(people):05d}", rng.choice(FIRST), rng.choice(LAST), "Sergeant", unit, team,
                    roles=(Role.OFFICER, Role.SUPERVISOR),
                )  # fmt: skip
                people.append(supervisor)
                while len(people) < 5 + (n + 1) * (PEOPLE - 5) // 9:
                    rank = rng.choice(["Police Constable", "Police Constable", "PCSO", "Police Staff"])
                    people.append(
                        self._person(
                            f"P{len(people):05d}", rng.choice(FIRST), rng.choice(LAST), rank, unit, team, supervisor
                        )
                    )
                n += 1
        return people

    def _print_logins(self):
        print_logins(self.stdout, self.style)


def print_logins(stdout, style) -> None:
    """The demo logins and where to sign in, as `seed_demo` and `demo_logins` print them."""
    stdout.write("")
    stdout.write(style.SUCCESS("Demo data is ready. Demo logins (payroll number / password):"))
    for payroll, first, last, _rank, roles, _staff in DEMO_LOGINS:
        role_names = ", ".join(r.label for r in roles if r != Role.OFFICER) or Role.OFFICER.label
        stdout.write(f"  {payroll:<8} {DEMO_PASSWORD}   {first} {last}: {role_names}")
    for hint in demo.hints():
        stdout.write(hint)
    stdout.write(f"Sign in at {settings.KITBAG_BASE_URL.rstrip('/')}/accounts/login/")
