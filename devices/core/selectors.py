"""Reads for devices: a person's kit, finding a scanned device, and what a scan means at a counter."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Case, Value, When, Window
from django.db.models.functions import RowNumber, Upper

from devices.accessories.models import AccessoryMovement
from devices.core.codes import imei_check_digit_ok, looks_like_imei, unreadable_code
from devices.core.models import Assignment, Device, DeviceEvent, TechBar, TechBarOpeningHours
from devices.counter.models import CounterLine, CounterVisit
from devices.losses.models import DeviceLoss, RemoteAction
from devices.requests.models import DeviceRequest
from devices.stock.models import StocktakeMissing
from devices.triage.models import DeviceTriage
from portal import permissions
from portal.models import User


def assignments_open_for(*, user: User) -> QuerySet[Assignment]:
    """The kit a person holds now."""
    return (
        Assignment.objects.filter(holder=user, returned_at__isnull=True)
        .select_related("device__model", "issued_at_tech_bar")
        .order_by("issued_at")
    )


def assignment_held(*, user: User, device_pk: int) -> Assignment | None:
    """The person's open assignment of this device, or None: nobody reports kit they do not hold."""
    return (
        Assignment.objects.filter(holder=user, device_id=device_pk, returned_at__isnull=True)
        .select_related("device__model", "issued_at_tech_bar")
        .first()
    )


def loss_open_reported_by(*, user: User, device_pk: int) -> DeviceLoss | None:
    """The person's own report of this device still open (a second submit finds the first)."""
    return (
        DeviceLoss.objects.filter(holder=user, device_id=device_pk, found_at__isnull=True)
        .select_related("device", "incident")
        .first()
    )


def tech_bars_that_can_swap(*, device: Device) -> QuerySet[TechBar]:
    """Open Tech Bars with a spare of the same kind in stock, most spares first."""
    spares = Count("devices", filter=Q(devices__status=Device.Status.IN_STOCK, devices__model__kind=device.model.kind))
    return with_opening_hours(
        TechBar.objects.filter(is_active=True).annotate(spares=spares).filter(spares__gt=0).order_by("-spares", "name")
    )


def devices_for_incident(*, incident) -> list[Device]:
    """The devices an incident involves: those whose loss opened it, and any whose asset tag the
    reporter typed. Three queries whatever the number."""
    tags = {t for t in re.split(r"[\s,;]+", incident.asset_tags or "") if t}
    return list(
        Device.objects.filter(Q(losses__incident=incident) | Q(asset_tag__in=tags))
        .distinct()
        .select_related("model")
        .prefetch_related(Prefetch("remote_actions", queryset=RemoteAction.objects.order_by("requested_at", "pk")))
        .order_by("asset_tag")
    )


