"""Stocktakes: found, missing, unexpected and duplicate scans; one open per Tech Bar; marking a
missing device lost through the lost flow; and the admin pages that drive them."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from devices.core.services import DeviceError
from devices.models import Device, DeviceEvent, DeviceLoss, RemoteAction, Stocktake, StocktakeScan
from devices.stock.services import stocktake
from incidents.models import Incident

pytestmark = pytest.mark.usefixtures("frozen")
OUT = StocktakeScan.Outcome


@pytest.fixture
def shelf(make_device, bar, other_bar, held_phone):
    """At HQ: three phones in stock. Elsewhere: one at North, and the officer's issued phone."""
    return {
        "here": [make_device() for _ in range(3)],
        "north": make_device(tech_bar=other_bar),
        "issued": held_phone,
    }


def _outcomes(taken):
    return list(taken.scans.order_by("pk").values_list("code", "outcome"))


def test_found_missing_unexpected_and_duplicate(shelf, bar, tech_bar_staff):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    a, b, missing = shelf["here"]
    results = stocktake.stocktake_scan(
        stocktake=taken,
        codes=[a.asset_tag, b.serial_number, shelf["north"].asset_tag, shelf["issued"].imei, a.asset_tag, "NOPE1"],
        actor=tech_bar_staff,
    )
    assert [r.scan.outcome for r in results] == [
        OUT.FOUND,
        OUT.FOUND,
        OUT.UNEXPECTED,
        OUT.UNEXPECTED,
        OUT.DUPLICATE,
        OUT.UNKNOWN,
    ]
    assert (
        results[2].message == f"{shelf['north'].asset_tag}: unexpected here, recorded in stock at North Hub Tech Bar."
    )
    assert results[3].message.endswith("recorded as issued.")
    assert results[4].message == f"{a.asset_tag} was already scanned in this stocktake."
    assert all(r.scan.scanned_by == tech_bar_staff for r in results)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    taken.refresh_from_db()
    assert taken.closed_by == tech_bar_staff and taken.closed_at is not None
    assert [m.device for m in taken.missing.all()] == [missing]


def test_a_duplicate_in_a_later_scan_is_still_a_duplicate(shelf, bar, tech_bar_staff):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    tag = shelf["here"][0].asset_tag
    stocktake.stocktake_scan(stocktake=taken, codes=[tag], actor=tech_bar_staff)
    [again] = stocktake.stocktake_scan(stocktake=taken, codes=[tag.lower()], actor=tech_bar_staff)
    assert again.scan.outcome == OUT.DUPLICATE


def test_two_open_stocktakes_of_one_tech_bar_are_refused(bar, other_bar, tech_bar_staff):
    first = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    with pytest.raises(stocktake.StocktakeAlreadyOpen, match=f"already has a stocktake under way \\({first.reference}"):
        stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    stocktake.stocktake_start(tech_bar=other_bar, actor=tech_bar_staff)  # another Tech Bar: fine
    stocktake.stocktake_close(stocktake=first, actor=tech_bar_staff)
    stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)  # closed: a new one may start
    assert Stocktake.objects.filter(tech_bar=bar).count() == 2


def test_a_closed_stocktake_takes_no_scans_and_closes_once(shelf, bar, tech_bar_staff):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    with pytest.raises(DeviceError, match="is closed"):
        stocktake.stocktake_scan(stocktake=taken, codes=[shelf["here"][0].asset_tag], actor=tech_bar_staff)
    with pytest.raises(DeviceError, match="already closed"):
        stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)


def test_marking_a_missing_device_lost_goes_through_the_lost_flow(shelf, bar, tech_bar_staff):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    a, b, gone = shelf["here"]
    stocktake.stocktake_scan(stocktake=taken, codes=[a.asset_tag, b.asset_tag], actor=tech_bar_staff)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    taken.refresh_from_db()
    missing = taken.missing.get()
    loss = stocktake.stocktake_mark_lost(missing=missing, actor=tech_bar_staff)
    gone.refresh_from_db()
    assert gone.status == Device.Status.LOST
    assert (loss.kind, loss.holder, loss.reported_by) == (DeviceLoss.Kind.LOST, tech_bar_staff, tech_bar_staff)
    incident = Incident.objects.get(pk=loss.incident_id)
    assert incident.reporter == tech_bar_staff and incident.aware_at == taken.closed_at
    assert gone.asset_tag in incident.summary
    event = DeviceEvent.objects.get(device=gone, kind=DeviceEvent.Kind.REPORTED_LOST)
    assert (event.from_status, event.to_status, event.tech_bar) == ("in_stock", "lost", bar)
    assert set(RemoteAction.objects.filter(device=gone).values_list("kind", flat=True)) == {"sim_block", "wipe"}
    with pytest.raises(DeviceError, match="already marked lost"):
        stocktake.stocktake_mark_lost(missing=missing, actor=tech_bar_staff)
    assert DeviceLoss.objects.filter(device=gone).count() == 1


