"""What the hostile-input tests found, each pinned by one plain example."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from devices.core.selectors import device_by_code, person_by_payroll_number, scan_classify
from devices.core.services import DeviceError
from devices.models import Stocktake, StocktakeScan, TechBar
from devices.stock.services import stocktake
from tests import test_url_permissions as matrix

pytestmark = pytest.mark.django_db


def test_the_person_form_refuses_a_supervisor_that_is_no_key_without_a_server_error(client, portal_admin, officer):
    client.force_login(portal_admin)
    url = reverse("admin:portal_user_change", args=[officer.pk])
    response = client.post(url, {"payroll_number": officer.payroll_number, "supervisor": ":"})
    assert response.status_code == 200  # the admin shows its form again, with the errors
    assert "Select a valid choice" in response.content.decode()


def test_an_admin_action_on_a_selection_that_names_nothing_is_refused(client, tech_bar_staff):
    client.force_login(tech_bar_staff)
    url = reverse("admin:devices_device_changelist")
    response = client.post(url, {"action": "send_to_tech_bar", "_selected_action": ["abc"], "index": "0"}, follow=True)
    assert response.status_code == 200
    assert "The selection was not understood" in response.content.decode()


def test_an_empty_post_to_write_a_leaver_line_off_says_what_is_missing(client, request, portal_admin):
    """It was taken for no post at all: a 400 with the form empty and no reason given."""
    kwargs = matrix._officers_leaver_counter_line(request.getfixturevalue)
    client.force_login(portal_admin)
    response = client.post(reverse("admin:devices_counter_leaver_write_off", kwargs=kwargs), {})
    assert response.status_code == 400
    assert 'id="line-errors"' in response.content.decode()


def test_a_code_with_nul_is_found_nowhere_and_recorded_nowhere(officer, tech_bar_staff):
    bar = TechBar.objects.create(code="hq", name="HQ")
    assert device_by_code(code="KB\x001") is None
    assert person_by_payroll_number(payroll_number=officer.payroll_number + "\x00") is None
    scan = scan_classify(code="KB\x001", person=officer, tech_bar=bar)
    assert scan.placement == scan.REFUSED and "no scanner sends" in scan.message
    taken = Stocktake.objects.create(tech_bar=bar, started_by=tech_bar_staff)
    with pytest.raises(DeviceError, match="no scanner sends"):
        stocktake.stocktake_scan(stocktake=taken, codes=["KB1", "KB\x002"], actor=tech_bar_staff)
    assert not StocktakeScan.objects.exists()


def _actions_by_model():
    """Every registered admin's actions the superuser is offered (delete_selected included where
    deleting is allowed), as (label, action) pairs."""
    from django.contrib import admin

    from tests.factories import UserFactory

    superuser = UserFactory.build(is_staff=True, is_superuser=True)
    pairs = []
    for model, model_admin in admin.site._registry.items():
        request = RequestFactory().get("/admin/")
        request.user = superuser
        for name in model_admin.get_actions(request):
            pairs.append((model._meta.label, name))
    return sorted(pairs)


@pytest.mark.parametrize(("label", "action"), _actions_by_model())
@pytest.mark.parametrize("selected", [["abc"], ["1", ":"], ["9" * 30]])
def test_every_admin_action_refuses_a_selection_that_names_nothing_without_a_server_error(
    client, django_user_model, label, action, selected
):
    """A tampered `_selected_action` (not a key, or out of range) on any admin list: the admin's own
    message, never a 500, and nothing changed."""
    from django.apps import apps

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    model = apps.get_model(label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model._default_manager.count()
    response = client.post(url, {"action": action, "_selected_action": selected, "index": "0"}, follow=True)
    assert response.status_code < 500
    assert model._default_manager.count() == before
