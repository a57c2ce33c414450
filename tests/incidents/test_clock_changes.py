"""Incidents on the nights UK clocks change, through the pages and the services: an awareness
time in the repeated October hour is asked about, one in the missing March hour is refused with the
reason, and every deadline is exactly 12 (or 72) real hours after the chosen instant. Also dates
outside a sane range, which used to overflow."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from incidents import ladders, services
from incidents.models import Incident, RegulatorDecision, YesNoUnknown

pytestmark = pytest.mark.django_db

# 2026-10-25: UK clocks go back at 02:00 BST, so 01:00-01:59 happens twice.
OCTOBER_0140_BST = datetime(2026, 10, 25, 0, 40, tzinfo=UTC)  # 01:40, the first time
OCTOBER_0140_GMT = datetime(2026, 10, 25, 1, 40, tzinfo=UTC)  # 01:40, the second time
# 2026-03-29: UK clocks go forward at 01:00 GMT, so 01:00-01:59 never happens.
MARCH_0330_BST = datetime(2026, 3, 29, 2, 30, tzinfo=UTC)


@pytest.fixture
def frozen(freeze_clock):
    """frozen(instant) -> freeze the application's clock (which the timers read) there. Sign in
    inside it: the session's idle timeout measures from the sign-in."""
    return freeze_clock


def first_notification(aware_at: str, **extra) -> dict:
    return {
        "summary": "Left a pocket notebook on the night bus",
        "aware_at": aware_at,
        "personal_data_involved": "yes",
        "device_involved": "no",
        **extra,
    }


def what_the_browser_sends(html: str, name: str) -> dict:
    """A date-time field's values as a browser submits the rendered page unchanged."""
    data = {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)}
    checked = re.search(rf'name="{name}_offset" type="radio" value="([^"]*)"[^>]*checked', html)
    if checked:
        data[f"{name}_offset"] = checked.group(1)
    return data


