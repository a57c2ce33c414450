"""Double submits: a first notification sent twice opens one incident;
a full report submitted twice is shown, not refused."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import selectors, services
from incidents.models import Incident, IncidentEvent
from incidents.services import report as report_services
from portal.models import Notification, SecurityEvent

pytestmark = pytest.mark.django_db

# A weekday morning, well away from a clock change.
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_autosave_limit(settings):
    # The per-person limit has its own tests in test_autosave.py; here saves follow each other at once.
    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 0


@pytest.fixture
def morning(freeze_clock):
    """A fixed weekday morning: an awareness time typed as local time is never in a clock change's
    repeated hour, whenever the suite runs."""
    with freeze_clock(MORNING):
        yield


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def token_on(page: str) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page).group(1)


def first_notification(token: str, **overrides) -> dict:
    return {
        "summary": "Sent a witness statement to the wrong email address",
        "aware_at": local(timezone.now() - timedelta(minutes=30)),
        "personal_data_involved": "yes",
        "device_involved": "no",
        "submission_token": token,
        **overrides,
    }


def alerts_to(reviewer) -> int:
    return Notification.objects.filter(recipient=reviewer, subject__contains="new security incident").count()


def refusals() -> int:
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED).count()


# --- Item 7: the first notification, sent twice ------------------------------------------
def test_each_first_notification_form_carries_its_own_one_time_token(client, reporter, morning):
    client.force_login(reporter)
    first = token_on(client.get(reverse("incidents:incident_start")).content.decode())
    second = token_on(client.get(reverse("incidents:incident_start")).content.decode())
    assert first != second


def test_a_first_notification_sent_twice_opens_one_incident_and_alerts_once(client, reporter, data_office, morning):
    client.force_login(reporter)
    token = token_on(client.get(reverse("incidents:incident_start")).content.decode())
    first = client.post(reverse("incidents:incident_start"), first_notification(token))
    incident = Incident.objects.get()
    assert first.status_code == 302 and first.url == reverse("incidents:incident_detail", args=[incident.pk])

    again = client.post(reverse("incidents:incident_start"), first_notification(token), follow=True)
    assert Incident.objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    assert f"This first notification was sent already: it is {incident.reference}" in again.content.decode()
    assert alerts_to(data_office) == 1
    assert incident.events.filter(kind=IncidentEvent.Kind.FIRST_NOTIFICATION).count() == 1

    # A new form is a new notification.
    token = token_on(client.get(reverse("incidents:incident_start")).content.decode())
    client.post(reverse("incidents:incident_start"), first_notification(token, summary="Another one"))
    assert Incident.objects.count() == 2 and alerts_to(data_office) == 2


def test_the_token_is_per_reporter(client, reporter, officer, morning):
    client.force_login(reporter)
    token = token_on(client.get(reverse("incidents:incident_start")).content.decode())
    client.post(reverse("incidents:incident_start"), first_notification(token))
    client.force_login(officer)
    client.post(reverse("incidents:incident_start"), first_notification(token))
    assert sorted(Incident.objects.values_list("reporter", flat=True)) == sorted([reporter.pk, officer.pk])


def test_a_mangled_token_is_a_clear_400(client, reporter, morning):
    client.force_login(reporter)
    response = client.post(reverse("incidents:incident_start"), first_notification("not-a-token"))
    assert response.status_code == 400
    assert "This form is out of date" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_loser_of_a_race_gets_the_winners_incident(reporter, monkeypatch):
    """Both submissions pass the "sent already?" look-up before either is saved: the unique
    constraint decides, and the second gets the first's incident (the PostgreSQL test below
    does this with twenty real requests at once)."""
    token = "3b8f1f0e-6d1c-4d7e-9a55-0c1f7c2b9a10"
    values = {
        "reporter": reporter,
        "summary": "Wrong address",
        "aware_at": timezone.now() - timedelta(minutes=5),
        "personal_data_involved": "yes",
        "device_involved": "no",
        "submission_token": token,
    }
    first = services.incident_open(**values)
    real_lookup = report_services._opened_by
    calls = []

    def missed_the_first_time(reporter, submission_token):
        calls.append(submission_token)
        return None if len(calls) == 1 else real_lookup(reporter, submission_token)

    # Replaced where incident_open looks it up (the report module), not on the package.
    monkeypatch.setattr(report_services, "_opened_by", missed_the_first_time)
    with pytest.raises(services.AlreadyOpened) as repeat:
        services.incident_open(**values)
    assert repeat.value.incident == first
    assert len(calls) == 2  # missed before the insert, found after the constraint refused it
    assert Incident.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_first_notifications_at_once_open_one_incident(reporter, data_office, monkeypatch, morning):
    clients = []
    for _ in range(20):
        one = Client()
        one.force_login(reporter)
        clients.append(one)
    token = token_on(clients[0].get(reverse("incidents:incident_start")).content.decode())
    data = first_notification(token)

    # Every request gets past the "sent already?" look-up before any saves: the database decides.
    all_looked = threading.Barrier(20, timeout=30)
    real_lookup = report_services._opened_by
    seen = threading.local()
    looked = []

    def look_then_wait(reporter, submission_token):
        looked.append(submission_token)
        found = real_lookup(reporter, submission_token)
        if not getattr(seen, "waited", False):
            seen.waited = True
            all_looked.wait()
        return found

    monkeypatch.setattr(report_services, "_opened_by", look_then_wait)  # where incident_open looks it up
    answers, errors = [], []

    def post(one):
        try:
            answers.append(one.post(reverse("incidents:incident_start"), data))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(one,)) for one in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(looked) >= 20  # every request went through the replaced look-up
    incident = Incident.objects.get()
    detail = reverse("incidents:incident_detail", args=[incident.pk])
    assert [(a.status_code, a.url) for a in answers] == [(302, detail)] * 20
    assert alerts_to(data_office) == 1
    assert incident.events.filter(kind=IncidentEvent.Kind.FIRST_NOTIFICATION).count() == 1


# --- Item 8: the full report, submitted twice -----------------------------------------------
def report_post(full_report, **overrides):
    return {"summary": "Sent a witness statement to the wrong email address", **full_report, **overrides}


def test_a_second_submit_shows_the_submitted_report_with_a_message(client, reporter, open_incident, full_report):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    client.post(url, report_post(full_report, submit="1"))
    response = client.post(url, report_post(full_report, submit="1"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    assert "The full report has been submitted" in response.content.decode()
    assert incident.events.filter(kind=IncidentEvent.Kind.REPORT_SUBMITTED).count() == 1
    assert refusals() == 0


def test_a_double_click_whose_first_submit_lands_first_is_not_a_refusal(
    client, reporter, open_incident, full_report, monkeypatch
):
    """The second click's request read the report before the first click's submit committed;
    by the time it locks the row, the report is in."""
    incident = open_incident()
    real_read = selectors.incident_with_deadlines

    def read_then_the_other_click_lands(*, user, pk):
        before = real_read(user=user, pk=pk)
        services.incident_submit(incident=Incident.objects.get(pk=pk), actor=reporter, values=full_report)
        return before

    monkeypatch.setattr(selectors, "incident_with_deadlines", read_then_the_other_click_lands)
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_report_edit", args=[incident.pk]), report_post(full_report, submit="1")
    )
    assert response.status_code == 302
    assert response.url == reverse("incidents:incident_detail", args=[incident.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The full report has been submitted. Add anything new as an update."
    ]
    assert incident.events.filter(kind=IncidentEvent.Kind.REPORT_SUBMITTED).count() == 1
    assert refusals() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_submit_once_and_refuse_neither(reporter, open_incident, full_report, monkeypatch):
    incident = open_incident()
    both_read = threading.Barrier(2, timeout=30)
    real_read = selectors.incident_with_deadlines

    def read_then_wait(*, user, pk):
        found = real_read(user=user, pk=pk)
        both_read.wait()
        return found

    monkeypatch.setattr(selectors, "incident_with_deadlines", read_then_wait)
    answers, errors = [], []

    def click():
        one = Client()
        one.force_login(reporter)
        try:
            answers.append(
                one.post(
                    reverse("incidents:incident_report_edit", args=[incident.pk]),
                    report_post(full_report, submit="1", draft_version="0"),
                )
            )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    detail = reverse("incidents:incident_detail", args=[incident.pk])
    assert [(a.status_code, a.url) for a in answers] == [(302, detail)] * 2
    assert incident.events.filter(kind=IncidentEvent.Kind.REPORT_SUBMITTED).count() == 1
    assert refusals() == 0


def test_an_autosave_after_submitting_says_so_without_a_refusal(client, reporter, open_incident, full_report):
    incident = services.incident_submit(incident=open_incident(), actor=reporter, values=full_report)
    client.force_login(reporter)
    response = client.post(reverse("incidents:incident_autosave", args=[incident.pk]), {"what_happened": "More"})
    assert response.status_code == 409
    body = response.json()
    assert "has been submitted" in body["message"]
    assert body["url"] == reverse("incidents:incident_detail", args=[incident.pk])
    assert refusals() == 0
    incident.refresh_from_db()
    assert incident.what_happened == full_report["what_happened"]


def test_an_autosave_after_the_incident_was_closed_says_so(client, reporter, data_office, open_incident):
    incident = services.incident_triage(
        incident=open_incident(),
        actor=data_office,
        severity="low",
        likelihood="remote",
        personal_data_breach=False,
        owner=data_office,
    )
    services.incident_status_change(incident=incident, actor=data_office, status="closed", note="Not a breach.")
    client.force_login(reporter)
    response = client.post(reverse("incidents:incident_autosave", args=[incident.pk]), {"what_happened": "More"})
    assert response.status_code == 409
    assert response.json()["message"].startswith("This incident is closed")
    assert refusals() == 0
