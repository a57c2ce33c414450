"""Demo kit: phones issued through the counter service, a swap in OFF001's history (its damaged
phone waits in triage at Headquarters), TB001 working at Headquarters, opening hours, and spare
phones at every Tech Bar, so "TB001 swaps OFF001's faulty phone at the counter" works on `make run`.
For the leavers' walk, OFF001 holds a laptop as well as a phone, TB001 is Headquarters' Tech Bar
lead, and each command unit has a lead (its first sergeant) for overdue leavers.

Idempotent: people who hold kit keep it, and OFF001's history is made once.
"""

import csv
import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from devices.core import services
from devices.core.codes import imei_check_digit
from devices.counter import services as counter_services
from devices.dashboard_demo import seed_dashboards_demo
from devices.imports.resources import COLUMNS
from devices.loans.demo import loans_hint, make_overdue, overdue_phone, seed_loan_pools
from devices.models import (
    CommandUnitLead,
    CounterVisit,
    Device,
    DeviceModel,
    StockLevel,
    TechBar,
    TechBarOpeningHours,
)
from portal import demo
from portal.models import User

TECH_BARS = [
    ("hq", "Headquarters Tech Bar", "Ground floor, Force Headquarters"),
    ("north", "North Hub Tech Bar", "North Command Hub, custody block reception"),
    ("south", "South Hub Tech Bar", "South Command Hub, first floor"),
]
DEVICE_MODELS = [
    ("Samsung", "Galaxy XCover 7", DeviceModel.Kind.SMARTPHONE, "Android 15"),
    ("Samsung", "Galaxy S24", DeviceModel.Kind.SMARTPHONE, "Android 15"),
    ("Apple", "iPhone 15", DeviceModel.Kind.SMARTPHONE, "iOS 18"),
    ("Apple", "iPad 10th generation", DeviceModel.Kind.TABLET, "iPadOS 18"),
    ("Microsoft", "Surface Laptop 6", DeviceModel.Kind.LAPTOP, "Windows 11"),
    ("Dell", "Latitude 5450", DeviceModel.Kind.LAPTOP, "Windows 11"),
]
DEVICES = 300
SPARE_PHONES_PER_TECH_BAR = 5
DEMO_LOW_STOCK_LEVEL = 3  # phones of each model per Tech Bar: below it, the Tech Bar's staff are told


def demo_imei(n: int) -> str:
    """A made-up IMEI with a correct check digit (the counter refuses a wrong one)."""
    first_14 = f"35{n:012d}"
    return first_14 + imei_check_digit(first_14)


def _phones_in_stock(tech_bar: TechBar) -> list[Device]:
    return list(
        Device.objects.filter(status=Device.Status.IN_STOCK, tech_bar=tech_bar, model__kind=DeviceModel.Kind.SMARTPHONE)
        .filter(loan_pool__isnull=True)  # a loan pool phone is only lent
        .order_by("asset_tag")
    )


def counter_demo_hint(*, officer: User, tech_bar: TechBar) -> str:
    """One line for the demo's printout: what to scan to swap the officer's phone."""
    held = officer.assignments.filter(returned_at__isnull=True, device__model__kind=DeviceModel.Kind.SMARTPHONE)
    held = held.select_related("device").first()
    spares = [d.asset_tag for d in _phones_in_stock(tech_bar)[:3]]
    if held is None or not spares:
        return ""
    return (
        f"Counter demo: as TB001 at {tech_bar}, {officer.payroll_number} holds {held.device.asset_tag}; "
        f"spare phones there: {', '.join(spares)}."
    )


def _opening_hours(bar: TechBar, *, late: bool) -> None:
    """Weekdays 08:00 to 17:00 (18:00 at Headquarters), and Saturday mornings at Headquarters."""
    closes = datetime.time(18, 0) if late else datetime.time(17, 0)
    for weekday in range(5):
        TechBarOpeningHours.objects.get_or_create(
            tech_bar=bar, weekday=weekday, defaults={"opens": datetime.time(8, 0), "closes": closes}
        )
    if late:
        TechBarOpeningHours.objects.get_or_create(
            tech_bar=bar, weekday=5, defaults={"opens": datetime.time(9, 0), "closes": datetime.time(12, 0)}
        )


