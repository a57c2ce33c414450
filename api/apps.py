from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Integration API"

    def ready(self):
        from auditlog.registry import auditlog

        import api.schema  # noqa: F401  (registers the token scheme with drf-spectacular)
        from api.models import ApiToken
        from api.selectors import service_account_identifiers
        from portal import resources

        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
        # A service account is never a person, whichever feed names it: the HR file refuses it too.
        resources.register_not_people("an API service account", service_account_identifiers)
