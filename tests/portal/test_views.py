"""The portal's own pages: home per role, notifications, health."""

from unittest import mock

import pytest

from devices.core.services import device_issue
from devices.models import Device, DeviceModel, TechBar
from portal.models import Notification
from portal.services import notify


@pytest.fixture
def phone(db):
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    return Device.objects.create(asset_tag="KB000001", model=model, tech_bar=bar, phone_number="07700 900001")


@pytest.mark.django_db
def test_home_lists_my_kit(client, officer, tech_bar_staff, phone):
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=phone.tech_bar)
    client.force_login(officer)
    content = client.get("/").content.decode()
    assert "KB000001" in content and "07700 900001" in content


@pytest.mark.django_db
def test_home_without_kit_says_so(client, officer):
    client.force_login(officer)
    assert "You hold no kit" in client.get("/").content.decode()


@pytest.mark.django_db
def test_home_shows_work_links_by_role(client, tech_bar_staff, officer):
    client.force_login(tech_bar_staff)
    assert "Tech Bar counter" in client.get("/").content.decode()
    client.force_login(officer)
    assert "Tech Bar counter" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_notifications_are_listed_and_marked_read_by_their_recipient_only(client, officer, supervisor):
    note = notify(recipient=officer, subject="Your report is due", body="Two hours left.", url="/help/")
    client.force_login(supervisor)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    client.force_login(officer)
    page = client.get("/notifications/").content.decode()
    assert "Your report is due" in page and "1 new" in page
    response = client.post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 302 and response.url == "/help/"
    assert Notification.objects.get(pk=note.pk).read_at is not None


@pytest.mark.django_db
def test_notification_email_is_sent_after_commit(
    officer, mailoutbox, django_capture_on_commit_callbacks, mail_delivered_at_once
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=officer, subject="Hello", body="Body", url="/")
    assert mailoutbox[0].to == [officer.email]
    assert mailoutbox[0].subject == "[Kitbag] Hello"


@pytest.mark.django_db
def test_health(client):
    assert client.get("/health/").json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client, officer):
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_exported_cells_cannot_run_as_spreadsheet_formulas():
    from portal.tables import export_cell

    assert export_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert export_cell("-1+2") == "'-1+2"
    assert export_cell("Response 1") == "Response 1"
    assert export_cell(3) == 3


@pytest.mark.django_db
def test_home_costs_the_same_queries_with_1_or_30_of_everything(
    client, officer, tech_bar_staff, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from incidents import services as incident_services
    from tests.policy.factories import published_version

    published_version(grace_days=14)  # a policy to accept, so the policy panel shows too
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")

    def add_one_of_everything(n):
        device = Device.objects.create(asset_tag=f"KB{n:06d}", model=model, tech_bar=bar)
        # As if issued before the version they have still to accept was published.
        with mock.patch("policy.selectors.has_accepted_current", return_value=True):
            device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
        notify(recipient=officer, subject=f"Notification {n}", url="/")
        for submit in (False, True):
            incident = incident_services.incident_open(
                reporter=officer,
                summary=f"Incident {n}",
                aware_at=timezone.now() - timedelta(hours=1),
                personal_data_involved="no",
                device_involved="no",
            )
            if submit:
                incident.submitted_at = timezone.now()
                incident.save(update_fields=["submitted_at"])

    add_one_of_everything(0)
    client.force_login(officer)
    client.get("/")  # the session and roles settle
    with CaptureQueriesContext(connection) as one:
        assert client.get("/").status_code == 200
    for n in range(1, 30):
        add_one_of_everything(n)
    with django_assert_max_num_queries(len(one)):
        response = client.get("/")
    page = response.content.decode()
    assert "KB000029" in page and "Incident 29" in page and "Notification 29" in page and "Policy to accept" in page
