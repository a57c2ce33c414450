"""`manage.py demo_logins`: print the demo logins. `make run` starts it beside the servers with
`--when-ready URL`, so the logins come after the web server answers and the worker's start-up
output, not 160 lines above it."""

import time
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_logins
from portal.management.commands.seed_demo import print_logins


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 # nosec B310 # http(s) only, checked in handle()
            return response.status == 200
    except (urllib.error.URLError, OSError):  # refused while it starts
        return False


class Command(BaseCommand):
    help = "Print the demo logins; with --when-ready URL, once the web server at URL is ready."

    def add_arguments(self, parser):
        parser.add_argument("--when-ready", metavar="URL", help="the web server's base URL, e.g. http://127.0.0.1:8000")
        parser.add_argument(
            "--timeout", type=float, default=180, help="seconds to wait for the web server to answer at all"
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=3,
            help="after the web server answers, seconds for the other processes' start-up output",
        )
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between two looks")

    def handle(self, *args, when_ready=None, timeout=180, settle=3, poll=0.5, **options):
        if when_ready:
            base = when_ready.rstrip("/")
            if not base.startswith(("http://", "https://")):
                raise CommandError(f"--when-ready wants the web server's http:// or https:// URL, not {base!r}.")
            if not self._wait(lambda: _answers(f"{base}/health/"), timeout, poll):
                self.stderr.write(f"The web server at {base} did not answer within {timeout:g} s.")
                return
            # Not /ready/: it is 503 until beat's first sweep, a minute on, and every look at it
            # logs an error line. The worker is up well before runserver's checks are done.
            time.sleep(settle)
        if not demo_logins():
            self.stdout.write("No demo data here: `make seed` (manage.py seed_demo) loads it.")
            return
        print_logins(self.stdout, self.style)

    @staticmethod
    def _wait(answered, seconds: float, poll: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            if answered():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
