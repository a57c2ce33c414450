"""Fixtures shared by every test: a fixed clock, people in each role, a clean cache, and the
real-services gates.

Tests marked `postgres`, `redis` or `browser` need those services. Outside CI a missing one is
skipped with the reason printed; where KITBAG_REQUIRE names it (CI does), a missing one fails.

Every other test runs on a clock that starts at FIXED_NOW (see `fixed_clock`), so the suite
means the same at 14:00 and at 23:30, on a clock-change night and on New Year's Eve.
"""

import datetime
import importlib
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from portal.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory

REQUIRED = {s.strip() for s in os.environ.get("KITBAG_REQUIRE", "").split(",") if s.strip()}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_reachable() -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return False, f"CELERY_BROKER_URL is {url.split(':')[0]}://, not redis:// (set it to run this test)"
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True, ""
    except OSError as exc:
        return False, f"Redis at {parsed.hostname}:{parsed.port} is not answering ({exc})"


def _service_missing(service: str) -> str:
    """Why this run cannot serve `service`, or '' when it can."""
    if service == "postgres":
        if connection.vendor != "postgresql":
            return "this run uses SQLite; set DATABASE_URL=postgres://... to run it"
        return ""
    if service == "redis":
        ok, why = _redis_reachable()
        return "" if ok else why
    if service == "browser":
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            return f"no chromium at {CHROMIUM} (apt-get install chromium)"
        return ""
    return ""


# A fault drill (tests/drills) needs both PostgreSQL and Redis, whether or not it says so itself.
IMPLIED_SERVICES = {"drill": ("postgres", "redis")}


def pytest_collection_modifyitems(config, items):
    """The fault drills run only when asked for (`-m drill`, as `make drills` does): the ordinary
    runs, SQLite or PostgreSQL, leave them out rather than skip or run them twice."""
    if "drill" in (config.option.markexpr or ""):
        return
    drills = [item for item in items if item.get_closest_marker("drill")]
    if drills:
        config.hook.pytest_deselected(items=drills)
        items[:] = [item for item in items if not item.get_closest_marker("drill")]


def _services_needed(node) -> list[str]:
    needed = [s for s in ("postgres", "redis", "browser") if node.get_closest_marker(s) is not None]
    for marker, services in IMPLIED_SERVICES.items():
        if node.get_closest_marker(marker) is not None:
            needed += [s for s in services if s not in needed]
    return needed


@pytest.fixture(autouse=True)
def _real_services(request):
    for service in _services_needed(request.node):
        why = _service_missing(service)
        if why:
            if service in REQUIRED:
                pytest.fail(f"{service} is required in this run (KITBAG_REQUIRE) but {why}")
            pytest.skip(f"needs {service}: {why}")


