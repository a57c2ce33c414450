"""What the counter's scan list reads, read once for the whole list: a posted list of 20 lines is
checked again at every scan (devices.counter.scan_list.CounterScanList.restore), so its devices,
their latest assignments and reservations, the person's leaver case and the devices they hold are
read in a few queries, whatever the list's length, and the scan rules run on them unchanged."""

from functools import cached_property

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Upper

from devices.core import selectors
from devices.core.models import Assignment, Device
from devices.leavers.models import LeaverCase
from devices.loans.models import IN_REPAIR_STATUSES, LoanPoolDevice
from devices.requests.models import DeviceRequest
from portal.models import User


class ScanFacts:
    """The `known` of devices.core.selectors.scan_classify for a batch of codes: the list's lines
    and the code just scanned, read in one query whatever the list's length: their devices (by
    asset tag, serial number or IMEI, as device_by_code matches one code), each with what the scan
    rules ask of it: its latest assignment (who holds it), the request someone else has it kept
    for, and whether it is a loan pool device (devices.loans.forms.LendForm). Only a refusal that
    names someone (the holder, the requester) reads them. A device outside the batch is read as
    scan_classify reads it alone."""

    def __init__(self, *, codes, person: User):
        self.person = person
        codes = {code.strip() for code in codes if code and code.strip() and not selectors.unreadable_code(code)}
        devices = []
        if codes:
            match = Q(tag__in={code.upper() for code in codes}) | Q(
                serial_number__in=codes | {code.upper() for code in codes}
            )
            if digits := {code for code in codes if code.isdigit()}:
                match |= Q(imei__in=digits)
            latest = Assignment.objects.filter(device=OuterRef("pk")).order_by("-issued_at", "-pk")
            reserved = (
                DeviceRequest.objects.filter(reserved_device=OuterRef("pk"))
                .exclude(requester=person)
                .order_by("-created_at", "-pk")
            )
            devices = list(
                Device.objects.annotate(
                    tag=Upper("asset_tag"),
                    latest_pk=Subquery(latest.values("pk")[:1]),
                    latest_holder_id=Subquery(latest.values("holder_id")[:1]),
                    latest_returned_at=Subquery(latest.values("returned_at")[:1]),
                    reserved_for_other_pk=Subquery(reserved.values("pk")[:1]),
                    in_loan_pool=Exists(LoanPoolDevice.objects.filter(device=OuterRef("pk"))),
                )
                .filter(match)
                .select_related("model", "tech_bar")
            )
        self.codes = codes
        # An asset tag wins over another device's serial number that happens to read the same.
        self.by_tag = {d.asset_tag.upper(): d for d in devices}
        self.by_other: dict[str, Device] = {}
        for d in devices:
            for key in (d.serial_number, d.imei):
                if key:
                    self.by_other.setdefault(key, d)
        self.known_ids = {d.pk for d in devices}

    def device(self, code: str) -> Device | None:
        code = (code or "").strip()
        if code not in self.codes:
            return selectors.device_by_code(code=code)
        found = self.by_tag.get(code.upper())
        if found is None:
            found = self.by_other.get(code) or self.by_other.get(code.upper())
        return found  # None: read with the batch, no device has it

    def latest(self, device: Device) -> Assignment | None:
        if device.pk not in self.known_ids:
            return selectors.latest_assignment_of(device)
        if device.latest_pk is None:
            return None
        # Its holder is read only when asked for (a refusal naming them).
        return Assignment(
            pk=device.latest_pk,
            device=device,
            holder_id=device.latest_holder_id,
            returned_at=device.latest_returned_at,
        )

    def reserved(self, device: Device) -> DeviceRequest | None:
        if device.pk not in self.known_ids:
            return selectors.reservation_for_other(device, person=self.person)
        if device.reserved_for_other_pk is None:
            return None
        return DeviceRequest.objects.select_related("requester").get(pk=device.reserved_for_other_pk)


def loan_pool_ids(devices) -> set[int] | None:
    """Which of these devices are loan pool devices, when ScanFacts read it with them (None when
    one was read otherwise: devices.loans.forms.LendForm reads it then)."""
    if not all(hasattr(device, "in_loan_pool") for device in devices):
        return None
    return {device.pk for device in devices if device.in_loan_pool}


def counter_person(*, payroll_number: str) -> User | None:
    """The person at the counter (devices.core.selectors.person_by_payroll_number), with their open
    leaver case's pk and leaving date read in the same query, for HandOverFacts."""
    code = (payroll_number or "").strip().upper()
    if not code or selectors.unreadable_code(code):
        return None
    case = LeaverCase.objects.filter(person=OuterRef("pk"), status=LeaverCase.Status.OPEN)
    case = case.order_by("leaving_date", "pk")  # at most one is open
    return (
        User.objects.filter(payroll_number=code)
        .annotate(
            open_leaver_case_pk=Subquery(case.values("pk")[:1]),
            open_leaver_case_leaving_date=Subquery(case.values("leaving_date")[:1]),
        )
        .first()
    )


def held_under_faq_7(person: User):
    """What a person holds now (issued, not lost or stolen) that counts under FAQ 7's one device of
    a kind at a time: a loan standing in for their own device still in repair does not; once that
    device is back in stock or in anyone's hands, the loan counts (devices.loans)."""
    return (
        Assignment.objects.filter(holder=person, returned_at__isnull=True, device__status=Device.Status.ISSUED)
        .exclude(loan__ended_at__isnull=True, loan__stands_in_for__status__in=IN_REPAIR_STATUSES)
        .select_related("device__model")
    )


class HandOverFacts:
    """What the hand-over rules (devices.counter.services.hand_over_refusal) and the accessory
    refusal (devices.counter.accessory_lines.accessory_hand_over_refusal) read about the person,
    read once for a scan list, at the first line that asks. A person read by `counter_person`
    brings their open leaver case with them: it is not read again."""

    def __init__(self, person: User):
        self.person = person

    @cached_property
    def leaver_case(self) -> LeaverCase | None:
        if hasattr(self.person, "open_leaver_case_pk"):  # read with the person (counter_person)
            pk = self.person.open_leaver_case_pk
            if pk is None:
                return None
            return LeaverCase(
                pk=pk,
                person=self.person,
                status=LeaverCase.Status.OPEN,
                leaving_date=self.person.open_leaver_case_leaving_date,
            )
        return LeaverCase.objects.filter(person=self.person, status=LeaverCase.Status.OPEN).only("leaving_date").first()

    @cached_property
    def held(self) -> list[Assignment]:
        """What they hold now that counts under FAQ 7's one of a kind at a time."""
        return list(held_under_faq_7(self.person))
