"""The counter: a whole visit (devices taken back, devices handed over, the conditions of use
accepted there) confirmed once, through the custody services, and the rules it keeps. The scan
list the counter screen builds up before it, checked against the same rules at every scan, is
devices.counter.scan_list.CounterScanList."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from devices.accessories import services as accessory_services
from devices.accessories.services import AccessoryLine
from devices.core.models import Assignment, Device, DeviceModel, TechBar
from devices.core.services.common import DeviceError, HolderNotEligible, holder_refusal
from devices.core.services.custody import device_issue, device_return
from devices.counter.accessory_lines import accessory_hand_over_refusal
from devices.counter.models import CounterLine, CounterVisit
from devices.counter.receipts import counter_receipt_email_queue
from devices.counter.selectors import HandOverFacts, held_under_faq_7
from devices.loans import services as loan_services
from policy import selectors as policy_selectors
from policy import services as policy_services
from policy.models import Acknowledgement, PolicyVersion
from portal.models import User

# A device taken back for one of these reasons and a device of the same kind handed over in the
# same visit are a swap.
SWAP_REASONS = {Assignment.ReturnReason.FAULTY, Assignment.ReturnReason.DAMAGED, Assignment.ReturnReason.END_OF_LIFE}
# The only kit handed to a person with an open leaver case: a like-for-like replacement of a device
# they bring back faulty or damaged in the same visit.
LEAVER_SWAP_REASONS = {Assignment.ReturnReason.FAULTY, Assignment.ReturnReason.DAMAGED}
MAX_LINES = 40  # more than anyone carries; stops a runaway scanner filling the form


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
    accessories: list[AccessoryLine] = field(default_factory=list)


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


def faq_conflict(
    *, person: User, basket: CounterBasket, held: list[Assignment] | None = None
) -> tuple[str, Device | None]:
    """`faq_refusal` with the device still held that stands in the way, if one does (the counter
    offers to report it lost or stolen): ('', None) when the basket keeps the rule. `held`: what
    they hold, when already read (HandOverFacts.held)."""
    taking_back = {t.device.pk for t in basket.take_back}
    if held is not None:
        still_held = [a for a in held if a.device_id not in taking_back]
    else:
        still_held = held_under_faq_7(person).exclude(device__in=taking_back)
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


def leaver_refusal(*, person: User, basket: CounterBasket, facts: HandOverFacts | None = None) -> str:
    """Nothing new is handed to a person with an open leaver case, except a like-for-like swap: one
    device of the kind of each device taken back faulty or damaged in this visit (the replacement
    joins the case). '' when the basket keeps the rule."""
    if not basket.hand_over:
        return ""
    case = (facts or HandOverFacts(person)).leaver_case
    if case is None:
        return ""
    swappable = Counter(
        _kind_of(line.device)
        for line in basket.take_back
        if line.reason in LEAVER_SWAP_REASONS and line.device.status not in (Device.Status.LOST, Device.Status.STOLEN)
    )
    for device in basket.hand_over:
        kind = _kind_of(device)
        if swappable[kind]:
            swappable[kind] -= 1
            continue
        label = DeviceModel.Kind(kind).label.lower()
        return (
            f"{person.get_full_name()} has an open leaver case (leaves on {date_format(case.leaving_date, 'j F Y')}): "
            f"nothing new is handed over. {device.asset_tag} can only replace a {label} they bring back faulty "
            "or damaged in this visit (choose that reason for it)."
        )
    return ""


def hand_over_refusal(
    *, person: User, basket: CounterBasket, device: Device, facts: HandOverFacts | None = None
) -> tuple[str, Device | None]:
    """Why `device` may not join the basket's "handing over" (said at the scan, checked again at
    confirm), with the device still held that stands in the way for FAQ 7; ('', None) when it may.
    `facts`: the person's leaver case and holdings, read once for a whole scan list."""
    refusal = holder_refusal(person)
    if refusal:
        return refusal, None
    with_device = CounterBasket(take_back=basket.take_back, hand_over=[*basket.hand_over, device])
    facts = facts or HandOverFacts(person)
    refusal = leaver_refusal(person=person, basket=with_device, facts=facts)
    if refusal:
        return refusal, None
    return faq_conflict(person=person, basket=with_device, held=facts.held)


