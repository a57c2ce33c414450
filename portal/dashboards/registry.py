"""The dashboards' registry: each app's `dashboards.py` adds its sections (a dashboard, who may
open it), the panels it contributes to a section, and who may open the lists its panels link to.
Orders place one app's sections and panels among the others'."""

from collections.abc import Callable
from dataclasses import dataclass

from portal import permissions


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    allowed: Callable  # who may open this dashboard, among those who may open dashboards at all
    order: int


@dataclass(frozen=True)
class PanelSource:
    section: str
    build: Callable  # (scope, *, viewer, today) -> list[Panel]
    order: int


_SECTIONS: dict[str, Section] = {}
_SOURCES: dict[tuple[str, str], PanelSource] = {}
_LISTS: dict[str, Callable] = {}


def register_section(*, slug: str, name: str, order: int, allowed: Callable = permissions.can_view_dashboards) -> None:
    _SECTIONS[slug] = Section(slug=slug, name=name, allowed=allowed, order=order)


def register_panels(*, section: str, build: Callable, order: int) -> None:
    """`build(scope, *, viewer, today)` gives the panels, in order, that this app adds to the section."""
    key = (section, f"{build.__module__}.{build.__qualname__}")
    _SOURCES[key] = PanelSource(section=section, build=build, order=order)


def register_list(kind: str, allowed: Callable) -> None:
    """Who may open the kind of list a panel links to (`Panel.list_kind`): the link shows only for them."""
    _LISTS[kind] = allowed


def sections() -> dict[str, str]:
    """Every dashboard, slug to name, in the order of the index and the tabs."""
    return {s.slug: s.name for s in sorted(_SECTIONS.values(), key=lambda s: s.order)}


def may_open(user, slug: str) -> bool:
    section = _SECTIONS.get(slug)
    return section is not None and section.allowed(user)


def panel_sources(slug: str) -> list[PanelSource]:
    return sorted((s for s in _SOURCES.values() if s.section == slug), key=lambda s: s.order)


def may_open_list(user, kind: str) -> bool:
    return _LISTS[kind](user)
