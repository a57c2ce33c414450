"""Autosave and text limits: an autosave from a page that is behind,
or an empty one, changes nothing; every text field has a limit; the audit log records what
changed, not copies; autosave is throttled per person."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.forms import DecisionForm, IncidentUpdateForm, StatusForm, TriageForm
from incidents.models import LONG_TEXT, MEDIUM_TEXT, Incident

pytestmark = pytest.mark.django_db

# A weekday morning, well away from a clock change.
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_autosave_limit(settings):
    # The per-person limit has its own tests below; elsewhere saves follow each other at once.
    settings.INCIDENT_AUTOSAVE_MIN_SECONDS = 0


def version_on(page: str) -> int:
    return int(re.search(r'name="draft_version" value="(-?\d+)"', page).group(1))


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
