"""Stock at each Tech Bar: the low-stock alert once per crossing, and transfers between Tech Bars."""

import pytest
from django.urls import reverse

from devices.core.services import DeviceError, device_issue, device_receive
from devices.models import Device, DeviceEvent, StockLevel, StockTransfer
from devices.stock.selectors import stock_by_tech_bar, tech_bar_staff_for
from devices.stock.services import stock
from portal.models import Notification, OutboundEmail, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def level(bar, phone_model):
    return StockLevel.objects.create(tech_bar=bar, device_model=phone_model, minimum=3)


@pytest.fixture
def officers(db):
    return [UserFactory(roles=[Role.OFFICER]) for _ in range(4)]


def _alerts(user):
    return Notification.objects.filter(recipient=user, subject__startswith="Low stock")


def test_falling_below_the_level_tells_every_tech_bar_staff_member_once(
    level, make_device, bar, officers, tech_bar_staff
):
    other_staff = UserFactory(roles=[Role.TECH_BAR], is_staff=True)
    phones = [make_device() for _ in range(4)]
    device_issue(device=phones[0], holder=officers[0], actor=tech_bar_staff, tech_bar=bar)  # 3 left: at the level
    assert not _alerts(tech_bar_staff).exists()
    device_issue(device=phones[1], holder=officers[1], actor=tech_bar_staff, tech_bar=bar)  # 2 left: below
    device_issue(device=phones[2], holder=officers[2], actor=tech_bar_staff, tech_bar=bar)  # 1 left: still below
    for person in (tech_bar_staff, other_staff):
        alerts = list(_alerts(person))
        assert len(alerts) == 1
        assert alerts[0].subject == f"Low stock at {bar}: 2 Samsung Galaxy XCover 7 left"
        assert alerts[0].url == reverse("admin:devices_stock")
    assert OutboundEmail.objects.filter(to=tech_bar_staff.email, subject__contains="Low stock").count() == 1
    level.refresh_from_db()
    assert level.alerted_at is not None


def test_restocked_then_falling_again_is_a_second_alert(level, make_device, bar, phone_model, officers, tech_bar_staff):
    phones = [make_device() for _ in range(3)]
    device_issue(device=phones[0], holder=officers[0], actor=tech_bar_staff, tech_bar=bar)  # 2 < 3
    assert _alerts(tech_bar_staff).count() == 1
    device_receive(device=Device(asset_tag="KBNEW1", model=phone_model), actor=tech_bar_staff, tech_bar=bar)  # 3
    level.refresh_from_db()
    assert level.alerted_at is None  # back at the level: re-armed
    device_issue(device=phones[1], holder=officers[1], actor=tech_bar_staff, tech_bar=bar)  # 2 < 3 again
    assert _alerts(tech_bar_staff).count() == 2


def test_stock_rising_but_still_below_the_level_sends_no_alert(
    level, make_device, bar, other_bar, phone_model, tech_bar_staff
):
    """Receiving 0 -> 1 -> 2 against a level of 3: stock went up, nothing fell, nobody is told."""
    device_receive(device=Device(asset_tag="KBNEW1", model=phone_model), actor=tech_bar_staff, tech_bar=bar)
    [transfer] = stock.transfer_send(
        devices=[make_device(tech_bar=other_bar)], from_tech_bar=other_bar, to_tech_bar=bar, actor=tech_bar_staff
    )
    stock.transfer_receive(transfer=transfer, tech_bar=bar, actor=tech_bar_staff)
    assert not _alerts(tech_bar_staff).exists()
    level.refresh_from_db()
    assert level.alerted_at is None


def test_no_level_no_alert_and_officers_are_never_told(make_device, bar, officers, tech_bar_staff):
    device_issue(device=make_device(), holder=officers[0], actor=tech_bar_staff, tech_bar=bar)
    assert not Notification.objects.filter(subject__startswith="Low stock").exists()
    assert officers[0] not in tech_bar_staff_for(bar)
    assert tech_bar_staff in tech_bar_staff_for(bar)


