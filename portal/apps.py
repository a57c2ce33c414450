from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal: people and roles"

    def ready(self):
        from auditlog.registry import auditlog

        from portal import signals  # noqa: F401 - connects the receivers
        from portal.models import User
        from portal.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="kitbag_sync_role_permissions")
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
