"""Every change to a device goes through here: one transaction, one custody event each.

Sections: custody (receive, issue, return) and the counter (a whole visit, confirmed once).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from devices.models import Assignment, CounterLine, CounterVisit, Device, DeviceEvent, DeviceModel, TechBar
from policy import selectors as policy_selectors
from policy import services as policy_services
from policy.models import PolicyVersion
from portal.models import User


class DeviceError(Exception):
    """A domain error the view turns into a message on the page."""


class DeviceNotAvailable(DeviceError):
    def __init__(self, device: Device):
        super().__init__(f"{device.asset_tag} is {device.get_status_display().lower()}, not in stock.")


class HolderNotEligible(DeviceError):
    pass


def _transition(device: Device, to_status: str) -> str:
    from_status = device.status
    if to_status not in Device.TRANSITIONS[Device.Status(from_status)]:
        raise DeviceError(
            f"{device.asset_tag} cannot go from {device.get_status_display().lower()} "
            f"to {Device.Status(to_status).label.lower()}."
        )
    device.status = to_status
    return from_status


def holder_refusal(holder: User, *, today: datetime.date | None = None) -> str:
    """Why kit may not be handed to this person, or '' when it may (conditions of use aside)."""
    today = today or timezone.localdate()
    if not holder.is_active:
        return f"{holder} is no longer active and cannot be issued kit."
    if holder.leaving_date is not None and holder.leaving_date < today:
        return f"{holder} left on {date_format(holder.leaving_date, 'j F Y')} and cannot be issued kit."
    return ""


# --- Custody ------------------------------------------------------------------------------------
@transaction.atomic
def device_receive(*, device: Device, actor: User, tech_bar: TechBar, note: str = "") -> Device:
    """A new device arrives at a Tech Bar: saved in stock there, with its "received" event."""
    device.status = Device.Status.IN_STOCK
    device.tech_bar = tech_bar
    device.full_clean()
    device.save()
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.RECEIVED,
        actor=actor,
        tech_bar=tech_bar,
        from_status="",
        to_status=device.status,
        note=note[:500],
    )
    from devices.stock import stock_level_check

    stock_level_check(tech_bar=tech_bar, device_model=DeviceModel(pk=device.model_id))  # back at the level: re-arm
    return device


@transaction.atomic
def devices_receive_bulk(*, devices: list[Device], actor: User, note: str = "") -> list[Device]:
    """`device_receive` for many new devices at once (an MDM import): each saved in stock at its own
    `tech_bar`, each with its "received" event, in two INSERTs per batch. The caller has validated them."""
    for device in devices:
        if device.tech_bar_id is None:
            raise DeviceError(f"{device.asset_tag} has no Tech Bar to be received at.")
        device.status = Device.Status.IN_STOCK
    created = Device.objects.bulk_create(devices)
    DeviceEvent.objects.bulk_create(
        DeviceEvent(
            device=device,
            kind=DeviceEvent.Kind.RECEIVED,
            actor=actor,
            tech_bar_id=device.tech_bar_id,
            from_status="",
            to_status=Device.Status.IN_STOCK,
            note=note[:500],
        )
        for device in created
    )
    return created


@dataclass
class DeviceImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "line 4: IMEI: ... is not a valid IMEI."

    @property
    def ok(self) -> bool:
        return not self.errors


def devices_import(
    *, data: bytes, actor: User, tech_bar: TechBar | None = None, dry_run: bool = False, progress=None
) -> DeviceImportReport:
    """Devices from an MDM CSV export (devices.resources): new ones received into stock, known ones'
    MDM details brought up to date. All rows or none, in one transaction; the same file twice changes
    nothing. Line numbers count the header as line 1, as a spreadsheet shows them."""
    from devices.resources import DeviceFileResource, read_csv

    report = DeviceImportReport()
    try:
        dataset = read_csv(data)
    except ValueError as error:
        report.errors.append(str(error))
        return report
    if not dataset.height:
        report.errors.append("The file has no devices in it.")
        return report
    resource = DeviceFileResource(actor=actor, tech_bar=tech_bar, progress=progress)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    for error in result.base_errors:
        report.errors.append(str(error.error))
    for number, errors in result.row_errors():
        report.errors.extend(f"line {number + 1}: {e.error}" for e in errors)
    columns = {name: f.column_name for name, f in resource.fields.items()}  # as the file heads them
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = columns.get(name, name)
            report.errors.extend(f"line {invalid.number + 1}: {column}: {message}" for message in messages)
    if report.errors:
        return report
    totals = result.totals
    report.created, report.updated, report.unchanged = (
        totals.get("new", 0),
        totals.get("update", 0),
        totals.get("skip", 0),
    )
    return report


@transaction.atomic
def device_issue(
    *,
    device: Device,
    holder: User,
    actor: User,
    tech_bar: TechBar,
    visit: CounterVisit | None = None,
    replaces: DeviceEvent | None = None,
) -> Assignment:
    """Hand a device in stock to a holder at a Tech Bar counter; in a swap, `replaces` is the
    "taken back" event of the device it replaces."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status != Device.Status.IN_STOCK:
        raise DeviceNotAvailable(device)
    if device.model.retired:
        raise DeviceError(f"{device.asset_tag} is a {device.model}, a retired model: it is not issued.")
    refusal = holder_refusal(holder)
    if refusal:
        raise HolderNotEligible(refusal)
    if not policy_selectors.has_accepted_current(holder):
        raise HolderNotEligible(
            f"{holder} has not accepted the current ICT Conditions of Use. Ask them to accept it in Kitbag first."
        )
    if device.tech_bar_id is not None and device.tech_bar_id != tech_bar.pk:
        raise DeviceError(f"{device.asset_tag} is in stock at {device.tech_bar}, not at {tech_bar}.")
    if device.tech_bar_id is None and device.transfers.filter(received_at__isnull=True).exists():
        raise DeviceError(f"{device.asset_tag} is on its way to another Tech Bar: receive it there first.")
    from devices.kit_requests import device_request_collected, device_request_issue_check

    reserved_for = device_request_issue_check(device=device, holder=holder)  # someone else's: refused
    from_status = _transition(device, Device.Status.ISSUED)
    device.tech_bar = None
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    assignment = Assignment.objects.create(device=device, holder=holder, issued_by=actor, issued_at_tech_bar=tech_bar)
    if reserved_for is not None:
        device_request_collected(request=reserved_for, assignment=assignment, actor=actor)
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.ISSUED,
        actor=actor,
        holder=holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        counter_visit=visit,
        replaces=replaces,
        note=f"Replaces {replaces.device.asset_tag} (swap)." if replaces is not None else "",
    )
    from devices.stock import stock_level_check  # stock builds on this module's custody services

    stock_level_check(tech_bar=tech_bar, device_model=DeviceModel(pk=device.model_id))
    from devices.leavers import leaver_assignment_added  # leavers build on this module's custody services

    leaver_assignment_added(assignment=assignment, actor=actor)
    return assignment


