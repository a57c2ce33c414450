"""Registries through which capabilities built on the core add to pages the core and the counter own,
without those pages importing them: My kit (a leaver's case) and the counter's person screen (a
leaver's case, open kit requests), and the actions on a device's page (the counter, labels, a
transfer, repair, found). Each provider is registered once in `DevicesConfig.ready()`; a page's
providers return template variables, merged in registration order, and a device's action providers
return the actions allowed for (device, user), listed in registration order."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.admin import helpers
from django.urls import reverse

MY_KIT = "my_kit"
COUNTER_PERSON = "counter_person"


@dataclass(frozen=True)
class DeviceAction:
    """A button on a device's page. `method="post"` sends `fields` with the CSRF token to `url`
    (which owns the confirmation step and checks permission again); "get" is a plain link."""

    label: str
    url: str
    method: str = "get"
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    hint: str = ""

    @classmethod
    def admin_action(
        cls, *, label: str, changelist: str, action: str, device_pk: int, hint: str = ""
    ) -> "DeviceAction":
        """An admin list's action on this one device: posted as the list's action form would be,
        so the list's own confirmation step, permission and service do the work."""
        fields = (
            ("action", action),
            ("index", "0"),
            ("select_across", "0"),
            (helpers.ACTION_CHECKBOX_NAME, str(device_pk)),
        )
        return cls(label=label, url=reverse(changelist), method="post", fields=fields, hint=hint)


_ACTION_PROVIDERS: list[Callable[..., DeviceAction | None]] = []

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


def register_device_action(provider: Callable[..., DeviceAction | None]) -> None:
    """`provider(device=..., user=...) -> DeviceAction | None`: None when the action does not apply
    to this device or this user may not take it."""
    if provider not in _ACTION_PROVIDERS:
        _ACTION_PROVIDERS.append(provider)


def device_actions(*, device, user) -> list[DeviceAction]:
    return [action for provider in _ACTION_PROVIDERS if (action := provider(device=device, user=user))]