def seed_devices_demo(
    *, people: Sequence[User], tech_bars: Sequence[TechBar], issuer: User, officer: User, rng: random.Random
) -> None:
    """Give `officer` a history (a phone swapped when it came back damaged) and a phone to swap
    today; give most `people` a phone; keep spare phones in stock at every Tech Bar."""
    home = tech_bars[0]
    home.staff.add(issuer)  # TB001 works at Headquarters: their counter opens there
    for bar in tech_bars:
        _opening_hours(bar, late=bar.pk == home.pk)
    if not CounterVisit.objects.filter(person=officer).exists():
        stock = _phones_in_stock(home)
        first, second = stock[0], stock[1]
        counter_services.counter_visit_confirm(
            person=officer, actor=issuer, tech_bar=home, basket=counter_services.CounterBasket(hand_over=[first])
        )
        counter_services.counter_visit_confirm(
            person=officer,
            actor=issuer,
            tech_bar=home,
            basket=counter_services.CounterBasket(
                take_back=[counter_services.TakeBack(first, "damaged", "Screen cracked, dropped on duty")],
                hand_over=[second],
            ),
        )
    for person in people:
        if person.pk == officer.pk or person.assignments.filter(returned_at__isnull=True).exists():
            continue
        bars = [b for b in tech_bars if len(_phones_in_stock(b)) > SPARE_PHONES_PER_TECH_BAR]
        if not bars:
            break
        bar = rng.choice(bars)
        services.device_issue(device=_phones_in_stock(bar)[0], holder=person, actor=issuer, tech_bar=bar)
    seed_stock_levels_demo(tech_bars=tech_bars)
    seed_leavers_demo(people=people, home=home, issuer=issuer, officer=officer)


def seed_leavers_demo(*, people: Sequence[User], home: TechBar, issuer: User, officer: User) -> None:
    """OFF001 also holds a laptop (a leaver with a phone and a laptop to return), TB001 leads
    Headquarters' Tech Bar, and each command unit's first sergeant is its lead."""
    home.leads.add(issuer)
    holds_laptop = officer.assignments.filter(returned_at__isnull=True, device__model__kind=DeviceModel.Kind.LAPTOP)
    if not holds_laptop.exists():
        laptops = Device.objects.filter(status=Device.Status.IN_STOCK, model__kind=DeviceModel.Kind.LAPTOP)
        # Headquarters' own if it has one; else one from another Tech Bar, issued there.
        laptop = laptops.filter(tech_bar=home).order_by("asset_tag").first() or laptops.order_by("asset_tag").first()
        if laptop is not None:
            services.device_issue(device=laptop, holder=officer, actor=issuer, tech_bar=laptop.tech_bar)
    for person in sorted(people, key=lambda p: p.payroll_number):
        if person.command_unit and person.rank_or_grade == "Sergeant" and person.pk != officer.supervisor_id:
            CommandUnitLead.objects.get_or_create(command_unit=person.command_unit, defaults={"lead": person})


def seed_stock_levels_demo(*, tech_bars: Sequence[TechBar]) -> None:
    """A low-stock level for each smartphone model at every demo Tech Bar (kept if already set).
    A stocktake at HQ that scans all its stock but one finds that one missing."""
    for bar in tech_bars:
        for model in DeviceModel.objects.filter(kind=DeviceModel.Kind.SMARTPHONE):
            StockLevel.objects.get_or_create(
                tech_bar=bar, device_model=model, defaults={"minimum": DEMO_LOW_STOCK_LEVEL}
            )


_MDM_MODELS = ["Samsung Galaxy XCover 7", "Samsung Galaxy S24", "Apple iPhone 15"]


