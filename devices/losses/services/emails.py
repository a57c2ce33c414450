"""What a holder is emailed after reporting a device lost, stolen or faulty: what happens next,
with links to the incident (lost or stolen) and to My kit. Queued in the report's transaction."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from devices.core import selectors
from devices.core.models import Device, DeviceEvent
from devices.losses.models import DeviceLoss
from portal import outbox
from portal.localtime import local_time
from portal.models import OutboundEmail, User

# What to bring to the Tech Bar with a faulty device: the faulty page says the same.
WHAT_TO_BRING = [
    "the device itself, even if it does not switch on",
    "its charger, cable and case, if it came with them",
    "your warrant card or staff pass",
]


def _absolute(url: str) -> str:
    """A link that works from a mail client: KITBAG_BASE_URL in front, as every email has."""
    return f"{getattr(settings, 'KITBAG_BASE_URL', '').rstrip('/')}{url}"


def _queue(*, holder: User, subject: str, template: str, context: dict, cause) -> OutboundEmail | None:
    if not holder.email:
        return None  # nowhere to send it: the page they reported from says the same
    context = {**context, "person": holder, "my_kit_url": _absolute(reverse("devices:my_kit"))}
    return outbox.email_queue(
        to=holder.email,
        subject=subject,
        body=render_to_string(f"devices/email/{template}.txt", context).strip() + "\n",
        html=render_to_string(f"devices/email/{template}.html", context),
        cause=cause,
        recipient_label=holder.get_full_name(),
    )


def loss_email_queue(*, loss: DeviceLoss, requested: list[str]) -> OutboundEmail | None:
    """The holder of a device reported lost or stolen: what was requested (SIM block, remote
    wipe), the security incident's reference and when its full report is due."""
    incident = loss.incident
    kind = loss.get_kind_display().lower()
    return _queue(
        holder=loss.holder,
        subject=f"[Kitbag] {loss.device.asset_tag} reported {kind}: what happens next",
        template="loss",
        context={
            "loss": loss,
            "device": loss.device,
            "kind": kind,
            "requested": requested,
            "incident": incident,
            "due": local_time(incident.due_at) if incident else "",
            "incident_url": _absolute(incident.get_absolute_url()) if incident else "",
            "full_report_url": _absolute(reverse("incidents:incident_report_edit", args=[incident.pk]))
            if incident
            else "",
        },
        cause=loss,
    )


def faulty_email_queue(*, device: Device, holder: User, event: DeviceEvent) -> OutboundEmail | None:
    """The holder of a device reported faulty: which Tech Bars can swap it now and what to bring."""
    return _queue(
        holder=holder,
        subject=f"[Kitbag] {device.asset_tag} reported faulty: get it swapped",
        template="faulty",
        context={
            "device": device,
            "kind": device.model.get_kind_display().lower(),
            "tech_bars": list(selectors.tech_bars_that_can_swap(device=device)),
            "what_to_bring": WHAT_TO_BRING,
        },
        cause=event,
    )
