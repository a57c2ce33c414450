"""What the header's search box finds in devices (portal.search places the groups by order):
devices by any identifier, leaver cases and kit requests, each narrowed to what the user may open;
and the person pages devices has for the people the box finds (the counter, the team page)."""

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from devices import permissions as device_permissions
from devices.core.models import Device
from devices.leavers.models import CommandUnitLead, LeaverCase
from devices.leavers.selectors.cases import leaver_cases_visible_to
from devices.requests.models import DeviceRequest
from devices.requests.selectors.kit import device_requests_visible_to
from portal import permissions, search
from portal.models import User

# --- Devices: the device page is the Tech Bar's and the Data Office's (can_view_device) ----------
# Each identifier is looked up only for a term of its shape: an IMEI or SIM ICCID for digits, a
# phone number for digits with spaces, an asset tag, serial or MDM id for one token.


def _term(term) -> search.Term:
    return term if isinstance(term, search.Term) else search.Term(term)


def _accepts_device(term: search.Term) -> bool:
    return term.identifier or term.phone


def _phone_forms(term: search.Term) -> set[str]:
    """A phone number as typed, without its spaces, and as stored ("07700 900123")."""
    compact = term.compact
    forms = {str(term), compact}
    if compact.startswith("07") and len(compact) == 11:
        forms.add(f"{compact[:5]} {compact[5:]}")
    return forms


def _named_exactly(term: search.Term) -> Q:
    condition = Q(pk__in=[])
    if term.identifier:
        condition |= Q(asset_tag__iexact=term) | Q(serial_number__iexact=term) | Q(mdm_enrolment_id__iexact=term)
    if term.number:
        condition |= Q(imei=term.compact) | Q(sim_iccid=term.compact)
    if term.phone:
        for form in _phone_forms(term):
            condition |= Q(phone_number__iexact=form)
    return condition


def devices_named_exactly(term: str):
    """Devices with any identifier of the term's shape equal to it (one indexed lookup per column
    on PostgreSQL: devices migrations 0014 and 0019)."""
    return Device.objects.filter(_named_exactly(_term(term)))


def _names_exactly(row: dict, term: search.Term) -> bool:
    """Does the term name this device (a row of `devices_matching`) exactly, as `_named_exactly` asks?"""
    upper = term.upper()
    if term.identifier and upper in (
        row["asset_tag"].upper(),
        row["serial_number"].upper(),
        row["mdm_enrolment_id"].upper(),
    ):
        return True
    if term.number and term.compact in (row["imei"], row["sim_iccid"]):
        return True
    return term.phone and row["phone_number"].upper() in {form.upper() for form in _phone_forms(term)}


def devices_matching(term: str):
    """Devices with any identifier of the term's shape containing (or, for the long numbers and the
    MDM id, starting with) the term, or equal to it (a phone number typed without its space):
    trigram indexes for a part inside, pattern btree indexes for a start, on PostgreSQL (devices
    migrations 0014 and 0019)."""
    term = _term(term)
    condition = _named_exactly(term)
    if term.identifier:
        if len(term) >= search.TRIGRAM:
            inside = Q(asset_tag_lower__contains=term.lower()) | Q(serial_number__icontains=term)
        else:  # "KB": the start only (the trigram indexes serve 'kb%', not '%kb%')
            inside = Q(asset_tag_lower__startswith=term.lower()) | Q(serial_number__istartswith=term)
        condition |= inside | Q(mdm_enrolment_id__istartswith=term)
    if term.number:
        condition |= Q(imei__startswith=term.compact) | Q(sim_iccid__startswith=term.compact)
    if term.phone:
        condition |= Q(phone_number__icontains=term)
    return Device.objects.annotate(asset_tag_lower=Lower("asset_tag")).filter(condition)


def _device_exact(user, term):
    matches = list(devices_named_exactly(term).values_list("pk", flat=True)[:2])
    if len(matches) == 1:  # a serial two makers share names no one device
        return reverse("devices:device_detail", args=[matches[0]])
    return None


IDENTIFIERS = ("serial_number", "imei", "sim_iccid", "mdm_enrolment_id", "phone_number")


def _device_page(term, limit) -> search.Page:
    return search.first_page(
        devices_matching(term),
        order_by=("asset_tag",),
        limit=limit,
        fields=("model__make", "model__model_name", "status", *IDENTIFIERS),
    )


def _device_hits(page: search.Page) -> list:
    status = dict(Device.Status.choices)
    return [
        search.Hit(
            label=row["asset_tag"],
            url=reverse("devices:device_detail", args=[row["pk"]]),
            detail=f"{row['model__make']} {row['model__model_name']} · {status.get(row['status'], row['status'])}",
        )
        for row in page.rows
    ]


def _device_find(user, term, limit):
    page = _device_page(term, limit)
    return _device_hits(page), page.count, page.more


def _device_lookup(user, term, limit) -> search.Found:
    """The page, and the one device the term names exactly: among the matches read (an identifier
    matches itself), or by its own query when more than COUNT_CAP match."""
    term = _term(term)
    page = _device_page(term, limit)
    if page.every is None:
        exact = _device_exact(user, term)
    else:
        named = [row["pk"] for row in page.every if _names_exactly(row, term)]
        exact = reverse("devices:device_detail", args=[named[0]]) if len(named) == 1 else None
    return search.Found(hits=_device_hits(page), count=page.count, more=page.more, exact=exact)


