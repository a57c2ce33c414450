"""What the counter's scan list reads, read once for the whole list: a posted list of 20 lines is
checked again at every scan (devices.counter.scan_list.CounterScanList.restore), so its devices,
their latest assignments and reservations, the person's leaver case and the devices they hold are
read in a few queries, whatever the list's length, and the scan rules run on them unchanged."""

from functools import cached_property

from django.db.models.functions import Upper

from devices.core import selectors
from devices.core.models import Assignment, Device
from devices.leavers.models import LeaverCase
from devices.loans.models import IN_REPAIR_STATUSES
from devices.requests.models import DeviceRequest
from portal.models import User


class ScanFacts:
    """The `known` of devices.core.selectors.scan_classify for a batch of codes. The list carries
    asset tags, so its devices are read by tag in one query; any other code (a serial number, an
    IMEI) and any device outside the batch is read as scan_classify reads it alone."""

    def __init__(self, *, codes, person: User):
        self.person = person
        tags = {code.strip().upper() for code in codes if code and not selectors.unreadable_code(code)}
        devices = Device.objects.annotate(tag=Upper("asset_tag")).filter(tag__in=tags) if tags else []
        self.by_tag = {d.asset_tag.upper(): d for d in devices.select_related("model", "tech_bar")} if tags else {}
        ids = [d.pk for d in self.by_tag.values()]
        self.latest_by_device: dict[int, Assignment] = {}
        latest = Assignment.objects.filter(device__in=ids).select_related("holder").order_by("-issued_at", "-pk")
        for assignment in latest if ids else ():
            self.latest_by_device.setdefault(assignment.device_id, assignment)
        in_stock = [d.pk for d in self.by_tag.values() if d.status == Device.Status.IN_STOCK]
        reserved = DeviceRequest.objects.filter(reserved_device__in=in_stock).exclude(requester=person)
        self.reserved_by_device = (
            {r.reserved_device_id: r for r in reserved.select_related("requester")} if in_stock else {}
        )

    def device(self, code: str) -> Device | None:
        found = self.by_tag.get(code.strip().upper())
        return found if found is not None else selectors.device_by_code(code=code)

    def latest(self, device: Device) -> Assignment | None:
        if device.pk in self.by_tag_ids:
            return self.latest_by_device.get(device.pk)
        return selectors.latest_assignment_of(device)

    def reserved(self, device: Device) -> DeviceRequest | None:
        if device.pk in self.by_tag_ids:
            return self.reserved_by_device.get(device.pk)
        return selectors.reservation_for_other(device, person=self.person)

    @cached_property
    def by_tag_ids(self) -> set[int]:
        return {d.pk for d in self.by_tag.values()}


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
    """What the hand-over rules (devices.counter.services.hand_over_refusal) read about the person,
    read once for a scan list, at the first line handing over."""

    def __init__(self, person: User):
        self.person = person

    @cached_property
    def leaver_case(self) -> LeaverCase | None:
        return LeaverCase.objects.filter(person=self.person, status=LeaverCase.Status.OPEN).only("leaving_date").first()

    @cached_property
    def held(self) -> list[Assignment]:
        """What they hold now that counts under FAQ 7's one of a kind at a time."""
        return list(held_under_faq_7(self.person))
