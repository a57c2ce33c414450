"""The database stops answering: a 503 page saying so (not a 500), in the admin's layout at the
counter, with what was posted kept in a form that sends it again (portal.unavailable). The real
outage, a PostgreSQL stopped mid-issue, is the drill in tests/drills/test_database_outage_drill.py."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from devices.counter import views as counter
from devices.models import CounterVisit
from portal.unavailable import is_database_unavailable
from tests.factories import UserFactory

MESSAGE = "The database is unavailable. Try again in a moment."


def _session_store():
    """The session engine's store in use: the database's, or with REDIS_URL the cache's in front of it."""
    return import_module(settings.SESSION_ENGINE).SessionStore


def hidden(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)


@pytest.fixture
def counter_client(tech_bar_staff):
    from devices.models import TechBar

    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    client = Client(raise_request_exception=False)
    client.force_login(tech_bar_staff)
    session = client.session
    session[counter.SESSION_KEY] = bar.pk
    session.save()
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_meeting_a_dead_database_answers_503_and_keeps_the_scan_list(counter_client, monkeypatch, error):
    person = UserFactory()

    def down(**kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(counter.counter_services, "counter_visit_confirm", down)
    url = reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})
    posted = {"take": ["KB000001"], "give": ["KB000002", "KB000003"], "confirmed": "yes", "action": "confirm"}
    # The codes are unknown here (refused by the scan): let the list through to the service.
    monkeypatch.setattr(counter.CounterScanList, "confirm_refusals", lambda self: [])

    response = counter_client.post(url, posted)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert MESSAGE in html
    assert 'id="site-name"' in html and "Kitbag administration and Tech Bar counters" in html  # the counter's layout
    kept = hidden(html)
    assert ("give", "KB000002") in kept and ("give", "KB000003") in kept and ("take", "KB000001") in kept
    assert ("confirmed", "yes") in kept and ("action", "confirm") in kept
    assert f'action="{url}"' in html
    assert not CounterVisit.objects.exists()


@pytest.mark.django_db
def test_a_dead_database_before_any_view_runs_is_a_503_too(counter_client, monkeypatch):
    """The session is read in a middleware: the error never reaches a view (handler500's turn)."""

    def down(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(_session_store(), "load", down)
    response = counter_client.get(reverse("admin:devices_counter"))
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert "Try again" in response.content.decode()


@pytest.mark.django_db
def test_the_portal_pages_get_the_plain_503_and_passwords_are_never_echoed(monkeypatch):
    def down(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(_session_store(), "load", down)
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32  # a returning browser: the session is read
    response = client.post("/accounts/login/", {"login": "P000001", "password": "correct horse"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Kitbag cannot reach its database just now" in html
    assert "correct horse" not in html and ("login", "P000001") in hidden(html)


def test_other_errors_are_not_mistaken_for_an_outage():
    assert not is_database_unavailable(ValueError("no"))
    assert not is_database_unavailable(None)
    try:
        try:
            raise OperationalError("gone")
        except OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_database_unavailable(outer)


def test_kept_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
