"""The home page's registry: each app's `home.py` adds its panels (a template and the variables
it needs for the viewer) and its links under "My work". Orders place one app's among the others'."""

from collections.abc import Callable
from dataclasses import dataclass

from portal import permissions

# Where a panel goes: above the columns (banners), or in the wide column.
TOP = "top"
MAIN = "main"


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable  # (user) -> dict: the template's variables for this viewer
    region: str
    order: int


@dataclass(frozen=True)
class WorkLink:
    template: str  # the link's <li> item (or items)
    allowed: Callable  # who sees it: a predicate of the user
    order: int
    context: Callable | None = None  # (user) -> dict, when the link says more than its words


_PANELS: dict[str, HomePanel] = {}  # by template: a module imported twice registers once
_WORK_LINKS: dict[str, WorkLink] = {}


def register_panel(*, template: str, context: Callable, region: str, order: int) -> None:
    _PANELS[template] = HomePanel(template=template, context=context, region=region, order=order)


def register_work_link(*, template: str, allowed: Callable, order: int, context: Callable | None = None) -> None:
    _WORK_LINKS[template] = WorkLink(template=template, allowed=allowed, order=order, context=context)


def panels_for(*, user, region: str) -> list[tuple[str, dict]]:
    """The region's panels for this viewer, in order: (template, its variables)."""
    panels = sorted((p for p in _PANELS.values() if p.region == region), key=lambda p: p.order)
    return [(p.template, p.context(user)) for p in panels]


def work_links_for(*, user) -> list[tuple[str, dict]]:
    """The links under "My work" this viewer sees, in order: (template, its variables)."""
    links = sorted(_WORK_LINKS.values(), key=lambda link: link.order)
    return [(link.template, link.context(user) if link.context else {}) for link in links if link.allowed(user)]


def _dashboards_link(user) -> dict:
    return {"sees_all_dashboards": permissions.is_data_office(user)}


# The shell's own link; the apps' fall before and after it.
register_work_link(
    template="portal/_home_work_dashboards.html",
    allowed=permissions.can_view_dashboards,
    order=40,
    context=_dashboards_link,
)
