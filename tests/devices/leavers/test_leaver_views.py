"""The leaver pages: a supervisor's team and leaving date, the case page and sign-off, the list of
open cases (filters, export, a constant query count) and the leaver's case at the counter."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from devices.leavers import services as leavers
from devices.models import LeaverCase, LeaverLine
from portal.models import Role
from tests.devices.conftest import NOW
from tests.devices.leavers.leaver_page_helpers import device_line, end_every_line, join_team, open_case, property_lines
from tests.factories import UserFactory

TODAY = NOW.date()  # 14 January 2026, 15:00 GMT
LEAVING = TODAY + timedelta(days=14)


@pytest.fixture
def team_member(officer, supervisor):
    return join_team(officer, supervisor)


@pytest.fixture
def case(frozen, team_member, supervisor, held_phone):
    """The team member, holding a phone, leaves in 14 days: set by their supervisor."""
    return open_case(team_member, supervisor, LEAVING)


# --- My team and the leaving date --------------------------------------------------------------
def test_my_team_lists_the_supervisors_people_with_a_link_to_set_a_date(client, frozen, supervisor, team_member):
    someone_else = UserFactory(first_name="Other", last_name="Teamless")
    client.force_login(supervisor)
    page = client.get(reverse("devices:my_team")).text
    assert escape(team_member.get_full_name()) in page
    assert reverse("devices:leaving_date", args=[team_member.payroll_number]) in page
    assert someone_else.get_full_name() not in page


def test_a_supervisor_sets_a_leaving_date_and_the_case_opens(client, frozen, supervisor, team_member, held_phone):
    client.force_login(supervisor)
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    assert client.get(url).status_code == 200
    response = client.post(url, {"leaving_date": LEAVING.isoformat(), "action": "set"})
    case = LeaverCase.objects.get(person=team_member, status=LeaverCase.Status.OPEN)
    assert response.status_code == 302 and response.url == reverse("devices:leaver_case", args=[case.pk])
    assert case.leaving_date == LEAVING and case.source == LeaverCase.Source.SUPERVISOR
    assert case.opened_by == supervisor
    assert case.lines.filter(assignment__device=held_phone).exists()

    page = client.get(response.url).text
    assert held_phone.asset_tag in page and "Leaves in 14 days" in page


def test_moving_the_date_moves_the_case(client, case, supervisor, team_member):
    client.force_login(supervisor)
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    later = LEAVING + timedelta(days=7)
    response = client.post(url, {"leaving_date": later.isoformat(), "action": "set"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.leaving_date == later and case.status == LeaverCase.Status.OPEN


def test_clearing_needs_a_reason_and_nothing_typed_is_lost(client, case, supervisor, team_member):
    client.force_login(supervisor)
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    response = client.post(url, {"leaving_date": LEAVING.isoformat(), "reason": "", "action": "clear"})
    assert response.status_code == 400
    assert "Enter the reason for clearing the leaving date" in response.text
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN

    response = client.post(url, {"leaving_date": "", "reason": "Decided to stay", "action": "clear"})
    assert response.status_code == 302 and response.url == reverse("devices:my_team")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CANCELLED and case.cancel_reason == "Decided to stay"


def test_bad_dates_are_refused_with_the_reason_and_kept(client, frozen, supervisor, team_member):
    client.force_login(supervisor)
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    for typed, message in (
        ("", "Enter the leaving date, or clear it with a reason"),
        ("2026-02-31", "Enter the leaving date as a real date"),
        ("2126-01-01", "Check the year"),
    ):
        response = client.post(url, {"leaving_date": typed, "reason": "kept words", "action": "set"})
        assert response.status_code == 400, typed
        assert message in response.text, typed
        assert "kept words" in response.text
    assert not LeaverCase.objects.filter(person=team_member).exists()


def test_a_refusal_by_the_service_is_shown_on_the_form_with_the_date_kept(client, frozen, supervisor, team_member):
    team_member.is_active = False  # deactivated: a Portal admin reactivates them first
    team_member.save(update_fields=["is_active"])
    client.force_login(supervisor)
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    response = client.post(url, {"leaving_date": LEAVING.isoformat(), "action": "set"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text and "is deactivated" in response.text
    assert f'value="{LEAVING.isoformat()}"' in response.text
    assert not LeaverCase.objects.filter(person=team_member).exists()


def test_only_their_supervisor_or_a_portal_admin_sets_a_date(client, frozen, team_member, portal_admin, officer):
    other_supervisor = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR])
    url = reverse("devices:leaving_date", args=[team_member.payroll_number])
    client.force_login(other_supervisor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"leaving_date": LEAVING.isoformat(), "action": "set"}).status_code == 404
    client.force_login(portal_admin)
    response = client.post(url, {"leaving_date": LEAVING.isoformat(), "action": "set"})
    assert response.status_code == 302
    assert LeaverCase.objects.get(person=team_member).source == LeaverCase.Source.ADMIN


# --- The case page ------------------------------------------------------------------------------
def test_the_leaver_and_their_supervisor_see_the_case_another_officer_does_not(client, case, supervisor):
    url = reverse("devices:leaver_case", args=[case.pk])
    client.force_login(case.person)
    mine = client.get(url)
    assert mine.status_code == 200 and "Handing back your kit" in mine.text
    assert "Handed to me" not in mine.text  # the supervisor's actions are theirs
    client.force_login(supervisor)
    theirs = client.get(url)
    assert theirs.status_code == 200 and "Handed to me" in theirs.text
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("devices:leaver_case", args=[case.pk + 1000])).status_code == 404


def test_the_case_page_shows_each_line_the_tech_bars_and_their_hours(client, case, bar, other_bar, tech_bar_staff):
    from devices.models import TechBarOpeningHours

    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0, opens="08:00", closes="16:00")
    # The other bar sorts first by name: the leaver's own Tech Bar (where the phone came from) still leads.
    other_bar.name = "Aardvark Street Tech Bar"
    other_bar.save()
    receive = property_lines(case)[0]
    leavers.leaver_line_property_receive(line=receive, actor=tech_bar_staff, tech_bar=bar)
    client.force_login(case.person)
    page = client.get(reverse("devices:leaver_case", args=[case.pk])).text
    outstanding = page[page.index('id="outstanding"') : page.index('id="ended"')]
    assert outstanding.index(device_line(case).description) < outstanding.index(property_lines(case)[1].description)
    ended = page[page.index('id="ended"') : page.index('id="tech-bars"')]
    assert device_line(case).description in outstanding
    assert receive.description in ended and receive.description not in outstanding
    assert "Returned" in ended and escape(tech_bar_staff.get_full_name()) in ended and bar.name in ended
    bars = page[page.index('id="tech-bars"') : page.index('id="history"')]
    assert bars.index(bar.name) < bars.index(other_bar.name)
    assert "08:00 to 16:00" in bars
    history = page[page.index('id="history"') :]
    assert "Case opened" in history and f"{receive.description}: returned at {bar.name}." in history


def test_the_supervisor_records_an_item_handed_to_them(client, case, supervisor):
    card = property_lines(case)[0]
    phone_line = device_line(case)
    client.force_login(supervisor)
    for line in (card, phone_line):
        response = client.post(reverse("devices:leaver_line_handed", args=[case.pk, line.pk]))
        assert response.status_code == 302
    card.refresh_from_db()
    phone_line.refresh_from_db()
    assert card.outcome == LeaverLine.Outcome.RETURNED and card.handed_to_supervisor_by == supervisor
    # A device handed to the supervisor ends only when a Tech Bar checks it in.
    assert phone_line.outcome == "" and phone_line.handed_to_supervisor_by == supervisor

    # Again, on a line that has ended: the reason, on the case page, with a 400.
    again = client.post(reverse("devices:leaver_line_handed", args=[case.pk, card.pk]))
    assert again.status_code == 400 and "govuk-error-summary" in again.text


def test_the_leaver_cannot_use_the_supervisors_actions(client, case):
    line = property_lines(case)[0]
    client.force_login(case.person)
    assert client.post(reverse("devices:leaver_line_handed", args=[case.pk, line.pk])).status_code == 403
    assert client.get(reverse("devices:leaver_case_sign_off", args=[case.pk])).status_code == 403
    assert client.post(reverse("devices:leaver_case_sign_off", args=[case.pk]), {"confirm": "yes"}).status_code == 403
    line.refresh_from_db()
    case.refresh_from_db()
    assert line.outcome == "" and case.signed_off_at is None


def test_sign_off_needs_the_box_ticked_and_closes_a_case_whose_lines_have_ended(
    client, case, supervisor, tech_bar_staff, bar
):
    url = reverse("devices:leaver_case_sign_off", args=[case.pk])
    client.force_login(supervisor)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "still out" in confirm.text
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box to confirm the sign-off" in refused.text
    case.refresh_from_db()
    assert case.signed_off_at is None

    end_every_line(case, actor=tech_bar_staff, tech_bar=bar)
    assert "Every item has ended" in client.get(url).text
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED and case.signed_off_by == supervisor
    assert "the case is closed" in client.get(response.url).text


def test_sign_off_before_the_lines_end_waits_for_them(client, case, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("devices:leaver_case_sign_off", args=[case.pk]), {"confirm": "yes"}, follow=True)
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN and case.signed_off_by == supervisor
    assert "the case closes when the last item has ended" in response.text
    # Twice: the service's reason, on the confirmation page, with a 400.
    again = client.post(reverse("devices:leaver_case_sign_off", args=[case.pk]), {"confirm": "yes"})
    assert again.status_code == 400 and escape(f"Already signed off by {supervisor.get_full_name()}") in again.text


def test_the_leaver_is_sent_to_their_case_from_home_and_my_kit(client, case):
    client.force_login(case.person)
    url = reverse("devices:leaver_case", args=[case.pk])
    assert url in client.get(reverse("portal:home")).text
    assert url in client.get(reverse("devices:my_kit")).text
    client.force_login(UserFactory())
    assert url not in client.get(reverse("portal:home")).text


# --- The list of open cases ---------------------------------------------------------------------
LIST = reverse("devices:leaver_list")


def _names(response) -> set[str]:
    return {row.record.person.get_full_name() for row in response.context["table"].page.object_list}


@pytest.fixture
def cases(frozen, supervisor, portal_admin):
    """Four open cases: soon (the supervisor's team), overdue (South), later, and one cancelled."""

    def open_case(name, unit, leaving, team=False):
        first, last = name.split()
        person = UserFactory(
            first_name=first, last_name=last, command_unit=unit, supervisor=supervisor if team else None
        )
        return leavers.leaver_date_set(
            person=person, leaving_date=leaving, actor=portal_admin, source=LeaverCase.Source.ADMIN
        )

    made = {
        "soon": open_case("Sam Soon", "North", TODAY + timedelta(days=5), team=True),
        "overdue": open_case("Olive Overdue", "South", TODAY - timedelta(days=3)),
        "later": open_case("Lee Later", "North", TODAY + timedelta(days=60)),
    }
    cancelled = open_case("Cass Cancelled", "North", TODAY + timedelta(days=2))
    leavers.leaver_date_set(
        person=cancelled.person, leaving_date=None, actor=portal_admin, source=LeaverCase.Source.ADMIN, reason="Stays"
    )
    return made


def test_tech_bar_sees_every_open_case_a_supervisor_their_teams(client, cases, tech_bar_staff, supervisor):
    client.force_login(tech_bar_staff)
    assert _names(client.get(LIST)) == {"Sam Soon", "Olive Overdue", "Lee Later"}
    client.force_login(supervisor)
    assert _names(client.get(LIST)) == {"Sam Soon"}


def test_every_filter_and_search(client, cases, tech_bar_staff):
    client.force_login(tech_bar_staff)
    expected = {
        "leaving_soon=true": {"Sam Soon"},
        "overdue=true": {"Olive Overdue"},
        "overdue=false": {"Sam Soon", "Lee Later"},
        "unit=South": {"Olive Overdue"},
        "q=lee later": {"Lee Later"},
        f"q={cases['soon'].person.payroll_number}": {"Sam Soon"},
        "q=nobody": set(),
    }
    for query, names in expected.items():
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200, query
        assert _names(response) == names, query
    page = client.get(f"{LIST}?q=Olive").text
    assert reverse("devices:leaver_case", args=[cases["overdue"].pk]) in page and "3 days overdue" in page


def test_bad_filters_are_refused_and_kept(client, cases, tech_bar_staff):
    client.force_login(tech_bar_staff)
    response = client.get(f"{LIST}?unit=Atlantis&q={'x' * 101}")
    assert response.status_code == 400
    assert "Select a valid choice" in response.text and "at most 100 characters" in response.text


def test_csv_export_of_the_filtered_list(client, cases, tech_bar_staff):
    client.force_login(tech_bar_staff)
    response = client.get(f"{LIST}?unit=North&_export=csv")
    assert response.status_code == 200 and "leaver-cases-2026-01-14.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert sorted(row["Leaver"] for row in rows) == ["Lee Later", "Sam Soon"]
    soon = next(row for row in rows if row["Leaver"] == "Sam Soon")
    assert soon["Payroll number"] == cases["soon"].person.payroll_number
    assert soon["Leaving date"] == str(TODAY + timedelta(days=5)) and soon["Overdue"] == "no"


def test_the_list_is_linked_for_those_who_may_open_it(client, officer, supervisor, tech_bar_staff, data_office):
    from portal.navigation import nav_items_for

    for user in (supervisor, tech_bar_staff):
        assert "Leavers" in [item.label for item in nav_items_for(user=user, path="/")]
        client.force_login(user)
        assert f'href="{LIST}"' in client.get(reverse("portal:home")).text
    for user in (officer, data_office):
        assert "Leavers" not in [item.label for item in nav_items_for(user=user, path="/")]
    active = [item.label for item in nav_items_for(user=tech_bar_staff, path=LIST) if item.active]
    assert active == ["Leavers"]


def _bulk_cases(count, *, actor):
    people = UserFactory.create_batch(count, command_unit="East")
    for person in people:
        leavers.leaver_date_set(
            person=person, leaving_date=TODAY + timedelta(days=3), actor=actor, source=LeaverCase.Source.ADMIN
        )


def test_the_list_costs_the_same_at_2_or_30_cases(
    client, frozen, tech_bar_staff, portal_admin, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _bulk_cases(2, actor=portal_admin)
    client.force_login(tech_bar_staff)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{LIST}?unit=East").status_code == 200
    _bulk_cases(28, actor=portal_admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"{LIST}?unit=East")
    assert len(response.context["table"].page.object_list) == 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{LIST}?_export=csv").getvalue().count(b"\n") == 31


def test_the_list_counts_and_pages_the_cases_without_joining_their_lines(client, frozen, tech_bar_staff, portal_admin):
    """The outstanding count joins the lines for the page's cases only: the COUNT and the choice of
    a page's ids read the open cases alone, filtered as the page is (the form checked once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _bulk_cases(3, actor=portal_admin)
    client.force_login(tech_bar_staff)
    client.get(LIST)  # warm the session and the unit choices
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{LIST}?unit=East")
    assert response.status_code == 200
    rows = response.context["table"].page.object_list
    assert len(rows) == 3 and all(row.record.outstanding_count >= 0 for row in rows)
    sqls = [q["sql"] for q in ctx.captured_queries]
    counts = [sql for sql in sqls if "COUNT(*)" in sql and "devices_leavercase" in sql]
    assert counts and not any("devices_leaverline" in sql for sql in counts)
    assert len([sql for sql in sqls if "filter-choices" in sql]) <= 1
