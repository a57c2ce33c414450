"""Approving or refusing a request: the supervisor's step, then a Portal admin's for a model
marked approval required. Each records who, when and why; a refusal at either step ends it."""

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from devices.permissions import decision_refusal
from devices.requests.models import DeviceRequest
from devices.requests.services.common import (
    RequestError,
    approvers,
    arm_steps,
    cancel_steps,
    describe,
    lock_request,
    tell,
    tell_requester,
    transition,
)
from portal.models import User


@transaction.atomic
def device_request_decide(*, request: DeviceRequest, actor: User, approve: bool, why: str) -> DeviceRequest:
    """The decision of the step the request waits for. Refused (RequestError): a request not
    waiting for approval, one's own request (as requester or as the one who asked for it), a
    person who is not the approver of this step, the same person deciding both steps, and a
    refusal without a reason."""
    request = lock_request(request.pk)
    why = (why or "").strip()
    refusal = decision_refusal(actor, request)
    if refusal:
        raise RequestError(refusal)
    if not approve and not why:
        raise RequestError("Say why the request is refused: the requester is told.")
    now = timezone.now()
    admin_step = request.supervisor_decision_at is not None
    if admin_step:
        request.admin_decision_by, request.admin_decision_at, request.admin_decision_why = actor, now, why
    else:
        request.supervisor_decision_by, request.supervisor_decision_at = actor, now
        request.supervisor_decision_why = why
    cancel_steps(request, reason="Decided")
    if not approve:
        transition(request, DeviceRequest.Status.REFUSED)
    elif admin_step or not request.needs_admin_approval:
        transition(request, DeviceRequest.Status.APPROVED)
    with set_actor(actor):
        request.save()
    name = request.requester.get_full_name()
    if request.status == DeviceRequest.Status.REFUSED:
        tell_requester(request, f"Your request for {describe(request)} was refused", f"{actor.get_full_name()}: {why}")
    elif request.status == DeviceRequest.Status.APPROVED:
        tell_requester(
            request,
            f"Your request for {describe(request)} is approved",
            f"A Tech Bar will reserve one for you at {request.collect_at}; you will be told when it is ready.",
        )
    else:  # the supervisor approved; a Portal admin's step is next
        arm_steps(request, "waiting")
        for approver in approvers(request):
            tell(
                approver,
                request,
                f"A request for {describe(request)} for {name} waits for a Portal admin's approval",
                f"Approved by {actor.get_full_name()}" + (f": {why}" if why else ".") + f"\n{request.details}",
            )
    return request
