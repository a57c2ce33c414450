"""Incident pages through the test client: reporting, drafts that survive errors and timeouts,
attachments, the Data Office's pages and what each person sees."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident, IncidentAttachment, IncidentEvent
from portal.middleware import LAST_SEEN_AT

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
SCRIPT = '<script>alert("owned")</script>'


def local(moment):
    """A local time as a client without the date picker may send it: with its UTC offset, so it
    means one instant even in the hour repeated when the clocks go back."""
    return timezone.localtime(moment).isoformat(timespec="minutes")


def first_notification(**overrides):
    return {
        "summary": "Sent a witness statement to the wrong email address",
        "aware_at": local(timezone.now() - timedelta(minutes=30)),
        "personal_data_involved": "yes",
        "device_involved": "no",
        **overrides,
    }


def report_post(full_report, **overrides):
    data = {k: v for k, v in full_report.items() if not isinstance(v, list)}
    data.update({k: v for k, v in full_report.items() if isinstance(v, list)})
    data.update(summary="Sent a witness statement to the wrong email address", personal_data_involved="yes")
    data.update(overrides)
    return data


# --- The first notification ----------------------------------------------------------------
def test_the_first_notification_starts_the_clock_and_shows_the_time_left(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("incidents:incident_start"), first_notification(), follow=True)

    incident = Incident.objects.get()
    assert incident.reporter == reporter
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    page = response.content.decode()
    assert f"We have your first notification, {incident.reference}" in page
    assert "11\xa0hours, 2" in page or "11\xa0hours, 3" in page  # "11 hours, 30 minutes left", give or take
    assert "left" in page
    assert "Start the full report" in page


def test_a_first_notification_with_gaps_says_what_is_missing_and_keeps_what_was_typed(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_start"),
        {"summary": "My laptop was stolen", "aware_at": "", "device_involved": "yes"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter the date and time you became aware" in page
    assert "Select whether personal data is involved" in page
    assert "My laptop was stolen" in page
    assert 'value="yes" checked' in page
    assert not Incident.objects.exists()


def test_an_awareness_time_in_the_future_is_refused(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_start"), first_notification(aware_at=local(timezone.now() + timedelta(hours=2)))
    )
    assert "The time you became aware must be now or in the past" in response.content.decode()
    assert not Incident.objects.exists()


def test_an_old_awareness_time_is_accepted_late_and_asks_why(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_start"),
        first_notification(aware_at=local(timezone.now() - timedelta(hours=20))),
        follow=True,
    )
    incident = Incident.objects.get()
    assert incident.late_from_start
    assert "the report is late" in response.content.decode()
    form = client.get(reverse("incidents:incident_report_edit", args=[incident.pk])).content.decode()
    assert "Give the reasons for the delay" in form
    assert 'for="id_delay_reasons">Reasons for any delay in reporting</label>' in form  # required: no "(optional)"


def test_script_in_a_text_field_is_shown_as_text_never_run(client, reporter, data_office, full_report):
    client.force_login(reporter)
    client.post(reverse("incidents:incident_start"), first_notification(summary=SCRIPT))
    incident = Incident.objects.get()
    assert incident.summary == SCRIPT  # kept as typed: it is evidence
    client.post(
        reverse("incidents:incident_report_edit", args=[incident.pk]),
        report_post(full_report, summary=SCRIPT, what_happened=SCRIPT, save="1"),
    )
    pages = [
        client.get(reverse("incidents:incident_detail", args=[incident.pk])),
        client.get(reverse("incidents:incident_report_edit", args=[incident.pk])),
        client.get(reverse("portal:home")),
    ]
    client.force_login(data_office)
    pages += [
        client.get(reverse("incidents:incident_queue")),
        client.get(reverse("incidents:incident_review", args=[incident.pk])),
        client.get(reverse("incidents:incident_print", args=[incident.pk])),
    ]
    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in page, response.request["PATH_INFO"]
        assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in page, response.request["PATH_INFO"]


# --- The full report: drafts --------------------------------------------------------------
def test_save_and_come_back_later_keeps_the_draft(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    response = client.post(
        url, {"summary": incident.summary, "what_happened": "Half of what I know", "save": "1"}, follow=True
    )
    assert "Draft saved at" in response.content.decode()
    assert "Half of what I know" in response.content.decode()
    incident.refresh_from_db()
    assert incident.what_happened == "Half of what I know" and incident.submitted_at is None


def test_submitting_with_gaps_shows_every_problem_and_keeps_everything_typed(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    response = client.post(
        url,
        {
            "summary": incident.summary,
            "what_happened": "The statement went to a namesake.",
            "records_affected": "lots",
            "others_aware": "My sergeant",
            "submit": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    for message in ("Enter where it happened", "Select at least one kind of breach", "Enter a whole number"):
        assert message in page
    for typed in ("The statement went to a namesake.", "lots", "My sergeant"):
        assert typed in page
    incident.refresh_from_db()
    assert incident.submitted_at is None
    # What was valid is saved even though the submission failed.
    assert incident.what_happened == "The statement went to a namesake."
    assert incident.others_aware == "My sergeant"
    assert incident.records_affected is None


def test_submitting_a_complete_report(client, reporter, open_incident, full_report):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    response = client.post(url, report_post(full_report, submit="1"), follow=True)
    assert "Full report for" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.REPORTED
    assert incident.breach_kinds == ["confidentiality"] and incident.people_affected == 1
    # Once submitted, the report page sends the reporter to add an update instead.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_detail", args=[incident.pk])
    assert "Add anything new as an update" in response.content.decode()


def test_autosave_keeps_what_is_typed_as_it_is_typed(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_autosave", args=[incident.pk])
    response = client.post(url, {"what_happened": "Typing…", "people_affected": "a few"})
    assert response.status_code == 200
    body = response.json()
    assert set(body["errors"]) == {"people_affected"}
    incident.refresh_from_db()
    assert incident.what_happened == "Typing…"
    assert body["version"] == incident.draft_version


@pytest.mark.parametrize(
    ("view", "status"), [("incidents:incident_report_edit", 400), ("incidents:incident_autosave", 200)]
)
def test_a_number_too_big_to_store_is_a_message_not_a_crash(client, reporter, open_incident, view, status):
    incident = open_incident()
    client.force_login(reporter)
    response = client.post(
        reverse(view, args=[incident.pk]),
        {"what_happened": "Kept", "people_affected": "99999999999999999999", "submit": "1"},
    )
    assert response.status_code == status
    assert "Enter a number no bigger than 2,147,483,647" in response.content.decode()
    incident.refresh_from_db()
    assert incident.what_happened == "Kept" and incident.people_affected is None


def test_nothing_typed_is_lost_when_the_session_times_out(client, reporter, open_incident, settings, full_report):
    """The page saves as the reporter types; when the session then expires, the save is there
    after signing in again."""
    incident = open_incident()
    client.force_login(reporter)
    client.post(reverse("incidents:incident_autosave", args=[incident.pk]), {"what_happened": "Long account…"})

    session = client.session
    session[LAST_SEEN_AT] = time.time() - settings.SESSION_IDLE_TIMEOUT - 60
    session.save()
    response = client.post(reverse("incidents:incident_report_edit", args=[incident.pk]), report_post(full_report))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))

    client.force_login(reporter)
    page = client.get(reverse("incidents:incident_report_edit", args=[incident.pk])).content.decode()
    assert "Long account…" in page


def test_a_blank_summary_in_a_draft_keeps_the_first_notifications(client, reporter, open_incident):
    incident = open_incident(summary="Wrong address")
    client.force_login(reporter)
    client.post(reverse("incidents:incident_autosave", args=[incident.pk]), {"summary": " ", "what_happened": "x"})
    incident.refresh_from_db()
    assert incident.summary == "Wrong address" and incident.what_happened == "x"


def test_autosave_is_only_for_the_reporters_unsubmitted_report(client, officer, reporter, open_incident, full_report):
    incident = open_incident()
    url = reverse("incidents:incident_autosave", args=[incident.pk])
    client.force_login(officer)
    assert client.post(url, {"what_happened": "x"}).status_code == 404
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    client.force_login(reporter)
    # Once submitted, a save from a page left open is told so (tests/incidents/test_submissions.py).
    assert client.post(url, {"what_happened": "rewrite"}).status_code == 409
    incident.refresh_from_db()
    assert incident.what_happened == full_report["what_happened"]


def test_updates_are_dated_and_leave_the_report_alone(client, reporter, open_incident, full_report):
    incident = services.incident_submit(incident=open_incident(), actor=reporter, values=full_report)
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_update_add", args=[incident.pk]),
        {"text": "Recipient confirmed deletion."},
        follow=True,
    )
    page = response.content.decode()
    assert "Update added." in page and "Recipient confirmed deletion." in page
    assert full_report["what_happened"] in page
    empty = client.post(reverse("incidents:incident_update_add", args=[incident.pk]), {"text": ""})
    assert "Enter the update" in empty.content.decode()


# --- Attachments ---------------------------------------------------------------------------
def upload(client, incident, name, content, **extra):
    return client.post(
        reverse("incidents:incident_attachment_add", args=[incident.pk]),
        {"file": SimpleUploadedFile(name, content), **extra},
        follow=True,
    )


def test_an_attachment_is_stored_and_served_only_to_those_who_may_see_it(
    client, reporter, officer, tech_bar_staff, data_office, open_incident, settings
):
    incident = open_incident()
    client.force_login(reporter)
    response = upload(client, incident, "screenshot.PNG", PNG, return_to="report")
    assert response.redirect_chain[-1][0] == reverse("incidents:incident_report_edit", args=[incident.pk])
    attachment = IncidentAttachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert "screenshot" not in attachment.file.name  # stored under a random name
    assert incident.events.filter(kind=IncidentEvent.Kind.ATTACHMENT_ADDED).exists()

    url = reverse("incidents:incident_attachment_download", args=[incident.pk, attachment.pk])
    for person, status in ((reporter, 200), (data_office, 200), (officer, 404), (tech_bar_staff, 404)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status, person
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert response["Content-Disposition"].startswith('attachment; filename="screenshot.PNG"')
            assert b"".join(response.streaming_content) == PNG
    # Never a public media URL.
    client.logout()
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code in (302, 404)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.png", EXE),  # a program wearing a picture's name
        ("report.pdf", PNG),  # a real picture with the wrong name
        ("notes.txt", b"\x00\x01binary\xff\xfe"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ],
)
def test_a_wrong_type_of_file_is_refused_with_a_clear_message(client, reporter, open_incident, name, content):
    incident = open_incident()
    client.force_login(reporter)
    client.post(
        reverse("incidents:incident_report_edit", args=[incident.pk]),
        {"summary": incident.summary, "what_happened": "Kept", "save": "1"},
    )
    response = upload(client, incident, name, content)
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The file must be a PNG, JPEG, GIF, HEIC, PDF, TXT or CSV" in page
    assert not IncidentAttachment.objects.exists()
    incident.refresh_from_db()
    assert incident.what_happened == "Kept"


def test_a_too_large_file_is_refused(client, reporter, open_incident, settings):
    settings.INCIDENT_ATTACHMENT_MAX_BYTES = 1024 * 1024
    incident = open_incident()
    client.force_login(reporter)
    response = upload(client, incident, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert "The file must be smaller than 1 MB" in response.content.decode()
    assert not IncidentAttachment.objects.exists()


def test_allowed_kinds_of_file(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    files = {
        "a.pdf": PDF,
        "b.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
        "c.gif": b"GIF89a" + b"\x00" * 16,
        "d.txt": "Caller said: “she has the file”".encode(),
        "e.heic": b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16,
    }
    for name, content in files.items():
        upload(client, incident, name, content)
    assert sorted(IncidentAttachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/gif",
        "image/heic",
        "image/jpeg",
        "text/plain",
    ]


def test_the_number_of_attachments_is_limited(client, reporter, open_incident, settings):
    settings.INCIDENT_ATTACHMENTS_PER_INCIDENT = 2
    incident = open_incident()
    client.force_login(reporter)
    for n in range(3):
        response = upload(client, incident, f"{n}.png", PNG)
    assert "at most 2 attachments" in response.content.decode()
    assert IncidentAttachment.objects.count() == 2


# --- Who sees what -------------------------------------------------------------------------
def test_reporters_see_their_own_reports_only(client, reporter, officer, tech_bar_staff, open_incident):
    mine = open_incident(summary="Mine")
    theirs = open_incident(by=officer, summary="Someone else's")
    client.force_login(reporter)
    page = client.get(reverse("incidents:my_incidents")).content.decode()
    assert "Mine" in page and "Someone else&#x27;s" not in page
    assert client.get(reverse("incidents:incident_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("incidents:incident_queue")).status_code == 403

    client.force_login(tech_bar_staff)
    assert "You have not reported any" in client.get(reverse("incidents:my_incidents")).content.decode()
    for incident in (mine, theirs):
        assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 404
        assert client.get(reverse("incidents:incident_review", args=[incident.pk])).status_code == 403


def test_reviewers_see_every_report_and_the_whole_timeline(
    client, reporter, officer, data_office, second_reviewer, open_incident, full_report
):
    incident = services.incident_submit(incident=open_incident(), actor=reporter, values=full_report)
    open_incident(by=officer, summary="Another one")
    services.incident_triage(
        incident=incident,
        actor=data_office,
        severity="high",
        likelihood="likely",
        personal_data_breach=True,
        owner=second_reviewer,
        notes="Internal note: check the mail gateway logs",
    )
    client.force_login(second_reviewer)
    queue = client.get(reverse("incidents:incident_queue")).content.decode()
    assert incident.reference in queue and "Another one" in queue
    review = client.get(reverse("incidents:incident_review", args=[incident.pk])).content.decode()
    assert "Internal note: check the mail gateway logs" in review
    assert "72-hour decision clock started" in review

    # The reporter sees the status, not the Data Office's working.
    client.force_login(reporter)
    detail = client.get(reverse("incidents:incident_detail", args=[incident.pk])).content.decode()
    assert "Triaged" in detail
    assert "Internal note" not in detail and "decision" not in detail.lower().replace("regulator decision", "")


def test_a_reviewer_who_reported_it_cannot_open_its_triage(client, data_office, second_reviewer, open_incident):
    incident = open_incident(by=data_office)
    client.force_login(data_office)
    review = client.get(reverse("incidents:incident_review", args=[incident.pk])).content.decode()
    assert "another reviewer must triage" in review
    assert reverse("incidents:incident_triage", args=[incident.pk]) not in review
    assert client.get(reverse("incidents:incident_triage", args=[incident.pk])).status_code == 403
    response = client.post(
        reverse("incidents:incident_triage", args=[incident.pk]),
        {"severity": "low", "likelihood": "remote", "personal_data_breach": "no", "owner": second_reviewer.pk},
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.triaged_at is None


# --- The Data Office's pages ---------------------------------------------------------------
def test_office_forms_sent_back_with_errors_are_a_400(client, data_office, second_reviewer, open_incident):
    incident = open_incident()
    client.force_login(data_office)
    for name in ("incident_triage", "incident_update_add", "incident_attachment_add"):
        response = client.post(reverse(f"incidents:{name}", args=[incident.pk]), {})
        assert response.status_code == 400, name
        assert "There is a problem" in response.content.decode(), name


def test_triage_decide_and_close_through_the_pages(client, reporter, data_office, open_incident, full_report):
    incident = services.incident_submit(incident=open_incident(hours_ago=5), actor=reporter, values=full_report)
    client.force_login(data_office)
    response = client.post(
        reverse("incidents:incident_triage", args=[incident.pk]),
        {"severity": "high", "likelihood": "likely", "personal_data_breach": "yes", "owner": data_office.pk},
        follow=True,
    )
    assert f"{incident.reference} triaged." in response.content.decode()

    url = reverse("incidents:incident_decision", args=[incident.pk])
    response = client.post(
        url, {"regime": "uk_gdpr", "risk_rating": "risk", "outcome": "notified", "people_told": "no"}
    )
    page = response.content.decode()
    assert "Enter the ICO&#x27;s case reference" in page and "Give the reasons for the decision" in page
    response = client.post(
        url,
        {
            "regime": "dpa_part_3",
            "risk_rating": "risk",
            "outcome": "notified",
            "ico_reference": "IC-2025-1",
            "ico_notified_at": local(timezone.now() - timedelta(minutes=10)),
            "people_told": "no",
            "reasons": "Likely distress to a witness.",
        },
        follow=True,
    )
    assert "Decision recorded" in response.content.decode()

    url = reverse("incidents:incident_status", args=[incident.pk])
    response = client.post(url, {"status": "closed"})
    assert "Say how the incident was resolved" in response.content.decode()
    response = client.post(url, {"status": "closed", "note": "Resolved."}, follow=True)
    assert "is now closed" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_the_printable_summary(client, reporter, data_office, open_incident, full_report):
    incident = services.incident_submit(incident=open_incident(), actor=reporter, values=full_report)
    client.force_login(data_office)
    page = client.get(reverse("incidents:incident_print", args=[incident.pk])).content.decode()
    assert "incidents/print.css" in page
    assert full_report["containment"] in page
    assert "Full report submitted" in page  # the timeline


def test_the_export_carries_the_report_and_defuses_spreadsheet_formulas(
    client, reporter, data_office, open_incident, full_report
):
    incident = open_incident()
    services.incident_submit(
        incident=incident, actor=reporter, values={**full_report, "containment": '=HYPERLINK("http://evil","click")'}
    )
    client.force_login(data_office)
    response = client.get(reverse("incidents:incident_queue") + "?_export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reference"] == incident.reference
    assert row["What happened (full)"] == full_report["what_happened"]
    assert row["Kind of breach"].startswith("Confidentiality")
    assert row["Containment"] == '\'=HYPERLINK("http://evil","click")'
    xlsx = client.get(reverse("incidents:incident_queue") + "?_export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(reporter)
    assert client.get(reverse("incidents:incident_queue") + "?_export=csv").status_code == 403


def test_the_queue_filters(client, reporter, officer, data_office, open_incident, full_report):
    late = open_incident(hours_ago=13, summary="Late one")
    soon = open_incident(hours_ago=11, summary="Due soon one", personal_data_involved="no")
    fine = open_incident(by=officer, hours_ago=1, summary="On time one")
    officer.command_unit = "South"
    officer.save()
    client.force_login(data_office)
    url = reverse("incidents:incident_queue")

    def shown(**query):
        page = client.get(url, query).content.decode()
        return {i.summary for i in (late, soon, fine) if i.summary in page}

    assert shown() == {"Late one", "Due soon one", "On time one"}
    assert shown(timeliness="late") == {"Late one"}
    assert shown(timeliness="due_soon") == {"Due soon one"}
    assert shown(timeliness="on_time") == {"On time one"}
    assert shown(unit="South") == {"On time one"}
    assert shown(personal_data_involved="no") == {"Due soon one"}
    assert shown(status="notified") == {"Late one", "Due soon one", "On time one"}
    assert shown(status="closed") == set()


def test_a_bad_queue_filter_value_is_a_clear_400(client, data_office, open_incident):
    open_incident(summary="Any incident")
    client.force_login(data_office)
    response = client.get(reverse("incidents:incident_queue"), {"status": "everything-is-fine"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Select a valid choice" in page


def test_the_home_page_shows_open_drafts_with_their_deadline_and_recent_reports(
    client, reporter, data_office, open_incident, full_report
):
    draft = open_incident(hours_ago=9, summary="Draft still open")
    done = services.incident_submit(incident=open_incident(summary="Sent in"), actor=reporter, values=full_report)
    client.force_login(reporter)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Draft still open" in page and "Sent in" in page
    assert reverse("incidents:incident_report_edit", args=[draft.pk]) in page
    assert timezone.localtime(draft.due_at).strftime("%-d %b %Y %H:%M") in page
    assert "2\xa0hours, 5" in page  # ~2 hours 59 minutes left
    assert done.get_status_display() in page
    assert reverse("incidents:incident_start") in page  # "Report an incident" in the navigation
    assert reverse("incidents:incident_queue") not in page

    client.force_login(data_office)
    assert reverse("incidents:incident_queue") in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("aware_at", ["0001-01-01T09:00", "1925-03-14T09:30"])
def test_a_mistyped_year_of_awareness_is_refused(client, reporter, aware_at):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_start"),
        {"summary": "Lost a notebook", "aware_at": aware_at, "personal_data_involved": "yes", "device_involved": "no"},
    )
    assert response.status_code == 400
    assert "Check the year" in response.content.decode()
    assert "Lost a notebook" in response.content.decode()
    assert not Incident.objects.exists()


def test_it_cannot_have_happened_after_the_reporter_became_aware(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    after_awareness = local(incident.aware_at + timedelta(minutes=5))
    response = client.post(url, {"happened_at": after_awareness, "what_happened": "Details typed so far"})
    assert response.status_code == 400
    assert "must be before you became aware" in response.content.decode()
    incident.refresh_from_db()
    assert incident.what_happened == "Details typed so far"  # the rest of the draft is kept
    assert incident.happened_at is None
