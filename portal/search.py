"""The one search box: who may use it, and the providers that answer it. The shell holds the
registry; each app adds its providers from its `search.py` (found by `portal.registries.discover`).

A provider answers two questions for a user: does this term name exactly one thing you may open
(then the box goes straight to its page), and what else matches (a capped list with a count). It
narrows to what the user may open itself, with the app's own permission rules, so a result is never
a page that would refuse them. Each provider costs a fixed number of queries, whatever the data."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from portal import permissions
from portal.models import User

MIN_LENGTH = 2
MAX_LENGTH = 100
GROUP_LIMIT = 10


def may_search(user) -> bool:
    """Tech Bar staff, Data Office reviewers, supervisors and Portal admins (through each predicate)."""
    return permissions.is_tech_bar(user) or permissions.is_data_office(user) or permissions.is_supervisor(user)


@dataclass(frozen=True)
class Hit:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Group:
    kind: str
    hits: list[Hit]
    count: int


@dataclass(frozen=True)
class Provider:
    kind: str  # the group's heading, e.g. "Devices"
    order: int  # lower first: the first exact match wins, and groups are listed in this order
    allowed: Callable  # a predicate of the user: may they see this kind of result at all
    exact: Callable  # (user, term) -> URL of the one thing the term names, or None
    find: Callable  # (user, term, limit) -> (hits, count)


_PROVIDERS: dict[str, Provider] = {}  # by kind: a module imported twice registers once


def register(*, kind: str, order: int, allowed: Callable, exact: Callable, find: Callable) -> None:
    _PROVIDERS[kind] = Provider(kind=kind, order=order, allowed=allowed, exact=exact, find=find)


def providers_for(user) -> list[Provider]:
    return [p for p in sorted(_PROVIDERS.values(), key=lambda p: p.order) if p.allowed(user)]


class BadTerm(ValueError):
    """A term the box cannot search for, with the message shown on the page."""


def clean_term(raw: str) -> str:
    term = " ".join((raw or "").split())
    if not term:
        raise BadTerm("Enter something to search for: an asset tag, IMEI, serial, payroll number or name.")
    if len(term) < MIN_LENGTH:
        raise BadTerm(f"Enter at least {MIN_LENGTH} characters to search for.")
    if len(term) > MAX_LENGTH:
        raise BadTerm(f"Search for {MAX_LENGTH} characters or fewer.")
    return term


@dataclass
class Outcome:
    redirect: str | None = None
    groups: list[Group] = field(default_factory=list)


def search(*, user, term: str) -> Outcome:
    """An exact identifier the user may open goes straight to its page; otherwise every kind of
    result the user may open, grouped, each group capped at GROUP_LIMIT with its full count."""
    found = providers_for(user)
    for provider in found:
        url = provider.exact(user, term)
        if url:
            return Outcome(redirect=url)
    groups = []
    for provider in found:
        hits, count = provider.find(user, term, GROUP_LIMIT)
        if count:
            groups.append(Group(kind=provider.kind, hits=list(hits), count=count))
    return Outcome(groups=groups)


# Up to this many matches are first found through their indexes, then ordered for the page; more
# than this (a term as broad as "KB") and walking the sort order finds the first page at once.
ORDER_AFTER_MATCHING = 1000


def first_page(matches, *, order_by: tuple[str, ...], limit: int) -> tuple[list, int]:
    """The first `limit` of `matches` in `order_by`, and how many match, in three queries whatever
    the data (one when nothing matches). Ordered with a LIMIT, PostgreSQL tends to walk the sort
    column's index and test every row when few match (tens of ms over 50,000 people or 60,000
    devices): so the ids are found through the search indexes first, and only they are ordered."""
    count = matches.order_by().count()
    if count == 0:
        return [], 0
    if count <= ORDER_AFTER_MATCHING:
        matches = matches.filter(pk__in=list(matches.order_by().values_list("pk", flat=True)))
    return list(matches.order_by(*order_by)[:limit]), count


def name_filter(term: str, *, prefix: str = "") -> Q:
    """Every word of the term in the first or last name (case-insensitive: works on SQLite and
    PostgreSQL alike), so "jane smi" finds Jane Smith. `prefix` reaches a related person."""
    condition = Q()
    for word in term.split()[:5]:
        condition &= Q(**{f"{prefix}first_name__icontains": word}) | Q(**{f"{prefix}last_name__icontains": word})
    return condition


def numbered(term: str, *prefixes: str) -> int | None:
    """The number in "REQ-12", "request 12" or "#12" (for the given prefixes), else None."""
    pattern = r"^(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*[-#:]?\s*(\d{1,9})$"
    match = re.match(pattern, term, re.IGNORECASE)
    return int(match.group(1)) if match else None


# --- People: the shell's own provider -----------------------------------------------------------
# Tech Bar staff and Portal admins open a person in the admin (the counter's person record);
# a supervisor finds their own team, on their team page. The Data Office has no person page.


def _people_for(user):
    people = User.objects.filter(is_active=True)
    if permissions.is_tech_bar(user):
        return people
    return people.filter(supervisor=user)


def _person_url(user, person) -> str:
    if permissions.is_tech_bar(user):
        return reverse("admin:portal_user_change", args=[person.pk])
    try:
        return reverse("devices:my_team")
    except NoReverseMatch:
        return ""


def _people_allowed(user) -> bool:
    return permissions.is_tech_bar(user) or permissions.is_supervisor(user)


def _people_exact(user, term):
    # unordered: `first()` would order by id and walk that index instead of the payroll one
    person = next(iter(_people_for(user).filter(payroll_number__iexact=term).order_by()[:1]), None)
    return _person_url(user, person) if person else None


def _people_find(user, term, limit):
    matches = _people_for(user).filter(name_filter(term) | Q(payroll_number__istartswith=term))
    people, count = first_page(matches, order_by=("last_name", "first_name", "payroll_number"), limit=limit)
    hits = [
        Hit(label=f"{p.get_full_name()} ({p.payroll_number})", url=_person_url(user, p), detail=p.team) for p in people
    ]
    return hits, count


register(kind="People", order=20, allowed=_people_allowed, exact=_people_exact, find=_people_find)
