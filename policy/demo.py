"""Demo data for policies: the ICT Conditions of Use, versions 1 and 2, and a history of acceptances.

Called by the portal's demo seeding. Publication and acceptance dates lie in the past so the
compliance chart has something to show; those rows are history, so they are written directly
rather than through the services (which stamp "now"). Running it again changes nothing.
"""

import datetime
import random
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from policy import text
from policy.models import Acknowledgement, Policy, PolicyVersion
from portal import demo
from portal.models import User

SLUG = "ict-conditions-of-use"

_V1 = """## Who these conditions cover

Everyone the force gives access to its systems, information or equipment: police officers, police
staff, special constables, volunteers, contractors and suppliers. They apply on and off duty,
wherever you are working.

## Use force information for a policing purpose only

Look up, share or change information only when your work needs you to. Having access to a system
does not make every search on it lawful. If you could not explain a search to your supervisor, do
not make it.

Share information only with people who have a legitimate need to know it, and record it in the
system it belongs in, so that colleagues can find it and it is kept for as long as the law requires.

## Your issued devices

A phone, tablet or laptop issued to you stays force property. You are responsible for its care:

- keep it with you, locked when you are not using it, and never share your PIN or password;
- do not install apps that are not in the force app store, or change its security settings;
- report it at once if it is lost or stolen;
- take faulty, unwanted or end-of-life kit to a Tech Bar rather than leaving it in a drawer;
- return all your kit, your warrant card or pass and other force property when you leave.

## Personal use

Limited personal use is allowed when it is brief, occasional and does not get in the way of your
duties: looking at mainstream websites, a short call or text about a family matter, or emailing
your own payslip or training certificate to your home address.

You must not use force systems for online banking or shopping, streaming, large downloads, personal
social media or messaging, or personal documents.

## Messaging apps and your own phone

Use the force's own tools first: Teams, Outlook, phone calls and texts. Use a messaging app for
policing only if it is approved for force use, and only in the ways the approval allows.

Do not use your own phone or personal accounts for policing, including contacting members of the
public, except in a genuine emergency you can justify afterwards.

## Monitoring

Force systems and devices are monitored to keep them secure and lawful. Do not expect privacy in
anything you do on them.

## Reporting a security incident

If you suspect information, a system or a device has been misused, lost or exposed, report it as
a security incident straight away. You can always do so in Kitbag, even before accepting these
conditions.

## If you do not follow these conditions

Honest mistakes that are reported promptly are treated as a chance to learn. Deliberate or
reckless misuse of force information or systems is a disciplinary matter and may be a crime.
"""

_V2_CHANGES = [
    (
        "report it at once if it is lost or stolen;",
        "report it in Kitbag as soon as you notice it is lost or stolen, so that the SIM can be blocked "
        "and the device wiped;",
    ),
    (
        "a security incident straight away. You can always do so in Kitbag, even before accepting these\nconditions.",
        "a security incident in Kitbag within 12 hours of becoming aware of it. You can always do so,\n"
        "even before accepting these conditions.",
    ),
]
_V2_NEW_SECTION = """

## Public AI tools

Do not paste force information, including case details, names or photographs, into public AI
chatbots, translation sites or other online tools that are not approved for force use.
"""


def _v2_body() -> str:
    body = _V1
    for old, new in _V2_CHANGES:
        body = body.replace(old, new)
    return body.rstrip("\n") + _V2_NEW_SECTION


def _published(*, policy, number, title, body, summary, effective, published_at, admin_user) -> PolicyVersion:
    version = PolicyVersion.objects.filter(policy=policy, number=number).first()
    if version is not None:
        return version
    html = text.render_markdown(body)
    return PolicyVersion.objects.create(
        policy=policy,
        number=number,
        title=title,
        body=body,
        summary_of_changes=summary,
        effective_date=effective,
        requires_acceptance=True,
        body_html=html,
        content_hash=text.content_hash(html),
        published_at=published_at,
        published_by=admin_user,
    )