def device_record(*, pk: int) -> Device:
    """One device with its custody history, losses and remote actions, for the device page."""
    return (
        Device.objects.select_related("model", "tech_bar")
        .prefetch_related(
            Prefetch("events", queryset=DeviceEvent.objects.select_related("actor", "holder", "tech_bar")),
            Prefetch("losses", queryset=DeviceLoss.objects.select_related("holder", "incident")),
            Prefetch(
                "remote_actions",
                queryset=RemoteAction.objects.select_related("requested_by", "completed_by").order_by("-requested_at"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(returned_at__isnull=True).select_related("holder"),
                to_attr="open_assignments",
            ),
        )
        .get(pk=pk)
    )


def tech_bar_worked_at(*, user: User) -> TechBar | None:
    """The Tech Bar a staff member's counter opens at: theirs, or the first by name of several."""
    return TechBar.objects.filter(staff=user, is_active=True).order_by("name", "pk").first()


def with_opening_hours(tech_bars: QuerySet[TechBar]) -> QuerySet[TechBar]:
    """Tech Bars with their opening hours, Monday first, in one more query whatever the number."""
    return tech_bars.prefetch_related(
        Prefetch("opening_hours", queryset=TechBarOpeningHours.objects.order_by("weekday"))
    )


def tech_bars_open_to_officers() -> QuerySet[TechBar]:
    """Every open Tech Bar with its hours, for My kit."""
    return with_opening_hours(TechBar.objects.filter(is_active=True).order_by("name"))


# --- My kit ---------------------------------------------------------------------------------------
def _with_receipts(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Each assignment with the counter visits that issued it and took it back (their receipts)."""
    lines = CounterLine.objects.filter(assignment=OuterRef("pk"))
    return assignments.annotate(
        issue_receipt_id=Subquery(lines.filter(direction=CounterLine.Direction.HANDED_OVER).values("visit_id")[:1]),
        return_receipt_id=Subquery(lines.filter(direction=CounterLine.Direction.TAKEN_BACK).values("visit_id")[:1]),
    )


HANDED_BACK_SHOWN = 50


def kit_of(*, user: User) -> tuple[list[Assignment], list[Assignment]]:
    """My kit in one read: what I hold, oldest issue first, with the receipt I was given, and the last
    HANDED_BACK_SHOWN things I held and handed back, newest first (a window numbers the handed back)."""
    newest_back_first = Window(RowNumber(), order_by=[F("returned_at").desc(nulls_last=True), F("pk").desc()])
    rows = _with_receipts(
        Assignment.objects.filter(holder=user)
        .select_related("device__model", "issued_at_tech_bar")
        .annotate(back_rank=Case(When(returned_at__isnull=True, then=Value(0)), default=newest_back_first))
        .filter(back_rank__lte=HANDED_BACK_SHOWN)
        .order_by("back_rank", "issued_at", "pk")
    )
    held, handed_back = [], []
    for assignment in rows:
        (handed_back if assignment.returned_at else held).append(assignment)
    return held, handed_back


def counter_visits_for(*, user: User) -> QuerySet[CounterVisit]:
    return CounterVisit.objects.filter(person=user).select_related("tech_bar").order_by("-confirmed_at", "-pk")


def counter_visit_for_viewer(*, viewer: User, pk: int) -> CounterVisit | None:
    """A receipt: the person's own, or any for Tech Bar staff and Portal admins; None otherwise."""
    visits = CounterVisit.objects.select_related(
        "person", "tech_bar", "staff", "conditions_version__policy", "accepted_here"
    ).prefetch_related(
        Prefetch("lines", queryset=CounterLine.objects.select_related("device__model").order_by("direction", "pk"))
    )
    if not permissions.is_tech_bar(viewer):
        visits = visits.filter(person=viewer)
    return visits.filter(pk=pk).first()


# --- The counter: a person -------------------------------------------------------------------------
def person_by_payroll_number(*, payroll_number: str) -> User | None:
    code = (payroll_number or "").strip().upper()
    if not code or unreadable_code(code):
        return None
    return User.objects.filter(payroll_number=code).first()


def past_problem_kit(*, user: User) -> QuerySet[DeviceEvent]:
    """Kit this person lost, had stolen or brought back damaged, newest first."""
    return (
        DeviceEvent.objects.filter(holder=user)
        .filter(
            Q(kind__in=[DeviceEvent.Kind.REPORTED_LOST, DeviceEvent.Kind.REPORTED_STOLEN])
            | Q(kind=DeviceEvent.Kind.RETURNED, note__startswith=Assignment.ReturnReason.DAMAGED.label)
        )
        .select_related("device__model")
        .order_by("-created_at", "-pk")
    )


# --- The counter: a scan ---------------------------------------------------------------------------
def device_by_code(*, code: str) -> Device | None:
    """The device with this asset tag, IMEI or serial number (as scanned or typed)."""
    code = (code or "").strip()
    if not code or unreadable_code(code):
        return None
    # a tag is one tag in any case: UPPER(asset_tag), the unique index's own expression (never
    # iexact, which SQLite turns into a LIKE that refuses a long pattern)
    match = Q(tag=code.upper()) | Q(serial_number=code)
    if code != code.upper():
        match |= Q(serial_number=code.upper())
    if code.isdigit():
        match |= Q(imei=code)
    devices = Device.objects.annotate(tag=Upper("asset_tag"))
    found = list(devices.filter(match).select_related("model", "tech_bar")[:2])
    # An asset tag wins over another device's serial number that happens to read the same.
    found.sort(key=lambda d: d.asset_tag.upper() != code.upper())
    return found[0] if found else None


@dataclass(frozen=True)
class Scan:
    """What one scan means for this person at this Tech Bar."""

    TAKE_BACK = "take_back"
    HAND_OVER = "hand_over"
    REFUSED = "refused"
    ALREADY = "already"  # scanned again: already in the list, not added twice

    code: str
    placement: str
    message: str = ""
    device: Device | None = None
    found_after_loss: bool = False
    # An accessory kind's shelf code (devices.counter.accessory_lines): recognised, even when refused.
    accessory_kind: object | None = None


def scan_classify(*, code: str, person: User, tech_bar, known=None) -> Scan:
    """Holds it: taking back. In stock here: handing over. Anything else: refused, saying why and
    where it is. A device this person reported lost or stolen that turns up: taking back, as found.
    `known` (devices.counter.selectors.ScanFacts): what a batch of codes reads, read once for all."""
    code = (code or "").strip()
    if not code:
        return Scan(code, Scan.REFUSED, "Scan or type an asset tag, IMEI or serial number.")
    if unreadable_code(code):
        return Scan(code, Scan.REFUSED, "That code holds characters no scanner sends: scan it again.")
    device = known.device(code) if known else device_by_code(code=code)
    if device is None:
        if looks_like_imei(code) and not imei_check_digit_ok(code):
            return Scan(code, Scan.REFUSED, f"{code} is not a valid IMEI: its check digit is wrong. Scan it again.")
        return Scan(code, Scan.REFUSED, f"No device has the asset tag, IMEI or serial number {code}.")
    if device.imei == code and not imei_check_digit_ok(code):
        return Scan(code, Scan.REFUSED, f"{code} is not a valid IMEI: its check digit is wrong. Scan the asset tag.")
    status = device.status
    latest = known.latest(device) if known else latest_assignment_of(device)
    held_by_person = latest is not None and latest.holder_id == person.pk
    if status == Device.Status.ISSUED:
        if held_by_person and latest.returned_at is None:
            return Scan(code, Scan.TAKE_BACK, device=device)
        holder = latest.holder if latest else None
        return Scan(code, Scan.REFUSED, f"{device.asset_tag} is issued to someone else ({holder}).", device)
    if status in (Device.Status.LOST, Device.Status.STOLEN):
        if held_by_person:
            return Scan(
                code,
                Scan.TAKE_BACK,
                f"{device.asset_tag} was reported {status}: taking it back as found, for triage.",
                device,
                found_after_loss=True,
            )
        from_stock = _stocktake_loss_of(device)  # a loss from stock has no holder to serve
        if from_stock is not None:
            message = (
                f"{device.asset_tag} was marked lost from stock in stocktake {from_stock.stocktake.reference} at "
                f"{from_stock.stocktake.tech_bar}: record it found on that stocktake's page "
                "(Stocktakes in the admin), then triage it."
            )
            return Scan(code, Scan.REFUSED, message, device)
        return Scan(code, Scan.REFUSED, f"{device.asset_tag} was reported {status} by someone else.", device)
    if status == Device.Status.IN_STOCK:
        if device.model.retired:
            message = f"{device.asset_tag} is a {device.model}, a retired model: it is not issued."
            return Scan(code, Scan.REFUSED, message, device)
        # Kept for someone's request: said at the scan (the issue service refuses it too).
        reserved = known.reserved(device) if known else reservation_for_other(device, person=person)
        if reserved is not None:
            message = (
                f"{device.asset_tag} is reserved for {reserved.requester} (request {reserved.pk}): "
                "choose another device, or release the reservation first."
            )
            return Scan(code, Scan.REFUSED, message, device)
        if device.tech_bar_id in (None, tech_bar.pk):
            return Scan(code, Scan.HAND_OVER, device=device)
        return Scan(code, Scan.REFUSED, f"{device.asset_tag} is in stock at {device.tech_bar}, not here.", device)
    where = f" at {device.tech_bar}" if device.tech_bar_id else ""
    if status == Device.Status.RETURNED:
        return Scan(
            code, Scan.REFUSED, f"{device.asset_tag} is not issued to anyone: it is awaiting triage{where}.", device
        )
    if status == Device.Status.IN_REPAIR:
        return Scan(code, Scan.REFUSED, f"{device.asset_tag} is in repair{where}.", device)
    reference = disposal_reference_of(device)
    certificate = f" (disposal certificate {reference})" if reference else ""
    message = f"{device.asset_tag} has been disposed of{certificate}: it is never reissued."
    return Scan(code, Scan.REFUSED, message, device)


def latest_assignment_of(device: Device) -> Assignment | None:
    return Assignment.objects.filter(device=device).select_related("holder").order_by("-issued_at", "-pk").first()


def reservation_for_other(device: Device, *, person: User) -> DeviceRequest | None:
    """The request someone else has this device kept for, if any."""
    return (
        DeviceRequest.objects.filter(reserved_device=device)
        .exclude(requester=person)
        .select_related("requester")
        .first()
    )


def _stocktake_loss_of(device: Device) -> StocktakeMissing | None:
    """The stocktake row whose "mark lost" is the device's open loss, if it was lost from stock.
    Read from the model, as the scan reads reservations: the scan sits below stock and requests."""
    return (
        StocktakeMissing.objects.select_related("stocktake__tech_bar")
        .filter(device=device, loss__isnull=False, loss__found_at__isnull=True)
        .first()
    )


def disposal_reference_of(device: Device) -> str:
    """The certificate a disposed device was disposed of under ('' if none is recorded)."""
    triage = device.triages.filter(outcome=DeviceTriage.Outcome.DISPOSAL).order_by("-created_at", "-pk").first()
    return triage.disposal_reference if triage else ""


# --- the estate: every device, for Tech Bar staff and the Data Office -----------------------------
def device_list() -> QuerySet[Device]:
    """Every device with its model, Tech Bar and current holder (name, payroll, command unit) in one
    query, so the list costs the same at 10 devices or 50,000."""
    # A join, not five correlated subqueries: at most one open assignment per device (a partial
    # unique index), so it adds no rows, and PostgreSQL no longer runs five subqueries for every row
    # an OFFSET skips (page 500 of 60,000 devices: 2.2 s -> 0.6 s on a loaded 2-core box).
    return (
        Device.objects.select_related("model", "tech_bar")
        .annotate(open_assignment=FilteredRelation("assignments", condition=Q(assignments__returned_at__isnull=True)))
        .annotate(
            holder_id=F("open_assignment__holder_id"),
            holder_first_name=F("open_assignment__holder__first_name"),
            holder_last_name=F("open_assignment__holder__last_name"),
            holder_payroll=F("open_assignment__holder__payroll_number"),
            holder_unit=F("open_assignment__holder__command_unit"),
        )
        .order_by("asset_tag")
    )


def devices_unjoined() -> QuerySet[Device]:
    """Every device, without device_list()'s joins: for counting the list when no filter reads the
    holder (the join adds no rows, but COUNT(*) over it cost 60-80 ms at 60,000 devices)."""
    return Device.objects.all()


def holder_command_units() -> list[str]:
    """The command units of people who hold a device now (the list's unit filter).

    The few units first, then one EXISTS per unit: joining every open assignment and taking DISTINCT
    took 350 ms at force scale (36,000 open assignments); this takes about 40 ms."""
    sql = (
        "SELECT units.command_unit FROM (SELECT DISTINCT command_unit FROM portal_user WHERE command_unit <> '') units "
        "WHERE EXISTS (SELECT 1 FROM devices_assignment a JOIN portal_user p ON a.holder_id = p.id "
        "WHERE a.returned_at IS NULL AND p.command_unit = units.command_unit) ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


# --- The activity report: every custody event across the estate -------------------------------
def activity_events() -> QuerySet[DeviceEvent]:
    """Every custody event, newest first, with the device, model, staff member, person and Tech Bar
    it names, joined: a page of rows costs the same queries whatever the number of events. An event
    kind added to DeviceEvent.Kind (a loan, an accessory) appears here and in the filters unasked."""
    return DeviceEvent.objects.select_related("device__model", "actor", "holder", "tech_bar").order_by(
        "-created_at", "-pk"
    )


def accessory_activity() -> QuerySet[AccessoryMovement]:
    """Accessories issued and taken back, newest first, with the kind, staff member, person and
    Tech Bar joined (the activity report's second table; the same queries for any number)."""
    return (
        AccessoryMovement.objects.filter(kind__in=[AccessoryMovement.Kind.ISSUED, AccessoryMovement.Kind.RETURNED])
        .select_related("accessory", "actor", "person", "tech_bar", "visit")
        .order_by("-created_at", "-pk")
    )


def activity_events_unjoined() -> QuerySet[DeviceEvent]:
    """The same events without the joins: counting them and choosing a page's ids reads the
    events alone (a filter joins what it reads)."""
    return DeviceEvent.objects.order_by("-created_at", "-pk")
