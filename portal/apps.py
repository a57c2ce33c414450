from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.signals import request_finished
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    default = True  # this module has the admin's config too
    name = "portal"
    verbose_name = "Portal: people and roles"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib import admin

        from portal import signals  # noqa: F401 - connects the receivers
        from portal.admin_input import make_actions_safe
        from portal.logging import clear_request_context
        from portal.models import User
        from portal.registries import discover
        from portal.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="kitbag_sync_role_permissions")
        # After the response is finished (Django logs 4xx/5xx just before): the ids go with the request.
        request_finished.connect(clear_request_context, dispatch_uid="kitbag_clear_request_context")
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        # The admin modules are loaded (django.contrib.admin autodiscovers before this app is ready).
        make_actions_safe(admin.site)
        # Every app's links, home panels, dashboards and demo steps, before the first request.
        discover()
        from portal import search_people  # noqa: F401 - the shell's own search provider (people)


class KitbagAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with portal.admin_site's site as `admin.site`."""

    default = False
    default_site = "portal.admin_site.KitbagAdminSite"
