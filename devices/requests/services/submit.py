"""Asking for a device: for oneself, or a supervisor for a member of their team."""

from auditlog.context import set_actor
from django.db import transaction

from devices.core.models import DeviceModel, TechBar
from devices.core.services import holder_refusal
from devices.leavers.models import LeaverCase
from devices.permissions import can_request_for
from devices.requests import entitlements
from devices.requests.models import DeviceRequest
from devices.requests.services.common import RequestError, approvers, arm_steps, describe, tell
from portal.models import User

# Reasons that say nothing on their own: the details explain them.
DETAILS_NEEDED = {
    DeviceRequest.Reason.WORKPLACE_ADJUSTMENT,
    DeviceRequest.Reason.SPECIALIST,
    DeviceRequest.Reason.OTHER,
}


def _catalogue_model(device_model: DeviceModel | None, kind: str) -> DeviceModel | None:
    if device_model is None:
        return None
    found = DeviceModel.objects.filter(pk=device_model.pk).first() if device_model.pk else None
    if found is None:
        raise RequestError(f"{device_model} is not in the catalogue: choose a model from the list, or just the kind.")
    if found.retired:
        raise RequestError(f"{found} is retired and no longer issued: choose another model, or just the kind.")
    if kind and found.kind != kind:
        raise RequestError(
            f"{found} is a {found.get_kind_display().lower()}, not a {DeviceModel.Kind(kind).label.lower()}."
        )
    return found


def _check(*, requester, submitted_by, kind, reason, details, collect_at) -> None:
    if kind not in DeviceModel.Kind.values:
        raise RequestError("Choose the kind of device: smartphone, tablet, laptop or other.")
    if reason not in DeviceRequest.Reason.values:
        raise RequestError("Choose the reason for the request.")
    if reason in DETAILS_NEEDED and not details.strip():
        raise RequestError(f"Say more about the {DeviceRequest.Reason(reason).label.lower()}: the approver reads it.")
    if collect_at is None or not TechBar.objects.filter(pk=collect_at.pk, is_active=True).exists():
        raise RequestError("Choose an open Tech Bar to collect the device from.")
    if not can_request_for(submitted_by, requester):
        raise RequestError(f"You may ask for a device for yourself or your team, not for {requester}.")
    refusal = holder_refusal(requester)
    if refusal:
        raise RequestError(refusal)
    if LeaverCase.objects.filter(person=requester, status=LeaverCase.Status.OPEN).exists():
        raise RequestError(f"{requester} has an open leaver case: no new kit is requested for them.")


@transaction.atomic
def device_request_submit(
    *,
    requester: User,
    submitted_by: User,
    kind: str,
    device_model: DeviceModel | None = None,
    reason: str,
    details: str,
    collect_at: TechBar,
) -> DeviceRequest:
    """A request by `submitted_by` (the requester or their supervisor) for `requester`.

    A retired or unknown model is refused, and so is a second open request for the same kind.
    Standard kit (any model of a kind, within the entitlement, counting devices held of a working
    model) is approved at once; anything else, a particular model included, waits for the
    supervisor, and a model marked approval required for a Portal admin as well. Refusals are
    `RequestError`s with the reason in words."""
    details = (details or "").strip()
    kind = device_model.kind if device_model is not None and not kind else kind
    _check(
        requester=requester,
        submitted_by=submitted_by,
        kind=kind,
        reason=reason,
        details=details,
        collect_at=collect_at,
    )
    model = _catalogue_model(device_model, kind)
    # The requester's row, locked: two requests at once see each other's entitlement use.
    User.objects.select_for_update().filter(pk=requester.pk).first()
    already = DeviceRequest.objects.filter(
        requester=requester, kind=kind, status__in=DeviceRequest.OPEN_STATUSES
    ).first()
    if already is not None:
        raise RequestError(
            f"{requester} already has an open request for a {already.get_kind_display().lower()} "
            f"(request {already.pk}, {already.get_status_display().lower()})."
        )
    # Standard kit is a device of an entitled kind, the model the Tech Bar has: asking for a
    # particular model is a preference beyond it, which the supervisor approves.
    within_standard = model is None and entitlements.held(requester, kind) < entitlements.entitled(requester, kind)
    needs_admin = bool(model and model.approval_required)
    request = DeviceRequest(
        requester=requester,
        submitted_by=submitted_by,
        kind=kind,
        device_model=model,
        reason=reason,
        details=details,
        collect_at=collect_at,
        needs_approval=needs_admin or not within_standard,
        needs_admin_approval=needs_admin,
        status=DeviceRequest.Status.SUBMITTED,
    )
    if not request.needs_approval:
        request.status = DeviceRequest.Status.APPROVED
    with set_actor(submitted_by):
        request.full_clean()
        request.save()
    if request.needs_approval:
        arm_steps(request, "waiting")
        for approver in approvers(request):
            tell(
                approver,
                request,
                f"A request for {describe(request)} for {requester.get_full_name()} waits for your approval",
                f"Reason: {request.get_reason_display()}.\n{details}".strip(),
            )
    return request
