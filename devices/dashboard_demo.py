"""Demo data the dashboards need beyond the counter's: model prices and lifetimes (the refresh
forecast), old laptops kept in stock past their end of life, a stolen phone (a loss, its SIM block
and wipe requests, its incident), two leaver cases, one overdue, and two open device requests.
Idempotent."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from devices.core.services import device_issue
from devices.leavers.services.cases import leaver_date_set
from devices.losses.services.losses import device_report_lost
from devices.models import Device, DeviceLoss, DeviceModel, DeviceRequest, LeaverCase, TechBar
from devices.requests.services import device_request_submit
from portal.models import User

# (make, model): (unit cost in pounds, expected life in months)
PRICES = {
    ("Samsung", "Galaxy XCover 7"): (Decimal("429.00"), 36),
    ("Samsung", "Galaxy S24"): (Decimal("699.00"), 36),
    ("Apple", "iPhone 15"): (Decimal("729.00"), 36),
    ("Apple", "iPad 10th generation"): (Decimal("349.00"), 48),
    ("Microsoft", "Surface Laptop 6"): (Decimal("1199.00"), 48),
    ("Dell", "Latitude 5450"): (Decimal("949.00"), 48),
}
OLD_LAPTOPS = 4


def seed_dashboards_demo(*, people: Sequence[User], admin: User, issuer: User, tech_bar: TechBar) -> None:
    """`people[50:]` hold no kit from the counter demo: one of them is issued a phone at `tech_bar`
    and has it stolen (so the counter demo, which gives `people[:50]` a phone each, stays as it is)."""
    for (make, name), (cost, months) in PRICES.items():
        DeviceModel.objects.filter(make=make, model_name=name, unit_cost__isnull=True).update(
            unit_cost=cost, expected_life_months=months
        )
    today = timezone.localdate()
    past = Device.objects.filter(end_of_life_date__lt=today).exclude(status__in=[Device.Status.DISPOSED])
    if not past.exists():
        # Old laptops waiting in stock for disposal, bought in 2021.
        old = Device.objects.filter(
            status=Device.Status.IN_STOCK, model__make="Dell", model__model_name="Latitude 5450"
        ).order_by("asset_tag")[:OLD_LAPTOPS]
        Device.objects.filter(pk__in=[d.pk for d in old]).update(
            purchase_date=datetime.date(2021, 9, 1), end_of_life_date=datetime.date(2025, 9, 1)
        )
    phone = (
        Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar=tech_bar, model__kind=DeviceModel.Kind.SMARTPHONE)
        .order_by("-asset_tag")
        .first()
    )
    if not DeviceLoss.objects.exists() and len(people) > 50 and phone is not None:
        holder = people[-1]
        device_issue(device=phone, holder=holder, actor=issuer, tech_bar=tech_bar)
        device_report_lost(
            device=phone,
            actor=holder,
            kind=DeviceLoss.Kind.STOLEN,
            noticed_at=timezone.now() - datetime.timedelta(hours=2),
            where="Taken from a locker at the South Command Hub",
        )
    candidates = [p for p in people[30:50] if p.is_active]
    if not LeaverCase.objects.exists():
        leavers = [p for p in candidates if p.leaving_date is None][-2:]
        for person, days in zip(leavers, (-5, 12), strict=False):
            leaver_date_set(
                person=person,
                leaving_date=today + datetime.timedelta(days=days),
                actor=admin,
                source=LeaverCase.Source.ADMIN,
                reason="Demo: resigning" if days > 0 else "Demo: retired",
            )
    # Two people without kit ask for some: a laptop (standard kit, approved at once) and a tablet
    # (outside it, waiting for approval), so the requests panel has figures.
    askers = [p for p in people[50:-1] if p.is_active and p.leaving_date is None][:2]
    if not DeviceRequest.objects.exists() and len(askers) == 2:
        for person, kind, reason, details in (
            (askers[0], DeviceModel.Kind.LAPTOP, DeviceRequest.Reason.NEW_STARTER, ""),
            (askers[1], DeviceModel.Kind.TABLET, DeviceRequest.Reason.OTHER, "Demo: briefings on patrol"),
        ):
            device_request_submit(
                requester=person, submitted_by=person, kind=kind, reason=reason, details=details, collect_at=tech_bar
            )
