"""My kit and receipts for officers; query counts of My kit and the counter's person screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from devices.demo import demo_imei
from devices.models import Assignment, Device
from tests.factories import UserFactory


@pytest.mark.django_db
def test_my_kit_shows_what_i_hold_with_its_receipt_and_what_i_handed_back(
    client, make_device, issued, officer, tech_bar_staff, bar
):
    from devices.counter import services

    old = issued(make_device(), officer)
    new = make_device()
    swap = services.counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=services.CounterBasket(take_back=[services.TakeBack(old, "faulty", "")], hand_over=[new]),
    )
    client.force_login(officer)
    page = client.get(reverse("devices:my_kit")).content.decode()
    held, _, handed_back = page.partition("What I handed back")
    assert new.asset_tag in held and new.imei in held and bar.name in held
    assert reverse("devices:receipt", args=[swap.pk]) in held
    assert old.asset_tag in handed_back and "faulty" in handed_back
    assert reverse("devices:receipt", args=[swap.pk]) in handed_back


@pytest.mark.django_db
def test_the_home_page_panel_links_to_my_kit(client, officer):
    client.force_login(officer)
    assert f'href="{reverse("devices:my_kit")}"' in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_my_kit_offers_a_report_on_each_device_i_hold(client, make_device, issued, officer, laptop_model):
    phone, laptop = issued(make_device(), officer), issued(make_device(model=laptop_model), officer)
    client.force_login(officer)
    page = client.get(reverse("devices:my_kit")).content.decode()
    held, _, _ = page.partition("What I handed back")
    for device in (phone, laptop):
        link = f'href="{reverse("devices:device_report", args=[device.pk])}"'
        assert held.count(link) == 1, f"no report link for {device.asset_tag}"
        assert f'Report lost, stolen or faulty<span class="govuk-visually-hidden"> for {device.asset_tag}' in held


@pytest.mark.django_db
def test_my_kit_is_in_every_officers_menu(client, officer):
    from portal.navigation import nav_items_for

    items = nav_items_for(user=officer, path=reverse("devices:my_kit"))
    assert [(item.label, item.active) for item in items if item.url == reverse("devices:my_kit")] == [("My kit", True)]
    client.force_login(officer)
    nav = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("devices:my_kit")}">My kit<' in nav.replace("\n", "").replace("  ", "")


@pytest.mark.django_db
def test_my_receipt_is_mine_and_someone_elses_is_not_found(client, make_device, issued, officer, tech_bar_staff):
    issued(make_device(), officer)
    visit = officer.counter_visits.get()
    url = reverse("devices:receipt", args=[visit.pk])

    client.force_login(officer)
    page = client.get(url).content.decode()
    assert visit.reference in page and tech_bar_staff.get_full_name() in page

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("devices:receipt", args=[visit.pk + 1000])).status_code == 404


@pytest.mark.django_db
def test_my_kit_lists_all_i_hold_oldest_first_and_the_last_50_handed_back_newest_first(
    officer, tech_bar_staff, bar, phone_model
):
    """One read for both lists (devices.core.selectors.kit_of): a window keeps the last 50 handed back,
    never a device held; two handed back at once are listed newest row first."""
    from devices.core.selectors import kit_of

    now = timezone.now()
    devices = Device.objects.bulk_create(
        Device(asset_tag=f"KB{i:06d}", imei=demo_imei(600000 + i), model=phone_model) for i in range(56)
    )
    mine = {"holder": officer, "issued_by": tech_bar_staff, "issued_at_tech_bar": bar}
    back = Assignment.objects.bulk_create(  # two at a time: pairs share their return
        Assignment(device=d, issued_at=now - timedelta(days=200), returned_at=now - timedelta(days=i // 2), **mine)
        for i, d in enumerate(devices[:53])
    )
    held = Assignment.objects.bulk_create(
        Assignment(device=d, issued_at=now - timedelta(days=days), **mine)
        for d, days in zip(devices[53:], (2, 9, 5), strict=True)
    )
    Assignment.objects.create(device=devices[0], holder=UserFactory(), issued_by=tech_bar_staff, issued_at_tech_bar=bar)

    kit, handed_back = kit_of(user=officer)
    assert [a.pk for a in kit] == [held[1].pk, held[2].pk, held[0].pk]
    newest_first = sorted(back, key=lambda a: (a.returned_at, a.pk), reverse=True)
    assert [a.pk for a in handed_back] == [a.pk for a in newest_first[:50]]
    assert kit_of(user=UserFactory()) == ([], [])


# --- Query counts: the same at 1 or 30 items held, and at 10 or 2,000 devices in the force -------------
def _hold(person, count, bar, staff, model, start):
    """`count` devices held by `person` (rows written directly: this is about reading them)."""
    devices = Device.objects.bulk_create(
        Device(asset_tag=f"KQ{start + i:06d}", imei=demo_imei(start + i), model=model, status="issued")
        for i in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(device=d, holder=person, issued_by=staff, issued_at_tech_bar=bar) for d in devices
    )


def _stock(count, bar, model):
    Device.objects.bulk_create(
        Device(asset_tag=f"KS{i:06d}", imei=demo_imei(500000 + i), model=model, tech_bar=bar) for i in range(count)
    )


@pytest.fixture
def measured(officer, tech_bar_staff, bar, phone_model):
    def _measure(*, held: int, devices: int):
        _hold(officer, held, bar, tech_bar_staff, phone_model, start=700000)
        _stock(devices - held, bar, phone_model)
        return officer

    return _measure


@pytest.mark.django_db
@pytest.mark.parametrize(("held", "devices"), [(1, 10), (30, 10 + 30), (1, 2000), (30, 2000)])
def test_my_kit_costs_the_same_whatever_i_hold(client, measured, officer, held, devices, django_assert_max_num_queries):
    measured(held=held, devices=devices)
    client.force_login(officer)
    client.get(reverse("devices:my_kit"))  # warm the session and caches
    with django_assert_max_num_queries(MY_KIT_QUERIES):
        response = client.get(reverse("devices:my_kit"))
    assert response.status_code == 200 and response.content.decode().count('class="govuk-summary-card__title"') == held


@pytest.mark.django_db
@pytest.mark.parametrize(("held", "devices"), [(1, 10), (30, 10 + 30), (1, 2000), (30, 2000)])
def test_the_counter_person_screen_costs_the_same_whatever_they_hold(
    counter_client, measured, officer, held, devices, django_assert_max_num_queries
):
    measured(held=held, devices=devices)
    url = reverse("admin:devices_counter_person", kwargs={"payroll": officer.payroll_number})
    counter_client.get(url)
    with django_assert_max_num_queries(COUNTER_PERSON_QUERIES):
        response = counter_client.get(url)
    assert response.status_code == 200 and response.content.decode().count("since ") >= held


MY_KIT_QUERIES = 10  # measured: the same at every size below (1 of them what I hold and handed back, 2 the Tech
# Bars and their opening hours, 1 the open leaver case, 1 the open loans, 1 the accessories held)
COUNTER_PERSON_QUERIES = 17  # measured: the same at every size below (1 of them the open leaver case,
# 1 the open device requests with their reserved devices, 1 the open loans,
# 2 the accessory kinds and the accessories held)