# --- October: the repeated hour ------------------------------------------------------------
@pytest.mark.parametrize("now", [OCTOBER_0140_BST, OCTOBER_0140_GMT], ids=["01:40 BST", "01:40 GMT"])
def test_october_clock_change_an_awareness_time_in_the_repeated_hour_asks_which_one(client, reporter, frozen, now):
    with frozen(now):
        client.force_login(reporter)
        response = client.post(reverse("incidents:incident_start"), first_notification("2026-10-25T01:10"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "01:10 on 25 October 2026 happens twice" in page
    assert "01:10 BST, the first time" in page and "01:10 GMT, the second time" in page
    assert 'value="2026-10-25T01:10"' in page and "Left a pocket notebook on the night bus" in page
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("now", "choice", "aware_at", "due_shown"),
    [
        (OCTOBER_0140_BST, "+01:00", datetime(2026, 10, 25, 0, 10, tzinfo=UTC), "25 Oct 2026 12:10 GMT"),
        (OCTOBER_0140_GMT, "+01:00", datetime(2026, 10, 25, 0, 10, tzinfo=UTC), "25 Oct 2026 12:10 GMT"),
        (OCTOBER_0140_GMT, "+00:00", datetime(2026, 10, 25, 1, 10, tzinfo=UTC), "25 Oct 2026 13:10 GMT"),
    ],
    ids=["at 01:40 BST, the first 01:10", "at 01:40 GMT, the first 01:10", "at 01:40 GMT, the second 01:10"],
)
def test_october_clock_change_each_choice_gives_a_deadline_exactly_12_hours_later(
    client, reporter, frozen, now, choice, aware_at, due_shown
):
    with frozen(now):
        client.force_login(reporter)
        response = client.post(
            reverse("incidents:incident_start"),
            first_notification("2026-10-25T01:10", aware_at_offset=choice),
            follow=True,
        )
        page = response.content.decode()
    incident = Incident.objects.get()
    assert incident.aware_at == aware_at
    assert incident.due_at - incident.aware_at == timedelta(hours=12)
    assert f"Full report due {due_shown}" in page
    # Typed with its offset instead of choosing, the same instant.
    with frozen(now):
        services_incident = services.incident_open(
            reporter=reporter,
            summary="Same, through the service",
            aware_at=aware_at,
            personal_data_involved=YesNoUnknown.YES,
            device_involved=YesNoUnknown.NO,
        )
    assert services_incident.due_at == incident.due_at


def test_october_clock_change_at_01_40_bst_the_second_01_10_is_still_to_come(client, reporter, frozen):
    with frozen(OCTOBER_0140_BST):
        client.force_login(reporter)
        response = client.post(
            reverse("incidents:incident_start"), first_notification("2026-10-25T01:10", aware_at_offset="+00:00")
        )
    assert response.status_code == 400
    assert "The time you became aware must be now or in the past" in response.content.decode()
    assert not Incident.objects.exists()


def test_october_clock_change_an_offset_typed_with_the_time_needs_no_choice(client, reporter, frozen):
    with frozen(OCTOBER_0140_GMT):
        client.force_login(reporter)
        client.post(reverse("incidents:incident_start"), first_notification("2026-10-25T01:10+00:00"))
    assert Incident.objects.get().aware_at == datetime(2026, 10, 25, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("now", [OCTOBER_0140_BST, OCTOBER_0140_GMT], ids=["01:40 BST", "01:40 GMT"])
def test_october_clock_change_the_default_now_sent_back_unchanged_starts_the_clock_now(client, reporter, frozen, now):
    with frozen(now):
        client.force_login(reporter)
        form_page = client.get(reverse("incidents:incident_start")).content.decode()
        sent = what_the_browser_sends(form_page, "aware_at")
        response = client.post(reverse("incidents:incident_start"), first_notification(**sent))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.aware_at == now and incident.due_at == now + timedelta(hours=12)


@pytest.mark.parametrize(
    "aware_at",
    [datetime(2026, 10, 25, 0, 10, tzinfo=UTC), datetime(2026, 10, 25, 1, 10, tzinfo=UTC)],
    ids=["01:10 BST", "01:10 GMT"],
)
def test_october_clock_change_through_the_service_both_clocks_run_real_hours(reporter, data_office, frozen, aware_at):
    with frozen(OCTOBER_0140_GMT):
        incident = services.incident_open(
            reporter=reporter,
            summary="Sent a statement to the wrong address",
            aware_at=aware_at,
            personal_data_involved=YesNoUnknown.YES,
            device_involved=YesNoUnknown.NO,
        )
        incident = services.incident_triage(
            incident=incident,
            actor=data_office,
            severity=Incident.Severity.MEDIUM,
            likelihood=Incident.Likelihood.POSSIBLE,
            personal_data_breach=True,
            owner=data_office,
        )
    assert incident.due_at - incident.aware_at == ladders.REPORT_DEADLINE == timedelta(hours=12)
    assert incident.decision_due_at - incident.aware_at == ladders.DECISION_DEADLINE == timedelta(hours=72)
    assert all(step.due_at - aware_at == step_offset for step, step_offset in _ladder(incident))
    # The timeline says which 01:10 it was, and when the report is due, with the zone.
    due = "25 Oct 2026 12:10 GMT" if aware_at.hour == 0 else "25 Oct 2026 13:10 GMT"
    assert incident.events.filter(text__contains=f"Full report due {due}").exists()


def _ladder(incident):
    offsets = {(rung.ladder, rung.step): rung.after for rung in ladders.report_ladder()}
    offsets.update({(rung.ladder, rung.step): rung.after for rung in ladders.decision_ladder()})
    return [(step, offsets[(step.ladder, step.step)]) for step in incident.steps.all()]


def test_october_clock_change_a_report_time_in_the_repeated_hour_keeps_its_choice(
    client, reporter, open_incident, frozen
):
    with frozen(OCTOBER_0140_GMT):
        incident = open_incident(hours_ago=0.5)  # aware at 01:10 GMT
        client.force_login(reporter)
        url = reverse("incidents:incident_report_edit", args=[incident.pk])
        response = client.post(url, {"happened_at": "2026-10-25T01:05", "what_happened": "Left on the bus"})
        assert response.status_code == 400
        assert "01:05 on 25 October 2026 happens twice" in response.content.decode()
        incident.refresh_from_db()
        assert incident.what_happened == "Left on the bus" and incident.happened_at is None

        response = client.post(url, {"happened_at": "2026-10-25T01:05", "happened_at_offset": "+01:00", "save": "1"})
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.happened_at == datetime(2026, 10, 25, 0, 5, tzinfo=UTC)
        # Shown again, the saved time carries its choice: saving the page unchanged keeps it.
        sent = what_the_browser_sends(client.get(url).content.decode(), "happened_at")
        assert sent == {"happened_at": "2026-10-25T01:05", "happened_at_offset": "+01:00"}
        client.post(url, {**sent, "save": "1"})
    incident.refresh_from_db()
    assert incident.happened_at == datetime(2026, 10, 25, 0, 5, tzinfo=UTC)


# --- March: the missing hour ---------------------------------------------------------------
def test_march_clock_change_an_awareness_time_in_the_missing_hour_is_refused_with_the_reason(client, reporter, frozen):
    with frozen(MARCH_0330_BST):
        client.force_login(reporter)
        response = client.post(reverse("incidents:incident_start"), first_notification("2026-03-29T01:30"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "01:30 on 29 March 2026 does not exist in UK time" in page
    assert "the clocks go forward from 01:00 to 02:00 that night" in page
    assert 'value="2026-03-29T01:30"' in page
    assert not Incident.objects.exists()


def test_march_clock_change_the_deadline_is_12_real_hours_though_the_clock_says_13(client, reporter, frozen):
    with frozen(MARCH_0330_BST):
        client.force_login(reporter)
        response = client.post(reverse("incidents:incident_start"), first_notification("2026-03-29T00:30"), follow=True)
    incident = Incident.objects.get()
    assert incident.aware_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert incident.due_at == datetime(2026, 3, 29, 12, 30, tzinfo=UTC)
    assert "Full report due 29 Mar 2026 13:30 BST" in response.content.decode()


def test_march_clock_change_through_the_service_the_deadline_is_12_real_hours(reporter, frozen):
    with frozen(MARCH_0330_BST):
        incident = services.incident_open(
            reporter=reporter,
            summary="Sent a statement to the wrong address",
            aware_at=datetime(2026, 3, 29, 0, 45, tzinfo=UTC),  # 00:45 GMT
            personal_data_involved=YesNoUnknown.YES,
            device_involved=YesNoUnknown.NO,
        )
    assert incident.due_at - incident.aware_at == timedelta(hours=12)
    assert incident.events.filter(text__contains="Full report due 29 Mar 2026 13:45 BST").exists()


# --- Every date-time field behaves the same -------------------------------------------------
def _decision(incident, **values):
    return {
        "regime": RegulatorDecision.Regime.UK_GDPR,
        "risk_rating": RegulatorDecision.Risk.RISK,
        "outcome": RegulatorDecision.Outcome.NOTIFIED,
        "ico_reference": "IC-2026-7",
        "people_told": "no",
        "reasons": "A witness's contact details went to the wrong person.",
        **values,
    }


@pytest.fixture
def triaged(open_incident, data_office):
    def _triaged():
        return services.incident_triage(
            incident=open_incident(hours_ago=2),
            actor=data_office,
            severity=Incident.Severity.MEDIUM,
            likelihood=Incident.Likelihood.POSSIBLE,
            personal_data_breach=True,
            owner=data_office,
        )

    return _triaged


def test_october_clock_change_the_ico_notified_time_asks_which_one_too(client, data_office, triaged, frozen):
    with frozen(OCTOBER_0140_GMT + timedelta(hours=1)):
        incident = triaged()
        client.force_login(data_office)
        url = reverse("incidents:incident_decision", args=[incident.pk])
        response = client.post(url, _decision(incident, ico_notified_at="2026-10-25T01:30"))
        assert response.status_code == 400
        assert "01:30 on 25 October 2026 happens twice" in response.content.decode()
        response = client.post(
            url, _decision(incident, ico_notified_at="2026-10-25T01:30", ico_notified_at_offset="+00:00")
        )
        assert response.status_code == 302
    assert RegulatorDecision.objects.get().ico_notified_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


# --- Dates outside a sane range ------------------------------------------
OVERFLOWING = "0001-01-01T00:00+23:59"


def test_a_report_date_that_overflowed_is_a_field_error_and_nothing_is_lost(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    url = reverse("incidents:incident_report_edit", args=[incident.pk])
    for action in ("save", "submit"):
        response = client.post(url, {"happened_at": OVERFLOWING, "what_happened": f"Kept on {action}", action: "1"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Check the year: enter a date between 1900 and 2100" in page
        assert f'value="{OVERFLOWING}"' in page  # what was typed comes back to be corrected
        incident.refresh_from_db()
        assert incident.what_happened == f"Kept on {action}" and incident.happened_at is None


def test_an_autosaved_date_that_overflowed_is_a_field_error_and_nothing_is_lost(client, reporter, open_incident):
    incident = open_incident()
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:incident_autosave", args=[incident.pk]),
        {"happened_at": OVERFLOWING, "what_happened": "Typed as it happened"},
    )
    # Like every autosave with a mistake in it: the rest is saved, the mistake is named.
    assert response.status_code == 200
    assert response.json()["errors"] == {"happened_at": ["Check the year: enter a date between 1900 and 2100"]}
    incident.refresh_from_db()
    assert incident.what_happened == "Typed as it happened" and incident.happened_at is None


@pytest.mark.parametrize("typed", [OVERFLOWING, "9999-12-31T23:59-23:59", "1899-12-31T23:00"])
def test_an_awareness_or_ico_date_out_of_range_is_a_field_error(client, reporter, data_office, triaged, typed):
    client.force_login(reporter)
    response = client.post(reverse("incidents:incident_start"), first_notification(typed))
    assert response.status_code == 400 and "Check the year" in response.content.decode()

    incident = triaged()
    client.force_login(data_office)
    response = client.post(
        reverse("incidents:incident_decision", args=[incident.pk]), _decision(incident, ico_notified_at=typed)
    )
    assert response.status_code == 400 and "Check the year" in response.content.decode()
    assert not RegulatorDecision.objects.exists()
