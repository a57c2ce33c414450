"""Accessories on the counter's scan list: a kind's shelf code scanned (one more handed over), or
a kind chosen with a quantity, handing over or taking back. Checked at every post by the same
rules as the confirm (`devices.accessories.services.accessory_lines_refusal`); mixed into
`devices.counter.scan_list.CounterScanList`."""

from django.utils.formats import date_format

from devices.accessories import selectors as accessory_selectors
from devices.accessories import services as accessory_services
from devices.accessories.models import AccessoryKind
from devices.accessories.services import AccessoryLine
from devices.core.selectors import Scan, unreadable_code
from devices.core.services.common import holder_refusal
from devices.leavers.models import LeaverCase
from portal.models import User


def accessory_hand_over_refusal(*, person: User) -> str:
    """Why no accessory may be handed to this person ('' when it may): the holder rules, and an
    open leaver case (nothing new is handed to a leaver)."""
    refusal = holder_refusal(person)
    if refusal:
        return refusal
    case = LeaverCase.objects.filter(person=person, status=LeaverCase.Status.OPEN).only("leaving_date").first()
    if case is not None:
        return (
            f"{person.get_full_name()} has an open leaver case (leaves on {date_format(case.leaving_date, 'j F Y')}): "
            "no accessories are handed over."
        )
    return ""


class AccessoryScanList:
    """The accessory half of the scan list; the class using it sets `person`, `tech_bar`,
    `accessories` (a list of AccessoryLine) and `refused`."""

    person: User
    accessories: list[AccessoryLine]
    refused: list[Scan]
    accessory_problems: tuple[str, ...] | list[str] = ()

    def add_accessory(
        self, kind: AccessoryKind, *, quantity: int = 1, direction: str = AccessoryLine.GIVE, add: bool = True
    ) -> str:
        """Put `quantity` of a kind on the list (added to its line when `add`, else the line's
        quantity set to it), or say why not: '' when placed."""
        if direction == AccessoryLine.GIVE:
            refusal = accessory_hand_over_refusal(person=self.person)
            if refusal:
                return refusal
        line = next((x for x in self.accessories if x.kind.pk == kind.pk and x.direction == direction), None)
        wanted = (line.quantity if line and add else 0) + quantity
        candidate = AccessoryLine(kind=kind, quantity=wanted, direction=direction)
        refusal = accessory_services.accessory_lines_refusal(
            person=self.person, lines=[candidate], tech_bar=self.tech_bar
        )
        if refusal:
            return refusal
        if line is None:
            self.accessories.append(candidate)
        else:
            line.quantity = wanted
        return ""

    def scan_accessory(self, code: str) -> Scan | None:
        """A kind's shelf code: one more of it handed over (or refused, saying why); None when the
        code is no accessory's."""
        kind = accessory_selectors.accessory_kind_by_code(code=code)
        if kind is None:
            return None
        refusal = self.add_accessory(kind)
        if refusal:
            scan = Scan(code, Scan.REFUSED, refusal, accessory_kind=kind)
            self.refused.append(scan)
            return scan
        return Scan(code, Scan.HAND_OVER, f"Handing over {kind}.", accessory_kind=kind)

    def restore_accessories(self, lines) -> list[str]:
        """The accessory lines as the form carried them, (code, quantity, direction), each checked
        again: what no longer fits is left off and said (kept in `accessory_problems`)."""
        readable = [c.upper() for c, _, _ in lines if not unreadable_code(c)]  # no NUL reaches PostgreSQL
        kinds = {k.code: k for k in AccessoryKind.objects.filter(code__in=readable)}
        problems = []
        for code, quantity, direction in lines:
            kind = kinds.get(code.upper())
            if kind is None or not kind.is_active:
                problems.append(f"No accessory is issued with the code {code}.")
                continue
            refusal = self.add_accessory(kind, quantity=quantity, direction=direction, add=False)
            if refusal:
                problems.append(refusal)
        self.accessory_problems = problems
        return problems

    def accessory_refusals(self) -> list[str]:
        """Why the accessory lines stop a confirm: a posted line left off, or the rules now."""
        if self.accessory_problems:
            return list(self.accessory_problems)
        refusal = accessory_services.accessory_lines_refusal(
            person=self.person, lines=self.accessories, tech_bar=self.tech_bar
        )
        return [refusal] if refusal else []

    def accessory_lines(self) -> list[AccessoryLine]:
        return [AccessoryLine(x.kind, x.quantity, x.direction) for x in self.accessories]
