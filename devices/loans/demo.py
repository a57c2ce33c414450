"""Demo loans: each demo Tech Bar keeps a small loan pool (two tablets, a laptop and a phone), so
the README's walk can lend a tablet due back on Friday to OFF001 from TB001's counter at
Headquarters; and one phone lent at the last Tech Bar is overdue, so the dashboard has figures.
Idempotent. Used by seed_demo's step in devices.demo, which makes the loan at the counter."""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from devices.core.services import device_receive
from devices.loans import ladder as loan_ladder
from devices.loans import services
from devices.models import Device, DeviceModel, Loan, LoanPoolDevice, LoanStep, TechBar
from portal.models import User

# (kind, make, model name) of each pool device, in the order of their asset tags.
POOL = [
    (DeviceModel.Kind.TABLET, "Apple", "iPad 10th generation"),
    (DeviceModel.Kind.TABLET, "Apple", "iPad 10th generation"),
    (DeviceModel.Kind.LAPTOP, "Microsoft", "Surface Laptop 6"),
    (DeviceModel.Kind.SMARTPHONE, "Samsung", "Galaxy XCover 7"),
]
OVERDUE_DAYS = 4


def pool_tag(bar_number: int, n: int) -> str:
    return f"KBL{bar_number}{n:02d}"


def seed_loan_pools(*, tech_bars: Sequence[TechBar], issuer: User, imei_for) -> None:
    """Each Tech Bar's pool: two tablets, a laptop and a phone, received there and added once."""
    for number, bar in enumerate(tech_bars, start=1):
        for n, (kind, make, name) in enumerate(POOL, start=1):
            tag = pool_tag(number, n)
            device = Device.objects.filter(asset_tag=tag).first()
            if device is None:
                # The pool's tablets are cellular (out on the street all day): an IMEI, as a phone has.
                cellular = kind in (DeviceModel.Kind.SMARTPHONE, DeviceModel.Kind.TABLET)
                device = device_receive(
                    device=Device(
                        asset_tag=tag,
                        serial_number=f"SNL{number}{n:06d}",
                        imei=imei_for(900_000 + number * 100 + n) if cellular else "",
                        model=DeviceModel.objects.get(make=make, model_name=name),
                    ),
                    actor=issuer,
                    tech_bar=bar,
                    note="Demo: bought for the loan pool.",
                )
            if not LoanPoolDevice.objects.filter(device=device).exists():
                services.loan_pool_add(device=device, tech_bar=bar, actor=issuer)


def overdue_phone(tech_bars: Sequence[TechBar]) -> Device | None:
    """The last Tech Bar's pool phone, to lend as the demo's overdue loan (None once lent)."""
    phone = Device.objects.get(asset_tag=pool_tag(len(tech_bars), len(POOL)))
    return phone if phone.status == Device.Status.IN_STOCK and not Loan.objects.exists() else None


def make_overdue(loan: Loan, *, days: int = OVERDUE_DAYS) -> None:
    """Demo only: a loan just made becomes one lent a while ago and `days` past its due-back date;
    its steps fall due as its ladder says (those already past at the next sweep)."""
    loan.due_back = timezone.localdate() - datetime.timedelta(days=days)
    loan.save(update_fields=["due_back"])
    for rung in loan_ladder.ladder():
        LoanStep.objects.filter(loan=loan, step=rung.step).update(due_at=loan_ladder.due_at(loan.due_back, rung))


def loans_hint(*, officer: User, tech_bar: TechBar) -> str:
    """One line for the demo's printout: the tablet to lend to OFF001 at Headquarters."""
    tablet = (
        Device.objects.filter(
            loan_pool__tech_bar=tech_bar, status=Device.Status.IN_STOCK, model__kind=DeviceModel.Kind.TABLET
        )
        .order_by("asset_tag")
        .first()
    )
    if tablet is None:
        return ""
    return (
        f"Loan demo: as TB001 at {tech_bar}, lend {officer.payroll_number} the tablet {tablet.asset_tag} "
        "from the loan pool, due back on Friday."
    )
