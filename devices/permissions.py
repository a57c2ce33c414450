"""Who may do what with devices outside the admin, built from `portal.permissions`."""

from portal.permissions import is_data_office, is_tech_bar


def can_report_own_kit(user) -> bool:
    """Everyone signed in may report kit they hold lost, stolen or faulty (never anyone else's)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_device(user) -> bool:
    """A device's custody and remote actions: the Tech Bar's work, and the Data Office's evidence
    for an incident that involves it."""
    return is_data_office(user) or is_tech_bar(user)
