"""Every write to accessories: issue and return (at the counter, in the visit's transaction),
deliveries, transfers between Tech Bars, stocktake counts and the low-stock alert.

Quantities move by conditional F() updates (`quantity >= n`), so two counters issuing the last
charger at once leave one refused and none below zero; CHECK constraints hold the same line in the
database. Each movement writes an `AccessoryMovement`, the append-only history.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from devices.accessories import hooks
from devices.accessories.models import (
    AccessoryCount,
    AccessoryHolding,
    AccessoryKind,
    AccessoryMovement,
    AccessoryStock,
)
from devices.accessories.selectors import accessory_staff_for
from devices.core.low_stock import low_stock_alert
from devices.core.models import TechBar
from devices.core.services.common import DeviceError
from devices.counter.models import CounterVisit
from portal.models import User

MAX_QUANTITY = 50  # more than one person takes of anything; stops a typo emptying the shelves


class AccessoryError(DeviceError):
    """An accessory movement refused, in words for the staff member."""


@dataclass
class AccessoryLine:
    """Accessories on a counter visit: `direction` "give" (handing over) or "take" (taking back)."""

    kind: AccessoryKind
    quantity: int
    direction: str = "give"

    GIVE = "give"
    TAKE = "take"


def _check_quantity(quantity: int, kind: AccessoryKind) -> None:
    if not isinstance(quantity, int) or quantity < 1:
        raise AccessoryError(f"Give a quantity of at least 1 for {kind}.")
    if quantity > MAX_QUANTITY:
        raise AccessoryError(f"At most {MAX_QUANTITY} {kind} at once.")


def _stock_row(tech_bar: TechBar, kind: AccessoryKind) -> AccessoryStock:
    row, _ = AccessoryStock.objects.get_or_create(tech_bar=tech_bar, kind=kind)
    return row


def _stock_take_out(*, tech_bar: TechBar, kind: AccessoryKind, quantity: int) -> None:
    """Stock down by `quantity`, only if that many are there (the row lock makes a second counter
    wait, then see the new quantity)."""
    moved = AccessoryStock.objects.filter(tech_bar=tech_bar, kind=kind, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    if not moved:
        have = AccessoryStock.objects.filter(tech_bar=tech_bar, kind=kind).values_list("quantity", flat=True).first()
        raise AccessoryError(f"{tech_bar} has {have or 0} {kind} in stock, not {quantity}.")


def _stock_put_in(*, tech_bar: TechBar, kind: AccessoryKind, quantity: int) -> None:
    _stock_row(tech_bar, kind)
    AccessoryStock.objects.filter(tech_bar=tech_bar, kind=kind).update(quantity=F("quantity") + quantity)


def _move(kind_: str, *, accessory, quantity, stock_change, tech_bar, actor, **extra) -> AccessoryMovement:
    return AccessoryMovement.objects.create(
        kind=kind_,
        accessory=accessory,
        quantity=quantity,
        stock_change=stock_change,
        tech_bar=tech_bar,
        actor=actor,
        created_at=extra.pop("created_at", None) or timezone.now(),
        **extra,
    )


# --- Low stock ----------------------------------------------------------------------------------
@transaction.atomic
def accessory_stock_level_check(*, tech_bar: TechBar, kind: AccessoryKind, fell: bool = True) -> bool:
    """The devices' low-stock rule (devices.core.low_stock) for an accessory; a level of 0 is no
    level. True when an alert went out."""
    row = (
        AccessoryStock.objects.select_for_update(of=("self",))
        .select_related("kind")
        .filter(tech_bar=tech_bar, kind=kind)
        .first()
    )
    if row is None or not row.minimum:
        return False
    return low_stock_alert(
        level=row,
        in_stock=row.quantity,
        fell=fell,
        tech_bar=tech_bar,
        what=row.kind,
        url=reverse("admin:devices_accessorystock_changelist"),
        staff=accessory_staff_for(tech_bar),
    )


# --- Issue and return ---------------------------------------------------------------------------
@transaction.atomic
def accessory_issue(
    *,
    kind: AccessoryKind,
    quantity: int,
    person: User,
    actor: User,
    tech_bar: TechBar,
    visit: CounterVisit | None = None,
) -> AccessoryMovement:
    """Hand `quantity` of a kind to a person from this Tech Bar's stock. A returnable kind is then
    held by them (My kit, a leaver case); a consumable is theirs."""
    _check_quantity(quantity, kind)
    if not kind.is_active:
        raise AccessoryError(f"{kind} is no longer issued.")
    _stock_take_out(tech_bar=tech_bar, kind=kind, quantity=quantity)
    if kind.is_returnable:
        holding, _ = AccessoryHolding.objects.get_or_create(person=person, kind=kind)
        AccessoryHolding.objects.filter(pk=holding.pk).update(quantity=F("quantity") + quantity)
    movement = _move(
        AccessoryMovement.Kind.ISSUED,
        accessory=kind,
        quantity=quantity,
        stock_change=-quantity,
        tech_bar=tech_bar,
        actor=actor,
        person=person,
        visit=visit,
    )
    accessory_stock_level_check(tech_bar=tech_bar, kind=kind)
    return movement


@transaction.atomic
def accessory_return(
    *,
    kind: AccessoryKind,
    quantity: int,
    person: User,
    actor: User,
    tech_bar: TechBar,
    visit: CounterVisit | None = None,
) -> AccessoryMovement:
    """Take back `quantity` of a returnable kind the person holds, into this Tech Bar's stock."""
    _check_quantity(quantity, kind)
    if not kind.is_returnable:
        raise AccessoryError(f"{kind} is a consumable: it is not handed back.")
    moved = AccessoryHolding.objects.filter(person=person, kind=kind, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    if not moved:
        held = AccessoryHolding.objects.filter(person=person, kind=kind).values_list("quantity", flat=True).first()
        raise AccessoryError(f"{person.get_full_name()} holds {held or 0} {kind}, not {quantity}.")
    _stock_put_in(tech_bar=tech_bar, kind=kind, quantity=quantity)
    movement = _move(
        AccessoryMovement.Kind.RETURNED,
        accessory=kind,
        quantity=quantity,
        stock_change=quantity,
        tech_bar=tech_bar,
        actor=actor,
        person=person,
        visit=visit,
    )
    remaining = AccessoryHolding.objects.get(person=person, kind=kind).quantity
    hooks.returned(person=person, kind=kind, quantity=quantity, remaining=remaining, actor=actor, tech_bar=tech_bar)
    accessory_stock_level_check(tech_bar=tech_bar, kind=kind, fell=False)
    return movement


@transaction.atomic
def accessory_holding_end(*, person: User, kind: AccessoryKind, actor: User, outcome: str, note: str = "") -> int:
    """What a person holds of a kind will not come back (a leaver's line ended lost or written off):
    the holding goes to 0 and a movement says so; the shelves do not change. How many it was."""
    holding = AccessoryHolding.objects.select_for_update().filter(person=person, kind=kind).first()
    if holding is None or not holding.quantity:
        return 0
    quantity = holding.quantity
    AccessoryHolding.objects.filter(pk=holding.pk).update(quantity=0)
    last = AccessoryMovement.objects.filter(person=person, accessory=kind, kind=AccessoryMovement.Kind.ISSUED).first()
    _move(
        AccessoryMovement.Kind.WRITTEN_OFF,
        accessory=kind,
        quantity=quantity,
        stock_change=0,
        tech_bar=last.tech_bar if last else _any_tech_bar(),
        actor=actor,
        person=person,
        note=f"{outcome}: {note}".strip(": ")[:300],
    )
    return quantity


def _any_tech_bar() -> TechBar:
    return TechBar.objects.order_by("pk").first()


def accessory_lines_refusal(*, person: User, lines: list[AccessoryLine], tech_bar: TechBar) -> str:
    """Why these accessory lines cannot go through as they stand ('' when they can): a consumable
    taken back, more taken back than held, more handed over than the shelves hold."""
    for line in lines:
        if line.quantity < 1 or line.quantity > MAX_QUANTITY:
            return f"Give a quantity from 1 to {MAX_QUANTITY} for {line.kind}."
        if line.direction == AccessoryLine.TAKE:
            if not line.kind.is_returnable:
                return f"{line.kind} is a consumable: it is not handed back."
            held = AccessoryHolding.objects.filter(person=person, kind=line.kind).values_list("quantity", flat=True)
            held = held.first() or 0
            if held < line.quantity:
                return f"{person.get_full_name()} holds {held} {line.kind}, not {line.quantity}."
        else:
            have = AccessoryStock.objects.filter(tech_bar=tech_bar, kind=line.kind).values_list("quantity", flat=True)
            have = have.first() or 0
            if have < line.quantity:
                return f"{tech_bar} has {have} {line.kind} in stock, not {line.quantity}."
    return ""


def accessory_counter_lines(
    *, visit: CounterVisit, person: User, actor: User, tech_bar: TechBar, lines: list[AccessoryLine]
) -> list[AccessoryMovement]:
    """The accessories of one counter visit, in the visit's transaction: taken back first, then
    handed over, each a movement pointing at the visit (and so on its receipt)."""
    ordered = sorted(lines, key=lambda line: (line.direction != AccessoryLine.TAKE, line.kind.pk))
    movements = []
    for line in ordered:
        service = accessory_return if line.direction == AccessoryLine.TAKE else accessory_issue
        movements.append(
            service(kind=line.kind, quantity=line.quantity, person=person, actor=actor, tech_bar=tech_bar, visit=visit)
        )
    return movements


# --- Stock arriving and moving between Tech Bars -------------------------------------------------
@transaction.atomic
def accessory_deliver(
    *, kind: AccessoryKind, quantity: int, tech_bar: TechBar, actor: User, note: str = ""
) -> AccessoryMovement:
    """New stock arrived at a Tech Bar (a delivery from the supplier)."""
    if quantity < 1:
        raise AccessoryError("A delivery brings at least one.")
    _stock_put_in(tech_bar=tech_bar, kind=kind, quantity=quantity)
    movement = _move(
        AccessoryMovement.Kind.DELIVERED,
        accessory=kind,
        quantity=quantity,
        stock_change=quantity,
        tech_bar=tech_bar,
        actor=actor,
        note=note[:300],
    )
    accessory_stock_level_check(tech_bar=tech_bar, kind=kind, fell=False)
    return movement


@transaction.atomic
def accessory_transfer(
    *, kind: AccessoryKind, quantity: int, from_tech_bar: TechBar, to_tech_bar: TechBar, actor: User, note: str = ""
) -> tuple[AccessoryMovement, AccessoryMovement]:
    """Move a quantity from one Tech Bar's shelves to another's: counted and small, they go in the
    same trip, so the transfer is one step (a sent and a received movement at one instant)."""
    if from_tech_bar.pk == to_tech_bar.pk:
        raise AccessoryError("Choose another Tech Bar to send to.")
    if not to_tech_bar.is_active:
        raise AccessoryError(f"{to_tech_bar} is closed.")
    if quantity < 1:
        raise AccessoryError("Send at least one.")
    # Both rows locked in one order, so two transfers in opposite directions never wait in a circle.
    for bar in sorted((from_tech_bar, to_tech_bar), key=lambda b: b.pk):
        _stock_row(bar, kind)
    list(
        AccessoryStock.objects.select_for_update()
        .filter(kind=kind, tech_bar__in=[from_tech_bar, to_tech_bar])
        .order_by("tech_bar_id")
    )
    _stock_take_out(tech_bar=from_tech_bar, kind=kind, quantity=quantity)
    _stock_put_in(tech_bar=to_tech_bar, kind=kind, quantity=quantity)
    now = timezone.now()
    common = {"accessory": kind, "quantity": quantity, "actor": actor, "note": note[:300], "created_at": now}
    sent = _move(
        AccessoryMovement.Kind.TRANSFER_SENT,
        stock_change=-quantity,
        tech_bar=from_tech_bar,
        other_tech_bar=to_tech_bar,
        **common,
    )
    received = _move(
        AccessoryMovement.Kind.TRANSFER_RECEIVED,
        stock_change=quantity,
        tech_bar=to_tech_bar,
        other_tech_bar=from_tech_bar,
        **common,
    )
    accessory_stock_level_check(tech_bar=from_tech_bar, kind=kind)
    accessory_stock_level_check(tech_bar=to_tech_bar, kind=kind, fell=False)
    return sent, received


# --- Stocktakes ---------------------------------------------------------------------------------
@transaction.atomic
def accessory_count_record(*, stocktake, kind: AccessoryKind, counted: int, actor: User) -> AccessoryCount:
    """What the shelves hold of one kind, counted in an open stocktake (counted again: the new count)."""
    if stocktake.closed_at is not None:
        raise AccessoryError(f"{stocktake.reference} is closed.")
    if counted < 0:
        raise AccessoryError("A count is never below zero.")
    expected = _stock_row(stocktake.tech_bar, kind).quantity
    try:
        with transaction.atomic():
            count, _ = AccessoryCount.objects.update_or_create(
                stocktake=stocktake,
                kind=kind,
                defaults={"expected": expected, "counted": counted, "counted_by": actor, "counted_at": timezone.now()},
            )
    except IntegrityError as error:
        raise AccessoryError(f"{kind} was counted by someone else at the same moment: count it again.") from error
    return count


@transaction.atomic
def accessory_stocktake_settle(*, stocktake, actor: User) -> list[AccessoryMovement]:
    """When a stocktake closes: each kind counted sets the shelves' quantity to what was counted,
    the difference (from the stock as it is now) written as a stocktake movement."""
    movements = []
    for count in AccessoryCount.objects.filter(stocktake=stocktake).select_related("kind").order_by("kind_id"):
        row = AccessoryStock.objects.select_for_update().get(tech_bar=stocktake.tech_bar, kind=count.kind)
        change = count.counted - row.quantity
        if not change:
            continue
        AccessoryStock.objects.filter(pk=row.pk).update(quantity=count.counted)
        movements.append(
            _move(
                AccessoryMovement.Kind.STOCKTAKE,
                accessory=count.kind,
                quantity=abs(change),
                stock_change=change,
                tech_bar=stocktake.tech_bar,
                actor=actor,
                stocktake=stocktake,
                note=f"Counted {count.counted} in {stocktake.reference}; the record said {row.quantity}.",
            )
        )
        accessory_stock_level_check(tech_bar=stocktake.tech_bar, kind=count.kind, fell=change < 0)
    return movements