@transaction.atomic
def device_return(
    *,
    device: Device,
    actor: User,
    tech_bar: TechBar,
    reason: str,
    condition: str = "",
    visit: CounterVisit | None = None,
    swapped_for: Device | None = None,
) -> Assignment:
    """Take a device back at a counter: it waits for triage. A lost or stolen device that turns
    up comes back the same way, as found, and the incident about its loss is told. `swapped_for`:
    its replacement in a swap at the same visit (named on the event)."""
    from devices.leavers.lines import leaver_case_is_open, refuse_leaver_device_returned_twice

    device = Device.objects.select_for_update().get(pk=device.pk)
    found = device.status in (Device.Status.LOST, Device.Status.STOLEN)
    if found:
        reason = Assignment.ReturnReason.FOUND
        assignment = Assignment.objects.select_for_update().filter(device=device).order_by("-issued_at").first()
    else:
        assignment = Assignment.objects.select_for_update().filter(device=device, returned_at__isnull=True).first()
    if assignment is None:
        refuse_leaver_device_returned_twice(device)  # a LeaverError naming where it came back
        where = f" at {device.tech_bar}" if device.tech_bar_id else ""
        raise DeviceError(
            f"{device.asset_tag} is not issued to anyone: it is {device.get_status_display().lower()}{where}."
        )
    if not reason and not found and leaver_case_is_open(assignment.holder_id):
        reason = Assignment.ReturnReason.LEAVER  # a leaver's kit comes back because they leave
    if reason not in Assignment.COUNTER_REASONS:
        raise DeviceError(f"Choose why {device.asset_tag} is coming back.")
    from_status = _transition(device, Device.Status.RETURNED)
    device.tech_bar = tech_bar
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    if assignment.returned_at is None:  # a loss report already ended a lost device's assignment
        assignment.returned_at = timezone.now()
        assignment.returned_by = actor
        assignment.return_reason = reason
        assignment.condition = condition[:200]
        assignment.save(update_fields=["returned_at", "returned_by", "return_reason", "condition"])
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.RETURNED,
        actor=actor,
        holder=assignment.holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=_return_note(reason, condition, swapped_for),
        counter_visit=visit,
    )
    if found:
        from devices.losses import loss_close_found  # losses builds on this module's custody services

        loss_close_found(device=device, actor=actor, tech_bar=tech_bar, note=condition)
    else:
        from devices.leavers import leaver_assignment_returned  # leavers build on the custody services

        leaver_assignment_returned(assignment=assignment, actor=actor, tech_bar=tech_bar)
    return assignment


