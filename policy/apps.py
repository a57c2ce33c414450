"""The ICT Conditions of Use: versioned policies, acceptance and compliance."""

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = "Conditions of use"

    def ready(self):
        from auditlog.registry import auditlog

        from policy import middleware  # noqa: F401 (the gate's note at sign-in: a user_logged_in receiver)
        from policy.models import Policy, PolicyVersion

        # Acknowledgements and reminders are append-only records in their own right: not logged twice.
        auditlog.register(Policy, m2m_fields={"roles"})
        auditlog.register(PolicyVersion, exclude_fields=["body_html"])
