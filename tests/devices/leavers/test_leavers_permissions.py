"""Who sees and works a leaver case: the predicates of devices.permissions and the selectors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from devices import permissions
from devices.leavers.selectors import cases as selectors
from devices.models import CommandUnitLead, LeaverCase
from tests.devices.leavers.leaver_helpers import open_case, team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db):
    """Two teams, each with a leaver: (sergeant_a, leaver_a, case_a, sergeant_b, leaver_b, case_b)."""
    sergeant_a, leaver_a = team()
    sergeant_b, leaver_b = team()
    return (
        sergeant_a,
        leaver_a,
        open_case(leaver_a, sergeant_a, days=30),
        sergeant_b,
        leaver_b,
        open_case(leaver_b, sergeant_b, days=-2),  # late notice: already overdue
    )


def test_the_leaver_and_their_supervisor_see_the_case_other_officers_do_not(cases, officer, data_office):
    sergeant_a, leaver_a, case_a, sergeant_b, leaver_b, _ = cases
    assert permissions.can_view_leaver_case(leaver_a, case_a)
    assert permissions.can_view_leaver_case(sergeant_a, case_a)
    for outsider in (leaver_b, sergeant_b, officer, data_office, AnonymousUser()):
        assert not permissions.can_view_leaver_case(outsider, case_a)


def test_tech_bar_staff_and_portal_admins_see_every_case(cases, tech_bar_staff, portal_admin):
    for user in (tech_bar_staff, portal_admin):
        assert all(permissions.can_view_leaver_case(user, case) for case in LeaverCase.objects.all())
        assert selectors.leaver_cases_visible_to(user=user).count() == 2


def test_an_inactive_user_sees_nothing(cases):
    _, leaver_a, case_a, *_ = cases
    leaver_a.is_active = False
    assert not permissions.can_view_leaver_case(leaver_a, case_a)
    assert not selectors.leaver_cases_visible_to(user=leaver_a).exists()


def test_who_sets_a_leaving_date_signs_off_and_writes_off(cases, tech_bar_staff, portal_admin, bar):
    sergeant_a, leaver_a, case_a, sergeant_b, *_ = cases
    assert permissions.can_set_leaving_date(sergeant_a, leaver_a)
    assert permissions.can_set_leaving_date(portal_admin, leaver_a)
    assert not permissions.can_set_leaving_date(sergeant_b, leaver_a)
    assert not permissions.can_set_leaving_date(leaver_a, leaver_a)
    assert not permissions.can_set_leaving_date(tech_bar_staff, leaver_a)
    assert not permissions.can_set_leaving_date(AnonymousUser(), leaver_a)
    assert permissions.can_sign_off_leaver_case(sergeant_a, case_a)
    assert not permissions.can_sign_off_leaver_case(sergeant_b, case_a)

    assert permissions.can_write_off(portal_admin)
    assert not permissions.can_write_off(tech_bar_staff)
    bar.leads.add(tech_bar_staff)
    assert permissions.can_write_off(tech_bar_staff)
    assert not permissions.can_write_off(sergeant_a)
    assert permissions.can_receive_leaver_items(tech_bar_staff) and not permissions.can_receive_leaver_items(sergeant_a)


def test_supervisors_see_their_teams_cases_and_officers_their_own(cases):
    sergeant_a, _leaver_a, case_a, _sergeant_b, leaver_b, case_b = cases
    assert list(selectors.leaver_cases_visible_to(user=sergeant_a)) == [case_a]
    assert list(selectors.leaver_cases_visible_to(user=leaver_b)) == [case_b]
    assert not selectors.leaver_cases_visible_to(user=AnonymousUser()).exists()


def test_the_list_knows_what_is_outstanding_and_what_is_overdue(cases, tech_bar_staff, bar):
    from devices.leavers import services as leavers

    _, _, case_a, _, _, case_b = cases
    leavers.leaver_line_property_receive(line=case_a.lines.first(), actor=tech_bar_staff, tech_bar=bar)
    rows = {c.pk: c for c in selectors.leaver_cases_visible_to(user=tech_bar_staff)}
    assert (rows[case_a.pk].outstanding_count, rows[case_a.pk].overdue) == (4, False)
    assert (rows[case_b.pk].outstanding_count, rows[case_b.pk].overdue) == (5, True)


def test_one_case_for_a_user_or_404(cases, officer):
    sergeant_a, _leaver_a, case_a, _, _, case_b = cases
    found = selectors.leaver_case_for_user(user=sergeant_a, pk=case_a.pk)
    assert found == case_a and len(found.lines.all()) == 5
    for pk in (case_b.pk, "x", None, 10**9):
        with pytest.raises(Http404):
            selectors.leaver_case_for_user(user=sergeant_a, pk=pk)
    with pytest.raises(Http404):
        selectors.leaver_case_for_user(user=officer, pk=case_a.pk)


def test_the_open_case_for_a_person(cases):
    _, leaver_a, case_a, *_ = cases
    assert selectors.leaver_case_open_for(person=leaver_a) == case_a
    from tests.factories import UserFactory

    assert selectors.leaver_case_open_for(person=UserFactory()) is None


def test_a_command_unit_lead_sees_the_cases_of_their_unit_only(cases):
    """The +7 day escalation goes to the unit's lead with a link to the case: it must open."""
    _, leaver_a, case_a, _, leaver_b, case_b = cases
    leaver_b.command_unit = "Western"
    leaver_b.save(update_fields=["command_unit"])
    leaver_a.command_unit = "Eastern"
    leaver_a.save(update_fields=["command_unit"])
    lead = UserFactory(command_unit="Eastern")
    CommandUnitLead.objects.create(command_unit="Eastern", lead=lead)
    case_a.refresh_from_db()
    case_b.refresh_from_db()
    assert permissions.can_view_leaver_case(lead, case_a)
    assert not permissions.can_view_leaver_case(lead, case_b)
    assert list(selectors.leaver_cases_visible_to(user=lead)) == [case_a]
    assert selectors.leaver_case_for_user(user=lead, pk=case_a.pk) == case_a
    with pytest.raises(Http404):
        selectors.leaver_case_for_user(user=lead, pk=case_b.pk)
