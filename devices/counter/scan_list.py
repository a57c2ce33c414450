"""The counter screen's scan list (CounterScanList): what is taking back, handing over and refused,
rebuilt from the posted codes and checked against the counter's rules (devices.counter.services)
at every scan, so the confirm takes exactly what the screen shows."""

from devices.accessories.services import AccessoryLine
from devices.core import selectors
from devices.core.models import Assignment, Device, TechBar
from devices.core.selectors import Scan
from devices.counter import services as rules
from devices.counter.accessory_lines import AccessoryScanList
from devices.counter.selectors import HandOverFacts, ScanFacts
from devices.counter.services import CounterBasket, TakeBack, hand_over_refusal
from portal.models import User


class CounterScanList(AccessoryScanList):
    """The counter screen's scan list: devices taking back (each with its reason and condition),
    handing over, and refused scans. The form carries it on every post, so it is rebuilt here from
    the codes and checked again against the database each time (`restore`); `to_basket` is what
    counter_visit_confirm takes."""

    def __init__(self, *, person: User, tech_bar: TechBar):
        self.person = person
        self.tech_bar = tech_bar
        self.take_back: list[dict] = []  # {"device", "reason", "condition", "found", "message"}
        self.hand_over: list[Device] = []
        self.refused: list[Scan] = []
        self.notice = ""
        self.faq_device: Device | None = None  # FAQ 7: the device held that stopped the last hand-over
        self.dropped: list[Scan] = []  # lines on the posted list that no longer fit
        self.facts = HandOverFacts(person)  # read once for the list, at the first line handing over
        self._known: ScanFacts | None = None
        self.accessories: list[AccessoryLine] = []  # quantities, one line per kind and direction

    @classmethod
    def restore(
        cls, *, person: User, tech_bar: TechBar, take=(), give=(), refused=(), accessories=(), scanning: str = ""
    ) -> "CounterScanList":
        """The list as the form carried it: `take` as (code, reason, condition), `give` and
        `refused` as codes. A line that no longer fits (another counter took the device meanwhile)
        moves to refused and is kept in `dropped`. `scanning`: the code about to be scanned onto it,
        read with the list's own (one batch: devices.counter.selectors.ScanFacts)."""
        scan_list = cls(person=person, tech_bar=tech_bar)
        codes = [line[0] for line in take] + [*give, *refused] + ([scanning] if scanning else [])
        scan_list._known = ScanFacts(codes=codes, person=person)
        for code, reason, condition in take:
            scan_list._repost(scan_list._classify(code), reason=reason, condition=condition)
        for code in give:
            scan_list._repost(scan_list._classify(code))
        for code in refused:
            scan = scan_list._classify(code)
            if scan.placement == scan.HAND_OVER:  # refused by the rules, not by where the device is
                basket = scan_list.to_basket()
                refusal = hand_over_refusal(person=person, basket=basket, device=scan.device, facts=scan_list.facts)[0]
                scan = Scan(code, scan.REFUSED, refusal, scan.device)
            scan_list.refused.append(scan)
        scan_list.restore_accessories(accessories)
        return scan_list

    @property
    def device_ids(self) -> set[int]:
        return {line["device"].pk for line in self.take_back} | {d.pk for d in self.hand_over}

    @property
    def is_empty(self) -> bool:
        return not self.take_back and not self.hand_over and not self.accessories

    def scan(self, code: str, *, reason: str = "") -> Scan:
        """One code scanned or typed at the counter, placed on the list (see `add`). An accessory
        kind's shelf code adds one of it to "handing over"."""
        accessory = self.scan_accessory(code)
        if accessory is not None:
            return accessory
        return self.add(self._classify(code), reason=reason)

    def add(self, scan: Scan, *, reason: str = "", condition: str = "") -> Scan:
        """Place one scan; returns it as placed: refused (saying why), already in the list, or in
        the column it was classified for. A device is refused for "handing over" by the same rules
        the confirm applies (hand_over_refusal)."""
        if scan.placement == scan.REFUSED:
            self.refused.append(scan)
            return scan
        if scan.device.pk in self.device_ids:
            taking = any(line["device"].pk == scan.device.pk for line in self.take_back)
            self.notice = (
                f"{scan.device.asset_tag} is already in the list ({'taking back' if taking else 'handing over'})."
            )
            return Scan(scan.code, scan.ALREADY, self.notice, scan.device)
        if len(self.device_ids) >= rules.MAX_LINES:
            refused = Scan(scan.code, scan.REFUSED, f"At most {rules.MAX_LINES} devices in one visit.", scan.device)
            self.refused.append(refused)
            return refused
        if scan.placement == scan.TAKE_BACK:
            found = scan.found_after_loss
            reason = Assignment.ReturnReason.FOUND if found else reason
            line = {"device": scan.device, "reason": reason, "condition": condition, "found": found}
            self.take_back.append({**line, "message": scan.message})
            return scan
        refusal, blocker = hand_over_refusal(
            person=self.person, basket=self.to_basket(), device=scan.device, facts=self.facts
        )
        if refusal:
            self.faq_device = blocker
            refused = Scan(scan.code, scan.REFUSED, refusal, scan.device)
            self.refused.append(refused)
            return refused
        self.hand_over.append(scan.device)
        return scan

    def confirm_refusals(self) -> list[str]:
        """Why this list cannot be confirmed as it stands ([] when it can): a line fell off it since
        the person read it (they confirm the new one), it is empty, or a reason is missing."""
        if self.dropped:
            return [f"{scan.code} is off the list: {scan.message}" for scan in self.dropped]
        errors = ["Scan at least one device before confirming."] if self.is_empty else []
        errors += self.accessory_refusals()
        missing = [line["device"].asset_tag for line in self.take_back if not line["reason"]]
        if missing:
            errors.append(f"Choose why {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} coming back.")
        return errors

    def to_basket(self) -> CounterBasket:
        return CounterBasket(
            take_back=[TakeBack(line["device"], line["reason"], line["condition"]) for line in self.take_back],
            hand_over=list(self.hand_over),
            accessories=self.accessory_lines(),
        )

    def _classify(self, code: str) -> Scan:
        # Looked up on the module at each call, so the outage drills' stand-in takes effect here too.
        return selectors.scan_classify(code=code, person=self.person, tech_bar=self.tech_bar, known=self._known)

    def _repost(self, scan: Scan, **line) -> None:
        placed = self.add(scan, **line)
        if placed.placement == scan.REFUSED:
            self.dropped.append(placed)