def test_a_missing_device_that_moved_since_is_not_marked_lost(shelf, bar, officer, tech_bar_staff):
    from devices.core.services import device_issue

    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    moved = taken.missing.first()
    device_issue(device=moved.device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(DeviceError, match="has moved since the stocktake"):
        stocktake.stocktake_mark_lost(missing=moved, actor=tech_bar_staff)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_starting_at_once_open_exactly_one(bar, tech_bar_staff):
    for round_number in range(20):
        barrier = threading.Barrier(2)
        outcomes = []

        def start(barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
                outcomes.append("started")
            except stocktake.StocktakeAlreadyOpen:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=start) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["refused", "started"], f"round {round_number}: {outcomes}"
        Stocktake.objects.filter(tech_bar=bar, closed_at__isnull=True).update(closed_at="2026-01-14T15:00:00Z")


# --- The admin pages ----------------------------------------------------------------------------
def test_the_pages_run_a_stocktake(counter_client, shelf, bar):
    response = counter_client.get(reverse("admin:devices_stocktake_start"))
    assert response.status_code == 200
    response = counter_client.post(reverse("admin:devices_stocktake_start"), {"tech_bar": bar.pk})
    taken = Stocktake.objects.get()
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    assert response.url == url
    a, b, gone = shelf["here"]
    response = counter_client.post(url, {"action": "scan", "code": a.asset_tag})
    assert response.status_code == 200
    assert f"{a.asset_tag}: found." in response.content.decode()
    response = counter_client.post(url, {"action": "scan", "code": "", "codes": f"{b.asset_tag}\n{a.asset_tag}\n"})
    assert f"{a.asset_tag} was already scanned in this stocktake." in response.content.decode()
    response = counter_client.post(url, {"action": "scan", "code": "NOPE1"})
    assert response.status_code == 400
    assert "No device has the asset tag, IMEI or serial number NOPE1" in response.content.decode()
    # Closing asks first, on a page of its own (no script needed); only "Yes" closes.
    response = counter_client.post(url, {"action": "close"})
    assert response.status_code == 200
    asked = response.content.decode()
    assert "Yes, close the stocktake" in asked and 'name="confirmed" value="yes"' in asked
    assert f"{gone.asset_tag}" in asked  # what will be listed missing
    taken.refresh_from_db()
    assert taken.is_open
    response = counter_client.post(url, {"action": "close", "confirmed": "yes"})
    assert response.status_code == 302
    page = counter_client.get(url).content.decode()
    assert f"Mark {gone.asset_tag} lost" in page
    # A closed stocktake leads with what needs action: missing, then unexpected, then found.
    assert page.index("<h2>Missing") < page.index("<h2>Unexpected") < page.index("<h2>Found")
    missing = taken.missing.get()
    response = counter_client.post(url, {"action": "lost", "missing": missing.pk})
    assert response.status_code == 200
    asked = response.content.decode()
    assert f"Yes, mark {gone.asset_tag} lost" in asked and "security incident" in asked
    missing.refresh_from_db()
    assert missing.loss is None
    response = counter_client.post(url, {"action": "lost", "missing": missing.pk, "confirmed": "yes"})
    assert response.status_code == 302
    assert "Marked lost by" in counter_client.get(url).content.decode()


def test_the_page_refuses_a_second_open_stocktake_with_a_link_to_the_first(counter_client, bar, tech_bar_staff):
    first = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    response = counter_client.post(reverse("admin:devices_stocktake_start"), {"tech_bar": bar.pk})
    assert response.status_code == 409
    assert reverse("admin:devices_stocktake_count", args=[first.pk]) in response.content.decode()
    assert Stocktake.objects.count() == 1


def test_an_empty_scan_and_an_unknown_missing_row_are_400s(counter_client, bar, tech_bar_staff):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    response = counter_client.post(url, {"action": "scan", "code": "  "})
    assert response.status_code == 400
    assert "Scan or type at least one" in response.content.decode()
    response = counter_client.post(url, {"action": "lost", "missing": "999"})
    assert response.status_code == 400


@pytest.mark.parametrize("missing", ["abc", "1.5", "-1", "²", "99999999999999999999999", ""])
def test_a_mark_lost_for_no_real_missing_row_is_a_400_with_the_message(counter_client, bar, tech_bar_staff, missing):
    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    response = counter_client.post(url, {"action": "lost", "missing": missing})
    assert response.status_code == 400
    assert "Choose a device listed as missing." in response.content.decode()


@pytest.mark.django_db
def test_on_the_demo_data_a_stocktake_at_hq_finds_the_one_phone_not_on_the_shelf(client, capsys):
    from django.core.management import call_command

    from devices.models import StockLevel, TechBar
    from portal.models import User

    call_command("seed_demo")
    hq = TechBar.objects.get(code="hq")
    assert StockLevel.objects.filter(tech_bar=hq).exists()
    on_shelf = list(Device.objects.filter(tech_bar=hq, status=Device.Status.IN_STOCK).order_by("asset_tag"))
    not_on_shelf, scanned = on_shelf[-1], on_shelf[:-1]
    client.force_login(User.objects.get(payroll_number="TB001"))
    client.post(reverse("admin:devices_stocktake_start"), {"tech_bar": hq.pk})
    taken = Stocktake.objects.get(tech_bar=hq)
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    response = client.post(url, {"action": "scan", "codes": "\n".join(d.asset_tag for d in scanned)})
    assert response.status_code == 200
    client.post(url, {"action": "close", "confirmed": "yes"})
    assert [m.device for m in taken.missing.all()] == [not_on_shelf]
    assert taken.scans.filter(outcome=StocktakeScan.Outcome.FOUND).count() == len(scanned)


def test_a_device_lost_from_stock_that_turns_up_goes_back_to_triage(shelf, bar, tech_bar_staff):
    from devices.losses.services.losses import device_found

    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    missing = taken.missing.first()
    loss = stocktake.stocktake_mark_lost(missing=missing, actor=tech_bar_staff)
    device_found(device=missing.device, actor=tech_bar_staff, tech_bar=bar, note="Behind the shelf")
    missing.device.refresh_from_db()
    loss.refresh_from_db()
    assert missing.device.status == Device.Status.RETURNED and loss.found_at is not None


def test_a_device_marked_lost_at_a_stocktake_is_found_from_its_page_and_the_counter_says_so(
    counter_client, shelf, bar, tech_bar_staff, officer
):
    """a device lost from stock that turns up was refused at every counter as "reported
    lost by someone else", and nothing reached `device_found`."""
    from devices.core import selectors

    taken = stocktake.stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    stocktake.stocktake_close(stocktake=taken, actor=tech_bar_staff)
    missing = taken.missing.order_by("pk").first()
    loss = stocktake.stocktake_mark_lost(missing=missing, actor=tech_bar_staff)
    device = missing.device
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])

    scan = selectors.scan_classify(code=device.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == selectors.Scan.REFUSED
    assert "by someone else" not in scan.message
    assert f"marked lost from stock in stocktake {taken.reference}" in scan.message
    assert "record it found on that stocktake's page" in scan.message
    assert f"Record {device.asset_tag} found" in counter_client.get(url).content.decode()

    response = counter_client.post(url, {"action": "found", "missing": missing.pk})
    assert response.status_code == 302
    device.refresh_from_db()
    loss.refresh_from_db()
    assert (device.status, device.tech_bar) == (Device.Status.RETURNED, bar)
    assert loss.found_by == tech_bar_staff
    assert DeviceEvent.objects.filter(device=device, kind=DeviceEvent.Kind.FOUND).count() == 1
    assert set(RemoteAction.objects.filter(device=device).values_list("status", flat=True)) == {"found"}
    page = counter_client.get(url).content.decode()
    assert "Found by" in page and f"Record {device.asset_tag} found" not in page
    # A second press (the back button) is a clear refusal, not a 500.
    response = counter_client.post(url, {"action": "found", "missing": missing.pk})
    assert response.status_code == 400
