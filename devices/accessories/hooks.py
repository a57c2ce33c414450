"""Accessory moments other capabilities act on (a leaver case ends its accessory line), without
accessories importing them: receivers are registered in `DevicesConfig.ready()` and called inside
the service's transaction, in the order registered, as `devices.core.services.hooks` does."""

from collections.abc import Callable

# A person handed back returnable accessories; `remaining` is how many of the kind they still hold.
_returned: dict[str, Callable[..., object]] = {}


def register_returned(receiver: Callable[..., object]) -> None:
    """receiver(*, person, kind, quantity, remaining, actor, tech_bar). Registering again replaces it."""
    _returned[f"{receiver.__module__}.{receiver.__qualname__}"] = receiver


def returned(**arguments) -> None:
    for receiver in list(_returned.values()):
        receiver(**arguments)
