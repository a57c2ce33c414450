"""The service navigation: which links each role sees. The shell holds the list; each app adds its
own entries from its `navigation.py` (found by `portal.registries.discover`), with an order that
places them among the others."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from portal import permissions


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    allowed: Callable  # who sees the link: a predicate of the user
    order: int  # lower first, across every app's entries


_ENTRIES: dict[str, NavEntry] = {}  # by URL name: a module imported twice registers once


def register(*, label: str, url_name: str, allowed: Callable, order: int) -> None:
    _ENTRIES[url_name] = NavEntry(label=label, url_name=url_name, allowed=allowed, order=order)


def entries() -> list[NavEntry]:
    """Every registered entry, in the order on screen."""
    return sorted(_ENTRIES.values(), key=lambda entry: entry.order)


def everyone(user) -> bool:
    return True


# The shell's own links; the apps' fall between them.
register(label="Home", url_name="portal:home", allowed=everyone, order=10)
register(label="Tech Bar", url_name="admin:index", allowed=permissions.is_tech_bar, order=50)
register(label="Dashboards", url_name="portal:dashboards", allowed=permissions.is_data_office, order=150)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_MISSING = ""  # an entry whose URL is not in this URLconf (e.g. an app's URLs not mounted)
_URLS: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    """reverse(url_name), worked out once per process (per URLconf and script prefix): every page
    draws the navigation, and its URLs never change while the process runs."""
    key = (url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    url = _URLS.get(key)
    if url is None:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = _MISSING
        _URLS[key] = url
    return url


def nav_items_for(*, user, path: str) -> list[NavItem]:
    links = []
    for entry in entries():
        if not entry.allowed(user):
            continue
        url = _url(entry.url_name)
        if url != _MISSING:
            links.append((entry.label, url))
    # The one active item is the longest link the path is under (/devices/leavers/ is Leavers, not Devices).
    under = [url for _, url in links if (path == url if url == "/" else path.startswith(url))]
    current = max(under, key=len, default=None)
    return [NavItem(label=label, url=url, active=url == current) for label, url in links]
