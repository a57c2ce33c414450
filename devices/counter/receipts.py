"""The receipt a person is emailed after every counter visit: what was handed over, what was taken
back and why, what they hold now, and the conditions-of-use version they had accepted, with a link
to My kit. Written to the outbox in the visit's transaction, so it goes only if the visit commits."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from devices.accessories import selectors as accessory_selectors
from devices.accessories.models import AccessoryMovement
from devices.core import selectors
from devices.counter.models import CounterLine, CounterVisit
from devices.loans.selectors import loan_words_by_assignment
from portal import outbox
from portal.models import OutboundEmail


@dataclass
class ReceiptLine:
    asset_tag: str
    device: str  # the model's name, escaped by the HTML template like any other text
    detail: str = ""  # the reason and condition for kit taken back; a due date for a loan


@dataclass
class ReceiptSection:
    heading: str
    lines: list[ReceiptLine] = field(default_factory=list)


def absolute(url: str) -> str:
    """A link that works from a mail client: KITBAG_BASE_URL in front, as every email has."""
    return f"{getattr(settings, 'KITBAG_BASE_URL', '').rstrip('/')}{url}"


def receipt_sections(
    visit: CounterVisit, *, lines: list[CounterLine] | None = None, accessories: bool = True
) -> list[ReceiptSection]:
    """The receipt's lists, in the order the email shows them. Loans (with their due-back date)
    and accessories (with quantities) become further sections here, built the same way. `lines`:
    the visit's lines in the order they were written, each with its device and model, when the
    caller holds them (read otherwise); `accessories=False`: the visit moved none (not read)."""
    if lines is None:
        lines = list(visit.lines.select_related("device__model").order_by("pk"))
    handed = ReceiptSection("Handed over")
    taken = ReceiptSection("Taken back")
    held_now = list(selectors.assignments_open_for(user=visit.person).select_related("device__model"))
    # "on loan, due back ...": for loans made at this visit and loans still held (devices.loans).
    on_loan = loan_words_by_assignment(
        [line.assignment_id for line in lines if line.assignment_id] + [a.pk for a in held_now]
    )
    for line in lines:
        if line.direction == CounterLine.Direction.HANDED_OVER:
            detail = _sentence(on_loan.get(line.assignment_id, ""))
            handed.lines.append(ReceiptLine(line.device.asset_tag, str(line.device.model), detail))
        else:
            detail = line.get_reason_display()
            if line.condition:
                detail = f"{detail}: {line.condition}"
            taken.lines.append(ReceiptLine(line.device.asset_tag, str(line.device.model), detail))
    held = ReceiptSection(
        "What you hold now",
        [ReceiptLine(a.device.asset_tag, str(a.device.model), _sentence(on_loan.get(a.pk, ""))) for a in held_now],
    )
    return [handed, taken, held, *(accessory_sections(visit) if accessories else [])]


def accessory_sections(visit: CounterVisit) -> list[ReceiptSection]:
    """Accessories handed over and taken back at the visit, with quantities, and the returnable
    ones the person holds now; none when the visit moved no accessories."""
    movements = list(visit.accessory_movements.select_related("accessory").order_by("pk"))
    if not movements:
        return []
    handed = ReceiptSection("Accessories handed over")
    taken = ReceiptSection("Accessories taken back")
    for movement in movements:
        line = ReceiptLine(movement.accessory.code, f"{movement.quantity} x {movement.accessory}")
        (handed if movement.kind == AccessoryMovement.Kind.ISSUED else taken).lines.append(line)
    held = ReceiptSection(
        "Accessories you hold now",
        [
            ReceiptLine(h.kind.code, f"{h.quantity} x {h.kind}", "hand back when no longer needed")
            for h in accessory_selectors.accessories_held_by(person=visit.person)
        ],
    )
    return [handed, taken, held]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def counter_receipt_email_queue(
    *, visit: CounterVisit, lines: list[CounterLine] | None = None, accessories: bool = True
) -> OutboundEmail | None:
    """Queue the visit's receipt to the person, in the caller's transaction. Someone without an
    email address gets none: their receipt is in My kit and on the counter's printout. `lines`
    and `accessories`: as receipt_sections takes them (the confirm that wrote the visit)."""
    person = visit.person
    if not person.email:
        return None
    version = visit.conditions_version
    context = {
        "visit": visit,
        "person": person,
        "sections": receipt_sections(visit, lines=lines, accessories=accessories),
        "conditions": f"{version.policy.name}, version {version.number}" if version else "",
        "my_kit_url": absolute(reverse("devices:my_kit")),
        "receipt_url": absolute(reverse("devices:receipt", args=[visit.pk])),
    }
    return outbox.email_queue(
        to=person.email,
        subject=f"[Kitbag] Your receipt {visit.reference} from {visit.tech_bar}",
        body=render_to_string("devices/email/receipt.txt", context).strip() + "\n",
        html=render_to_string("devices/email/receipt.html", context),
        cause=visit,
        recipient_label=person.get_full_name(),
    )
