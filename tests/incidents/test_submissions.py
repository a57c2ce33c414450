"""Double submits, autosave and text limits (issue 8, items 7 to 10): a first notification sent
twice opens one incident; a full report submitted twice is shown, not refused; an autosave from a
page that is behind, or an empty one, changes nothing; every text field has a limit; the audit
log records what changed, not copies; autosave is throttled per person."""

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import selectors, services
from incidents.forms import DecisionForm, IncidentUpdateForm, StatusForm, TriageForm
from incidents.models import LONG_TEXT, MEDIUM_TEXT, Incident, IncidentEvent
from incidents.services import report as report_services
from portal.models import Notification, SecurityEvent

pytestmark = pytest.mark.django_db

# A weekday morning, well away from a clock change.
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_autosave_limit(settings):
    # The per-person limit has its own tests below; elsewhere saves follow each other at once.
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


def version_on(page: str) -> int:
    return int(re.search(r'name="draft_version" value="(-?\d+)"', page).group(1))


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


# --- Item 9: empty and stale autosaves ------------------------------------------------------
def autosave(client, incident, data):
    return client.post(reverse("incidents:incident_autosave", args=[incident.pk]), data)


def test_an_empty_autosave_changes_nothing(client, reporter, open_incident, full_report):
    incident = services.incident_draft_save(incident=open_incident(), actor=reporter, values=full_report)
    saved_at, version = incident.draft_saved_at, incident.draft_version
    client.force_login(reporter)
    for data in ({}, {"draft_version": str(version)}):
        response = autosave(client, incident, data)
        assert response.status_code == 200
        assert response.json()["version"] == version
    incident.refresh_from_db()
    for name, value in full_report.items():
        assert getattr(incident, name) == value, name
    assert incident.draft_saved_at == saved_at and incident.draft_version == version


def test_tick_boxes_are_cleared_only_when_the_page_sent_them(client, reporter, open_incident, full_report):
    incident = services.incident_draft_save(incident=open_incident(), actor=reporter, values=full_report)
    client.force_login(reporter)
    autosave(client, incident, {"what_happened": "More detail"})
    incident.refresh_from_db()
    assert incident.breach_kinds == ["confidentiality"] and incident.what_happened == "More detail"
    # The page sends an empty value beside each group of boxes: none ticked now.
    autosave(client, incident, {"breach_kinds": "", "people_categories": ["", "victims"]})
    incident.refresh_from_db()
    assert incident.breach_kinds == [] and incident.people_categories == ["victims"]


