"""What the header's search box finds in devices (portal.search places the groups by order):
devices by any identifier, leaver cases and kit requests, each narrowed to what the user may open."""

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from devices import permissions as device_permissions
from devices.core.models import Device
from devices.leavers.selectors.cases import leaver_cases_visible_to
from devices.requests.selectors.kit import device_requests_visible_to
from portal import permissions, search
from portal.models import User

# --- Devices: the device page is the Tech Bar's and the Data Office's (can_view_device) ----------


def _compact(term: str) -> str:
    """A phone number or IMEI as typed with spaces or dashes."""
    return term.replace(" ", "").replace("-", "")


def devices_named_exactly(term: str):
    """Devices with any identifier equal to the term (one indexed lookup per column on PostgreSQL:
    devices migration 0014)."""
    compact = _compact(term)
    spaced_phone = Q(phone_number__iexact=term) | Q(phone_number__iexact=compact)
    if compact.startswith("07") and len(compact) == 11:  # stored as "07700 900123"
        spaced_phone |= Q(phone_number__iexact=f"{compact[:5]} {compact[5:]}")
    return Device.objects.filter(
        Q(asset_tag__iexact=term)
        | Q(imei=compact)
        | Q(serial_number__iexact=term)
        | Q(sim_iccid=compact)
        | Q(mdm_enrolment_id__iexact=term)
        | spaced_phone
    )


def devices_matching(term: str):
    """Devices with any identifier containing (or, for the long numbers, starting with) the term:
    trigram indexes on PostgreSQL (devices migration 0014)."""
    compact = _compact(term)
    return Device.objects.annotate(asset_tag_lower=Lower("asset_tag")).filter(
        Q(asset_tag_lower__contains=term.lower())
        | Q(serial_number__icontains=term)
        | Q(imei__startswith=compact)
        | Q(phone_number__icontains=term)
        | Q(sim_iccid__startswith=compact)
        | Q(mdm_enrolment_id__istartswith=term)
    )


def _device_exact(user, term):
    matches = list(devices_named_exactly(term).values_list("pk", flat=True)[:2])
    if len(matches) == 1:  # a serial two makers share names no one device
        return reverse("devices:device_detail", args=[matches[0]])
    return None


def _device_find(user, term, limit):
    devices, count = search.first_page(
        devices_matching(term).select_related("model"), order_by=("asset_tag",), limit=limit
    )
    hits = [
        search.Hit(
            label=device.asset_tag,
            url=reverse("devices:device_detail", args=[device.pk]),
            detail=f"{device.model} · {device.get_status_display()}",
        )
        for device in devices
    ]
    return hits, count


search.register(
    kind="Devices",
    order=10,
    allowed=device_permissions.can_view_device,
    exact=_device_exact,
    find=_device_find,
)


def _people_named(term: str):
    """The people the term names (every word in a name, or the payroll number in any case), as a
    subquery of ids: on PostgreSQL the name trigram and UPPER(payroll_number) indexes find them, and
    the cases or requests are then read by person through their own index. Filtering across the
    join instead (person__first_name__icontains OR'd with who may see the case) walks every person."""
    people = User.objects.filter(search.name_filter(term) | Q(payroll_number__iexact=term))
    return people.order_by().values("pk")


# --- Leaver cases: Tech Bar staff all; a supervisor their team's; a unit lead their unit's -------
# (the Data Office opens none: can_view_leaver_case)


def _leaver_exact(user, term):
    number = search.numbered(term, "leaver case", "leaver", "LC")
    if number is None:
        return None
    if leaver_cases_visible_to(user=user).filter(pk=number).exists():
        return reverse("devices:leaver_case", args=[number])
    return None


def _leaver_find(user, term, limit):
    matches = leaver_cases_visible_to(user=user).filter(person__in=_people_named(term))
    cases, count = search.first_page(matches, order_by=("-leaving_date", "-pk"), limit=limit)
    hits = [
        search.Hit(
            label=f"Leaver case {case.pk}: {case.person.get_full_name()} ({case.person.payroll_number})",
            url=reverse("devices:leaver_case", args=[case.pk]),
            detail=f"Leaving {case.leaving_date:%d/%m/%Y} · {case.get_status_display()}",
        )
        for case in cases
    ]
    return hits, count


search.register(
    kind="Leaver cases",
    order=30,
    allowed=device_permissions.can_view_leaver_list,
    exact=_leaver_exact,
    find=_leaver_find,
)


# --- Kit requests: Tech Bar staff all; a supervisor their team's (the Data Office none) ----------


def _requests_allowed(user) -> bool:
    return device_permissions.can_reserve(user) or permissions.is_supervisor(user)


def _request_exact(user, term):
    number = search.numbered(term, "device request", "kit request", "request", "REQ")
    if number is None:
        return None
    if device_requests_visible_to(user=user).filter(pk=number).exists():
        return reverse("devices:request_detail", args=[number])
    return None


def _request_find(user, term, limit):
    matches = device_requests_visible_to(user=user).filter(requester__in=_people_named(term))
    requests, count = search.first_page(matches, order_by=("-pk",), limit=limit)
    hits = [
        search.Hit(
            label=f"Device request {req.pk}: {req.requester.get_full_name()} ({req.requester.payroll_number})",
            url=reverse("devices:request_detail", args=[req.pk]),
            detail=req.get_status_display(),
        )
        for req in requests
    ]
    return hits, count


search.register(
    kind="Kit requests",
    order=40,
    allowed=_requests_allowed,
    exact=_request_exact,
    find=_request_find,
)
