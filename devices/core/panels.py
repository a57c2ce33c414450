"""Registries through which capabilities built on the core add to pages the core and the counter own,
without those pages importing them: My kit (a leaver's case) and the counter's person screen (a
leaver's case, open kit requests). Each provider is registered once in `DevicesConfig.ready()` and
returns template variables; the page merges them in registration order."""

from collections.abc import Callable

MY_KIT = "my_kit"
COUNTER_PERSON = "counter_person"

_PROVIDERS: dict[str, list[Callable[..., dict]]] = {MY_KIT: [], COUNTER_PERSON: []}


def register(page: str, provider: Callable[..., dict]) -> None:
    """`provider(person=..., user=...) -> dict` of template variables for `page`."""
    providers = _PROVIDERS[page]
    if provider not in providers:
        providers.append(provider)


def context_for(page: str, *, person, user) -> dict:
    context: dict = {}
    for provider in _PROVIDERS[page]:
        context.update(provider(person=person, user=user))
    return context
