"""Wide tables on a 1280-pixel screen: every column can be reached (shown, or scrolled to inside a
focusable region named by the table's caption), the page itself never scrolls sideways, axe clean."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from tests.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each column header: scroll it into view as a keyboard or mouse user would (inside the table's
# region), then is all of it inside the region's box and the window?
HEADERS_REACHED = """region => [...region.querySelectorAll('thead th')].map(th => {
  th.scrollIntoView({block: 'nearest', inline: 'nearest'});
  const cell = th.getBoundingClientRect(), box = region.getBoundingClientRect();
  const inside = cell.left >= box.left - 1 && cell.right <= box.right + 1 && cell.right <= window.innerWidth;
  return [th.innerText.trim(), inside];
})"""


def check_wide_table(page, region_name: str) -> list[str]:
    """The table's region: named, focusable, every header reachable, no sideways page. Its headers."""
    region = page.get_by_role("region", name=region_name)
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    reached = region.evaluate(HEADERS_REACHED)
    assert [header for header, inside in reached if not inside] == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible(page)
    return [header for header, _ in reached]


def test_the_incident_queue_shows_every_column_on_a_1280_pixel_screen(page, live_server, data_office, officer):
    assert page.viewport_size["width"] == 1280
    officer.first_name, officer.last_name = "Bartholomew-Alexander", "Fotheringham-Montgomery"
    officer.command_unit = "Roads Policing and Firearms Operations"
    officer.save()
    for summary in ("Body-worn video clip shared on WhatsApp with the wrong group", "Laptop left on a train"):
        incident_services.incident_open(
            reporter=officer,
            summary=summary,
            aware_at=timezone.now() - timedelta(hours=2),
            personal_data_involved="yes",
            device_involved="yes",
        )
    sign_in(page, live_server, data_office)
    page.goto(f"{live_server.url}{reverse('incidents:incident_queue')}")
    headers = check_wide_table(page, "Incidents")
    assert {"Reporter", "Unit"} <= set(headers)
    # The wide layout has room for all of the queue at this size: nothing needs scrolling.
    region = page.get_by_role("region", name="Incidents")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")


def test_the_compliance_table_reaches_every_column_on_a_1280_pixel_screen(page, live_server, data_office, portal_admin):
    version = published_version(by=portal_admin)
    supervisor = UserFactory(first_name="Genevieve", last_name="Worthington-Smythe", rank_or_grade="Chief Inspector")
    for n in range(3):
        person = UserFactory(
            first_name="Maximilian",
            last_name=f"Featherstonehaugh-{n}",
            rank_or_grade="Detective Chief Inspector",
            command_unit="Economic Crime and Cyber Investigations",
            team="Digital Forensics Unit, Headquarters",
            supervisor=supervisor,
        )
        accept(person, version)
    accept(data_office, version)
    sign_in(page, live_server, data_office)
    page.goto(f"{live_server.url}{reverse('policy:compliance', kwargs={'slug': version.policy.slug})}")
    headers = check_wide_table(page, "People and where they stand")
    assert {"Version accepted", "Accepted at"} <= set(headers)
