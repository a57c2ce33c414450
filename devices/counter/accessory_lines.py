"""Accessories on the counter's scan list: a kind's shelf code scanned (one more handed over), or
a kind chosen with a quantity, handing over or taking back. Checked at every post by the same
rules as the confirm (`devices.accessories.services.accessory_lines_refusal`); mixed into
`devices.counter.scan_list.CounterScanList`."""

from functools import cached_property

from django.utils.formats import date_format

from devices.accessories import selectors as accessory_selectors
from devices.accessories import services as accessory_services
from devices.accessories.models import AccessoryKind
from devices.accessories.services import AccessoryLine
from devices.core.codes import unreadable_code
from devices.core.selectors import Scan
from devices.core.services.common import holder_refusal
from devices.counter.selectors import HandOverFacts
from portal.models import User


def accessory_hand_over_refusal(*, person: User, facts: HandOverFacts | None = None) -> str:
    """Why no accessory may be handed to this person ('' when it may): the holder rules, and an
    open leaver case (nothing new is handed to a leaver). `facts`: the person's leaver case as the
    device refusal reads it (devices.counter.services.hand_over_refusal), read once for both."""
    refusal = holder_refusal(person)
    if refusal:
        return refusal
    case = (facts or HandOverFacts(person)).leaver_case
    if case is not None:
        return (
            f"{person.get_full_name()} has an open leaver case (leaves on {date_format(case.leaving_date, 'j F Y')}): "
            "no accessories are handed over."
        )
    return ""


class AccessoryScanList:
    """The accessory half of the scan list; the class using it sets `person`, `tech_bar`,
    `accessories` (a list of AccessoryLine), `refused` and `facts` (HandOverFacts)."""

    person: User
    accessories: list[AccessoryLine]
    refused: list[Scan]
    facts: HandOverFacts
    accessory_problems: tuple[str, ...] | list[str] = ()

    @cached_property
    def accessory_kinds(self) -> list[AccessoryKind]:
        """The active kinds, by name, read once for the request: a shelf code scanned, the lines
        posted and the list to choose from on the screen are all looked up in them."""
        return list(accessory_selectors.accessory_kinds_active())

    def _active_kind(self, code: str) -> AccessoryKind | None:
        """accessory_kind_by_code, from the kinds read once."""
        code = (code or "").strip().upper()
        if not code or unreadable_code(code):
            return None
        return next((kind for kind in self.accessory_kinds if kind.code == code), None)

    def add_accessory(
        self, kind: AccessoryKind, *, quantity: int = 1, direction: str = AccessoryLine.GIVE, add: bool = True
    ) -> str:
        """Put `quantity` of a kind on the list (added to its line when `add`, else the line's
        quantity set to it), or say why not: '' when placed."""
        if direction == AccessoryLine.GIVE:
            refusal = accessory_hand_over_refusal(person=self.person, facts=self.facts)
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
        kind = self._active_kind(code)
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
        kinds = {kind.code: kind for kind in self.accessory_kinds} if lines else {}
        problems = []
        for code, quantity, direction in lines:
            kind = kinds.get(code.upper())
            if kind is None:
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
