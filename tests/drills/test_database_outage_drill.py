"""Drill c: PostgreSQL stops for 10 seconds in the middle of a counter issue.

The server is the drills' PRIVATE PostgreSQL (.ci/drills starts it in a temporary directory on
port 55433; never the machine's 5432): stopped with `pg_ctl -m immediate` at the moment the
person's acceptance of the conditions of use has been written inside the issue's transaction.
The Tech Bar sees the 503 page (the database is unavailable, try again) with the scan list kept
in its form, nothing of the issue is half-written, and sending the kept form again once the
server is back completes the issue: one visit, one open assignment, one acknowledgement, and
the audit chains intact.
"""

import os
import re
import subprocess
import time

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from devices.counter.views import SESSION_KEY
from devices.demo import demo_imei
from devices.models import Assignment, CounterVisit, Device, DeviceModel, TechBar
from policy.models import Acknowledgement
from portal.models import Role
from tests.conftest import REQUIRED
from tests.drills.ladders import devices_held_twice, verify_audit
from tests.drills.results import record
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

pytestmark = pytest.mark.drill

OUTAGE_SECONDS = 10
MESSAGE = "The database is unavailable. Try again in a moment."


class PrivatePostgres:
    """pg_ctl on the drills' own server (its data directory from .ci/drills)."""

    def __init__(self, data: str, bin_dir: str, user: str):
        self.data, self.bin_dir, self.user = data, bin_dir, user
        self.running = True

    def _pg_ctl(self, *args: str) -> None:
        command = [os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data, "-w", *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-m", "immediate", "stop")  # as a crash or a fail-over would: no goodbye
        self.running = False

    def start(self) -> None:
        self._pg_ctl("-l", os.path.join(os.path.dirname(self.data), "postgres.log"), "start")
        self.running = True


@pytest.fixture
def private_postgres(transactional_db):
    data, port = os.environ.get("KITBAG_DRILL_PGDATA"), os.environ.get("KITBAG_DRILL_PG_PORT")
    why = ""
    if not data or not port:
        why = "needs the drills' private PostgreSQL (run `make drills`): KITBAG_DRILL_PGDATA is not set"
    elif str(connection.settings_dict["PORT"]) != port:
        why = f"the test database is not on the private PostgreSQL (port {port}); never stop a shared server"
    if why:
        if "postgres" in REQUIRED:
            pytest.fail(why)
        pytest.skip(why)
    server = PrivatePostgres(data, os.environ.get("KITBAG_DRILL_PGBIN", ""), os.environ.get("KITBAG_DRILL_PGUSER", ""))
    yield server
    if not server.running:  # the database must be back for the flush that ends the test
        server.start()


def hidden_fields(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_postgres_stopped_for_10_seconds_during_a_counter_issue(private_postgres):
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    staff = UserFactory(roles=[Role.TECH_BAR], is_staff=True, rank_or_grade="ICT Technician")
    version = published_version(by=UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True))
    accept(staff, version)
    person = UserFactory()
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(
        asset_tag="KB900001",
        serial_number="SN90000001",
        imei=demo_imei(900001),
        model=model,
        tech_bar=bar,
        mdm_enrolment_id="0f7c0001-aaaa-bbbb-cccc-000000900001",
    )
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()
    url = reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})

    scanned = client.post(url, {"code": phone.asset_tag})
    assert scanned.status_code == 200
    token = dict(hidden_fields(scanned.content.decode()))[f"shown-{version.pk}"]
    confirm = {"give": phone.asset_tag, f"shown-{version.pk}": token, "confirmed": "yes", "action": "confirm"}

    # The server goes as the issue is half done: the acceptance written, the visit not yet.
    def stop_postgres(sender, instance, created, **kwargs):
        if created and instance.user_id == person.pk and private_postgres.running:
            private_postgres.stop()

    post_save.connect(stop_postgres, sender=Acknowledgement, weak=False, dispatch_uid="drill-stop-postgres")
    try:
        refused = client.post(url, confirm)
    finally:
        post_save.disconnect(sender=Acknowledgement, dispatch_uid="drill-stop-postgres")
    stopped_at = time.monotonic()
    assert not private_postgres.running, "the issue never reached the acceptance"
    html = refused.content.decode()
    assert refused.status_code == 503, html[:2000]
    assert MESSAGE in html and 'id="site-name"' in html
    kept = hidden_fields(html)
    assert ("give", phone.asset_tag) in kept and ("confirmed", "yes") in kept

    # While it is down, the counter's pages say so too (the session cannot be read).
    assert client.get(url).status_code == 503

    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
    private_postgres.start()
    outage = time.monotonic() - stopped_at

    # Nothing half-written: no acceptance, no visit, the phone still in stock.
    half_written = (
        Acknowledgement.objects.filter(user=person).count()
        + CounterVisit.objects.filter(person=person).count()
        + Assignment.objects.filter(device=phone).count()
    )

    retried = client.post(url, as_post(kept))  # the 503 page's "Try again": the kept form, sent again
    visits = CounterVisit.objects.filter(person=person).count()
    open_assignments = Assignment.objects.filter(device=phone, holder=person, returned_at__isnull=True).count()
    acknowledgements = Acknowledgement.objects.filter(user=person, version=version).count()
    audit = verify_audit()
    record(
        "c. PostgreSQL stopped during a counter issue",
        steps=1,
        fired=min(visits, open_assignments),
        duplicates=max(0, visits - 1) + max(0, open_assignments - 1) + max(0, acknowledgements - 1),
        lost=int(acknowledgements == 0),
        seconds=outage,
        verify_audit=audit,
        page_while_down=refused.status_code,
        half_written_rows=half_written,
        retry_status=retried.status_code,
        devices_held_twice=devices_held_twice(),
    )
    assert half_written == 0, "the issue was half-written"
    assert retried.status_code == 302, retried.content.decode()[:2000]
    assert visits == open_assignments == acknowledgements == 1
    assert devices_held_twice() == 0
    assert audit == "ok", audit
    assert CounterVisit.objects.get(person=person).accepted_here.version == version
