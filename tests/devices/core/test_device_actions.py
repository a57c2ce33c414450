"""The device page as a place to act: which actions each role sees for a device in each state,
that each one posts (or links) to the page that owns it and goes through its service, and that the
roles without them are refused."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from devices.core.services import device_issue, device_return
from devices.losses.services import losses
from devices.models import Device, DeviceEvent, DeviceLoss, DeviceTriage, StockTransfer
from incidents.models import IncidentEvent
from tests.devices.conftest import NOW

LABELS = {
    "holder": "at the counter",
    "label": "Print its label",
    "send": "Send it to another Tech Bar",
    "repair": "Send it for repair",
    "found": "Mark it found",
}


@pytest.fixture
def returned_phone(frozen, make_device, bar, officer, tech_bar_staff):
    phone = make_device()
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty", condition="Will not charge")
    phone.refresh_from_db()
    return phone


@pytest.fixture
def lost_phone(frozen, held_phone, officer):
    losses.device_report_lost(
        device=held_phone, actor=officer, kind="lost", noticed_at=NOW - timedelta(hours=1), where="On the bus"
    )
    held_phone.refresh_from_db()
    return held_phone


def _page(client, device):
    return client.get(reverse("devices:device_detail", args=[device.pk]))


def _shown(page_text: str) -> set[str]:
    return {key for key, label in LABELS.items() if label in page_text}


@pytest.mark.parametrize("role", ["tech_bar_staff", "portal_admin"])
def test_tech_bar_staff_see_the_actions_each_state_allows(
    request, client, role, make_device, held_phone, returned_phone, lost_phone
):
    client.force_login(request.getfixturevalue(role))
    in_stock = make_device()
    assert _shown(_page(client, in_stock).text) == {"label", "send"}
    assert _shown(_page(client, returned_phone).text) == {"label", "repair"}
    assert _shown(_page(client, lost_phone).text) == {"label", "found"}  # a loss ends the holding


def test_an_issued_device_opens_its_holder_at_the_counter(client, tech_bar_staff, held_phone, officer):
    client.force_login(tech_bar_staff)
    page = _page(client, held_phone).text
    assert _shown(page) == {"holder", "label"}
    assert f'href="{reverse("admin:devices_counter_person", kwargs={"payroll": officer.payroll_number})}"' in page


def test_the_data_office_reads_the_page_with_no_actions(client, data_office, lost_phone, returned_phone):
    client.force_login(data_office)
    for device in (lost_phone, returned_phone):
        response = _page(client, device)
        assert response.status_code == 200
        assert _shown(response.text) == set() and "What you can do" not in response.text


def test_the_posted_actions_carry_the_csrf_token(client, tech_bar_staff, make_device):
    client.force_login(tech_bar_staff)
    page = _page(client, make_device()).text
    assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"') >= 2


def test_the_page_costs_the_same_with_its_actions(client, tech_bar_staff, lost_phone, django_assert_max_num_queries):
    client.force_login(tech_bar_staff)
    with django_assert_max_num_queries(14):
        _page(client, lost_phone)


# --- Found ---------------------------------------------------------------------------------------
def test_found_asks_first_then_goes_through_the_service(client, tech_bar_staff, lost_phone, other_bar):
    client.force_login(tech_bar_staff)
    url = reverse("devices:device_found", args=[lost_phone.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Which Tech Bar has it now?" in confirm.text
    lost_phone.refresh_from_db()
    assert lost_phone.status == Device.Status.LOST  # asking changes nothing

    response = client.post(url, {"tech_bar": other_bar.pk, "note": "Handed in at the front desk"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "devices:device_detail", args=[lost_phone.pk]
    )
    lost_phone.refresh_from_db()
    assert lost_phone.status == Device.Status.RETURNED and lost_phone.tech_bar == other_bar
    event = DeviceEvent.objects.filter(device=lost_phone).order_by("-created_at", "-pk").first()
    assert event.kind == DeviceEvent.Kind.FOUND and event.actor == tech_bar_staff
    assert DeviceLoss.objects.get(device=lost_phone).found_by == tech_bar_staff
    incident = DeviceLoss.objects.get(device=lost_phone).incident
    assert IncidentEvent.objects.filter(incident=incident).exists()


@pytest.mark.parametrize("role", ["officer", "supervisor", "data_office"])
def test_found_is_refused_to_other_roles(request, client, role, lost_phone, bar):
    client.force_login(request.getfixturevalue(role))
    url = reverse("devices:device_found", args=[lost_phone.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"tech_bar": bar.pk}).status_code == 403
    lost_phone.refresh_from_db()
    assert lost_phone.status == Device.Status.LOST


def test_found_on_a_device_not_lost_is_a_message_and_a_400(client, tech_bar_staff, make_device, bar):
    client.force_login(tech_bar_staff)
    device = make_device()
    response = client.post(reverse("devices:device_found", args=[device.pk]), {"tech_bar": bar.pk})
    assert response.status_code == 400 and "not lost or stolen" in response.text
    device.refresh_from_db()
    assert device.status == Device.Status.IN_STOCK


@pytest.mark.parametrize("data", [{"tech_bar": "nonsense"}, {}, {"tech_bar": "999999"}])
def test_found_with_bad_input_is_a_message_and_a_400(client, tech_bar_staff, lost_phone, data):
    client.force_login(tech_bar_staff)
    response = client.post(reverse("devices:device_found", args=[lost_phone.pk]), data)
    assert response.status_code == 400 and "govuk-error-summary" in response.text


def test_found_for_no_such_device_is_a_404(client, tech_bar_staff):
    client.force_login(tech_bar_staff)
    assert client.get(reverse("devices:device_found", args=[999999])).status_code == 404


# --- The admin actions the page posts to ----------------------------------------------------------
def _post_action(client, device, action: str, changelist: str, **extra):
    return client.post(
        reverse(changelist),
        {"action": action, "index": "0", "select_across": "0", ACTION_CHECKBOX_NAME: [device.pk], **extra},
    )


def test_print_label_posts_the_device_lists_action(client, tech_bar_staff, make_device):
    client.force_login(tech_bar_staff)
    device = make_device()
    response = _post_action(client, device, "print_labels", "admin:devices_device_changelist")
    assert response.status_code == 200 and device.asset_tag in response.text and "<svg" in response.text


def test_send_asks_where_then_transfers(counter_client, tech_bar_staff, make_device, other_bar):
    device = make_device()
    confirm = _post_action(counter_client, device, "send_to_tech_bar", "admin:devices_device_changelist")
    assert confirm.status_code == 200 and "Send to which Tech Bar?" in confirm.text
    assert not StockTransfer.objects.filter(device=device).exists()
    _post_action(
        counter_client, device, "send_to_tech_bar", "admin:devices_device_changelist", to_tech_bar=other_bar.pk
    )
    transfer = StockTransfer.objects.get(device=device)
    assert transfer.to_tech_bar == other_bar and transfer.sent_by == tech_bar_staff
    assert (
        DeviceEvent.objects.filter(device=device, actor=tech_bar_staff).exclude(kind=DeviceEvent.Kind.RECEIVED).exists()
    )


def test_repair_asks_for_the_reference_then_triages(client, tech_bar_staff, returned_phone):
    client.force_login(tech_bar_staff)
    confirm = _post_action(client, returned_phone, "to_repair", "admin:devices_triagedevice_changelist")
    assert confirm.status_code == 200
    returned_phone.refresh_from_db()
    assert returned_phone.status == Device.Status.RETURNED
    _post_action(
        client,
        returned_phone,
        "to_repair",
        "admin:devices_triagedevice_changelist",
        apply="1",
        supplier_reference="RMA-4411",
    )
    returned_phone.refresh_from_db()
    assert returned_phone.status == Device.Status.IN_REPAIR
    triage = DeviceTriage.objects.get(device=returned_phone)
    assert triage.outcome == DeviceTriage.Outcome.REPAIR and triage.actor == tech_bar_staff


@pytest.mark.parametrize(
    ("action", "changelist"),
    [
        ("print_labels", "admin:devices_device_changelist"),
        ("send_to_tech_bar", "admin:devices_device_changelist"),
        ("to_repair", "admin:devices_triagedevice_changelist"),
    ],
)
@pytest.mark.parametrize("role", ["officer", "data_office"])
def test_the_admin_actions_are_refused_to_other_roles(request, client, role, action, changelist, returned_phone):
    client.force_login(request.getfixturevalue(role))
    response = _post_action(client, returned_phone, action, changelist, apply="1", supplier_reference="RMA-1")
    if role == "officer":  # no staff member: the admin sends them to its sign-in
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403
    returned_phone.refresh_from_db()
    assert returned_phone.status == Device.Status.RETURNED
    assert not StockTransfer.objects.filter(device=returned_phone).exists()


def test_the_admin_change_page_leads_to_the_device_page(client, tech_bar_staff, make_device):
    client.force_login(tech_bar_staff)
    device = make_device()
    page = client.get(reverse("admin:devices_device_change", args=[device.pk])).text
    assert f'href="{reverse("devices:device_detail", args=[device.pk])}"' in page