@transaction.atomic
def seed_policy_demo(
    *,
    admin_user: User,
    people: Iterable[User],
    outstanding: Iterable[User] | None = None,
    up_to_date: Iterable[User] = (),
) -> None:
    """Publish versions 1 and 2 of the ICT Conditions of Use (2 asks everyone again) and give
    most people a believable history of accepting them.

    `outstanding`: people left needing to accept version 2, so a demo sign-in is gated. By
    default the admin and the first three of `people`; they have all accepted version 1.
    `up_to_date`: people who have certainly accepted version 2 (the demo's working roles).
    """
    people = list(people)
    outstanding_pks = {p.pk for p in (outstanding if outstanding is not None else [admin_user, *people[:3]])}
    up_to_date_pks = {p.pk for p in up_to_date}
    now = timezone.now()
    today = timezone.localdate(now)
    policy, _ = Policy.objects.get_or_create(slug=SLUG, defaults={"name": "ICT Conditions of Use"})

    v1_effective = today - datetime.timedelta(days=120)
    v2_effective = today - datetime.timedelta(days=14)
    v1 = _published(
        policy=policy,
        number=1,
        title="ICT Conditions of Use",
        body=_V1,
        summary="The first version of the conditions of use in Kitbag.",
        effective=v1_effective,
        published_at=timezone.make_aware(datetime.datetime.combine(v1_effective, datetime.time(9, 0))),
        admin_user=admin_user,
    )
    v2 = _published(
        policy=policy,
        number=2,
        title="ICT Conditions of Use",
        body=_v2_body(),
        summary="Lost or stolen devices are reported in Kitbag so they can be blocked and wiped. Security "
        "incidents are reported within 12 hours. A new section on public AI tools.",
        effective=v2_effective,
        published_at=timezone.make_aware(datetime.datetime.combine(v2_effective, datetime.time(9, 0))),
        admin_user=admin_user,
    )

    rows = []
    for person in {admin_user, *people}:
        chance = random.Random(f"kitbag-policy-demo-{person.payroll_number}")  # nosec B311 # demo data, repeatable on purpose
        required = person.pk in outstanding_pks
        if required or chance.random() < 0.9:
            accepted = v1.starts_at + datetime.timedelta(hours=min(chance.expovariate(1 / 120), 100 * 24))
            rows.append(_acknowledgement(person, v1, accepted, chance))
        if not required and (person.pk in up_to_date_pks or chance.random() < 0.6):
            # Most accept within a few days of the gate asking; a few take their time.
            accepted = v2.starts_at + datetime.timedelta(hours=chance.expovariate(1 / 40))
            if accepted < now:
                rows.append(_acknowledgement(person, v2, accepted, chance))
    # Acknowledgements are chained (insert only): leave out the ones a re-run already made.
    done = set(
        Acknowledgement.objects.filter(version__in=[v1, v2], user__in={r.user_id for r in rows}).values_list(
            "user_id", "version_id"
        )
    )
    Acknowledgement.objects.bulk_create([r for r in rows if (r.user_id, r.version_id) not in done])


def _acknowledgement(person: User, version: PolicyVersion, accepted_at, chance: random.Random) -> Acknowledgement:
    return Acknowledgement(
        user=person,
        version=version,
        accepted_at=accepted_at,
        content_hash=version.content_hash,
        ip_address=f"10.{chance.randint(0, 40)}.{chance.randint(0, 255)}.{chance.randint(1, 254)}",
        user_agent=chance.choice(
            [
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Edg/124.0",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
                "Mozilla/5.0 (Linux; Android 14; SM-G991B) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
            ]
        ),
    )


def seed_demo_force(force: demo.DemoForce) -> None:
    """seed_demo's step: after the kit was issued, the conditions of use and their history."""
    people = force.people
    seed_policy_demo(
        admin_user=force.person("ADM001"),
        people=people,
        # The demo officer and sergeant still have version 2 to accept: sign in as them to see the gate.
        outstanding=[force.person("OFF001"), force.person("SUP001"), *people[20:26]],
        up_to_date=[force.person(p) for p in ("TB001", "DO001", "ADM001", "OFF002")],
    )


demo.register_seeder(order=400, seed=seed_demo_force)
