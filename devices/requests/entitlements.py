"""The standard kit: what a person is entitled to and holds, per kind of device, as query
expressions (so the kit gaps list and a request's check read the same rules).

A person's entitlement to a kind is the largest over their roles; for each role, a row for their
team replaces the every-team row (a team's row of 0 takes the kind away). A device of a retired
model does not count as held: its holder has a gap until it is replaced.
"""

from django.contrib.auth.models import Group
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from devices.core.models import Assignment, DeviceModel
from devices.requests.models import KitEntitlement
from portal.models import User

KINDS = [kind for kind, _ in DeviceModel.Kind.choices]


def load() -> dict[str, dict[str, dict[str, int]]]:
    """{kind: {role: {team ("" for every team): quantity}}}, in one query."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for role, team, kind, quantity in KitEntitlement.objects.values_list("role", "team", "kind", "quantity"):
        table.setdefault(kind, {}).setdefault(role, {})[team] = quantity
    return table


def _has_role(role: str):
    return Exists(Group.objects.filter(user=OuterRef("pk"), name=role))


def entitled_expression(table, kind: str):
    """How many devices of `kind` the outer person is entitled to (an integer expression)."""
    per_role = []
    for role, teams in table.get(kind, {}).items():
        whens = [When(Q(team=team) & _has_role(role), then=Value(q)) for team, q in teams.items() if team]
        if "" in teams:
            whens.append(When(_has_role(role), then=Value(teams[""])))
        per_role.append(Case(*whens, default=Value(0), output_field=IntegerField()))
    if not per_role:
        return Value(0, output_field=IntegerField())
    return per_role[0] if len(per_role) == 1 else Greatest(*per_role)


def held_expression(kind: str):
    """How many working (not retired) devices of `kind` the outer person holds."""
    held = (
        Assignment.objects.filter(
            holder=OuterRef("pk"), returned_at__isnull=True, device__model__kind=kind, device__model__retired=False
        )
        .order_by()
        .values("holder")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


def entitled(person: User, kind: str) -> int:
    people = User.objects.filter(pk=person.pk).annotate(n=entitled_expression(load(), kind))
    return people.values_list("n", flat=True)[0]


def held(person: User, kind: str) -> int:
    return User.objects.filter(pk=person.pk).annotate(n=held_expression(kind)).values_list("n", flat=True)[0]
