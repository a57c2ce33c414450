"""The README's walkthrough, walked in Chromium on `seed_demo`'s data with the security policy on.

`walk` drives one paragraph: it signs in as the README's demo logins, and at each step checks the
page with axe, fails on any Content-Security-Policy violation, and keeps a screenshot in
`$KITBAG_ARTIFACTS_DIR/walkthrough/<test>/` (default `var/walkthrough/<test>/`, git-ignored).
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.conftest import assert_accessible

# Every securitypolicyviolation event from the first byte of each page on (as test_csp_browser).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def artifacts_dir() -> Path:
    base = os.environ.get("KITBAG_ARTIFACTS_DIR")
    return (Path(base) if base else Path(settings.BASE_DIR) / "var") / "walkthrough"


@pytest.fixture
def demo():
    """`manage.py seed_demo` into the test database; its printout (the counter hint) is returned."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


class Walk:
    def __init__(self, page, live_server, name: str):
        self.page = page
        self.url = live_server.url
        self.folder = artifacts_dir() / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0
        self.refused: list[str] = []
        page.on("console", self._console)
        page.add_init_script(LISTEN)

    def _console(self, msg):
        if "Content Security Policy" in msg.text:
            self.refused.append(f"{msg.location.get('url')}: {msg.text}")

    def go(self, path: str):
        self.page.goto(f"{self.url}{path}")
        return self.page

    def sign_in(self, payroll: str):
        """Sign out whoever is signed in, then sign in with the README's demo login."""
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label("Payroll or warrant number, or email address").fill(payroll)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/accounts/login/" not in page.url, f"{payroll} could not sign in"
        return page

    def accept_conditions(self, step: str = "conditions-of-use"):
        """The conditions-of-use gate that a demo officer or sergeant meets at first sign-in."""
        page = self.page
        expect(page.get_by_role("heading", level=1, name="ICT Conditions of Use")).to_be_visible()
        self.step(step)
        page.get_by_label(re.compile(r"I have read and accept the ICT Conditions of Use, version 2")).check()
        page.get_by_role("button", name="Accept and continue").click()
        page.wait_for_load_state("domcontentloaded")

    def step(self, name: str):
        """The page as it stands: no CSP violation, axe clean, and its screenshot kept."""
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        page.screenshot(path=str(self.folder / f"{self.steps:02d}-{name}.png"), full_page=True)
        violations = page.evaluate("window.__violations || []")
        assert violations == [] and self.refused == [], (name, page.url, violations, self.refused)
        assert_accessible(page)
        # axe-core's own probes (run through the driver, not the page) may trip the policy: only
        # what the page and the person's actions do counts, so start afresh after it.
        page.evaluate("window.__violations = []")
        self.refused.clear()
        return page


@pytest.fixture
def walk(page, live_server, request):
    return Walk(page, live_server, request.node.name)