# --- The counter --------------------------------------------------------------------------------
# A device taken back for one of these reasons and a device of the same kind handed over in the
# same visit are a swap.
SWAP_REASONS = {Assignment.ReturnReason.FAULTY, Assignment.ReturnReason.DAMAGED, Assignment.ReturnReason.END_OF_LIFE}


@dataclass
class TakeBack:
    device: Device
    reason: str
    condition: str = ""


@dataclass
class CounterBasket:
    """What the counter screen holds when the person confirms."""

    take_back: list[TakeBack] = field(default_factory=list)
    hand_over: list[Device] = field(default_factory=list)


@dataclass(frozen=True)
class CounterAcceptance:
    """The conditions-of-use versions shown at the counter and accepted there by the person."""

    versions: list[PolicyVersion]
    shown_at: datetime.datetime
    ip_address: str | None = None
    user_agent: str = ""


def _kind_of(device: Device) -> str:
    return device.model.kind


def faq_refusal(*, person: User, basket: CounterBasket) -> str:
    """FAQ question 7: a replacement of a kind is handed over only once the old one of that kind is
    back (in this visit or before) or reported lost or stolen. '' when the basket keeps the rule."""
    return faq_conflict(person=person, basket=basket)[0]


def faq_conflict(*, person: User, basket: CounterBasket) -> tuple[str, Device | None]:
    """`faq_refusal` with the device still held that stands in the way, if one does (the counter
    offers to report it lost or stolen): ('', None) when the basket keeps the rule."""
    taking_back = {t.device.pk for t in basket.take_back}
    still_held = (
        Assignment.objects.filter(holder=person, returned_at__isnull=True, device__status=Device.Status.ISSUED)
        .exclude(device__in=taking_back)
        .select_related("device__model")
    )
    held_kinds = {a.device.model.kind: a.device for a in still_held}
    seen: dict[str, Device] = {}
    for device in basket.hand_over:
        kind = _kind_of(device)
        if kind == DeviceModel.Kind.OTHER:
            continue
        label = DeviceModel.Kind(kind).label.lower()
        if kind in held_kinds:
            old = held_kinds[kind]
            return (
                f"{person.get_full_name()} still holds {label} {old.asset_tag}. Take it back first, "
                f"or report it lost or stolen, before handing over {device.asset_tag}.",
                old,
            )
        if kind in seen:
            return f"Only one {label} at a time: {seen[kind].asset_tag} and {device.asset_tag} are both {label}s.", None
        seen[kind] = device
    return "", None


