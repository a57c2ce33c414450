"""The incidents links in the service navigation (portal.navigation places them by order)."""

from incidents import permissions as incident_permissions
from portal import navigation

navigation.register(
    label="Report an incident", url_name="incidents:incident_start", allowed=incident_permissions.can_report, order=30
)
navigation.register(
    label="Incident queue", url_name="incidents:incident_queue", allowed=incident_permissions.can_review, order=40
)
