"""The one search box: who may use it, and the providers that answer it. The shell holds the
registry; each app adds its providers from its `search.py` (found by `portal.registries.discover`).

A provider answers two questions for a user: does this term name exactly one thing you may open
(then the box goes straight to its page), and what else matches (a capped list with a count). It
narrows to what the user may open itself, with the app's own permission rules, so a result is never
a page that would refuse them. Each provider costs a fixed number of queries, whatever the data
(two for what matches: `first_page`), and is asked only about a term of a shape it could hold
(`Term`): an IMEI never goes to the people finder, a name with a space never to the devices, a
request number only to the kit requests.

Who may search is the providers' answer too: anyone some provider is `allowed` for gets the box.
A person found goes to the first person page registered for the finder (`register_person_page`):
the counter for Tech Bar staff, the team page for a supervisor; the shell imports no app for it."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.urls import reverse

from portal import permissions

MIN_LENGTH = 2
MAX_LENGTH = 100
GROUP_LIMIT = 10
PAYROLL_MAX_LENGTH = 12  # longer single tokens (an IMEI, an ICCID, an MDM id) are no payroll number


class Term(str):
    """The cleaned search term (a str), with what its shape says it could be."""

    @cached_property
    def compact(self) -> str:
        """A phone number, IMEI or ICCID as typed with spaces or dashes."""
        return self.replace(" ", "").replace("-", "")

    @cached_property
    def single(self) -> bool:
        """One token (an identifier, a payroll number, one word of a name)."""
        return " " not in self

    @cached_property
    def number(self) -> bool:
        """Digits only, once spaces and dashes are dropped (an IMEI, ICCID, phone number, part of one)."""
        return self.compact.isdigit()

    @cached_property
    def phone(self) -> bool:
        """Could be part of a phone number: digits with spaces or dashes, or a leading +."""
        return self.compact.lstrip("+").isdigit()

    @cached_property
    def letters(self) -> bool:
        return any(c.isalpha() for c in self)

    @cached_property
    def identifier(self) -> bool:
        """One token of letters, digits and - _ / . (an asset tag, serial, MDM id, payroll number)."""
        return self.single and re.fullmatch(r"[\w./-]+", self) is not None

    @cached_property
    def name(self) -> bool:
        """Could be (part of) a name: has a letter, and no character a name never has."""
        return self.letters and re.fullmatch(r"[\w .'-]+", self) is not None

    @cached_property
    def payroll(self) -> bool:
        """Could be (the start of) a payroll or warrant number."""
        return self.identifier and len(self) <= PAYROLL_MAX_LENGTH and re.fullmatch(r"[A-Za-z0-9]+", self) is not None


def _always(term: Term) -> bool:
    return True


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
    more: bool = False  # more than `count` match (the count stops at COUNT_CAP)


@dataclass(frozen=True)
class Provider:
    kind: str  # the group's heading, e.g. "Devices"
    order: int  # lower first: the first exact match wins, and groups are listed in this order
    allowed: Callable  # a predicate of the user: may they see this kind of result at all
    exact: Callable  # (user, term) -> URL of the one thing the term names, or None
    find: Callable  # (user, term, limit) -> (hits, count) or (hits, count, more)
    accepts: Callable = _always  # (term) -> could this kind hold a thing the term names
    references: tuple[str, ...] = ()  # prefixes of this kind's numbers ("REQ"): such a term is only its
    # (user, term, limit) -> Found: the first page and the exact match at once, in place of `exact`
    # then `find` (one query where the exact identifier is among the matches read)
    lookup: Callable | None = None


@dataclass(frozen=True)
class Found:
    hits: list
    count: int
    more: bool = False
    exact: str | None = None  # the URL of the one thing the term names exactly


_PROVIDERS: dict[str, Provider] = {}  # by kind: a module imported twice registers once


def register(
    *,
    kind: str,
    order: int,
    allowed: Callable,
    exact: Callable,
    find: Callable,
    accepts: Callable = _always,
    references: tuple[str, ...] = (),
    lookup: Callable | None = None,
) -> None:
    _PROVIDERS[kind] = Provider(
        kind=kind,
        order=order,
        allowed=allowed,
        exact=exact,
        find=find,
        accepts=accepts,
        references=references,
        lookup=lookup,
    )


def providers_for(user) -> list[Provider]:
    return [p for p in sorted(_PROVIDERS.values(), key=lambda p: p.order) if p.allowed(user)]


SESSION_KEY = "portal.search.may_search"
SESSION_SECONDS = 600  # how long a page's header box may show an answer read earlier in the session


def may_search(user, session=None) -> bool:
    """Whoever some provider lets see its kind of result: Tech Bar staff, Data Office reviewers,
    supervisors, command unit leads and Portal admins (each provider's own predicate says; a
    predicate may read the database: a command unit's lead).

    With a `session` (the header's box on every page), an answer kept in it for SESSION_SECONDS
    is used, so an officer's pages do not ask again each time; the search page itself asks
    afresh, and each provider narrows what it finds to what the user may open whatever the box said.
    The answer is kept only when the session is written anyway (at sign-in, portal.signals, and
    at the minute's "last seen" touch, portal.middleware): a session write of its own cost more
    than the question (three statements and the session's encoding, on the first page after
    sign-in at the policy gate, for everyone in a re-acceptance wave)."""
    now = int(time.time())
    if session is not None:
        kept = session.get(SESSION_KEY)
        if kept and kept[0] == user.pk and 0 <= now - kept[1] < SESSION_SECONDS:
            return bool(kept[2])
    answer = any(p.allowed(user) for p in sorted(_PROVIDERS.values(), key=lambda p: p.order))
    if session is not None and session.modified:
        session[SESSION_KEY] = [user.pk, now, answer]
    return answer


def providers_for_term(providers: list[Provider], term: Term) -> list[Provider]:
    """The providers that could hold what the term names: a numbered reference ("REQ-12", "INC-7",
    "LC 3") goes only to its kind's providers; anything else to those whose `accepts` takes its shape."""
    referenced = {k for k, p in _PROVIDERS.items() if p.references and numbered(term, *p.references) is not None}
    if referenced:  # only its kind, and nothing when the user may not open that kind
        return [p for p in providers if p.kind in referenced]
    return [p for p in providers if p.accepts(term)]


class BadTerm(ValueError):
    """A term the box cannot search for, with the message shown on the page."""


def clean_term(raw: str) -> Term:
    term = " ".join((raw or "").split())
    if not term:
        raise BadTerm("Enter something to search for: an asset tag, IMEI, serial, payroll number or name.")
    if len(term) < MIN_LENGTH:
        raise BadTerm(f"Enter at least {MIN_LENGTH} characters to search for.")
    if len(term) > MAX_LENGTH:
        raise BadTerm(f"Search for {MAX_LENGTH} characters or fewer.")
    return Term(term)


@dataclass
class Outcome:
    redirect: str | None = None
    groups: list[Group] = field(default_factory=list)


def search(*, user, term: str) -> Outcome:
    """An exact identifier the user may open goes straight to its page; otherwise every kind of
    result the user may open, grouped, each group capped at GROUP_LIMIT with its count."""
    term = term if isinstance(term, Term) else Term(term)
    # the term's shape first (no query), then who may see each kind, asked only until an exact
    # identifier is found (a predicate may read once: a command unit's lead)
    found = []
    for provider in providers_for_term(sorted(_PROVIDERS.values(), key=lambda p: p.order), term):
        if not provider.allowed(user):
            continue
        if provider.lookup is not None:
            result = provider.lookup(user, term, GROUP_LIMIT)
            url = result.exact
        else:
            result, url = None, provider.exact(user, term)
        if url:
            return Outcome(redirect=url)
        found.append((provider, result))
    groups = []
    for provider, result in found:
        if result is None:
            hits, count, *more = provider.find(user, term, GROUP_LIMIT)
            result = Found(hits=list(hits), count=count, more=bool(more and more[0]))
        if result.count:
            groups.append(Group(kind=provider.kind, hits=list(result.hits), count=result.count, more=result.more))
    return Outcome(groups=groups)


# Up to this many matches are counted (more is "over 1,000"), and ordered for the page in Python.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    rows: list[dict]  # the page's matches: "pk", the sort keys and the fields asked for
    count: int  # up to COUNT_CAP
    more: bool  # more than COUNT_CAP match
    every: list[dict] | None = None  # all the matches, in order, when no more than COUNT_CAP


def first_page(matches, *, order_by: tuple[str, ...], limit: int, fields: tuple[str, ...] = ()) -> Page:
    """The first `limit` of `matches` in `order_by`, as dicts of "pk", the sort keys and `fields`
    (what the hits show, across relations too), and how many match (counted up to COUNT_CAP): one
    query whatever the data, two when more than COUNT_CAP match.

    The query reads up to COUNT_CAP + 1 matches unordered, so the search indexes find them (their
    number is the capped count), and Python orders them. Ordered with a LIMIT in SQL, PostgreSQL
    walks the sort column's index testing every row whenever it expects many matches among the
    rows read (tens of ms over 50,000 people or 60,000 devices when few match, or when they sit at
    the end of the order), however the page query is put (a window count, an IN subquery or a list
    of ids). When more than COUNT_CAP match (a term as broad as "KB") that walk is right: it finds
    the first page at once."""
    keys = tuple(key.lstrip("-") for key in order_by)
    columns = tuple(dict.fromkeys(("pk", *keys, *fields)))
    found = list(matches.order_by().values(*columns)[: COUNT_CAP + 1])
    if len(found) > COUNT_CAP:
        return Page(list(matches.order_by(*order_by).values(*columns)[:limit]), COUNT_CAP, True)
    for key, field_name in reversed(list(zip(keys, order_by, strict=True))):  # stable: last key first
        found.sort(key=lambda row, key=key: row[key], reverse=field_name.startswith("-"))
    return Page(found[:limit], len(found), False, found)


TRIGRAM = 3  # a part shorter than this is matched at the start only (a trigram index serves 'ab%', not '%ab%')


def name_filter(term: str, *, prefix: str = "") -> Q:
    """Every word of the term in the first or last name (case-insensitive: works on SQLite and
    PostgreSQL alike), so "jane smi" finds Jane Smith; a word of one or two letters starts a name
    ("jo" finds John, not Majors). `prefix` reaches a related person."""
    condition = Q()
    for word in term.split()[:5]:
        lookup = "icontains" if len(word) >= TRIGRAM else "istartswith"
        condition &= Q(**{f"{prefix}first_name__{lookup}": word}) | Q(**{f"{prefix}last_name__{lookup}": word})
    return condition


def people_filter(term: Term, *, prefix: str = "", payroll_lookup: str = "istartswith") -> Q:
    """The people a term could name, by its shape: a name (every word in the first or last name)
    and/or the start of a payroll number (`payroll_lookup`); nobody (an empty match) for any other
    shape. On PostgreSQL the name trigram indexes and the UPPER(payroll_number) pattern index."""
    term = term if isinstance(term, Term) else Term(term)
    condition = Q(pk__in=[])
    if term.name:
        condition |= name_filter(term, prefix=prefix)
    if term.payroll:
        condition |= Q(**{f"{prefix}payroll_number__{payroll_lookup}": term})
    return condition


def names_people(term: Term) -> bool:
    """Could the term name people (a name or a payroll number)?"""
    term = term if isinstance(term, Term) else Term(term)
    return term.name or term.payroll


def numbered(term: str, *prefixes: str) -> int | None:
    """The number in "REQ-12", "request 12" or "#12" (for the given prefixes), else None."""
    pattern = r"^(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*[-#:]?\s*(\d{1,9})$"
    match = re.match(pattern, term, re.IGNORECASE)
    return int(match.group(1)) if match else None


# --- Person pages: where a person found goes, for whom -------------------------------------------
# An app registers the page it has for a person and who may open it there (devices: the counter's
# person screen for Tech Bar staff, the team page for the person's supervisor). The first allowed
# page in order wins; the shell's own is the person in the admin, for Tech Bar staff and Portal admins.


@dataclass(frozen=True)
class PersonPage:
    order: int
    allowed: Callable  # (user, person) -> may the user open this page for this person
    url: Callable  # (person) -> the page's URL


_PERSON_PAGES: dict[str, PersonPage] = {}


def register_person_page(*, name: str, order: int, allowed: Callable, url: Callable) -> None:
    _PERSON_PAGES[name] = PersonPage(order=order, allowed=allowed, url=url)


def person_url(user, person) -> str:
    """The first page registered for a person that this user may open for them, or ""."""
    for page in sorted(_PERSON_PAGES.values(), key=lambda p: p.order):
        if page.allowed(user, person):
            return page.url(person)
    return ""


register_person_page(
    name="admin",
    order=90,
    allowed=lambda user, person: permissions.is_tech_bar(user),
    url=lambda person: reverse("admin:portal_user_change", args=[person.pk]),
)
