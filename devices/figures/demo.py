"""The demo's past for the figures: the people's HR history from half a year back (as if loaded from
the HR system's archive) and, for some devices now in stock, a custody story from before today
(received before it starts, issued, back at a counter, triaged back to stock), so that a request about a date last
month has figures to answer with. Idempotent, like every demo step."""

import datetime

from django.db.models import Count, Min
from django.utils import timezone

from devices.models import Assignment, Device, DeviceEvent
from portal import demo
from portal.models import PersonHistory

HISTORY_DAYS = 180
PAST_DEVICES = 60


def seed_figures_history(force: demo.DemoForce) -> None:
    if PersonHistory.objects.filter(source="demo").exists():
        return
    now = timezone.now()
    start = now - datetime.timedelta(days=HISTORY_DAYS)
    PersonHistory.objects.bulk_create(
        PersonHistory(
            person=person,
            valid_from=start,
            command_unit=person.command_unit,
            team=person.team,
            rank_or_grade=person.rank_or_grade,
            is_active=person.is_active,
            source="demo",
        )
        for person in force.people
    )
    issuer, rng = force.person("TB001"), force.rng
    holders = force.people[5:]
    # Devices in stock whose only event is their "received" one, from before the history starts.
    in_stock = (
        Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar__isnull=False)
        .annotate(events_count=Count("events"), first_event=Min("events__created_at"))
        .filter(events_count=1, first_event__lt=start)
    )
    for n, device in enumerate(in_stock.select_related("tech_bar").order_by("asset_tag")[:PAST_DEVICES]):
        holder = holders[n % len(holders)]
        issued = start + datetime.timedelta(days=1 + rng.randrange(5, 60), hours=n)
        back = now - datetime.timedelta(days=rng.randrange(2, 20))
        _event(device, DeviceEvent.Kind.ISSUED, issued, issuer, "in_stock", "issued", holder=holder)
        Assignment.objects.create(
            device=device,
            holder=holder,
            issued_at=issued,
            issued_by=issuer,
            issued_at_tech_bar=device.tech_bar,
            returned_at=back,
            returned_by=issuer,
            return_reason=Assignment.ReturnReason.NO_LONGER_NEEDED,
        )
        _event(device, DeviceEvent.Kind.RETURNED, back, issuer, "issued", "returned", holder=holder)
        _event(device, DeviceEvent.Kind.TRIAGED, back + datetime.timedelta(hours=1), issuer, "returned", "in_stock")


def _event(device, kind, when, actor, from_status, to_status, *, holder=None, note=""):
    DeviceEvent.objects.create(
        device=device,
        kind=kind,
        actor=actor,
        holder=holder,
        tech_bar=device.tech_bar,
        from_status=from_status,
        to_status=to_status,
        created_at=when,
        note=note,
    )


demo.register_seeder(order=700, seed=seed_figures_history)
