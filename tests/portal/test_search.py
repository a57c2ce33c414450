"""The header's search box: who has it, exact identifiers going straight to their page, results
grouped by kind and only what the role may open, bad terms as a 400, and a constant query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from incidents.models.choices import YesNoUnknown
from portal.models import Role
from tests.factories import (
    AssignmentFactory,
    DeviceFactory,
    DeviceModelFactory,
    DeviceRequestFactory,
    LeaverCaseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("portal:search")
SEARCHERS = ["supervisor", "tech_bar_staff", "data_office", "portal_admin"]


@pytest.fixture
def phone():
    return DeviceFactory(model=DeviceModelFactory(kind="smartphone"), sim_iccid="8944100000000000017")


@pytest.fixture
def team_member(supervisor):
    return UserFactory(first_name="Marigold", last_name="Ashcombe", supervisor=supervisor)


@pytest.fixture
def stranger(db):
    return UserFactory(first_name="Marigold", last_name="Beckwith")


def _incident(by, summary="Sent a witness statement to the wrong email address"):
    return incident_services.incident_open(
        reporter=by,
        aware_at=timezone.now() - timedelta(hours=1),
        summary=summary,
        personal_data_involved=YesNoUnknown.YES,
        device_involved=YesNoUnknown.NO,
    )


def _labels(response) -> dict[str, list[str]]:
    return {group.kind: [hit.label for hit in group.hits] for group in response.context["groups"]}


# --- The box in the header ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", *SEARCHERS])
def test_the_header_box_is_there_only_for_the_roles_that_search(client_as, role):
    page = client_as(role).get(reverse("portal:home")).content.decode()
    has_box = 'role="search"' in page and f'action="{SEARCH}"' in page
    assert has_box == (role in SEARCHERS)


def test_an_officer_is_refused_the_search_page(client_as):
    assert client_as("officer").get(SEARCH, {"q": "KB000001"}).status_code == 403


def test_the_box_works_without_script_as_a_plain_get_form(client_as):
    page = client_as("tech_bar_staff").get(reverse("portal:home")).content.decode()
    assert 'method="get"' in page and 'name="q"' in page and '<label class="govuk-label' in page


# --- Bad terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "message"),
    [("", "Enter something to search for"), ("   ", "Enter something"), ("a", "at least 2"), ("x" * 101, "100")],
)
def test_a_blank_short_or_long_term_is_a_message_and_a_400(client_as, term, message):
    response = client_as("tech_bar_staff").get(SEARCH, {"q": term})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_without_a_term_shows_the_form(client_as):
    response = client_as("tech_bar_staff").get(SEARCH)
    assert response.status_code == 200 and 'id="search-q"' in response.content.decode()


# --- Exact identifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["asset_tag", "imei", "serial_number", "phone_number", "sim_iccid", "mdm_enrolment_id"]
)
@pytest.mark.parametrize("role", ["tech_bar_staff", "data_office"])
def test_a_device_identifier_goes_straight_to_the_device(client_as, phone, field, role):
    response = client_as(role).get(SEARCH, {"q": getattr(phone, field).lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("devices:device_detail", args=[phone.pk])


def test_a_phone_number_typed_without_its_space_is_found(client_as, phone):
    response = client_as("tech_bar_staff").get(SEARCH, {"q": phone.phone_number.replace(" ", "")})
    assert response["Location"] == reverse("devices:device_detail", args=[phone.pk])


def test_a_supervisor_does_not_find_devices(client_as, phone):
    response = client_as("supervisor").get(SEARCH, {"q": phone.asset_tag})
    assert response.status_code == 200 and response.context["groups"] == []


@pytest.mark.parametrize("role", ["tech_bar_staff", "portal_admin"])
def test_a_payroll_number_goes_to_the_person_at_the_counter_for_who_works_it(client_as, stranger, role):
    response = client_as(role).get(SEARCH, {"q": stranger.payroll_number.lower()})
    assert response["Location"] == reverse("admin:devices_counter_person", kwargs={"payroll": stranger.payroll_number})


def test_people_found_by_name_link_to_the_counter_for_the_tech_bar(client_as, stranger):
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "beckwith"})
    (hit,) = response.context["groups"][0].hits
    assert hit.url == reverse("admin:devices_counter_person", kwargs={"payroll": stranger.payroll_number})


def test_the_first_person_page_the_finder_may_open_wins():
    """The shell's registry (the shell imports no app): a page registered earlier in order is
    taken when its predicate allows; otherwise the next; nothing allowed is no page."""
    from portal import search

    class Person:
        pk, payroll_number, supervisor_id = 7, "P7", None

    saved = dict(search._PERSON_PAGES)
    try:
        search._PERSON_PAGES.clear()
        search.register_person_page(name="b", order=20, allowed=lambda u, p: True, url=lambda p: "/b/")
        search.register_person_page(name="a", order=10, allowed=lambda u, p: u == "lead", url=lambda p: "/a/")
        assert search.person_url("lead", Person()) == "/a/"
        assert search.person_url("someone", Person()) == "/b/"
        search._PERSON_PAGES.pop("b")
        assert search.person_url("someone", Person()) == ""
    finally:
        search._PERSON_PAGES.clear()
        search._PERSON_PAGES.update(saved)


def test_a_supervisor_finds_their_team_member_by_payroll_but_not_a_stranger(client_as, team_member, stranger):
    client = client_as("supervisor")
    assert client.get(SEARCH, {"q": team_member.payroll_number})["Location"] == reverse("devices:my_team")
    response = client.get(SEARCH, {"q": stranger.payroll_number})
    assert response.status_code == 200 and response.context["groups"] == []


def test_a_leaver_case_number_goes_to_the_case(client_as, supervisor, team_member):
    case = LeaverCaseFactory(person=team_member)
    for role in ("supervisor", "tech_bar_staff"):
        response = client_as(role).get(SEARCH, {"q": f"LC{case.pk}"})
        assert response["Location"] == reverse("devices:leaver_case", args=[case.pk])


def test_a_kit_request_number_goes_to_the_request_but_not_for_the_data_office(client_as, team_member):
    kit_request = DeviceRequestFactory(requester=team_member)
    url = reverse("devices:request_detail", args=[kit_request.pk])
    for role in ("supervisor", "tech_bar_staff"):
        assert client_as(role).get(SEARCH, {"q": f"REQ-{kit_request.pk}"})["Location"] == url
    response = client_as("data_office").get(SEARCH, {"q": f"REQ-{kit_request.pk}"})
    assert response.status_code == 200 and response.context["groups"] == []


def test_someone_elses_kit_request_is_not_found_by_a_supervisor(client_as, stranger):
    kit_request = DeviceRequestFactory(requester=stranger)
    response = client_as("supervisor").get(SEARCH, {"q": f"request {kit_request.pk}"})
    assert response.status_code == 200 and response.context["groups"] == []


def test_an_incident_reference_goes_to_the_review_page_for_the_data_office_only(client_as, officer):
    incident = _incident(officer)
    response = client_as("data_office").get(SEARCH, {"q": incident.reference})
    assert response["Location"] == reverse("incidents:incident_review", args=[incident.pk])
    for role in ("tech_bar_staff", "supervisor", "portal_admin"):
        response = client_as(role).get(SEARCH, {"q": incident.reference})
        assert response.status_code == 200 and response.context["groups"] == [], role


# --- Results by kind, per role ------------------------------------------------------------------


def test_a_name_lists_people_cases_and_requests_grouped_for_the_tech_bar(client_as, team_member, stranger):
    LeaverCaseFactory(person=team_member)
    DeviceRequestFactory(requester=stranger)
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "marigold"})
    assert response.status_code == 200
    labels = _labels(response)
    assert set(labels) == {"People", "Leaver cases", "Kit requests"}
    assert len(labels["People"]) == 2
    page = response.content.decode()
    assert "Ashcombe" in page and "Beckwith" in page


def test_a_supervisor_finds_only_their_team(client_as, team_member, stranger):
    DeviceRequestFactory(requester=stranger)
    LeaverCaseFactory(person=team_member)
    LeaverCaseFactory(person=stranger, actor=UserFactory(roles=[Role.PORTAL_ADMIN]))
    labels = _labels(client_as("supervisor").get(SEARCH, {"q": "Marigold"}))
    assert all("Beckwith" not in label for group in labels.values() for label in group)
    assert any("Ashcombe" in label for label in labels["People"])
    assert "Kit requests" not in labels


def test_the_data_office_finds_no_people_cases_or_requests_but_finds_incidents(client_as, team_member, officer):
    DeviceRequestFactory(requester=team_member)
    LeaverCaseFactory(person=team_member)
    _incident(officer, summary="Marigold's notebook left on a train")
    labels = _labels(client_as("data_office").get(SEARCH, {"q": "marigold"}))
    assert set(labels) == {"Incidents"}


def test_partial_device_identifiers_list_devices(client_as):
    for _ in range(3):
        DeviceFactory()
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "KB"})
    assert response.status_code == 200
    assert len(_labels(response)["Devices"]) == 3


def test_each_group_is_capped_with_its_count(client_as):
    for _ in range(12):
        DeviceFactory()
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "KB"})
    (group,) = response.context["groups"]
    assert len(group.hits) == 10 and group.count == 12
    assert "first 10 of 12" in response.content.decode()


def test_no_match_says_so(client_as):
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "nothing like this"})
    assert response.status_code == 200 and "Nothing you may open matches" in response.content.decode()


@pytest.mark.parametrize("role", SEARCHERS)
def test_every_result_a_role_is_shown_opens_for_that_role(client_as, role, supervisor, team_member, stranger, officer):
    """Whatever a role's results list, following each of them answers 200: a result is never a
    page that refuses the person who was shown it."""
    for person in (team_member, stranger):
        AssignmentFactory(holder=person)
        DeviceRequestFactory(requester=person)
        LeaverCaseFactory(person=person, actor=UserFactory(roles=[Role.PORTAL_ADMIN]))
    _incident(officer, summary="Marigold's notebook left on a train")
    client = client_as(role)
    shown = []
    for term in ("marigold", "KB", "INC"):
        response = client.get(SEARCH, {"q": term})
        assert response.status_code == 200
        shown += [hit.url for group in response.context["groups"] for hit in group.hits]
    assert shown, f"{role} finds something to open"
    for url in shown:
        # The counter asks for the Tech Bar first when the session has none (a 302 to its start page).
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert response.request["PATH_INFO"] == url or url.startswith("/admin/devices/countervisit/counter/"), url


# --- Query count --------------------------------------------------------------------------------


def _people_with_kit(n, supervisor):
    for _ in range(n):
        person = UserFactory(first_name="Marigold", supervisor=supervisor)
        AssignmentFactory(holder=person)
        DeviceRequestFactory(requester=person)
        LeaverCaseFactory(person=person)


@pytest.mark.parametrize("role", ["tech_bar_staff", "supervisor"])
def test_a_search_costs_the_same_at_2_or_15_matches(client_as, supervisor, role, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _people_with_kit(2, supervisor)
    client = client_as(role)
    client.get(SEARCH)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(SEARCH, {"q": "marigold"}).status_code == 200
    _people_with_kit(13, supervisor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(SEARCH, {"q": "marigold"})
    assert response.status_code == 200
    assert all(len(group.hits) == 10 for group in response.context["groups"])


@pytest.mark.postgres
def test_names_are_searched_through_the_trigram_indexes_on_postgresql():
    from django.db import connection

    from portal.models import User
    from portal.search import name_filter

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = User.objects.filter(name_filter("marigold")).explain()
    assert "portal_user_first_name_trgm" in plan and "portal_user_last_name_trgm" in plan


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["KB000123", "356938035643809", "07700 900123", "SN-ABC-123"])
def test_device_identifiers_are_looked_up_through_indexes_on_postgresql(term):
    """The exact lookup and the partial one each use an index on every column they OR together:
    neither walks the devices table, however many devices there are."""
    from django.db import connection

    from devices.search import devices_matching, devices_named_exactly

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for queryset in (devices_named_exactly(term), devices_matching(term)):
        plan = queryset.explain()
        assert "Seq Scan on devices_device" not in plan, plan


@pytest.mark.postgres
def test_people_are_found_by_payroll_number_start_through_an_index_on_postgresql():
    from django.db import connection
    from django.db.models import Q

    from portal.models import User
    from portal.search import name_filter

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = User.objects.filter(name_filter("p0001") | Q(payroll_number__istartswith="p0001")).explain()
    assert "Seq Scan on portal_user" not in plan, plan


# --- Who gets the box: the providers say ----------------------------------------------------------


def test_a_command_unit_lead_gets_the_box_and_finds_their_units_leaver_cases(client_as, officer):
    """A lead who holds no searching role opens their unit's leaver cases (can_view_leaver_case),
    so the leaver-case provider lets them search: the box, and those cases; no people, no requests."""
    from devices.models import CommandUnitLead

    CommandUnitLead.objects.create(command_unit="Northern BCU", lead=officer)
    leaver = UserFactory(first_name="Marigold", last_name="Ashcombe", command_unit="Northern BCU")
    elsewhere = UserFactory(first_name="Marigold", last_name="Beckwith", command_unit="Southern BCU")
    case = LeaverCaseFactory(person=leaver, actor=UserFactory(roles=[Role.PORTAL_ADMIN]))
    LeaverCaseFactory(person=elsewhere, actor=UserFactory(roles=[Role.PORTAL_ADMIN]))
    client = client_as("officer")
    page = client.get(reverse("portal:home")).content.decode()
    assert 'role="search"' in page and f'action="{SEARCH}"' in page
    response = client.get(SEARCH, {"q": "marigold"})
    assert response.status_code == 200
    (group,) = response.context["groups"]
    assert group.kind == "Leaver cases" and [hit.url for hit in group.hits] == [
        reverse("devices:leaver_case", args=[case.pk])
    ]
    assert client.get(group.hits[0].url).status_code == 200
    assert client.get(SEARCH, {"q": f"LC{case.pk}"})["Location"] == reverse("devices:leaver_case", args=[case.pk])


def test_may_search_is_any_providers_answer(officer, supervisor, tech_bar_staff, data_office):
    from portal.search import may_search

    assert not may_search(officer)
    assert all(may_search(user) for user in (supervisor, tech_bar_staff, data_office))


def test_the_boxs_answer_is_kept_at_sign_in_and_never_writes_the_session_itself(client, officer, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.search import SESSION_KEY

    for person, answer in ((officer, False), (supervisor, True)):
        client.force_login(person)  # the sign-in writes the session, the box's answer with it
        assert client.session[SESSION_KEY][0::2] == [person.pk, answer]
        session = client.session
        del session[SESSION_KEY]  # as if kept too long ago
        session.save()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("portal:home"))
        assert response.status_code == 200
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
        assert not [sql for sql in writes if "django_session" in sql]  # asked again, not written
        assert (f'action="{SEARCH}"' in response.content.decode()) is answer


# --- The term's shape picks the providers -------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "kinds"),
    [
        ("356938035643809", {"Devices"}),  # an IMEI
        ("8944100000000000017", {"Devices"}),  # a SIM ICCID
        ("07700 900123", {"Devices"}),  # a phone number as typed
        ("jane smi", {"People", "Leaver cases", "Kit requests", "Incidents"}),  # a name
        ("marigold", {"Devices", "People", "Leaver cases", "Kit requests", "Incidents"}),  # a word: a tag too
        ("P000123", {"Devices", "People", "Leaver cases", "Kit requests"}),  # a payroll number or tag
        ("REQ-12", {"Kit requests"}),
        ("request 12", {"Kit requests"}),
        ("LC12", {"Leaver cases"}),
        ("INC-00012", {"Incidents"}),
    ],
)
def test_a_term_goes_only_to_the_kinds_that_could_hold_it(term, kinds):
    from portal import search

    providers = sorted(search._PROVIDERS.values(), key=lambda p: p.order)
    assert {p.kind for p in search.providers_for_term(providers, search.Term(term))} == kinds


def test_an_imei_asks_a_supervisor_nothing(client_as, team_member):
    """A supervisor opens no device: an IMEI (no name, no payroll number) costs their search no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("supervisor")
    client.get(SEARCH)
    with CaptureQueriesContext(connection) as searched:
        response = client.get(SEARCH, {"q": "356938035643809"})
    assert response.status_code == 200 and response.context["groups"] == []
    looked_up = [q["sql"] for q in searched.captured_queries if "LIKE" in q["sql"] or "UPPER(" in q["sql"]]
    assert not looked_up, looked_up


