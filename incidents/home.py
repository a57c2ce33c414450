"""The incidents parts of the home page (portal.home places them by order): my reports, and the
Data Office's queue under "My work"."""

from incidents import permissions as incident_permissions
from incidents.selectors import incidents_home_panel
from portal import home


def _my_incidents(user) -> dict:
    return {"panel": incidents_home_panel(user=user)}


home.register_panel(template="incidents/_home_panel.html", context=_my_incidents, region=home.MAIN, order=20)
home.register_work_link(template="incidents/_home_work_queue.html", allowed=incident_permissions.can_review, order=20)