def test_stock_per_tech_bar_and_model_in_two_queries(
    django_assert_max_num_queries, level, make_device, bar, other_bar, laptop_model, officers, tech_bar_staff
):
    for _ in range(2):
        make_device()
    make_device(tech_bar=other_bar, model=laptop_model)
    device_issue(device=make_device(), holder=officers[0], actor=tech_bar_staff, tech_bar=bar)
    for _ in range(20):
        make_device(tech_bar=other_bar)
    with django_assert_max_num_queries(4):
        rows = stock_by_tech_bar()
    table = {(r.tech_bar.code, str(r.device_model)): (r.in_stock, r.minimum, r.is_low) for r in rows}
    assert table == {
        ("hq", "Samsung Galaxy XCover 7"): (2, 3, True),
        ("north", "Dell Latitude 5450"): (1, None, False),
        ("north", "Samsung Galaxy XCover 7"): (20, None, False),
    }


def test_stock_page_lists_the_stock(client, tech_bar_staff, level, make_device):
    make_device()
    client.force_login(tech_bar_staff)
    response = client.get(reverse("admin:devices_stock"))
    assert response.status_code == 200
    assert "Samsung Galaxy XCover 7" in response.content.decode()
    assert "<strong>Low</strong>" in response.content.decode()


def test_stock_page_shows_devices_in_transit_and_links_to_sending_and_receiving(
    counter_client, tech_bar_staff, make_device, bar, other_bar
):
    phones = [make_device() for _ in range(3)]
    stock.transfer_send(devices=phones[:2], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    page = counter_client.get(reverse("admin:devices_stock")).content.decode()
    _, _, in_transit = page.partition("On their way between Tech Bars")
    assert in_transit, "the page has no in-transit section"
    assert f"<td>{bar}</td>" in in_transit and f"<td>{other_bar}</td>" in in_transit and "<td>2</td>" in in_transit
    send = reverse("admin:devices_device_changelist") + f"?status__exact=in_stock&amp;tech_bar__id__exact={bar.pk}"
    receive = reverse("admin:devices_stocktransfer_changelist") + "?received_at__isempty=1"
    assert f'href="{send}"' in page and f'href="{receive}"' in page
    # Both filters are ones those lists know (an unknown one redirects to ?e=1).
    sending = counter_client.get(send.replace("&amp;", "&"))
    assert sending.status_code == 200 and phones[2].asset_tag in sending.content.decode()
    receiving = counter_client.get(receive)
    assert receiving.status_code == 200 and phones[0].asset_tag in receiving.content.decode()


# --- Transfers ----------------------------------------------------------------------------------
def test_send_then_receive_moves_the_device_with_an_event_each(make_device, bar, other_bar, tech_bar_staff):
    phone = make_device()
    [transfer] = stock.transfer_send(devices=[phone], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    phone.refresh_from_db()
    # In transit: still in stock, at no Tech Bar, with one open transfer.
    assert (phone.status, phone.tech_bar_id) == (Device.Status.IN_STOCK, None)
    assert StockTransfer.objects.filter(device=phone, received_at__isnull=True).count() == 1
    stock.transfer_receive(transfer=transfer, tech_bar=other_bar, actor=tech_bar_staff)
    phone.refresh_from_db()
    transfer.refresh_from_db()
    assert phone.tech_bar == other_bar
    assert transfer.received_by == tech_bar_staff and transfer.received_at is not None
    kinds = list(DeviceEvent.objects.filter(device=phone).order_by("pk").values_list("kind", "tech_bar__code"))
    assert kinds == [(DeviceEvent.Kind.TRANSFER_SENT, "hq"), (DeviceEvent.Kind.TRANSFER_RECEIVED, "north")]


def test_transferring_an_issued_device_is_refused(held_phone, bar, other_bar, tech_bar_staff):
    with pytest.raises(DeviceError, match="is issued, not in stock: it cannot be transferred"):
        stock.transfer_send(devices=[held_phone], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    assert not StockTransfer.objects.exists()


def test_sending_from_the_wrong_tech_bar_is_refused_and_nothing_moves(make_device, bar, other_bar, tech_bar_staff):
    here, there = make_device(), make_device(tech_bar=other_bar)
    with pytest.raises(DeviceError, match=f"{there.asset_tag} is in stock at North Hub Tech Bar, not at Headquarters"):
        stock.transfer_send(devices=[here, there], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    here.refresh_from_db()
    assert here.tech_bar == bar
    assert not StockTransfer.objects.exists()


def test_receiving_at_the_wrong_tech_bar_or_twice_is_refused(make_device, bar, other_bar, tech_bar_staff):
    third = type(bar).objects.create(code="south", name="South Tech Bar")
    [transfer] = stock.transfer_send(
        devices=[make_device()], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff
    )
    with pytest.raises(DeviceError, match="was sent to North Hub Tech Bar, not to South Tech Bar"):
        stock.transfer_receive(transfer=transfer, tech_bar=third, actor=tech_bar_staff)
    stock.transfer_receive(transfer=transfer, tech_bar=other_bar, actor=tech_bar_staff)
    with pytest.raises(DeviceError, match="was already received at North Hub Tech Bar"):
        stock.transfer_receive(transfer=transfer, tech_bar=other_bar, actor=tech_bar_staff)
    assert DeviceEvent.objects.filter(kind=DeviceEvent.Kind.TRANSFER_RECEIVED).count() == 1


def test_a_device_in_transit_cannot_be_sent_again_or_issued(make_device, bar, other_bar, officer, tech_bar_staff):
    phone = make_device()
    stock.transfer_send(devices=[phone], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    with pytest.raises(DeviceError, match="already on its way"):
        stock.transfer_send(devices=[phone], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    with pytest.raises(DeviceError, match="on its way to another Tech Bar"):
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=other_bar)


def test_sending_to_the_same_tech_bar_is_refused(make_device, bar, tech_bar_staff):
    with pytest.raises(DeviceError, match="another Tech Bar"):
        stock.transfer_send(devices=[make_device()], from_tech_bar=bar, to_tech_bar=bar, actor=tech_bar_staff)


def test_a_transfer_out_below_the_level_alerts_the_sender_once(level, make_device, bar, other_bar, tech_bar_staff):
    phones = [make_device() for _ in range(3)]
    stock.transfer_send(devices=phones[:2], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    assert _alerts(tech_bar_staff).count() == 1
    assert "1 Samsung Galaxy XCover 7 left" in _alerts(tech_bar_staff).get().subject


def test_receiving_a_transfer_in_rearms_the_level(level, make_device, bar, other_bar, tech_bar_staff):
    StockLevel.objects.filter(pk=level.pk).update(alerted_at="2026-01-01T00:00:00Z")
    for _ in range(2):
        make_device()
    [transfer] = stock.transfer_send(
        devices=[make_device(tech_bar=other_bar)], from_tech_bar=other_bar, to_tech_bar=bar, actor=tech_bar_staff
    )
    stock.transfer_receive(transfer=transfer, tech_bar=bar, actor=tech_bar_staff)  # 3: at the level
    level.refresh_from_db()
    assert level.alerted_at is None


def test_the_admin_action_receives_at_the_counters_tech_bar_only(
    counter_client, make_device, bar, other_bar, tech_bar_staff
):
    to_here, to_there = make_device(tech_bar=other_bar), make_device(tech_bar=other_bar)
    [here] = stock.transfer_send(devices=[to_here], from_tech_bar=other_bar, to_tech_bar=bar, actor=tech_bar_staff)
    third = type(bar).objects.create(code="south", name="South Tech Bar")
    [there] = stock.transfer_send(devices=[to_there], from_tech_bar=other_bar, to_tech_bar=third, actor=tech_bar_staff)
    response = counter_client.post(
        reverse("admin:devices_stocktransfer_changelist"),
        {"action": "receive_here", "_selected_action": [here.pk, there.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert f"{to_here.asset_tag} received at {bar}." in page
    assert f"{to_there.asset_tag} was sent to South Tech Bar, not to {bar}." in page
    to_here.refresh_from_db()
    to_there.refresh_from_db()
    assert (to_here.tech_bar, to_there.tech_bar) == (bar, None)


def test_the_levels_list_shows_stock_now(client, tech_bar_staff, level, make_device):
    make_device()
    client.force_login(tech_bar_staff)
    response = client.get(reverse("admin:devices_stocklevel_changelist"))
    assert response.status_code == 200
    assert '<td class="field-in_stock">1</td>' in response.content.decode()


def test_the_device_list_action_sends_devices_from_the_counters_tech_bar(counter_client, make_device, bar, other_bar):
    phones = [make_device(), make_device()]
    url = reverse("admin:devices_device_changelist")
    chosen = {"action": "send_to_tech_bar", "_selected_action": [p.pk for p in phones]}
    response = counter_client.post(url, chosen)
    assert response.status_code == 200
    assert "Send to which Tech Bar?" in response.content.decode()
    response = counter_client.post(url, {**chosen, "to_tech_bar": ""})
    assert response.status_code == 400
    assert "Choose the Tech Bar to send them to" in response.content.decode()
    response = counter_client.post(url, {**chosen, "to_tech_bar": other_bar.pk, "note": "Shortage"}, follow=True)
    assert "2 sent to North Hub Tech Bar: on their way." in response.content.decode()
    assert StockTransfer.objects.filter(to_tech_bar=other_bar, received_at__isnull=True).count() == 2


def test_the_action_refuses_an_issued_device_and_sends_nothing(counter_client, make_device, held_phone, other_bar):
    spare = make_device()
    response = counter_client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "send_to_tech_bar", "_selected_action": [spare.pk, held_phone.pk], "to_tech_bar": other_bar.pk},
        follow=True,
    )
    assert f"Nothing was sent: {held_phone.asset_tag} is issued, not in stock" in response.content.decode()
    assert not StockTransfer.objects.exists()


def test_a_device_reserved_for_a_request_is_not_sent_away_until_its_reservation_is_released(
    frozen, bar, other_bar, tech_bar_staff, make_device, laptop_model, request_in
):
    """a reserved laptop could be sent to another Tech Bar, leaving the requester told to
    collect it where it no longer is."""
    from devices.models import DeviceRequest
    from devices.requests import services as kit_requests

    request, laptop = request_in(DeviceRequest.Status.READY)
    with pytest.raises(DeviceError, match=f"reserved for {request.requester.get_full_name()}"):
        stock.transfer_send(devices=[laptop], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)
    laptop.refresh_from_db()
    assert laptop.tech_bar == bar and not laptop.transfers.exists()

    kit_requests.device_request_release(request=request, actor=tech_bar_staff, why="Needed at North.")
    assert Notification.objects.filter(recipient=request.requester, subject__contains="no longer reserved").exists()
    assert (
        len(stock.transfer_send(devices=[laptop], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff)) == 1
    )


def test_history_sentences_end_with_a_full_stop(make_device, bar, other_bar, tech_bar_staff):
    """What someone typed ends the event's sentence: "Sent to North Hub Tech Bar. For the new team."
    and never a sentence left hanging ("... For the new team")."""
    phone = make_device()
    stock.transfer_send(
        devices=[phone], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff, note="For the new team"
    )
    sent = DeviceEvent.objects.get(device=phone, kind=DeviceEvent.Kind.TRANSFER_SENT)
    assert sent.note == f"Sent to {other_bar}. For the new team."
    already = make_device()
    stock.transfer_send(devices=[already], from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff, note="OK!")
    assert DeviceEvent.objects.get(device=already, kind=DeviceEvent.Kind.TRANSFER_SENT).note.endswith("OK!")
