"""Roles: the groups exist and carry the admin permissions portal.roles gives them."""

import pytest
from django.contrib.auth.models import Group

from portal import permissions
from portal.models import Role


@pytest.mark.django_db
def test_every_role_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.django_db
def test_tech_bar_staff_may_work_devices_in_the_admin_but_not_people(tech_bar_staff):
    assert tech_bar_staff.has_perm("devices.change_device")
    assert tech_bar_staff.has_perm("portal.view_user")
    assert not tech_bar_staff.has_perm("portal.change_user")


@pytest.mark.django_db
def test_role_predicates(officer, supervisor, tech_bar_staff, data_office, portal_admin):
    assert not permissions.can_use_admin(officer)
    assert permissions.is_supervisor(supervisor) and not permissions.is_supervisor(officer)
    assert permissions.can_use_admin(tech_bar_staff)
    assert permissions.is_data_office(data_office) and not permissions.is_data_office(tech_bar_staff)
    assert all(
        p(portal_admin) for p in (permissions.is_data_office, permissions.is_tech_bar, permissions.is_supervisor)
    )
