"""The front door: the demo logins on the sign-in page with DEBUG on and the demo data
there, never otherwise; and `manage.py demo_logins --when-ready` prints them once the web server
answers, after the worker's start-up output."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from devices.models import TechBar
from portal.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PANEL = 'id="demo-logins"'


@pytest.fixture
def demo_data():
    """The demo accounts as seed_demo makes them (the whole seed takes a while; these are what count)."""
    for payroll, first, last, rank, roles, staff in DEMO_LOGINS:
        user = UserFactory(
            payroll_number=payroll, first_name=first, last_name=last, rank_or_grade=rank, roles=roles, is_staff=staff
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, Force Headquarters")


def _sign_in_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    return response.content.decode()


def test_with_debug_on_and_the_demo_data_there_the_sign_in_page_lists_the_demo_logins(client, settings, demo_data):
    settings.DEBUG = True
    page = _sign_in_page(client)
    assert PANEL in page
    for payroll, first, last, *_ in DEMO_LOGINS:
        assert f"<code>{payroll}</code>" in page
        assert f"{first} {last}" in page
    assert f"<code>{DEMO_PASSWORD}</code>" in page
    assert "Data Office reviewer" in page  # each login says which role it shows


def test_with_debug_off_the_sign_in_page_never_lists_them(client, settings, demo_data):
    settings.DEBUG = False
    page = _sign_in_page(client)
    assert PANEL not in page
    assert DEMO_PASSWORD not in page and "OFF001" not in page


def test_without_the_demo_data_the_sign_in_page_lists_nothing(client, settings, officer):
    settings.DEBUG = True
    page = _sign_in_page(client)
    assert PANEL not in page and DEMO_PASSWORD not in page


class _Server:
    """A stand-in for `make run`'s web server: /health/ answers only on its third look (starting up)."""

    def __init__(self):
        self.seen = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server's name
                seen.append(self.path)
                self.send_response(200 if len(seen) >= 3 else 503)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web_server():
    server = _Server()
    yield server
    server.close()


def test_demo_logins_print_once_the_web_server_is_ready(web_server, demo_data):
    out = StringIO()
    call_command("demo_logins", when_ready=web_server.url, poll=0.01, settle=0, stdout=out)
    assert web_server.seen == ["/health/"] * 3  # asked until it answered, then no more
    printed = out.getvalue()
    assert "Demo logins (payroll number / password):" in printed
    for payroll, *_ in DEMO_LOGINS:
        assert payroll in printed
    assert DEMO_PASSWORD in printed


def test_demo_logins_give_up_when_the_web_server_never_answers(demo_data):
    closed = _Server()
    url = closed.url
    closed.close()
    out, err = StringIO(), StringIO()
    call_command("demo_logins", when_ready=url, timeout=0.2, poll=0.01, stdout=out, stderr=err)
    assert "did not answer within 0.2 s" in err.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()


def test_demo_logins_without_demo_data_say_how_to_load_it(officer):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "make seed" in out.getvalue() and DEMO_PASSWORD not in out.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_logins_panel_is_accessible_and_fits_a_phone(phone_page, live_server, settings, demo_data):
    settings.DEBUG = True
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    panel = page.get_by_role("complementary", name="Demo logins")
    assert "OFF001" in panel.inner_text() and DEMO_PASSWORD in panel.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    assert_accessible(page)
    # Signing in with what the panel shows works.
    page.get_by_label("Payroll or warrant number, or email address").fill("DO001")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" not in page.url
