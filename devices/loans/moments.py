"""Loan moments other capabilities act on (a leaver case's line says "on loan, due back ..."),
without loans importing them: receivers are registered in `DevicesConfig.ready()` and called inside
the loan service's transaction, in the order registered, as `devices.core.services.hooks` does."""

from collections.abc import Callable

# A loan just opened (its device issued in the same transaction, so any leaver line exists already).
_lent: dict[str, Callable[..., object]] = {}


def register_lent(receiver: Callable[..., object]) -> None:
    """receiver(*, loan, actor). Registering again replaces it."""
    _lent[f"{receiver.__module__}.{receiver.__qualname__}"] = receiver


def lent(**arguments) -> None:
    for receiver in list(_lent.values()):
        receiver(**arguments)
