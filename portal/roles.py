"""Which model permissions each role's group holds (they drive the Django admin).

Kept in step after every `migrate` by `sync_role_permissions`, so a new app's models get their
permissions the moment they exist. Portal-level rules are in `portal/permissions.py`.
"""

from portal.models import Role

# role -> permission codenames as "app_label.codename", or "app_label.*" for all of an app's.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [],
    Role.SUPERVISOR: [],
    Role.TECH_BAR: ["portal.view_user", "devices.*"],
    Role.DATA_OFFICE: [],
    Role.PORTAL_ADMIN: ["*"],
}


def sync_role_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    all_permissions = Permission.objects.select_related("content_type")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for spec in ROLE_PERMISSIONS.get(role, []):
            if spec == "*":
                wanted = list(all_permissions)
                break
            app_label, codename = spec.split(".", 1)
            if codename == "*":
                wanted.extend(all_permissions.filter(content_type__app_label=app_label))
            else:
                wanted.extend(all_permissions.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
