"""The conditions of use links in the service navigation (portal.navigation places them by order)."""

from portal import navigation, permissions

navigation.register(label="My policies", url_name="policy:my_policies", allowed=navigation.everyone, order=130)
navigation.register(
    label="Compliance", url_name="policy:compliance_index", allowed=permissions.can_view_compliance, order=140
)
