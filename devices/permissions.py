"""Who may do what with devices outside the admin, built from `portal.permissions`."""

from devices.models import CommandUnitLead
from portal.models import Role
from portal.permissions import has_role, is_data_office, is_portal_admin, is_tech_bar


def can_report_own_kit(user) -> bool:
    """Everyone signed in may report kit they hold lost, stolen or faulty (never anyone else's)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_device(user) -> bool:
    """A device's custody and remote actions: the Tech Bar's work, and the Data Office's evidence
    for an incident that involves it."""
    return is_data_office(user) or is_tech_bar(user)


# --- Leaver cases -------------------------------------------------------------------------------
def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_leaver_case(user, case) -> bool:
    """The leaver, their supervisor, their command unit's lead, Tech Bar staff and Portal admins."""
    if not _signed_in(user):
        return False
    if is_tech_bar(user):  # Portal admins included
        return True
    if case.person_id == user.pk or case.person.supervisor_id == user.pk:
        return True
    return _leads_unit(user, case.person.command_unit)


def _leads_unit(user, command_unit: str) -> bool:
    return bool(command_unit) and CommandUnitLead.objects.filter(lead=user, command_unit=command_unit).exists()


def can_view_leaver_list(user) -> bool:
    """The list of open cases: Tech Bar staff and Portal admins (all), supervisors (their team's and,
    for a command unit's lead, the unit's). Asked on every page for the navigation, so it reads only
    the roles already loaded: a lead who is not a supervisor opens their unit's cases from the
    escalations that link to them."""
    return _signed_in(user) and (is_tech_bar(user) or has_role(user, Role.SUPERVISOR))


def can_set_leaving_date(user, person) -> bool:
    """Their supervisor (as the HR record names them) or a Portal admin."""
    if not _signed_in(user) or person is None:
        return False
    return is_portal_admin(user) or (person.supervisor_id is not None and person.supervisor_id == user.pk)


def can_sign_off_leaver_case(user, case) -> bool:
    """The leaver's supervisor (who also records items handed to them), or a Portal admin."""
    return can_set_leaving_date(user, case.person)


def can_receive_leaver_items(user) -> bool:
    """Tech Bar staff tick items off at their counter."""
    return _signed_in(user) and is_tech_bar(user)


def can_write_off(user) -> bool:
    """A Tech Bar lead (of any Tech Bar) or a Portal admin approves a write-off."""
    if not _signed_in(user):
        return False
    if is_portal_admin(user):
        return True
    return has_role(user, Role.TECH_BAR) and user.tech_bars_led.exists()


def can_deactivate_people(user) -> bool:
    return _signed_in(user) and is_portal_admin(user)
