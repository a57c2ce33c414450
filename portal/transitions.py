"""One way to change a record's status: along an edge of its allowed-transitions table, or refused
with a domain error in words for the person who tried.

A model lists its edges as `TRANSITIONS = {Status.A: {Status.B, ...}, ...}` (the devices, kit
requests and remote actions do); services move a locked row with `transition(obj, to=...,
refuse=...)` and save it, so no service changes a status by assignment.
"""

from collections.abc import Callable, Collection, Mapping

from portal.errors import DomainError


def transition(
    obj,
    *,
    to: str,
    refuse: Callable[[object, str], DomainError],
    table: Mapping[str, Collection[str]] | None = None,
    field: str = "status",
) -> str:
    """Set `obj.<field>` to `to` if `table` (by default `type(obj).TRANSITIONS`) has that edge from
    the current status, and return the status it had; otherwise raise `refuse(obj, to)`, built
    while `obj` still shows where it is. Saving is the caller's, with the rest of its change."""
    edges = type(obj).TRANSITIONS if table is None else table
    current = getattr(obj, field)
    if to not in edges.get(current, ()):
        raise refuse(obj, to)
    setattr(obj, field, to)
    return current