@transaction.atomic
def counter_visit_confirm(
    *,
    person: User,
    actor: User,
    tech_bar: TechBar,
    basket: CounterBasket,
    acceptance: CounterAcceptance | None = None,
) -> CounterVisit:
    """Everything one person hands back and takes away at a counter, confirmed once by them:
    one transaction, every device locked, one custody event per device, swaps linked, and the
    conditions of use accepted at the counter first when they had not accepted them."""
    if not basket.take_back and not basket.hand_over:
        raise DeviceError("Scan at least one device before confirming.")
    ids = [t.device.pk for t in basket.take_back] + [d.pk for d in basket.hand_over]
    if len(set(ids)) != len(ids):
        raise DeviceError("A device is on the list twice.")
    # Lock every device in one order, so two counters never wait on each other in a circle.
    locked = {d.pk: d for d in Device.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    for d in Device.objects.filter(pk__in=ids).select_related("model", "tech_bar"):
        locked[d.pk] = d
    basket = CounterBasket(
        take_back=[TakeBack(locked[t.device.pk], t.reason, t.condition) for t in basket.take_back],
        hand_over=[locked[d.pk] for d in basket.hand_over],
    )
    accepted_here = None
    if basket.hand_over:
        refusal = holder_refusal(person)
        if refusal:
            raise HolderNotEligible(refusal)
        if acceptance is not None:
            for version in acceptance.versions:
                accepted_here = policy_services.policy_accept(
                    actor=person,
                    version=version,
                    shown_at=acceptance.shown_at,
                    content_hash=version.content_hash,
                    ip_address=acceptance.ip_address,
                    user_agent=acceptance.user_agent,
                    witnessed_by=actor,
                )
        if not policy_selectors.has_accepted_current(person):
            raise HolderNotEligible(
                f"{person.get_full_name()} has not accepted the current ICT Conditions of Use: "
                "show them the text and tick the box to record their acceptance here."
            )
        refusal = faq_refusal(person=person, basket=basket)
        if refusal:
            raise DeviceError(refusal)

    visit = CounterVisit.objects.create(
        person=person,
        tech_bar=tech_bar,
        staff=actor,
        confirmed_at=timezone.now(),
        conditions_version=_conditions_version_held(person),
        accepted_here=accepted_here,
    )
    swaps = _pair_swaps(basket)  # worked out first: events are written once, never changed
    replaced_events = {}
    for line in basket.take_back:
        assignment = device_return(
            device=line.device,
            actor=actor,
            tech_bar=tech_bar,
            reason=line.reason,
            condition=line.condition,
            visit=visit,
            swapped_for=swaps.get(line.device.pk),
        )
        if assignment.holder_id != person.pk:
            raise DeviceError(f"{line.device.asset_tag} was held by someone else, not {person.get_full_name()}.")
        event = visit.events.filter(device=line.device).latest("pk")
        # A lost or stolen device's assignment ended with the holder's report; here it is found.
        found = event.from_status in (Device.Status.LOST, Device.Status.STOLEN)
        reason = Assignment.ReturnReason.FOUND if found else assignment.return_reason
        CounterLine.objects.create(
            visit=visit,
            direction=CounterLine.Direction.TAKEN_BACK,
            device=line.device,
            assignment=assignment,
            event=event,
            reason=reason,
            condition=line.condition if found else assignment.condition,
        )
        if line.device.pk in swaps:
            replaced_events[swaps[line.device.pk].pk] = event
    for device in basket.hand_over:
        assignment = device_issue(
            device=device,
            holder=person,
            actor=actor,
            tech_bar=tech_bar,
            visit=visit,
            replaces=replaced_events.get(device.pk),
        )
        event = visit.events.filter(device=device).latest("pk")
        CounterLine.objects.create(
            visit=visit, direction=CounterLine.Direction.HANDED_OVER, device=device, assignment=assignment, event=event
        )
    return visit


def _pair_swaps(basket: CounterBasket) -> dict[int, Device]:
    """A faulty, damaged or worn-out device taken back, and a device of its kind handed over at
    the same visit, are a swap: {pk of the device taken back: its replacement}."""
    unpaired = list(basket.hand_over)
    swaps = {}
    for line in basket.take_back:
        if line.reason not in SWAP_REASONS or line.device.status in (Device.Status.LOST, Device.Status.STOLEN):
            continue  # a lost or stolen device turning up comes back as found, not swapped
        match = next((new for new in unpaired if _kind_of(new) == _kind_of(line.device)), None)
        if match is not None:
            unpaired.remove(match)
            swaps[line.device.pk] = match
    return swaps


def _return_note(reason: str, condition: str, swapped_for: Device | None) -> str:
    note = f"{Assignment.ReturnReason(reason).label}. {condition}".strip()
    if swapped_for is not None:
        note = f"{note[:500]} Swapped for {swapped_for.asset_tag}."
    return note[:500]


def _conditions_version_held(person: User) -> PolicyVersion | None:
    """The newest conditions-of-use version this person has accepted (shown on the receipt)."""
    acknowledgement = policy_selectors.acknowledgements_for(user=person).select_related("version").first()
    return acknowledgement.version if acknowledgement else None