def test_the_report_page_carries_its_version_and_each_save_moves_it_on(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    page = client.get(reverse("incidents:incident_report_edit", args=[incident.pk])).content.decode()
    assert version_on(page) == 0
    assert '<input type="hidden" name="breach_kinds" value="">' in page  # sent even with no box ticked
    first = autosave(client, incident, {"what_happened": "One", "draft_version": "0"}).json()
    second = autosave(client, incident, {"what_happened": "Two", "draft_version": str(first["version"])}).json()
    assert (first["version"], second["version"]) == (1, 2)
    page = client.get(reverse("incidents:incident_report_edit", args=[incident.pk])).content.decode()
    assert version_on(page) == 2


def test_a_stale_tab_cannot_overwrite_newer_work(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    # Two tabs open at version 0; the first saves (version 1), then the second, still at 0, tries.
    newer = autosave(client, incident, {"what_happened": "Newer, fuller account", "draft_version": "0"})
    assert newer.status_code == 200
    stale = autosave(client, incident, {"what_happened": "Old", "draft_version": "0"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["reload"] is True
    assert "saved from another tab or device" in body["message"] and "Reload the page" in body["message"]
    incident.refresh_from_db()
    assert incident.what_happened == "Newer, fuller account" and incident.draft_version == 1


def test_a_stale_page_saved_with_the_button_shows_why_and_keeps_what_was_typed(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    newer = autosave(client, incident, {"what_happened": "Newer, fuller account", "draft_version": "0"})
    assert newer.status_code == 200
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    for button in ("save", "submit"):
        response = client.post(url, {"what_happened": "Typed in the old tab", "draft_version": "0", button: "1"})
        assert response.status_code == 409
        page = response.content.decode()
        assert "saved from another tab or device" in page
        assert "Typed in the old tab" in page
        assert version_on(page) == 0  # still behind: reloading is the way on
    incident.refresh_from_db()
    assert incident.what_happened == "Newer, fuller account" and incident.submitted_at is None


def test_a_version_that_is_not_a_number_is_refused(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    response = autosave(client, incident, {"what_happened": "x", "draft_version": "latest"})
    assert response.status_code == 409
    incident.refresh_from_db()
    assert incident.what_happened == ""


def test_a_failed_submission_saves_the_draft_and_the_page_moves_to_its_version(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    response = client.post(url, {"what_happened": "Half", "draft_version": "0", "submit": "1"})
    assert response.status_code == 400
    assert version_on(response.content.decode()) == 1
    response = client.post(url, {"what_happened": "Half and more", "draft_version": "1", "save": "1"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.what_happened == "Half and more" and incident.draft_version == 2


# --- Item 10: lengths, the audit log, the throttle -----------------------------------------
def test_a_9_mb_field_is_refused_by_the_autosave_and_nothing_else_is_lost(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    response = autosave(client, incident, {"what_happened": "x" * 9_000_000, "where_happened": "Canteen"})
    assert response.status_code == 200
    body = response.json()
    assert body["errors"]["what_happened"] == [
        f"This answer must be {LONG_TEXT:,} characters or fewer (it has 9000000)"
    ]
    incident.refresh_from_db()
    assert incident.what_happened == "" and incident.where_happened == "Canteen"


def test_a_too_long_answer_on_the_report_page_is_a_message_and_is_kept(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    typed = "y" * (LONG_TEXT + 1)
    response = client.post(
        reverse("incidents:incident_report_edit", args=[incident.pk]), {"what_happened": typed, "save": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"This answer must be {LONG_TEXT:,} characters or fewer (it has {LONG_TEXT + 1})" in page
    assert typed in page
    assert f'maxlength="{LONG_TEXT}"' in page


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("what_happened", LONG_TEXT),
        ("systems_involved", 1_000),
        ("devices_involved", 1_000),
        ("likely_consequences", MEDIUM_TEXT),
        ("containment", MEDIUM_TEXT),
        ("others_aware", 1_000),
        ("processors_involved", 1_000),
        ("delay_reasons", MEDIUM_TEXT),
        ("summary", 300),
        ("where_happened", 300),
        ("first_seen_by", 200),
        ("contact_phone", 50),
    ],
)
def test_every_report_field_has_a_limit_the_service_enforces_too(reporter, open_incident, name, limit):
    incident = open_incident()
    assert Incident._meta.get_field(name).max_length == limit
    with pytest.raises(services.IncidentError) as error:
        services.incident_draft_save(incident=incident, actor=reporter, values={name: "z" * (limit + 1)})
    assert name in error.value.message_dict
    services.incident_draft_save(incident=incident, actor=reporter, values={name: "z" * limit})


def test_updates_and_office_notes_have_limits(reporter, data_office, open_incident):
    incident = open_incident()
    with pytest.raises(services.IncidentError):
        services.incident_update_add(incident=incident, actor=reporter, text="u" * (LONG_TEXT + 1))
    with pytest.raises(services.IncidentError) as error:
        services.incident_triage(
            incident=incident,
            actor=data_office,
            severity="low",
            likelihood="remote",
            personal_data_breach=False,
            owner=data_office,
            notes="n" * (MEDIUM_TEXT + 1),
        )
    assert "notes" in error.value.message_dict
    assert not IncidentUpdateForm({"text": "u" * (LONG_TEXT + 1)}).is_valid()
    triage = TriageForm({"notes": "n" * (MEDIUM_TEXT + 1)}, incident=incident)
    assert "notes" in triage.errors
    decision = DecisionForm({"reasons": "r" * (LONG_TEXT + 1), "people_told_reasons": "p" * 5000}, incident=incident)
    assert {"reasons", "people_told_reasons"} <= set(decision.errors)
    status = StatusForm({"note": "s" * (MEDIUM_TEXT + 1)}, incident=incident)
    assert "note" in status.errors


def test_the_audit_log_records_what_changed_not_copies_of_long_text(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    account = "A long account of what happened. " * 250  # 8,250 characters
    before = LogEntry.objects.get_for_object(incident).count()
    for n in range(3):
        autosave(client, incident, {"what_happened": account + str(n), "where_happened": "Canteen"})
    entries = list(LogEntry.objects.get_for_object(incident).order_by("pk"))[before:]
    assert len(entries) == 3
    for entry in entries:
        stored = json.dumps(entry.changes)
        assert "A long account" not in stored
        assert len(stored) < 1_000
    changes = [entry.changes_dict for entry in entries]
    assert changes[0]["what_happened"][0] == ""
    assert re.fullmatch(r"8,251 characters, sha256 [0-9a-f]{12}", changes[0]["what_happened"][1])
    assert changes[1]["what_happened"][0] == changes[0]["what_happened"][1]
    # A field that did not change is not in the entry; a short one is recorded as it is.
    assert changes[0]["where_happened"] == ["", "Canteen"]
    assert "where_happened" not in changes[1]


def test_autosave_is_throttled_per_person(client, reporter, open_incident, settings):
    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 5
    client.force_login(reporter)
    with time_machine.travel(MORNING, tick=False) as clock:
        incident = open_incident()
        assert autosave(client, incident, {"what_happened": "One"}).status_code == 200
        clock.shift(timedelta(seconds=2))
        throttled = autosave(client, incident, {"what_happened": "Two"})
        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "3"
        assert throttled.json()["retry_after"] == 3
        incident.refresh_from_db()
        assert incident.what_happened == "One"
        clock.shift(timedelta(seconds=3))
        assert autosave(client, incident, {"what_happened": "Two"}).status_code == 200
    incident.refresh_from_db()
    assert incident.what_happened == "Two"


def test_the_save_button_is_never_throttled(client, reporter, open_incident, settings):
    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 60
    incident = open_incident()
    client.force_login(reporter)
    assert autosave(client, incident, {"what_happened": "One"}).status_code == 200
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    assert client.post(url, {"what_happened": "Two", "save": "1"}).status_code == 302
    incident.refresh_from_db()
    assert incident.what_happened == "Two"


# --- In the browser: the page's script --------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tab_that_is_behind_says_so_and_offers_to_reload(browser, live_server, reporter, settings):
    from tests.conftest import DESKTOP, sign_in

    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 1
    incident = services.incident_open(
        reporter=reporter,
        summary="Laptop left unlocked",
        aware_at=timezone.now() - timedelta(hours=1),
        personal_data_involved="unknown",
        device_involved="yes",
    )
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    first, second = context.new_page(), context.new_page()
    sign_in(first, live_server, reporter)
    url = f"{live_server.url}{reverse('incidents:incident_report_edit', args=[incident.pk])}"
    for page in (first, second):
        page.goto(url)
        page.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '200'")

    first.get_by_label("What happened?").fill("The newer, fuller account")
    first.locator("#autosave-status").get_by_text("Saved at").wait_for()

    second.get_by_label("What happened?").fill("Typed in the old tab")
    status = second.locator("#autosave-status")
    status.get_by_text("saved from another tab or device").wait_for()
    incident.refresh_from_db()
    assert incident.what_happened == "The newer, fuller account"

    status.get_by_role("button", name="Reload the page").click()
    second.wait_for_load_state("domcontentloaded")
    assert second.get_by_label("What happened?").input_value() == "The newer, fuller account"
    # The reloaded page is up to date, so its saves go through again.
    second.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '200'")
    second.get_by_label("Where did it happen?").fill("Canteen")
    second.locator("#autosave-status").get_by_text("Saved at").wait_for()
    incident.refresh_from_db()
    assert incident.where_happened == "Canteen" and incident.what_happened == "The newer, fuller account"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_throttled_save_is_retried_when_the_server_says(page, live_server, reporter, settings):
    from tests.conftest import sign_in

    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 8  # longer than a page load on a busy machine
    incident = services.incident_open(
        reporter=reporter,
        summary="Laptop left unlocked",
        aware_at=timezone.now() - timedelta(hours=1),
        personal_data_involved="unknown",
        device_involved="yes",
    )
    sign_in(page, live_server, reporter)
    url = f"{live_server.url}{reverse('incidents:incident_report_edit', args=[incident.pk])}"
    page.goto(url)
    page.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '100'")
    page.get_by_label("What happened?").fill("First words")
    status = page.locator("#autosave-status")
    status.get_by_text("Saved at").wait_for()

    # A fresh page does not know when the last save was: the server answers 429 and the script waits.
    page.goto(url)
    page.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '100'")
    page.get_by_label("Where did it happen?").fill("Canteen")
    status.get_by_text("will be saved in a moment").wait_for()
    status.get_by_text("Saved at").wait_for()
    incident.refresh_from_db()
    assert (incident.what_happened, incident.where_happened) == ("First words", "Canteen")
