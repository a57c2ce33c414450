"""The Figures page on a phone and the printable answer on paper: tables readable (each scrolls in
its own region, the page never sideways), cells held back explained, and the printed page carries
the FOI reference, the as-of instant, the filters and the hash; axe clean throughout."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devices.figures.models import FigureDisclosure
from portal.models import Role
from tests.conftest import assert_accessible, sign_in
from tests.devices.figures.history import issued, received, stood
from tests.factories import DeviceFactory, DeviceModelFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def force():
    start = timezone.now() - datetime.timedelta(days=10)
    actor = UserFactory()
    phone = DeviceModelFactory(
        make="Samsung", model_name="Galaxy XCover 7", kind="smartphone", operating_system="Android 15"
    )
    for n in range(9):
        person = UserFactory()
        rank = "Police Constable" if n < 2 else "Police Staff"
        stood(person, start, unit="North", team="Neighbourhood", rank=rank)
        device = DeviceFactory(model=phone)
        received(device, start, actor=actor)
        issued(device, person, start + datetime.timedelta(hours=1), actor=actor)
    office = UserFactory(roles=[Role.DATA_OFFICE])
    stood(office, start, unit="Headquarters", team="Data Office", rank="Band D")
    return office


def test_the_figures_fit_a_phone_and_the_printed_answer_carries_what_was_asked(phone_page, live_server, force):
    page = phone_page
    sign_in(page, live_server, force)
    day = timezone.localdate() - datetime.timedelta(days=2)
    page.goto(f"{live_server.url}{reverse('devices:figures')}?as_of_date={day.isoformat()}&command_unit=North")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "no sideways scrolling on a phone"
    units = page.get_by_role("region", name="By command unit and team")
    assert units.get_attribute("tabindex") == "0", "a wide table scrolls in its own focusable region"
    assert units.get_by_role("columnheader", name="Officers in post").count() == 1
    expect(units.get_by_text("fewer than 5").first).to_be_visible()
    page.get_by_text("held back in this table, and why").first.click()
    expect(page.get_by_text("could identify the people counted").first).to_be_visible()
    expect(page.get_by_text("belong to no command unit")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("FOI reference").fill("01.FOI.23.029741")
    page.get_by_role("button", name="Save in the disclosure log").click()
    page.wait_for_load_state("domcontentloaded")
    disclosure = FigureDisclosure.objects.get()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('devices:figures_disclosure_print', args=[disclosure.pk])}")
    page.emulate_media(media="print")
    main = page.locator("main").inner_text()
    for text in ("01.FOI.23.029741", "As things stood at", "North", disclosure.csv_sha256, "fewer than 5", "Note"):
        assert text in main, text
    assert "Counts from 1 to 4" in main and "No range asked for" in main
    assert not page.get_by_role("link", name="CSV").is_visible(), "no links on paper"
    assert not page.locator("header").first.is_visible(), "nothing of the portal around it on paper"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.emulate_media(media="screen")
    assert_accessible(page)
