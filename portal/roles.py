"""Which model permissions each role's group holds (they drive the Django admin).

Kept in step after every `migrate` by `sync_role_permissions`, so a new app's models get their
permissions the moment they exist. Portal-level rules are in `portal/permissions.py`.
"""

from portal.models import Role

# role -> permission codenames as "app_label.codename", "app_label.view_*" (a codename prefix),
# "app_label.*" for all of an app's, or "*" for every one; a leading "-" takes permissions away.
# The admin classes check roles as well (portal.permissions, incidents.permissions), so a group
# given too much here still does not open people's details or incidents to the wrong role.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [],
    Role.SUPERVISOR: [],
    # The counter finds a person (read-only, few fields) and works the kit; Tech Bars and device
    # models are the Portal admins' to manage, and custody history is never deleted.
    Role.TECH_BAR: [
        "portal.view_user",
        "devices.view_*",
        "devices.add_device",
        "devices.change_device",
        "devices.change_remoteaction",  # marks SIM blocks and wipes done or failed (admin actions)
        "devices.add_stocklevel",  # keeps the low-stock levels of their Tech Bars
        "devices.change_stocklevel",
        "devices.delete_stocklevel",
        "devices.add_accessorystock",  # a kind's shelf at their Tech Bar, and its low-stock level
        "devices.change_accessorystock",
        "devices.change_triagedevice",  # gives returned devices their triage outcome (admin actions)
        "devices.add_loanpooldevice",  # keeps the loan pools of their Tech Bars
        "devices.change_loanpooldevice",
        "devices.delete_loanpooldevice",
    ],
    # The incidents admin, read-only: triage, decisions and status change on the Data Office's pages.
    Role.DATA_OFFICE: ["incidents.view_*"],
    # Portal admins run the portal, not breach reports.
    Role.PORTAL_ADMIN: ["*", "-incidents.*"],
}


def _matching(all_permissions, spec: str):
    if spec == "*":
        return all_permissions
    app_label, codename = spec.split(".", 1)
    in_app = all_permissions.filter(content_type__app_label=app_label)
    if codename == "*":
        return in_app
    if codename.endswith("*"):
        return in_app.filter(codename__startswith=codename[:-1])
    return in_app.filter(codename=codename)


def sync_role_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    all_permissions = Permission.objects.select_related("content_type")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted: dict[int, object] = {}
        for spec in ROLE_PERMISSIONS.get(role, []):
            if spec.startswith("-"):
                for permission in _matching(all_permissions, spec[1:]):
                    wanted.pop(permission.pk, None)
            else:
                wanted.update((permission.pk, permission) for permission in _matching(all_permissions, spec))
        group.permissions.set(list(wanted.values()))
