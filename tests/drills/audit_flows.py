"""CI's verify_audit step: after `manage.py seed_demo` on a fresh database, a few of the flows
that write chained rows, through their services as the pages call them: a counter visit that
hands a device over and one that takes it back, an incident reported and its due steps fired by
the sweep, a sign-in refused. Then `manage.py verify_audit` must find every chain intact.

Run as `DATABASE_URL=... python -m tests.drills.audit_flows` (.ci/run does).
"""

import os
from datetime import timedelta


def run() -> str:
    from django.utils import timezone

    from devices.core import services as device_services
    from devices.counter import services as counter_services
    from devices.models import Assignment, Device, TechBar
    from incidents import services as incident_services
    from policy import selectors as policy_selectors
    from portal import permissions, timers
    from portal.models import User
    from portal.services import security_event_record

    bar = TechBar.objects.filter(is_active=True).order_by("pk").first()
    staff = next(u for u in User.objects.filter(is_active=True, is_staff=True) if permissions.is_tech_bar(u))
    holding = Assignment.objects.filter(returned_at__isnull=True).values_list("holder", flat=True)
    candidates = User.objects.filter(is_active=True, leaving_date__isnull=True).exclude(pk__in=[*holding, staff.pk])
    person = next(
        u for u in candidates if policy_selectors.has_accepted_current(u) and not device_services.holder_refusal(u)
    )
    device = Device.objects.filter(tech_bar=bar, status=Device.Status.IN_STOCK).order_by("pk").first()
    basket = counter_services.CounterBasket(hand_over=[device])
    issued = counter_services.counter_visit_confirm(person=person, actor=staff, tech_bar=bar, basket=basket)
    device.refresh_from_db()
    back = counter_services.CounterBasket(
        take_back=[counter_services.TakeBack(device, Assignment.ReturnReason.NO_LONGER_NEEDED, "As new")]
    )
    returned = counter_services.counter_visit_confirm(person=person, actor=staff, tech_bar=bar, basket=back)
    incident = incident_services.incident_open(
        reporter=person,
        summary="CI audit flow: a notebook left in a patrol car",
        aware_at=timezone.now() - timedelta(hours=11),
        personal_data_involved="yes",
        device_involved="no",
    )
    fired = timers.sweep(schedule_ahead=False).fired
    security_event_record(kind="sign_in_failed", request=None, user=None, detail="CI audit flow")
    return (
        f"counter visits {issued.pk} (issue) and {returned.pk} (return) of {device.asset_tag}; "
        f"incident {incident.pk}; {fired} step(s) fired; a refused sign-in recorded"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    print(run())
