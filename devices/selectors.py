"""Reads for devices."""

import re

from django.db.models import Count, Prefetch, Q, QuerySet

from devices.models import Assignment, Device, DeviceEvent, DeviceLoss, RemoteAction, TechBar
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
    return (
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
