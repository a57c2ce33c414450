"""The devices links in the service navigation (portal.navigation places them by order)."""

from devices import permissions as device_permissions
from portal import navigation, permissions

navigation.register(label="My kit", url_name="devices:my_kit", allowed=navigation.everyone, order=20)
navigation.register(
    label="Devices", url_name="devices:device_list", allowed=device_permissions.can_view_device, order=60
)
navigation.register(
    label="Custody activity",
    url_name="devices:activity",
    allowed=device_permissions.can_view_activity_by_role,
    order=65,
)
navigation.register(label="My team", url_name="devices:my_team", allowed=permissions.is_supervisor, order=70)
navigation.register(label="Device requests", url_name="devices:request_list", allowed=navigation.everyone, order=80)
navigation.register(
    label="Approvals", url_name="devices:request_approvals", allowed=permissions.is_supervisor, order=90
)
navigation.register(
    label="Requests at my Tech Bar",
    url_name="devices:request_tech_bar",
    allowed=device_permissions.can_reserve,
    order=100,
)
navigation.register(
    label="Kit gaps", url_name="devices:kit_gaps", allowed=device_permissions.can_view_kit_gaps, order=110
)
navigation.register(
    label="Leavers", url_name="devices:leaver_list", allowed=device_permissions.can_view_leaver_list, order=120
)
navigation.register(label="Figures", url_name="devices:figures", allowed=device_permissions.can_view_figures, order=125)
