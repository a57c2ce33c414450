"""How the timer sweep tells one owner queryset from another within a batch (portal.timers.step_owner):
a key from the queryset's parts, cheaper than compiling its SQL."""

from django.db import models


def owner_key(queryset: models.QuerySet) -> tuple:
    """What tells one owner queryset of a batch from another (the fire function's select_related),
    without compiling its SQL: `str(query)` for every step cost a third of the sweep's own time.
    A queryset this does not describe fully (extra(), annotations, values(), a union...) is told
    apart by its SQL, as before."""
    query = queryset.query
    label = queryset.model._meta.label
    if query.extra or query.annotations or query.values_select or query.combinator or query.distinct_fields:
        return (label, str(query))
    key = (
        label,
        queryset.db,
        _frozen(query.select_related),
        query.where,
        _frozen(query.deferred_loading),
        query.select_for_update,
        query.select_for_update_of,
        tuple(str(lookup) for lookup in queryset._prefetch_related_lookups),
    )
    try:
        hash(key)
    except TypeError:
        return (label, str(query))
    return key


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [_frozen(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, set | frozenset) else tuple(items)
    return value
