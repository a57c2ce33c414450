"""The shell's own search provider: people. Tech Bar staff and Portal admins find anyone (at the
counter, with devices installed); a supervisor finds their own team (on their team page). The Data
Office has no person page. Registered when the portal app is ready (portal.apps), after the apps'
own providers are discovered; the groups are placed by `order`, not by when they register."""

from portal import permissions
from portal.models import User
from portal.search import Found, Hit, Page, first_page, names_people, people_filter, person_url, register


def _people_for(user):
    people = User.objects.filter(is_active=True)
    if permissions.is_tech_bar(user):
        return people
    return people.filter(supervisor=user)


def _people_allowed(user) -> bool:
    return permissions.is_tech_bar(user) or permissions.is_supervisor(user)


def _people_exact(user, term):
    if not term.payroll:
        return None
    # unordered: `first()` would order by id and walk that index instead of the payroll one
    person = next(iter(_people_for(user).filter(payroll_number__iexact=term).order_by()[:1]), None)
    return (person_url(user, person) or None) if person else None


PERSON_FIELDS = ("first_name", "last_name", "payroll_number", "team", "supervisor_id")


def _people_page(user, term, limit):
    return first_page(
        _people_for(user).filter(people_filter(term)),
        order_by=("last_name", "first_name", "payroll_number"),
        limit=limit,
        fields=PERSON_FIELDS,
    )


def _person(row: dict) -> User:
    return User(id=row["pk"], **{name: row[name] for name in PERSON_FIELDS})  # unsaved: for its name and page


def _people_hits(user, page: Page) -> list[Hit]:
    hits = []
    for row in page.rows:
        person = _person(row)
        hits.append(
            Hit(
                label=f"{person.get_full_name()} ({person.payroll_number})",
                url=person_url(user, person),
                detail=person.team,
            )
        )
    return hits


def _people_find(user, term, limit):
    page = _people_page(user, term, limit)
    return _people_hits(user, page), page.count, page.more


def _people_lookup(user, term, limit) -> Found:
    """The page, and the person whose payroll number the term is: among the matches read (a
    payroll number matches its own start), or by its own query when more than COUNT_CAP match."""
    page = _people_page(user, term, limit)
    if page.every is None:
        exact = _people_exact(user, term)
    else:
        named = [row for row in page.every if term.payroll and row["payroll_number"].upper() == term.upper()]
        exact = (person_url(user, _person(named[0])) or None) if named else None
    return Found(hits=_people_hits(user, page), count=page.count, more=page.more, exact=exact)


register(
    kind="People",
    order=20,
    allowed=_people_allowed,
    exact=_people_exact,
    find=_people_find,
    accepts=names_people,
    lookup=_people_lookup,
)
