"""Reads for accessories: kinds by their shelf code, stock per Tech Bar, what a person holds, and
the movements (the history the dashboard, the activity report and figures count from)."""

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from devices.accessories.models import (
    AccessoryCount,
    AccessoryHolding,
    AccessoryKind,
    AccessoryMovement,
    AccessoryStock,
)
from devices.core.codes import unreadable_code
from devices.core.models import TechBar
from portal.models import Role, User


def accessory_kind_by_code(*, code: str) -> AccessoryKind | None:
    """The active kind whose shelf label carries this code (any case), or None. A code holding
    characters no scanner sends is no kind's (PostgreSQL refuses NUL in a query)."""
    code = (code or "").strip().upper()
    if not code or unreadable_code(code):
        return None
    return AccessoryKind.objects.filter(code=code, is_active=True).first()


def accessory_kinds_active() -> QuerySet[AccessoryKind]:
    return AccessoryKind.objects.filter(is_active=True).order_by("name")


def accessory_stock_at(*, tech_bar: TechBar, kind: AccessoryKind) -> int:
    row = AccessoryStock.objects.filter(tech_bar=tech_bar, kind=kind).values_list("quantity", flat=True).first()
    return row or 0


def accessory_stock_for(*, tech_bar: TechBar) -> QuerySet[AccessoryStock]:
    """Every kind's stock row at this Tech Bar (what a stocktake expects)."""
    return AccessoryStock.objects.filter(tech_bar=tech_bar).select_related("kind").order_by("kind__name")


def accessory_stocktake_rows(*, stocktake) -> list[dict]:
    """Each kind on the Tech Bar's shelves in a stocktake: expected (the record now, or when
    counted) and counted (None until counted). Two queries."""
    counts = {c.kind_id: c for c in AccessoryCount.objects.filter(stocktake=stocktake)}
    rows = []
    for stock in accessory_stock_for(tech_bar=stocktake.tech_bar):
        count = counts.get(stock.kind_id)
        expected = count.expected if count else stock.quantity
        counted = count.counted if count else None
        rows.append(
            {
                "kind": stock.kind,
                "expected": expected,
                "counted": counted,
                "difference": None if counted is None else counted - expected,
            }
        )
    return rows


def accessories_held_by(*, person: User) -> QuerySet[AccessoryHolding]:
    """The returnable accessories a person holds now (My kit, the counter, a leaver case)."""
    return AccessoryHolding.objects.filter(person=person, quantity__gt=0).select_related("kind").order_by("kind__name")


def my_kit_accessories(*, person: User, user: User) -> dict:
    """My kit's panel: the returnable accessories the person holds (devices.core.panels.MY_KIT)."""
    return {"my_accessories": list(accessories_held_by(person=person))}


def accessory_held_quantity(*, person: User, kind: AccessoryKind) -> int:
    row = AccessoryHolding.objects.filter(person=person, kind=kind).values_list("quantity", flat=True).first()
    return row or 0


def accessory_staff_for(tech_bar: TechBar) -> QuerySet[User]:
    """Who is told about a Tech Bar's accessory stock: the same people as for its devices."""
    return User.objects.filter(is_active=True, groups__name=Role.TECH_BAR).distinct().order_by("pk")


def _issued(*, start, end, unit: str = "", supervisor: User | None = None) -> QuerySet[AccessoryMovement]:
    """Accessories issued in [start, end), to people in `unit` / the supervisor's team when given."""
    rows = AccessoryMovement.objects.filter(
        kind=AccessoryMovement.Kind.ISSUED, created_at__gte=start, created_at__lt=end
    )
    if unit:
        rows = rows.filter(person__command_unit=unit)
    if supervisor is not None:
        rows = rows.filter(person__supervisor=supervisor)
    return rows


def accessories_issued_per_month(*, start, end, unit: str = "", supervisor: User | None = None) -> dict:
    """{(first of the month, local date; kind name): quantity issued}, one query."""
    rows = (
        _issued(start=start, end=end, unit=unit, supervisor=supervisor)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "accessory__name")
        .annotate(issued=Sum("quantity"))
        .order_by()
    )
    totals: dict = {}
    for row in rows:
        key = (timezone.localtime(row["month"]).date().replace(day=1), row["accessory__name"])
        totals[key] = totals.get(key, 0) + row["issued"]
    return totals


def consumables_used_per_tech_bar(*, start, end, unit: str = "", supervisor: User | None = None) -> list[tuple]:
    """[(Tech Bar name, consumables issued, people given them)] in the period, one query."""
    rows = (
        _issued(start=start, end=end, unit=unit, supervisor=supervisor)
        .filter(accessory__usage=AccessoryKind.Usage.CONSUMABLE)
        .values("tech_bar__name")
        .annotate(issued=Sum("quantity"), people=Count("person", distinct=True))
        .order_by("tech_bar__name")
    )
    return [(row["tech_bar__name"], row["issued"], row["people"]) for row in rows]


def accessory_movements_for_visits(visit_ids) -> dict[int, list[AccessoryMovement]]:
    """{visit id: its issue and return movements}, one query (receipts, the activity report)."""
    by_visit: dict[int, list[AccessoryMovement]] = {}
    for movement in (
        AccessoryMovement.objects.filter(visit_id__in=list(visit_ids))
        .select_related("accessory")
        .order_by("visit_id", "pk")
    ):
        by_visit.setdefault(movement.visit_id, []).append(movement)
    return by_visit