# The suite's one clock. A Wednesday morning in British Summer Time: far from midnight, month
# ends and clock changes. Tests about those instants travel to them by name, through
# `freeze_clock(instant)` below (a named constant in the module says why that instant).
FIXED_NOW = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)
# The devices tests' instant: a weekday afternoon in winter (GMT, London and UTC agree), kept
# because their expected dates and times were written for it.
WINTER_AFTERNOON = datetime.datetime(2026, 1, 14, 15, 0, tzinfo=datetime.UTC)
WALL_CLOCK_MARKERS = ("real_clock", "postgres", "redis", "browser", "drill")


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Every test starts at FIXED_NOW and time moves on from there (tick=True, so waits and
    timeouts still work); `clock.move_to(...)` / `clock.shift(...)` move it.

    Tests that meet another process's or the database server's clock (real workers, a live
    browser, PostgreSQL's now()) cannot be moved and keep the wall clock: those marked
    `postgres`, `redis`, `browser` or `real_clock`. The escalation timers compare due times with
    the database's clock in production; on the fixed clock they read the application's clock,
    which time-machine moves (tests/incidents/test_timers.py proves the database clock itself).
    """
    if any(request.node.get_closest_marker(marker) for marker in WALL_CLOCK_MARKERS):
        yield None
        return
    settings_fixture = request.getfixturevalue("settings")
    settings_fixture.TIMER_CLOCK = "application"
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def freeze_clock(settings):
    """freeze_clock(instant=FIXED_NOW) -> a time-machine traveller that stands the clock still at
    `instant` (use it as a context manager; `.move_to`/`.shift` move it on). The timers read the
    application's clock while it stands, whether or not the test also meets a real server."""

    def _freeze(instant: datetime.datetime = FIXED_NOW):
        settings.TIMER_CLOCK = "application"
        return time_machine.travel(instant, tick=False)

    return _freeze


@pytest.fixture(autouse=True, scope="session")
def _no_persistent_connections():
    """Threads (live server, workers) close their connections after each request, so the test
    database can be dropped at the end of a PostgreSQL run."""
    from django.db import connections

    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
        connections[alias].settings_dict["CONN_MAX_AGE"] = 0
    yield


@pytest.fixture(autouse=True, scope="session")
def _celery_broker_for_tests():
    """Unit tests never leave messages in the developer's file-system broker: use memory unless
    this run names a real broker (the Redis leg of CI)."""
    from portal.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        app.conf.broker_url = "memory://"
        app.conf.broker_transport_options = {}
    yield


def _restore_seeded_rows():
    """Rows that migrations seed (the leaver property kinds, the standard kit) are emptied by the
    flush that ends every transactional test; Django's post_migrate restores only the roles. Put
    them back (idempotently) so a transactional test sees the database as migrations left it."""
    from django.apps import apps

    for module, seed in (("0009_leavers", "seed_property_kinds"), ("0010_kit_requests", "seed_standard_kit")):
        getattr(importlib.import_module(f"devices.migrations.{module}"), seed)(apps, None)


@pytest.fixture(autouse=True)
def _kept_reads_outlast_the_test(settings):
    # What is kept for a few seconds or a minute of wall-clock time (the policies' versions in
    # effect, a filter's choices) is kept for the whole test: a test that compares the queries of
    # two requests with a bulk insert between them must not see a read come back because the
    # insert took longer than that on a busy machine (it did in CI). Each test starts afresh
    # (_clear_cache); the tests of the expiry itself set these as they need.
    settings.POLICY_VERSIONS_KEEP_SECONDS = 3600
    settings.FILTER_CHOICES_CACHE_SECONDS = 3600


@pytest.fixture(autouse=True)
def _clear_cache(request):
    # Rate limits live in the cache, which (without REDIS_URL) is a database table.
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
        request.getfixturevalue("transactional_db" if transactional else "db")
        if transactional:
            _restore_seeded_rows()
        cache.clear()
    # The policies' versions in effect, kept per process (policy.selectors.in_effect).
    from policy.selectors.in_effect import forget

    forget()
    yield


@pytest.fixture
def mail_delivered_at_once(monkeypatch):
    """Email in the outbox is delivered as soon as its transaction commits, as a worker would
    (without this, unit tests only queue rows: no broker runs the delivery task)."""
    from portal import outbox

    monkeypatch.setattr(outbox, "dispatch", lambda ids: outbox.deliver(ids=ids))


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def officer(db):
    return UserFactory(roles=[Role.OFFICER])


@pytest.fixture
def supervisor(db):
    return UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], rank_or_grade="Sergeant")


@pytest.fixture
def tech_bar_staff(db):
    return UserFactory(roles=[Role.TECH_BAR], is_staff=True, rank_or_grade="ICT Technician")


@pytest.fixture
def data_office(db):
    # is_staff: the incidents admin (read-only) is theirs
    return UserFactory(roles=[Role.DATA_OFFICE], is_staff=True, rank_or_grade="Data Protection Officer")


@pytest.fixture
def portal_admin(db):
    return UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True, rank_or_grade="ICT Manager")


ROLE_FIXTURES = ["anonymous", "officer", "supervisor", "tech_bar_staff", "data_office", "portal_admin"]


@pytest.fixture
def client_as(client, request):
    """client_as("officer") -> a test client signed in as that role's fixture user."""

    def _client_as(role_fixture: str):
        if role_fixture == "anonymous":
            return client
        user = request.getfixturevalue(role_fixture)
        client.force_login(user)
        return client

    return _client_as


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Browser tests -----------------------------------------------------------------------
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}  # a common phone screen, in CSS pixels
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def browser(request, monkeypatch):
    """Debian's chromium, headless, driven by Playwright (never a downloaded browser)."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("tests that use the browser fixture must be marked @pytest.mark.browser")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are
    # in another thread, but fixtures set up here touch the ORM from this one.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # for this test only
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, live_server, user, password=DEFAULT_PASSWORD):
    """Sign in through the real sign-in form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Payroll or warrant number, or email address").fill(user.payroll_number)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS}})
    assert results.violations_count == 0, results.generate_report()
