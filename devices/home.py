"""The devices parts of the home page (portal.home places them by order): the kit I hold (and my
leaver case), and the Tech Bar's, the devices', the leavers' and my team's links under "My work"."""

from devices import permissions as device_permissions
from devices.core import selectors
from devices.leavers.selectors import cases as leaver_selectors
from incidents import permissions as incident_permissions
from portal import home, permissions
from portal.selectors import team_of


def _my_kit(user) -> dict:
    return {
        "my_kit": selectors.assignments_open_for(user=user),
        "my_leaver_case": leaver_selectors.leaver_case_open_for(person=user),
    }


def _finds_devices(user) -> bool:
    # The device search is the Tech Bar's tool and the Data Office's (an incident's devices).
    return permissions.is_tech_bar(user) or incident_permissions.can_review(user)


def _my_team(user) -> dict:
    return {"team_size": team_of(supervisor=user).count()}


home.register_panel(template="devices/_home_kit.html", context=_my_kit, region=home.MAIN, order=10)
home.register_work_link(template="devices/_home_work_counter.html", allowed=permissions.is_tech_bar, order=10)
home.register_work_link(template="devices/_home_work_devices.html", allowed=_finds_devices, order=30)
home.register_work_link(
    template="devices/_home_work_leavers.html", allowed=device_permissions.can_view_leaver_list, order=50
)
home.register_work_link(
    template="devices/_home_work_team.html", allowed=permissions.is_supervisor, order=60, context=_my_team
)
