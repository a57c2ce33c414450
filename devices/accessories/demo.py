"""Demo accessories: the kinds a Tech Bar keeps (chargers, car kits, headsets, cases, docking
stations and the assistive keyboards and mice of workplace adjustments), each with its shelf code
(ACC-CHARGER...) that the counter's scan field takes, stock and a low-stock level at every demo
Tech Bar, a charger held (see My kit), and rugged cases (a consumable) handed out at each Tech Bar.
Registered by `devices.demo`; idempotent."""

from devices.accessories import services
from devices.accessories.models import AccessoryKind, AccessoryMovement, AccessoryStock
from devices.core.models import TechBar
from portal import demo

C, U = AccessoryKind.Category, AccessoryKind.Usage
# name, shelf code, category, usage, assistive, stock at each Tech Bar, low-stock level
KINDS = [
    ("USB-C charger", "ACC-CHARGER", C.CHARGER, U.RETURNABLE, False, 25, 5),
    ("Vehicle phone car kit", "ACC-CARKIT", C.CAR_KIT, U.RETURNABLE, False, 8, 2),
    ("Bluetooth headset", "ACC-HEADSET", C.HEADSET, U.RETURNABLE, False, 12, 3),
    ("Rugged phone case", "ACC-CASE", C.CASE, U.CONSUMABLE, False, 30, 10),
    ("Laptop docking station", "ACC-DOCK", C.DOCKING_STATION, U.RETURNABLE, False, 6, 2),
    ("Assistive ergonomic keyboard", "ACC-KEYBOARD", C.KEYBOARD, U.RETURNABLE, True, 4, 1),
    ("Assistive vertical mouse", "ACC-MOUSE", C.MOUSE, U.RETURNABLE, True, 4, 1),
    ("Noise-cancelling assistive headset", "ACC-AHEADSET", C.HEADSET, U.RETURNABLE, True, 3, 1),
]


def seed_accessories(force: demo.DemoForce) -> None:
    kinds = {}
    for name, code, category, usage, assistive, _, _ in KINDS:
        kinds[code], _ = AccessoryKind.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "usage": usage, "assistive": assistive}
        )
    staff = force.person("TB001")
    for bar in TechBar.objects.filter(is_active=True).order_by("code"):
        for _, code, _, _, _, quantity, minimum in KINDS:
            _, created = AccessoryStock.objects.get_or_create(
                tech_bar=bar, kind=kinds[code], defaults={"minimum": minimum}
            )
            if created:
                services.accessory_deliver(
                    kind=kinds[code], quantity=quantity, tech_bar=bar, actor=staff, note="Opening stock"
                )
    bars = list(TechBar.objects.filter(is_active=True).order_by("code"))
    # Not OFF001: the leaver walk hands back everything OFF001 holds, device by device.
    holder = force.people[20]
    if not AccessoryMovement.objects.filter(person=holder).exists():
        services.accessory_issue(kind=kinds["ACC-CHARGER"], quantity=1, person=holder, actor=staff, tech_bar=bars[0])
    # Rugged cases (a consumable) handed out at each Tech Bar: the dashboard's consumables panel.
    if not AccessoryMovement.objects.filter(accessory=kinds["ACC-CASE"], kind=AccessoryMovement.Kind.ISSUED).exists():
        for n, person in enumerate(force.people[10:16]):
            services.accessory_issue(
                kind=kinds["ACC-CASE"], quantity=1 + n % 2, person=person, actor=staff, tech_bar=bars[n % len(bars)]
            )


demo.register_seeder(order=320, seed=seed_accessories)  # after the estate: TB001 and OFF001 exist
