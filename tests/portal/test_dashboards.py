"""The Data Office dashboards: numbers against a hand-computed fixture on the frozen clock
(2026-06-10 09:00 UTC), the supervisor's slice, permissions, CSV and the filter bar."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from incidents import dashboard_selectors as numbers
from incidents import services
from incidents.demo import _report
from incidents.models import BreachKind, YesNoUnknown
from incidents.selectors import Timeliness
from portal.models import Role
from tests.factories import UserFactory

AT = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731


@pytest.fixture
def incidents(db, supervisor):
    """North (the supervisor's team): A on time, C late, D submitted after 3 h.
    South (not theirs): B due soon with the 72-hour clock running, F submitted after 9 h."""
    north = UserFactory(roles=[Role.OFFICER], command_unit="North", supervisor=supervisor)
    south = UserFactory(roles=[Role.OFFICER], command_unit="South")

    def opened(reporter, aware_at, personal=YesNoUnknown.NO):
        return services.incident_open(
            reporter=reporter,
            summary="A test incident",
            aware_at=aware_at,
            personal_data_involved=personal,
            device_involved=YesNoUnknown.NO,
        )

    opened(north, AT(2026, 6, 10, 8))  # A
    opened(south, AT(2026, 6, 9, 23), personal=YesNoUnknown.YES)  # B
    opened(north, AT(2026, 6, 9, 12))  # C
    d = opened(north, AT(2026, 6, 10, 6))
    services.incident_submit(incident=d, actor=north, values=_report(breach_kinds=[BreachKind.CONFIDENTIALITY]))
    f = opened(south, AT(2026, 6, 10, 0))
    services.incident_submit(
        incident=f, actor=south, values=_report(breach_kinds=[BreachKind.INTEGRITY, BreachKind.AVAILABILITY])
    )
    return numbers.incidents_for_dashboard(start=AT(2026, 1, 1), end=AT(2026, 7, 1))


def test_open_incidents_by_clock_state(incidents):
    assert numbers.open_by_timeliness(incidents) == {
        Timeliness.ON_TIME: 3,
        Timeliness.DUE_SOON: 1,
        Timeliness.LATE: 1,
        Timeliness.OVERDUE: 0,
    }


def test_share_within_12_hours_and_the_delay_percentiles(incidents):
    june = numbers.reported_within_12_hours_by_month(incidents)
    # D and F are in (both within 12 h); C is past its deadline without a report.
    assert [(s.within, s.known, s.percent) for s in june.values()] == [(2, 3, 66)]
    delay = numbers.awareness_to_report(incidents)
    # 3 h and 9 h: median 6, 90th percentile 3 + 0.9 * 6 = 8.4 (linear, as PERCENTILE_CONT)
    assert (delay.reports, delay.median_hours, delay.p90_hours) == (2, 6.0, 8.4)


def test_decisions_pending_and_units_by_kind(incidents):
    pending = numbers.decisions_pending_by_time_left(incidents)
    # B: due 2026-06-12 23:00, 62 hours away
    assert pending == {
        "Overdue": 0,
        "Under 12 hours left": 0,
        "12 to 24 hours left": 0,
        "24 to 48 hours left": 0,
        "48 hours or more left": 1,
    }
    rows = {r["unit"]: r for r in numbers.by_unit_and_breach_kind(incidents)}
    assert (rows["North"]["total"], rows["North"]["confidentiality"], rows["North"]["not_stated"]) == (3, 1, 2)
    assert (rows["South"]["total"], rows["South"]["integrity"], rows["South"]["availability"]) == (2, 1, 1)
    assert rows["South"]["not_stated"] == 1


def _policy_accepted_by(person):
    from tests.policy.factories import accept, published_version

    version = published_version(by=UserFactory(roles=[Role.PORTAL_ADMIN]))
    accept(person, version)
    return version


def _table(response, panel_id):
    panel = next(p for p, _ in response.context["panels"] if p.id == panel_id)
    return {row.header: row.cells for row in panel.chart.table.rows}


def test_the_supervisor_sees_their_team_and_the_data_office_everyone(client_as, incidents):
    url = reverse("portal:dashboard", args=["incidents"])
    office = client_as("data_office").get(url)
    assert _table(office, "incidents-clock")["On time"] == ["3"]
    team = client_as("supervisor").get(url)
    assert team.status_code == 200
    assert _table(team, "incidents-clock") == {"On time": ["2"], "Due soon": ["0"], "Overdue": ["0"], "Late": ["1"]}
    # The queue is the Data Office's: no link to it for the supervisor.
    assert reverse("incidents:incident_queue") not in team.content.decode()
    assert reverse("incidents:incident_queue") in office.content.decode()


def test_a_command_unit_narrows_every_panel(client_as, incidents):
    response = client_as("data_office").get(reverse("portal:dashboard", args=["incidents"]), {"unit": "South"})
    assert _table(response, "incidents-clock")["On time"] == ["1"]  # F
    assert list(_table(response, "incidents-units")) == ["South"]


def test_bad_filters_get_a_message_and_400_with_values_kept(client_as, incidents):
    response = client_as("data_office").get(
        reverse("portal:dashboard", args=["incidents"]), {"date_from": "2026-06-30", "date_to": "2026-06-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end date must be the same as or after the start date." in page
    assert 'value="2026-06-30"' in page
    assert (
        client_as("data_office").get(reverse("portal:dashboard", args=["devices"]), {"date_from": "nope"}).status_code
        == 400
    )


@pytest.mark.parametrize(
    "query",
    [{"date_to": "9999-12-31"}, {"date_to": "0001-01-02"}, {"date_from": "0001-01-01"}, {"date_from": "9999-12-31"}],
)
@pytest.mark.parametrize("section", ["incidents", "devices", "leavers"])
def test_a_date_out_of_range_is_a_400_with_the_forms_message(db, client_as, section, query):
    response = client_as("portal_admin").get(reverse("portal:dashboard", args=[section]), query)
    assert response.status_code == 400
    assert "enter a date between 1900 and 2100" in response.content.decode()
    assert f'value="{next(iter(query.values()))}"' in response.content.decode()  # what was typed is kept


def test_csv_export_is_the_panel_table_with_formulas_neutralised(client_as, data_office):
    UserFactory(roles=[Role.OFFICER], command_unit="=HYPERLINK(1)")
    _policy_accepted_by(data_office)
    url = reverse("portal:dashboard", args=["conditions-of-use"])
    page = client_as("data_office").get(url)
    panel = next(p for p, _ in page.context["panels"] if p.id.endswith("-units"))
    response = client_as("data_office").get(url, {"export": panel.id})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Command unit", f"Accepted version {panel.chart.table.head[1].split()[-1]}"]
    assert ["'=HYPERLINK(1)", "0%", "1", "0", "0"] in rows


def test_roles_without_the_dashboards_are_refused(client_as):
    assert client_as("officer").get(reverse("portal:dashboards")).status_code == 403
    assert client_as("tech_bar_staff").get(reverse("portal:dashboard", args=["leavers"])).status_code == 403
    assert client_as("supervisor").get(reverse("portal:dashboard", args=["devices"])).status_code == 403
    assert client_as("data_office").get(reverse("portal:dashboard", args=["nothing"])).status_code == 404


def _more_data(n: int, *, version, portal_admin, tech_bar_staff, tag: str) -> None:
    """n more people in 7 units, each reporting an incident, holding a device, some leaving."""
    import datetime

    from devices.core.services import device_issue
    from devices.leavers.services.cases import leaver_date_set
    from devices.models import Device, DeviceModel, TechBar
    from tests.policy.factories import accept

    bar = TechBar.objects.create(code=f"bar-{tag}", name=f"Tech Bar {tag}")
    model = DeviceModel.objects.create(make="Make", model_name=f"Model {tag}", kind="laptop")
    for i in range(n):
        person = UserFactory(roles=[Role.OFFICER], command_unit=f"Unit {i % 7}")
        accept(person, version)
        services.incident_open(
            reporter=person,
            summary="More data",
            aware_at=AT(2026, 6, 10, 8),
            personal_data_involved=YesNoUnknown.YES,
            device_involved=YesNoUnknown.NO,
        )
        device = Device.objects.create(asset_tag=f"{tag}{i:04d}", model=model, tech_bar=bar)
        device_issue(device=device, holder=person, actor=tech_bar_staff, tech_bar=bar)
        if i % 3 == 0:
            leaver_date_set(
                person=person, leaving_date=datetime.date(2026, 6, 1 + i % 20), actor=portal_admin, source="admin"
            )


@pytest.mark.parametrize("section", ["incidents", "conditions-of-use", "devices", "leavers"])
def test_query_count_does_not_grow_with_the_data(
    client_as, data_office, portal_admin, tech_bar_staff, django_assert_max_num_queries, settings, section
):
    """The same number of queries with 5 people's data as with 45 more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DASHBOARD_CACHE_SECONDS = 0
    version = _policy_accepted_by(data_office)
    _more_data(5, version=version, portal_admin=portal_admin, tech_bar_staff=tech_bar_staff, tag="A")
    client = client_as("data_office")
    url = reverse("portal:dashboard", args=[section])
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more_data(45, version=version, portal_admin=portal_admin, tech_bar_staff=tech_bar_staff, tag="B")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_aggregates_are_cached_per_scope(client_as, incidents, settings):
    settings.DASHBOARD_CACHE_SECONDS = 30
    url = reverse("portal:dashboard", args=["incidents"])
    client = client_as("data_office")
    assert _table(client.get(url), "incidents-clock")["On time"] == ["3"]
    services.incident_open(
        reporter=UserFactory(roles=[Role.OFFICER]),
        summary="After the first look",
        aware_at=AT(2026, 6, 10, 8, 30),
        personal_data_involved=YesNoUnknown.NO,
        device_involved=YesNoUnknown.NO,
    )
    assert _table(client.get(url), "incidents-clock")["On time"] == ["3"]  # cached
    assert _table(client.get(url, {"unit": "North"}), "incidents-clock")["On time"] == ["3"]  # A, D and the new one
    # The supervisor's slice is a different key.
    assert _table(client_as("supervisor").get(url), "incidents-clock")["On time"] == ["2"]


def test_an_unknown_panel_to_download_is_a_400_with_a_message(client_as, incidents):
    response = client_as("data_office").get(reverse("portal:dashboard", args=["incidents"]), {"export": "nothing"})
    assert response.status_code == 400
    assert "There is no such table to download" in response.content.decode()


def test_the_index_and_home_page_offer_what_each_role_may_open(client_as):
    office = client_as("data_office").get(reverse("portal:dashboards"))
    assert [name for _, name in office.context["sections"]] == ["Incidents", "Conditions of use", "Devices", "Leavers"]
    team = client_as("supervisor").get(reverse("portal:dashboards"))
    assert [name for _, name in team.context["sections"]] == ["Incidents", "Conditions of use", "Leavers"]
    assert reverse("portal:dashboards") in client_as("portal_admin").get(reverse("portal:home")).content.decode()
    assert reverse("portal:dashboards") not in client_as("officer").get(reverse("portal:home")).content.decode()


def test_the_unit_filter_lists_each_command_unit_once_however_many_people_are_in_it(client_as, db):
    """The people's default ordering must not leak into SELECT DISTINCT (it listed one unit per person)."""
    for first in ("Ann", "Bob", "Cy"):
        UserFactory(first_name=first, command_unit="North")
    UserFactory(command_unit="South")
    response = client_as("data_office").get(reverse("portal:dashboard", args=["devices"]))
    choices = [value for value, _ in response.context["filter"].form.fields["unit"].choices if value]
    assert choices.count("North") == 1
    assert choices.count("South") == 1
