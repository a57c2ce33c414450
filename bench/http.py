"""Throughput over HTTP: gunicorn with 2 workers on a free loopback port, wrk for a
fixed time on the policy acceptance flow (GET the page, POST accept; a different person each
time) and on the home page. Accepted per second is counted from the database."""

import os
import re
import shutil
import socket
import subprocess  # nosec B404 # gunicorn and wrk, fixed arguments, loopback only
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from django.contrib.auth import login
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from bench.pages import _up_to_date
from policy.models import Acknowledgement, Policy, PolicyVersion
from portal.models import User

CSRF = "benchcsrf" + "0" * 23  # a known 32-character csrftoken cookie, sent again as the form field
THREADS = 4  # one connection a thread, so a thread's GET and POST alternate on one connection

ACCEPT_LUA = """
local users = dofile("%(sessions)s")
local accept_path = "%(path)s"
local counter = 0
setup = function(thread) thread:set("first", counter); counter = counter + 1 end
init = function(args) i = first + 1; token = nil end
local function cookie() return "sessionid=" .. users[i] .. "; csrftoken=%(csrf)s" end
request = function()
  if token == nil then
    return wrk.format("GET", accept_path, {["Cookie"] = cookie()})
  end
  local body = "csrfmiddlewaretoken=%(csrf)s&shown=" .. token .. "&confirm=on"
  return wrk.format("POST", accept_path, {["Cookie"] = cookie(),
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
response = function(status, headers, body)
  if token == nil and status == 200 then
    token = string.match(body, 'name="shown" value="([^"]+)"')
    if token then return end
  end
  token = nil
  i = i + %(threads)d
  if i > #users then i = first + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %%d\\n", latency:percentile(95)))
end
"""

HOME_LUA = """
wrk.headers["Cookie"] = "sessionid=%(session)s"
done = function(summary, latency, requests)
  io.write(string.format("P95_US %%d\\n", latency:percentile(95)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_for(user) -> str:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    return request.session.session_key


def _sessions_like(model_key: str, users) -> list[str]:
    """One signed-in session a person, in bulk: `model_key`'s session data (as `login` left it,
    with whatever the portal's middleware keeps there) with the person's id and hash put in."""
    data = SessionStore(session_key=model_key).load()
    store = SessionStore()
    expiry = Session.objects.get(session_key=model_key).expire_date
    rows = []
    for user in users:
        key = store._get_new_session_key()
        encoded = store.encode({**data, "_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash()})
        rows.append(Session(session_key=key, session_data=encoded, expire_date=expiry))
    Session.objects.bulk_create(rows, batch_size=2000)
    return [row.session_key for row in rows]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, session: str) -> int:
    """The status `url` answers the session's person with, redirects not followed."""
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310 # loopback
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:  # nosec B310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _warm_up(url: str) -> None:
    """Wait until both workers answer (they import Django after the port opens)."""
    answered, deadline = 0, time.monotonic() + 120
    while answered < 10 and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=30).close()  # noqa: S310 # nosec B310 # loopback
            answered += 1
        except urllib.error.HTTPError:
            answered += 1
        except OSError:
            time.sleep(0.2)


class LockSampler(threading.Thread):
    """Samples pg_stat_activity every 50 ms while wrk runs: of the server's backends busy in a
    query, how many wait on an advisory lock (the hash chain's per-table lock, portal.audit_chain)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.active, self.waiting = threading.Event(), 0, 0

    def run(self):
        settings = connection.settings_dict
        dsn = (
            f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']} dbname={settings['NAME']}"
        )
        with psycopg.connect(dsn, autocommit=True, password=settings["PASSWORD"] or None) as conn:
            while not self.stop.wait(0.05):
                active, waiting = conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE wait_event = 'advisory')"
                    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
                self.active += active
                self.waiting += waiting


def _wrk(url: str, script: str, seconds: int) -> dict:
    out = subprocess.run(  # noqa: S603 # nosec B603
        [shutil.which("wrk"), f"-t{THREADS}", f"-c{THREADS}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    )  # fmt: skip
    text = out.stdout
    if " 0 requests in" in text or out.stderr.strip():
        print(f"  wrk said: {text.strip()} {out.stderr.strip()}"[:2000])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p95 = int(re.search(r"P95_US (\d+)", text).group(1)) / 1000
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p95": p95, "requests": total, "errors": int(non2xx.group(1)) if non2xx else 0}


def measure_http(*, seconds: int = 60, users: int = 15_000, log=print) -> dict:
    if shutil.which("wrk") is None:
        log("  wrk is not installed (make bench installs it): HTTP throughput not measured")
        return {}
    policy = Policy.objects.order_by("pk").first()
    current = PolicyVersion.objects.filter(policy=policy).exclude(published_at=None).order_by("-number").first()
    todo = list(
        User.objects.filter(payroll_number__startswith="B0", is_active=True)
        .exclude(pk__in=Acknowledgement.objects.filter(version=current).values("user_id"))
        .order_by("pk")[:users]
    )
    t = time.monotonic()
    officer = User.objects.get(payroll_number="OFF001")
    # The home row measures OFF001's home page: on a fresh seed (the grace period over) the gate
    # would send it to the acceptance page, a 302 several times cheaper than the page itself.
    _up_to_date([officer])
    home_session = _session_for(officer)
    sessions = _sessions_like(home_session, todo)
    log(f"  {len(sessions)} sessions in {time.monotonic() - t:.0f} s")
    work = Path(tempfile.mkdtemp(prefix="kitbag-bench-http-"))
    static = work / "static"
    env = {**os.environ, "STATIC_ROOT": str(static)}
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=600
    )
    (work / "sessions.lua").write_text("return {" + ",".join(f'"{s}"' for s in sessions) + "}\n")
    path = reverse("policy:accept", kwargs={"slug": policy.slug})
    values = {"sessions": work / "sessions.lua", "path": path, "csrf": CSRF, "threads": THREADS}
    (work / "accept.lua").write_text(ACCEPT_LUA % values)
    (work / "home.lua").write_text(HOME_LUA % {"session": home_session})
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 # nosec B603
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _warm_up(base + "/")
        home_status = _status(base + "/", home_session)
        if home_status != 200:
            log(f"  the home page answered OFF001 with HTTP {home_status}, not 200: the home row measures that")
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
        before = Acknowledgement.objects.filter(version=current).count()
        sampler = LockSampler()
        sampler.start()
        t = time.monotonic()
        accept = _wrk(base + path, str(work / "accept.lua"), seconds)
        elapsed = time.monotonic() - t
        sampler.stop.set()
        sampler.join()
        accepted = Acknowledgement.objects.filter(version=current).count() - before
        home = _wrk(base + "/", str(work / "home.lua"), seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        # The run's signed-in sessions go with it: left, each run added 15,000 rows that every
        # later sign-in, the admin's sessions page and the session cleanup would read past.
        Session.objects.filter(session_key__in=[home_session, *sessions]).delete()
    return {
        "seconds": seconds,
        "sessions": len(sessions),
        "accept": accept,
        "accepted": accepted,
        "accepted_per_s": accepted / elapsed,
        "home": home,
        "load": load,
        "lock_share": sampler.waiting / sampler.active if sampler.active else 0.0,
        "home_status": home_status,
    }