def write_mdm_csv(out, *, rows: int, start: int = 1) -> None:
    """An Intune-style export of `rows` new phones (asset tags MDM000001...), valid for the MDM
    import on the demo data: the demo's phone models, IMEIs with check digits that no seeded
    device has, and enrolment dates in 2026."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(start, start + rows):
        writer.writerow(
            [
                f"MDM{n:06d}",
                f"R5CW{n:08d}",
                demo_imei(5_000_000 + n),
                _MDM_MODELS[n % len(_MDM_MODELS)],
                f"07{n:09d}",
                f"8944110{n:013d}",
                f"{n:08x}-4c1f-4a6e-9d2b-{n:012x}",
                (datetime.date(2026, 1, 5) + datetime.timedelta(days=n % 300)).isoformat(),
            ]
        )


# --- seed_demo's steps (portal.demo) ---------------------------------------------------------------


def _tech_bars() -> list[TechBar]:
    return [TechBar.objects.get(code=code) for code, _, _ in TECH_BARS]


def _device_models() -> list[DeviceModel]:
    return [DeviceModel.objects.get(make=make, model_name=name) for make, name, _, _ in DEVICE_MODELS]


def seed_catalogue(force: demo.DemoForce) -> None:
    """The Tech Bars and the device models, before anyone is made."""
    for code, name, location in TECH_BARS:
        TechBar.objects.update_or_create(code=code, defaults={"name": name, "location": location})
    for make, name, kind, os_name in DEVICE_MODELS:
        DeviceModel.objects.update_or_create(
            make=make, model_name=name, defaults={"kind": kind, "operating_system": os_name}
        )


def seed_estate(force: demo.DemoForce) -> None:
    """The devices, then the first 50 people's phones, issued through the counter services so
    history is real; OFF001's phone can be swapped at the counter (see seed_devices_demo)."""
    rng, models, tech_bars = force.rng, _device_models(), _tech_bars()
    existing = set(Device.objects.values_list("asset_tag", flat=True))
    new = []
    for i in range(1, DEVICES + 1):
        tag = f"KB{i:06d}"
        if tag in existing:
            continue
        model = models[i % len(models)]
        phone = model.kind == DeviceModel.Kind.SMARTPHONE
        bought = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        new.append(
            Device(
                asset_tag=tag,
                serial_number=f"SN{rng.randrange(10**9, 10**10)}",
                imei=demo_imei(i) if phone else "",
                phone_number=f"07700 9{i:05d}" if phone else "",
                model=model,
                mdm_enrolment_id=f"intune-{i:06d}",
                purchase_date=bought,
                end_of_life_date=bought + datetime.timedelta(days=4 * 365),
                tech_bar=tech_bars[i % len(tech_bars)],
            )
        )
    # Received at their Tech Bars two years back, each with its "received" event: the figures count
    # a device from its first event.
    received = timezone.now() - datetime.timedelta(days=730)
    services.devices_receive_bulk(
        devices=new, actor=force.person("TB001"), note="Demo: from the supplier.", received_at=received
    )
    seed_devices_demo(
        people=force.people[:50],
        tech_bars=tech_bars,
        issuer=force.person("TB001"),
        officer=force.person("OFF001"),
        rng=rng,
    )


def seed_dashboards(force: demo.DemoForce) -> None:
    """A stolen phone, leaver cases, prices and old stock: every dashboard panel has figures."""
    seed_dashboards_demo(
        people=force.people, admin=force.person("ADM001"), issuer=force.person("TB001"), tech_bar=_tech_bars()[-1]
    )


def seed_loans(force: demo.DemoForce) -> None:
    """Each Tech Bar's loan pool, and one phone lent at the last Tech Bar, now overdue (devices.loans.demo)."""
    tech_bars, issuer = _tech_bars(), force.person("TB001")
    seed_loan_pools(tech_bars=tech_bars, issuer=issuer, imei_for=demo_imei)
    borrowers = [p for p in force.people[50:-2] if p.is_active and p.leaving_date is None]
    phone = overdue_phone(tech_bars)
    if phone is None or not borrowers:
        return
    visit = counter_services.counter_visit_confirm(
        person=borrowers[-1],
        actor=issuer,
        tech_bar=tech_bars[-1],
        basket=counter_services.CounterBasket(hand_over=[phone]),
        loans={phone.pk: timezone.localdate() + datetime.timedelta(days=1)},
    )
    make_overdue(visit.loans.get())


def loan_hint() -> str:
    officer = User.objects.filter(payroll_number="OFF001").first()
    home = TechBar.objects.filter(code=TECH_BARS[0][0]).first()
    return loans_hint(officer=officer, tech_bar=home) if officer and home else ""


def counter_hint() -> str:
    return counter_demo_hint(
        officer=User.objects.get(payroll_number="OFF001"), tech_bar=TechBar.objects.get(code=TECH_BARS[0][0])
    )


demo.register_seeder(order=100, seed=seed_catalogue)
demo.register_seeder(order=300, seed=seed_estate)  # kit first: issued before the policy's version 2
demo.register_seeder(order=320, seed=seed_loans)
demo.register_seeder(order=600, seed=seed_dashboards)
demo.register_hint(order=10, hint=counter_hint)

from devices.figures import demo as figures_demo  # noqa: E402, F401  (its demo step registers itself)

demo.register_hint(order=15, hint=loan_hint)
from devices.accessories import demo as accessories_demo  # noqa: E402, F401  (registers its seeder)