@transaction.atomic
def counter_visit_confirm(
    *,
    person: User,
    actor: User,
    tech_bar: TechBar,
    basket: CounterBasket,
    acceptance: CounterAcceptance | None = None,
    loans: dict[int, datetime.date] | None = None,
    policy_states: list[policy_selectors.PolicyState] | None = None,
) -> CounterVisit:
    """Everything one person hands back and takes away at a counter, confirmed once by them:
    one transaction, every device locked, one custody event per device, swaps linked, and the
    conditions of use accepted at the counter first when they had not accepted them. `loans`:
    {device pk: due-back date} for the loan pool devices handed over (devices.loans).
    `policy_states`: where the person stood with each policy, read by the caller in this request;
    if they were up to date with every one, that stands (an acceptance is never withdrawn) and is
    not read again here."""
    if not basket.take_back and not basket.hand_over and not basket.accessories:
        raise DeviceError("Scan at least one device before confirming.")
    ids = [t.device.pk for t in basket.take_back] + [d.pk for d in basket.hand_over]
    if len(set(ids)) != len(ids):
        raise DeviceError("A device is on the list twice.")
    # Lock every device in one order, so two counters never wait on each other in a circle.
    # (Their model and Tech Bar read in the same query, only the devices' rows locked.)
    locked = {
        d.pk: d
        for d in Device.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("model", "tech_bar")
        .order_by("pk")
    }
    basket = CounterBasket(
        take_back=[TakeBack(locked[t.device.pk], t.reason, t.condition) for t in basket.take_back],
        hand_over=[locked[d.pk] for d in basket.hand_over],
        accessories=list(basket.accessories),
    )
    # The holder's row, locked after the devices (the order device_issue and the leaver services
    # keep): two counters confirming for one person take turns, so the second sees the first's
    # handover in the FAQ 7 check below, and a leaver case opening now is seen too.
    locked_person = User.objects.select_for_update().get(pk=person.pk)
    # Their leaver case and holdings, read once after the lock for every rule below (the device and
    # the accessory refusals alike), never as the caller read them before it.
    facts = HandOverFacts(locked_person)
    accepted_here = None
    giving_accessories = any(line.direction == AccessoryLine.GIVE for line in basket.accessories)
    if giving_accessories:
        refusal = accessory_hand_over_refusal(person=locked_person, facts=facts)
        if refusal:
            raise HolderNotEligible(refusal)
    if basket.hand_over or giving_accessories:
        refusal = holder_refusal(locked_person)  # as it stands now, not as the caller read it
        if refusal:
            raise HolderNotEligible(refusal)
        refusal = leaver_refusal(person=person, basket=basket, facts=facts)
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
        up_to_date = policy_states is not None and all(state.up_to_date for state in policy_states)
        if not up_to_date and not policy_selectors.has_accepted_current(person):
            raise HolderNotEligible(
                f"{person.get_full_name()} has not accepted the current ICT Conditions of Use: "
                "show them the text and tick the box to record their acceptance here."
            )
        refusal = faq_conflict(person=person, basket=basket, held=facts.held)[0]
        if refusal:
            raise DeviceError(refusal)
        loan_services.lend_check(devices=basket.hand_over, loans=loans or {}, tech_bar=tech_bar)

    visit = CounterVisit.objects.create(
        person=person,
        tech_bar=tech_bar,
        staff=actor,
        confirmed_at=timezone.now(),
        conditions_version=_conditions_version_held(person, accepted_here=accepted_here, states=policy_states),
        accepted_here=accepted_here,
    )
    swaps = _pair_swaps(basket)  # worked out first: events are written once, never changed
    replaced_events = {}
    lines = []  # as written, for the receipt
    for line in basket.take_back:
        assignment = device_return(
            device=line.device,
            actor=actor,
            tech_bar=tech_bar,
            reason=line.reason,
            condition=line.condition,
            visit=visit,
            swapped_for=swaps.get(line.device.pk),
            locked=True,  # above, with the others
        )
        if assignment.holder_id != person.pk:
            raise DeviceError(f"{line.device.asset_tag} was held by someone else, not {person.get_full_name()}.")
        event = assignment.custody_event
        # A lost or stolen device's assignment ended with the holder's report; here it is found.
        found = event.from_status in (Device.Status.LOST, Device.Status.STOLEN)
        reason = Assignment.ReturnReason.FOUND if found else assignment.return_reason
        line_written = CounterLine.objects.create(
            visit=visit,
            direction=CounterLine.Direction.TAKEN_BACK,
            device=line.device,
            assignment=assignment,
            event=event,
            reason=reason,
            condition=line.condition if found else assignment.condition,
        )
        lines.append(line_written)
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
            holder_checked=True,  # above, with the person locked
            locked=True,  # above, with the others
        )
        event = assignment.custody_event
        lines.append(
            CounterLine.objects.create(
                visit=visit,
                direction=CounterLine.Direction.HANDED_OVER,
                device=device,
                assignment=assignment,
                event=event,
            )
        )
        if loans and device.pk in loans:
            loan_services.loan_open(
                assignment=assignment, due_back=loans[device.pk], actor=actor, tech_bar=tech_bar, visit=visit
            )
    if basket.accessories:
        accessory_services.accessory_counter_lines(
            visit=visit, person=person, actor=actor, tech_bar=tech_bar, lines=basket.accessories
        )
    # In this transaction: a visit that rolls back sends no receipt.
    counter_receipt_email_queue(visit=visit, lines=lines, accessories=bool(basket.accessories))
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


def _conditions_version_held(
    person: User,
    *,
    accepted_here: Acknowledgement | None = None,
    states: list[policy_selectors.PolicyState] | None = None,
) -> PolicyVersion | None:
    """The newest conditions-of-use version this person has accepted (shown on the receipt): the
    one accepted here, else the newest of the acknowledgements the caller's policy states read in
    this request (an acknowledgement is never withdrawn, so they still stand), else read now."""
    if accepted_here is not None:
        return accepted_here.version
    acknowledgements = [ack for state in states or () for ack in state.acknowledgements]
    if acknowledgements:
        return max(acknowledgements, key=lambda ack: (ack.accepted_at, ack.pk)).version
    acknowledgement = policy_selectors.acknowledgements_for(user=person).select_related("version").first()
    return acknowledgement.version if acknowledgement else None
