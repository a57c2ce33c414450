"""Custody moments that other capabilities act on, without the custody core importing them.

The custody services (a device received, issued, returned, found; a loss report) name the moment
and its arguments; leavers, requests, stock and losses register a receiver for the moments they
care about from `DevicesConfig.ready()`, as timers do with `portal.timers.register`. So the core
imports none of them, and the arrows point one way: core <- losses, stock <- leavers, requests.

Receivers are called synchronously, inside the custody service's transaction, in the order they
were registered (ready() registers them in one place, so the order is stable and readable there).
An exception from a receiver propagates: the custody change rolls back with it, as a refusal.
Registering the same function again (ready() run twice in tests) replaces it in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Moment:
    """A custody moment: its name and the keyword arguments every receiver is given."""

    name: str
    arguments: frozenset[str]


def _moment(name: str, *arguments: str) -> Moment:
    return Moment(name=name, arguments=frozenset(arguments))


# A new device arrived in stock at a Tech Bar (stock re-arms its low-stock alert).
RECEIVED = _moment("received", "device", "actor", "tech_bar")
# A device was handed to a holder; the assignment and the "issued" event exist already.
# `holder_locked`: the holder's row is locked in this transaction already (the counter's confirm
# locks it once for the visit), so a receiver that would lock it first need not lock it again.
ISSUED = _moment("issued", "device", "assignment", "actor", "tech_bar", "holder_locked")
# A device came back at a counter (not one that was lost: that is FOUND).
RETURNED = _moment("returned", "device", "assignment", "actor", "tech_bar")
# A lost or stolen device was handed in at a counter; `note` is what the counter wrote.
FOUND = _moment("found", "device", "assignment", "actor", "tech_bar", "note")
# A holder's device was reported lost or stolen (by devices.losses.services.losses, with the device locked).
LOST = _moment("lost", "assignment", "actor", "details")
# A device checked in at a counter is issued to nobody: a receiver may raise a clearer refusal
# (a leaver's device checked in twice at once) before the core's own "not issued" error.
RETURN_UNMATCHED = _moment("return_unmatched", "device")
# No return reason was chosen: a receiver may answer one (an open leaver case: "leaver").
RETURN_REASON = _moment("return_reason", "assignment")

MOMENTS: dict[str, Moment] = {
    moment.name: moment for moment in (RECEIVED, ISSUED, RETURNED, FOUND, LOST, RETURN_UNMATCHED, RETURN_REASON)
}

Receiver = Callable[..., object]

_registry: dict[str, dict[str, Receiver]] = {name: {} for name in MOMENTS}


def _key(receiver: Receiver) -> str:
    return f"{receiver.__module__}.{receiver.__qualname__}"


def register(moment: Moment, receiver: Receiver) -> None:
    """Call `receiver(**arguments)` at every `moment`. Call from the app's AppConfig.ready()."""
    receivers = _registry[moment.name]
    receivers[_key(receiver)] = receiver  # a dict keeps the first registration's place


def registered(moment: Moment) -> list[str]:
    """The dotted names of the moment's receivers, in the order they are called."""
    return list(_registry[moment.name])


def _check(moment: Moment, arguments: dict) -> None:
    if set(arguments) != moment.arguments:
        raise TypeError(f"custody moment {moment.name!r} takes {sorted(moment.arguments)}, given {sorted(arguments)}")


def fire(moment: Moment, **arguments) -> None:
    """Tell every receiver of `moment`, in order. The caller's transaction holds; an exception
    from a receiver is the caller's (and rolls the custody change back)."""
    _check(moment, arguments)
    for receiver in list(_registry[moment.name].values()):
        receiver(**arguments)


def ask(moment: Moment, **arguments):
    """The first answer that is not None from the moment's receivers, in order (or None)."""
    _check(moment, arguments)
    for receiver in list(_registry[moment.name].values()):
        answer = receiver(**arguments)
        if answer is not None:
            return answer
    return None
