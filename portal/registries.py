"""Where the apps plug into the shell: each app's `navigation.py`, `home.py`, `dashboards.py` and
`demo.py` register its links, home panels, dashboard sections and demo steps with the registries in
portal (portal.navigation, portal.home, portal.dashboards.registry, portal.demo). The shell imports
no app: it finds these modules by name, as the admin finds each app's `admin.py`."""

from django.utils.module_loading import autodiscover_modules

MODULES = ("navigation", "home", "dashboards", "demo")


def discover() -> None:
    autodiscover_modules(*MODULES)
