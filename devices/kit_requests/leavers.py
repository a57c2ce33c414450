"""A leaver case opening cancels the person's open requests."""

from portal.models import User


def device_requests_cancel_for_leaver(*, person: User, actor: User | None, reason: str) -> int:
    raise NotImplementedError