search.register(
    kind="Devices",
    order=10,
    allowed=device_permissions.can_view_device,
    exact=_device_exact,
    find=_device_find,
    accepts=_accepts_device,
    lookup=_device_lookup,
)


def _full_name(row: dict, person: str) -> str:
    """A person's name from a page row's `person__first_name` etc, as User.get_full_name puts it."""
    first, last = row[f"{person}__first_name"], row[f"{person}__last_name"]
    return f"{first} {last}".strip() or row[f"{person}__payroll_number"]


def _people_named(term: str):
    """The people the term names (every word in a name, or the payroll number in any case), as a
    subquery of ids: on PostgreSQL the name trigram and UPPER(payroll_number) indexes find them, and
    the cases or requests are then read by person through their own index. Filtering across the
    join instead (person__first_name__icontains OR'd with who may see the case) walks every person."""
    people = User.objects.filter(search.people_filter(_term(term), payroll_lookup="iexact"))
    return people.order_by().values("pk")


# --- Leaver cases: Tech Bar staff all; a supervisor their team's; a unit lead their unit's -------
# (the Data Office opens none: can_view_leaver_case)

LEAVER_REFERENCES = ("leaver case", "leaver", "LC")


def leads_a_unit(user) -> bool:
    """A command unit's lead (who opens the unit's leaver cases), asked once a request and only of
    someone no role already lets search."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_kitbag_leads_a_unit", None)
    if cached is None:
        cached = CommandUnitLead.objects.filter(lead=user).exists()
        user._kitbag_leads_a_unit = cached
    return cached


def _leavers_allowed(user) -> bool:
    return device_permissions.can_view_leaver_list(user) or leads_a_unit(user)


def _leaver_exact(user, term):
    number = search.numbered(term, *LEAVER_REFERENCES)
    if number is None:
        return None
    if leaver_cases_visible_to(user=user, annotated=False).filter(pk=number).exists():
        return reverse("devices:leaver_case", args=[number])
    return None


def _leaver_find(user, term, limit):
    matches = leaver_cases_visible_to(user=user, annotated=False).filter(person__in=_people_named(term))
    page = search.first_page(
        matches,
        order_by=("-leaving_date", "-pk"),
        limit=limit,
        fields=("status", "person__first_name", "person__last_name", "person__payroll_number"),
    )
    status = dict(LeaverCase.Status.choices)
    hits = [
        search.Hit(
            label=f"Leaver case {row['pk']}: {_full_name(row, 'person')} ({row['person__payroll_number']})",
            url=reverse("devices:leaver_case", args=[row["pk"]]),
            detail=f"Leaving {row['leaving_date']:%d/%m/%Y} · {status.get(row['status'], row['status'])}",
        )
        for row in page.rows
    ]
    return hits, page.count, page.more


search.register(
    kind="Leaver cases",
    order=30,
    allowed=_leavers_allowed,
    exact=_leaver_exact,
    find=_leaver_find,
    accepts=search.names_people,
    references=LEAVER_REFERENCES,
)


# --- Kit requests: Tech Bar staff all; a supervisor their team's (the Data Office none) ----------

REQUEST_REFERENCES = ("device request", "kit request", "request", "REQ")


def _requests_allowed(user) -> bool:
    return device_permissions.can_reserve(user) or permissions.is_supervisor(user)


def _request_exact(user, term):
    number = search.numbered(term, *REQUEST_REFERENCES)
    if number is None:
        return None
    if device_requests_visible_to(user=user).filter(pk=number).exists():
        return reverse("devices:request_detail", args=[number])
    return None


def _request_find(user, term, limit):
    matches = device_requests_visible_to(user=user).filter(requester__in=_people_named(term))
    page = search.first_page(
        matches,
        order_by=("-pk",),
        limit=limit,
        fields=("status", "requester__first_name", "requester__last_name", "requester__payroll_number"),
    )
    status = dict(DeviceRequest.Status.choices)
    hits = [
        search.Hit(
            label=f"Device request {row['pk']}: {_full_name(row, 'requester')} ({row['requester__payroll_number']})",
            url=reverse("devices:request_detail", args=[row["pk"]]),
            detail=status.get(row["status"], row["status"]),
        )
        for row in page.rows
    ]
    return hits, page.count, page.more


search.register(
    kind="Kit requests",
    order=40,
    allowed=_requests_allowed,
    exact=_request_exact,
    find=_request_find,
    accepts=search.names_people,
    references=REQUEST_REFERENCES,
)


# --- Person pages: the counter for those who work it, the team page for the person's supervisor ---

search.register_person_page(
    name="counter",
    order=10,
    allowed=lambda user, person: permissions.is_tech_bar(user),  # who works the counter (devices.counter.views)
    url=lambda person: reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number}),
)
search.register_person_page(
    name="team",
    order=20,
    allowed=lambda user, person: person.supervisor_id == user.pk and permissions.is_supervisor(user),
    url=lambda person: reverse("devices:my_team"),
)
