"""A Portal admin lists a person's signed-in sessions and ends one or all of them, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from portal import services
from portal.models import SecurityEvent
from portal.selectors import sessions_of_person

pytestmark = pytest.mark.django_db


@pytest.fixture(
    autouse=True,
    params=["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
    ids=["db", "cached_db"],
)
def session_engine(request, settings):
    """Both engines the portal runs on: the database alone (embedded defaults), and the database
    behind the cache (with REDIS_URL, as in production). An ended session must end in the cache too."""
    settings.SESSION_ENGINE = request.param


def _signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    assert browser.get("/").status_code == 200
    return browser


def _url(person):
    return reverse("admin:portal_user_sessions", kwargs={"pk": person.pk})


def test_the_page_lists_only_the_persons_sessions_never_their_keys(client_as, officer, supervisor):
    laptop, phone = _signed_in(officer), _signed_in(officer)
    _signed_in(supervisor)
    response = client_as("portal_admin").get(_url(officer))
    assert response.status_code == 200
    html = response.content.decode()
    refs = [active.ref for _s, active in sessions_of_person(person=officer)]
    assert len(refs) == 2 and all(ref in html for ref in refs)
    assert "End all 2 sessions" in html
    for browser in (laptop, phone):
        assert browser.session.session_key not in html  # the bearer secret stays on the server


def test_ending_one_session_signs_that_browser_out_and_is_recorded(client_as, officer, portal_admin):
    laptop, phone = _signed_in(officer), _signed_in(officer)
    (laptop_ref,) = [
        a.ref for s, a in sessions_of_person(person=officer) if s.session_key == laptop.session.session_key
    ]
    admin = client_as("portal_admin")
    response = admin.post(_url(officer), {"end": laptop_ref})
    assert response.status_code == 302 and response.url == _url(officer)
    assert laptop.get("/").status_code == 302  # signed out: sent to sign in
    assert phone.get("/").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSIONS_ENDED)
    assert event.user == portal_admin and event.identifier == officer.payroll_number
    assert f"{portal_admin.payroll_number} ended 1 session(s)" in event.detail and laptop_ref in event.detail


def test_ending_all_sessions_signs_every_browser_out(client_as, officer):
    browsers = [_signed_in(officer) for _ in range(3)]
    admin = client_as("portal_admin")
    assert admin.post(_url(officer), {"end": "all"}).status_code == 302
    assert all(browser.get("/").status_code == 302 for browser in browsers)
    assert sessions_of_person(person=officer) == []
    assert "ended 3 session(s)" in SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSIONS_ENDED).detail
    assert admin.get("/admin/").status_code == 200  # the admin's own session is untouched


def test_an_already_ended_or_made_up_session_is_a_409_with_a_message_and_changes_nothing(client_as, officer):
    browser = _signed_in(officer)
    response = client_as("portal_admin").post(_url(officer), {"end": "0123456789abcdef"}, follow=False)
    assert response.status_code == 409
    assert "already ended" in response.content.decode()
    assert browser.get("/").status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSIONS_ENDED).exists()


def test_no_sessions_to_end_records_nothing(officer, portal_admin):
    assert services.sessions_end(actor=portal_admin, person=officer) == 0
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSIONS_ENDED).exists()


def test_an_unknown_person_is_404(client_as):
    assert (
        client_as("portal_admin").get(reverse("admin:portal_user_sessions", kwargs={"pk": 999999})).status_code == 404
    )


def test_the_persons_admin_page_links_to_their_sessions_for_portal_admins_only(client_as, officer):
    link = _url(officer)
    assert link in client_as("portal_admin").get(f"/admin/portal/user/{officer.pk}/change/").content.decode()
    counter = client_as("tech_bar_staff").get(f"/admin/portal/user/{officer.pk}/change/")
    assert counter.status_code == 200 and link not in counter.content.decode()
