"""The service navigation: which links each role sees. Each app adds its entries to NAV."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from devices import permissions as device_permissions
from incidents import permissions as incident_permissions
from portal import permissions


def _everyone(user) -> bool:
    return True


# (label, URL name, who sees it). Order is the order on screen.
NAV: list[tuple[str, str, object]] = [
    ("Home", "portal:home", _everyone),
    ("My kit", "devices:my_kit", _everyone),
    ("Report an incident", "incidents:incident_start", incident_permissions.can_report),
    ("Incident queue", "incidents:incident_queue", incident_permissions.can_review),
    ("Tech Bar", "admin:index", permissions.is_tech_bar),
    ("Devices", "devices:device_list", device_permissions.can_view_device),
    ("My team", "devices:my_team", permissions.is_supervisor),
    ("Device requests", "devices:request_list", _everyone),
    ("Approvals", "devices:request_approvals", permissions.is_supervisor),
    ("Requests at my Tech Bar", "devices:request_tech_bar", device_permissions.can_reserve),
    ("Kit gaps", "devices:kit_gaps", device_permissions.can_view_kit_gaps),
    ("Leavers", "devices:leaver_list", device_permissions.can_view_leaver_list),
    ("My policies", "policy:my_policies", _everyone),
    ("Compliance", "policy:compliance_index", permissions.can_view_compliance),
    ("Dashboards", "portal:dashboards", permissions.is_data_office),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def nav_items_for(*, user, path: str) -> list[NavItem]:
    links = []
    for label, url_name, allowed in NAV:
        if not allowed(user):
            continue
        try:
            links.append((label, reverse(url_name)))
        except NoReverseMatch:
            continue
    # The one active item is the longest link the path is under (/devices/leavers/ is Leavers, not Devices).
    under = [url for _, url in links if (path == url if url == "/" else path.startswith(url))]
    current = max(under, key=len, default=None)
    return [NavItem(label=label, url=url, active=url == current) for label, url in links]
