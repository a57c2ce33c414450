"""Who may do what with devices outside the admin, built from `portal.permissions`."""

from django.db.models import Q, QuerySet

from devices.models import CommandUnitLead, TechBar
from portal.models import Role
from portal.permissions import has_role, is_data_office, is_portal_admin, is_tech_bar


def can_report_own_kit(user) -> bool:
    """Everyone signed in may report kit they hold lost, stolen or faulty (never anyone else's)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_device(user) -> bool:
    """A device's custody and remote actions: the Tech Bar's work, and the Data Office's evidence
    for an incident that involves it."""
    return is_data_office(user) or is_tech_bar(user)


def can_view_activity(user) -> bool:
    """Every custody event across the estate, with who held what: Tech Bar leads (not all Tech
    Bar staff), the Data Office and Portal admins."""
    if not _signed_in(user):
        return False
    if is_portal_admin(user) or is_data_office(user):
        return True
    return has_role(user, Role.TECH_BAR) and user.tech_bars_led.exists()


def can_view_activity_by_role(user) -> bool:
    """The navigation's link to the activity report, asked on every page (the counter's too), so it
    reads only the roles already loaded: a Tech Bar lead opens the report from the device list."""
    return _signed_in(user) and (is_portal_admin(user) or is_data_office(user))


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


def is_own_case(user, case) -> bool:
    """Nobody approves their own leaver case, whatever their role."""
    return case is not None and case.person_id == getattr(user, "pk", None)


def can_sign_off_leaver_case(user, case) -> bool:
    """The leaver's supervisor (who also records items handed to them), or a Portal admin; never
    the leaver themselves."""
    return not is_own_case(user, case) and can_set_leaving_date(user, case.person)


def can_receive_leaver_items(user) -> bool:
    """Tech Bar staff tick items off at their counter."""
    return _signed_in(user) and is_tech_bar(user)


def can_write_off(user, case=None) -> bool:
    """A Tech Bar lead (of any Tech Bar) or a Portal admin approves a write-off, never of a line
    of their own case."""
    if not _signed_in(user) or is_own_case(user, case):
        return False
    if is_portal_admin(user):
        return True
    return has_role(user, Role.TECH_BAR) and user.tech_bars_led.exists()


def can_deactivate_people(user) -> bool:
    return _signed_in(user) and is_portal_admin(user)


# --- Kit requests -------------------------------------------------------------------------------
def can_request_for(user, person) -> bool:
    """Anyone signed in asks for themselves; a supervisor for their team (as HR names it)."""
    if not _signed_in(user) or person is None:
        return False
    return person.pk == user.pk or (person.supervisor_id is not None and person.supervisor_id == user.pk)


def decision_refusal(user, request) -> str:
    """Why `user` may not decide the step `request` waits for, or "" when they may: the
    requester's supervisor (or a Portal admin) the first step, then a Portal admin (another
    person) the second, for a model marked approval required; never on one's own request."""
    if not _signed_in(user):
        return "Sign in to decide on a request."
    if request.status != request.Status.SUBMITTED:
        return f"Request {request.pk} is {request.get_status_display().lower()}: it waits for no decision."
    if user.pk in (request.requester_id, request.submitted_by_id):
        return "You cannot decide on your own request: your supervisor or a Portal admin does."
    if request.supervisor_decision_at is None:
        if is_portal_admin(user) or request.requester.supervisor_id == user.pk:
            return ""
        return f"Only {request.requester}'s supervisor or a Portal admin approves this request."
    if not is_portal_admin(user):
        return "This request waits for a Portal admin's approval."
    if request.supervisor_decision_by_id == user.pk:
        return "You approved the first step: another Portal admin approves the second."
    return ""


def can_decide(user, request) -> bool:
    """May `user` decide the step the request waits for (see decision_refusal)."""
    return decision_refusal(user, request) == ""


def can_reserve(user) -> bool:
    """Tech Bar staff (and Portal admins) reserve devices for approved requests."""
    return _signed_in(user) and is_tech_bar(user)


def can_view_device_request(user, request) -> bool:
    """The requester, who asked for them, their supervisor, Tech Bar staff and Portal admins."""
    if not _signed_in(user):
        return False
    if is_tech_bar(user):  # Portal admins included
        return True
    return user.pk in (request.requester_id, request.submitted_by_id) or request.requester.supervisor_id == user.pk


def can_cancel_device_request(user, request) -> bool:
    """Whoever may see an open request may cancel it (the requester no longer needs it, the Tech
    Bar cannot supply it)."""
    return request.is_open and can_view_device_request(user, request)


def can_view_kit_gaps(user) -> bool:
    """Who lacks standard kit: Tech Bar staff and the Data Office (everyone), supervisors (their
    team, as the selector narrows it). Portal admins included."""
    return _signed_in(user) and (is_tech_bar(user) or is_data_office(user) or has_role(user, Role.SUPERVISOR))


def can_view_overdue_loans(user) -> bool:
    """The overdue loans list (borrowers, their supervisors): Tech Bar staff, Portal admins included."""
    return _signed_in(user) and is_tech_bar(user)


# --- Acting for a Tech Bar (its loan pool, its accessory stock) ----------------------------------
def tech_bars_acted_for(user) -> QuerySet[TechBar]:
    """The Tech Bars whose loan pool and accessory stock `user` changes: those they staff or lead;
    every one for a Portal admin; none for anyone else."""
    if not _signed_in(user) or not is_tech_bar(user):
        return TechBar.objects.none()
    if is_portal_admin(user):
        return TechBar.objects.all()
    return TechBar.objects.filter(Q(staff=user) | Q(leads=user)).distinct()


def can_act_for_tech_bar(user, tech_bar) -> bool:
    """A Tech Bar's staff (and leads) act for their own Tech Bar only; Portal admins for any."""
    return tech_bar is not None and tech_bars_acted_for(user).filter(pk=tech_bar.pk).exists()


def can_extend_loan(user) -> bool:
    """Moving a loan's due-back date: Tech Bar staff (at whichever counter the borrower asks), Portal admins."""
    return _signed_in(user) and is_tech_bar(user)


# --- A device's page ----------------------------------------------------------------------------
def can_act_on_device(user) -> bool:
    """The actions on a device's page (its holder at the counter, its label, a transfer, repair,
    found): Tech Bar staff and Portal admins. The Data Office reads the page, nothing more."""
    return _signed_in(user) and is_tech_bar(user)


# --- Figures and the disclosure log --------------------------------------------------------------
def can_view_figures(user) -> bool:
    """Figures as of any date and the Freedom of Information disclosure log: the Data Office and
    Portal admins (not supervisors, not Tech Bar staff). Reads only the roles already loaded."""
    return _signed_in(user) and (is_data_office(user) or is_portal_admin(user))
