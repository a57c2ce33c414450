"""Where the apps plug into the shell: each app's `navigation.py`, `home.py`, `dashboards.py`,
`demo.py` and `search.py` register its links, home panels, dashboard sections, demo steps and search
providers with the registries in portal (portal.navigation, portal.home, portal.dashboards.registry,
portal.demo, portal.search). The shell imports no app: it finds these modules by name, as the admin
finds each app's `admin.py`."""

from django.utils.module_loading import autodiscover_modules

MODULES = ("navigation", "home", "dashboards", "demo", "search")


def discover() -> None:
    autodiscover_modules(*MODULES)
