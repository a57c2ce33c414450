"""In a real browser, a report whose text and reporter's name are script and HTML shows them as
text: no dialog opens (and the page's CSP would refuse an inline script as a second line)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents import services
from tests.conftest import sign_in
from tests.security.hostile import SCRIPT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_script_in_a_report_opens_no_dialog(page, live_server, officer):
    officer.first_name = SCRIPT
    officer.save(update_fields=["first_name"])
    incident = services.incident_open(
        reporter=officer, summary=SCRIPT, aware_at=timezone.now(), personal_data_involved="yes", device_involved="no"
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/incidents/report/{incident.pk}/")
    page.wait_for_load_state("load")
    expect(page.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
