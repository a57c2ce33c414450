"""After sign-out or a session timeout, drafts kept in the browser's storage are wiped: the next
person at a shared terminal must not find someone else's half-written incident report."""

import pytest

from tests.conftest import sign_in

LOGIN = "/accounts/login/"
DRAFT = "kitbag-incident-7-unsaved"


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_script_that_forgets_drafts(client):
    # Sign-out and every timeout land here (LOGOUT_REDIRECT_URL, SessionTimeoutMiddleware).
    assert "js/forget-drafts.js" in client.get(LOGIN).content.decode()


def _storage(page):
    return page.evaluate("() => [Object.keys(localStorage).sort(), Object.keys(sessionStorage).sort()]")


def _keep_a_draft(page):
    page.evaluate(
        """() => {
        localStorage.setItem('kitbag-incident-7-unsaved', '{"version": "", "data": {"summary": ["x"]}}');
        sessionStorage.setItem('kitbag-incident-7-unsaved', 'x');
        localStorage.setItem('someone-elses-key', 'kept');
    }"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_out_forgets_drafts_in_the_browser(page, live_server, officer, settings):
    sign_in(page, live_server, officer)
    _keep_a_draft(page)
    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}{LOGIN}")
    assert _storage(page) == [["someone-elses-key"], []]

    # A session that timed out: the next page load is sent to sign in, and the draft goes too.
    sign_in(page, live_server, officer)
    _keep_a_draft(page)
    settings.SESSION_IDLE_TIMEOUT = -1
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("load")
    assert page.url.startswith(f"{live_server.url}{LOGIN}")
    assert _storage(page) == [["someone-elses-key"], []]
