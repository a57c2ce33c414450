"""Kit gaps: who lacks part of their standard kit and since when (a retired model is a gap),
who sees whom, the filters, and a query count that does not grow with the people listed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices.core.services import device_issue, device_return
from devices.models import DeviceModel, KitEntitlement
from devices.requests.selectors.kit import gaps_of, kit_gaps
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _issue(person, device, staff, bar):
    return device_issue(device=device, holder=person, actor=staff, tech_bar=bar)


def _kit(person, make_device, laptop_model, staff, bar):
    """Give `person` the standard kit: a phone and a laptop."""
    _issue(person, make_device(), staff, bar)
    _issue(person, make_device(model=laptop_model), staff, bar)


def _gaps(user, **filters):
    return {p.payroll_number: [(g.kind, g.missing) for g in gaps_of(p)] for p in kit_gaps(user=user, filters=filters)}


def test_the_standard_kit_is_seeded_for_officers():
    assert set(KitEntitlement.objects.values_list("role", "team", "kind", "quantity")) == {
        ("Officer", "", "smartphone", 1),
        ("Officer", "", "laptop", 1),
    }


def test_who_lacks_what(member, officer, tech_bar_staff, bar, make_device, laptop_model, old_laptop):
    _kit(officer, make_device, laptop_model, tech_bar_staff, bar)  # nothing missing
    _issue(member, make_device(), tech_bar_staff, bar)  # a phone, no laptop
    on_old_kit = UserFactory()
    _issue(on_old_kit, make_device(), tech_bar_staff, bar)
    DeviceModel.objects.filter(pk=old_laptop.pk).update(retired=False)
    _issue(on_old_kit, make_device(model=old_laptop), tech_bar_staff, bar)
    DeviceModel.objects.filter(pk=old_laptop.pk).update(retired=True)  # their laptop's model retires

    gaps = _gaps(tech_bar_staff)
    assert gaps[member.payroll_number] == [("laptop", 1)]
    assert gaps[on_old_kit.payroll_number] == [("laptop", 1)]
    assert officer.payroll_number not in gaps
    assert tech_bar_staff.payroll_number not in gaps  # no entitlement for the Tech Bar role


def test_since_when(member, tech_bar_staff, bar, make_device, laptop_model, fixed_clock):
    joined = member.date_joined
    gap = next(p for p in kit_gaps(user=tech_bar_staff) if p.pk == member.pk)
    assert {g.kind: g.since for g in gaps_of(gap)} == {"smartphone": joined, "laptop": joined}

    laptop = make_device(model=laptop_model)
    _issue(member, laptop, tech_bar_staff, bar)
    fixed_clock.shift(datetime.timedelta(days=3))
    device_return(device=laptop, actor=tech_bar_staff, tech_bar=bar, reason="faulty")
    returned_at = laptop.assignments.get().returned_at
    gap = next(p for p in kit_gaps(user=tech_bar_staff) if p.pk == member.pk)
    assert {g.kind: g.since for g in gaps_of(gap)} == {"smartphone": joined, "laptop": returned_at}


def test_who_sees_whom(member, boss, officer, tech_bar_staff, data_office, portal_admin):
    everyone = set(_gaps(tech_bar_staff))
    assert {member.payroll_number, officer.payroll_number, boss.payroll_number} <= everyone
    assert set(_gaps(data_office)) == everyone == set(_gaps(portal_admin))
    assert set(_gaps(boss)) == {member.payroll_number}  # their own team only
    assert _gaps(officer) == {} and _gaps(member) == {}


def test_filters(member, officer, tech_bar_staff, bar, make_device):
    _issue(officer, make_device(), tech_bar_staff, bar)  # officer lacks only a laptop
    cid = UserFactory(team="CID", command_unit="South")
    assert officer.payroll_number not in _gaps(tech_bar_staff, kind="smartphone")
    assert officer.payroll_number in _gaps(tech_bar_staff, kind="laptop")
    assert set(_gaps(tech_bar_staff, team="CID")) == {cid.payroll_number}
    assert set(_gaps(tech_bar_staff, command_unit="South")) == {cid.payroll_number}
    assert set(_gaps(tech_bar_staff, q=cid.last_name)) >= {cid.payroll_number}
    assert set(_gaps(tech_bar_staff, q=cid.payroll_number)) == {cid.payroll_number}


def test_leavers_gone_and_inactive_people_are_not_listed(member, officer, tech_bar_staff):
    member.leaving_date = datetime.date(2026, 6, 1)
    member.save()
    officer.is_active = False
    officer.save()
    assert not {member.payroll_number, officer.payroll_number} & set(_gaps(tech_bar_staff))


def test_a_team_entitlement_and_a_second_role(member, tech_bar_staff):
    KitEntitlement.objects.create(role=Role.OFFICER, team="Response 1", kind="laptop", quantity=0)
    KitEntitlement.objects.create(role=Role.SUPERVISOR, team="", kind="tablet", quantity=1)
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], team="Response 1")
    gaps = _gaps(tech_bar_staff)
    assert gaps[member.payroll_number] == [("smartphone", 1)]  # the team's row takes the laptop away
    assert gaps[sergeant.payroll_number] == [("smartphone", 1), ("tablet", 1)]


def test_the_query_count_does_not_grow_with_the_people(tech_bar_staff, bar, make_device, laptop_model):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = [gaps_of(p) for p in kit_gaps(user=tech_bar_staff, filters={})]
        return len(queries), len(rows)

    UserFactory.create_batch(2)
    count()  # caches warmed (content types and the like)
    small, listed_small = count()
    for person in UserFactory.create_batch(20):
        _issue(person, make_device(), tech_bar_staff, bar)
    large, listed_large = count()
    assert listed_large == listed_small + 20
    assert large == small == 2  # the entitlements, then the people with everything annotated