# --- The first page -----------------------------------------------------------------------------


def test_the_first_page_is_in_order_with_descending_keys():
    from portal.models import User
    from portal.search import first_page

    for first, last in [("Ann", "Bell"), ("Cy", "Bell"), ("Bo", "Abel"), ("Di", "Bell")]:
        UserFactory(first_name=first, last_name=last)
    page = first_page(
        User.objects.filter(last_name__in=["Bell", "Abel"]), order_by=("last_name", "-first_name"), limit=3
    )
    assert [(row["last_name"], row["first_name"]) for row in page.rows] == [
        ("Abel", "Bo"),
        ("Bell", "Di"),
        ("Bell", "Cy"),
    ]
    assert (page.count, page.more) == (4, False)


def test_more_matches_than_are_counted_say_over(client_as, monkeypatch):
    from portal import search

    monkeypatch.setattr(search, "COUNT_CAP", 4)
    devices = [DeviceFactory() for _ in range(6)]
    response = client_as("tech_bar_staff").get(SEARCH, {"q": "KB"})
    (group,) = response.context["groups"]
    assert group.more and group.count == 4
    assert [hit.label for hit in group.hits] == sorted(d.asset_tag for d in devices)
    assert "first 6 of over 4" in response.content.decode()


@pytest.mark.postgres
def test_identifier_starts_use_the_prefix_btrees_on_postgresql():
    """The start of an IMEI, a SIM ICCID, an MDM id or a payroll number is a range of a pattern
    btree (any collation), not a trigram index (devices 0019, portal 0013)."""
    from django.db import connection
    from django.db.models import Q

    from devices.search import devices_matching
    from portal.models import User

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # bitmap scans: each index named
    plan = devices_matching("35693803").explain()
    assert "devices_device_imei_prefix" in plan and "devices_device_sim_iccid_prefix" in plan, plan
    assert "devices_device_mdm_id_prefix" in devices_matching("0f7c0001-aaaa").explain()
    assert "portal_user_payroll_prefix" in User.objects.filter(Q(payroll_number__istartswith="p0001")).explain()


@pytest.mark.postgres
def test_every_trigram_index_keeps_a_short_pending_list_on_postgresql():
    """gin_pending_list_limit = 64 kB on each trigram index: autovacuum is off on the force's server,
    and a long unmerged pending list is read through by every search."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "WHERE i.schemaname = current_schema() AND i.indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexes = dict(cursor.fetchall())
    assert indexes, "the trigram indexes exist"
    assert {name: opts for name, opts in indexes.items() if "gin_pending_list_limit=64" not in (opts or [])} == {}
