"""The benchmark's flows: the counter (scan payroll, scan device, issue; then return with a reason)
through the test client, and a 40,000-device MDM import through the import service."""

import contextlib
import io
import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.measure import client_for, percentile
from devices.counter.views import SESSION_KEY
from devices.demo import write_mdm_csv
from devices.imports.services.files import devices_import
from devices.models import Assignment, Device, TechBar
from policy.models import Acknowledgement, PolicyVersion
from portal.models import User


def _counter_people_and_devices(bar, n: int):
    current = PolicyVersion.objects.exclude(published_at=None).order_by("-published_at").first()
    people = list(
        User.objects.filter(payroll_number__startswith="B0", is_active=True)
        .filter(pk__in=Acknowledgement.objects.filter(version=current).values("user_id"))
        .exclude(pk__in=Assignment.objects.filter(returned_at=None).values("holder_id"))
        .exclude(leaver_cases__status="open")
        .order_by("pk")[:n]
    )
    devices = list(
        Device.objects.filter(asset_tag__startswith="BN", status="in_stock", tech_bar=bar).order_by("pk")[:n]
    )
    return people, devices


def measure_counter(*, rounds: int = 30, warmup: int = 3, log=print) -> dict:
    """Each round: a new person (who accepted the current conditions, holds nothing) and a device
    in stock at the Tech Bar. Scan-to-issue = GET the payroll scan (answered with the person's screen),
    POST the device scan, POST the confirmation; return = POST the device back with a reason.
    `steps_queries`: the queries of each scan-to-issue step, counted on the last warm-up round."""
    staff = User.objects.get(payroll_number="TB001")
    bar = TechBar.objects.filter(devices__asset_tag__startswith="BN").order_by("pk").first()
    client = client_for(staff)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()
    people, devices = _counter_people_and_devices(bar, rounds + warmup)
    start = reverse("admin:devices_counter")
    issue_ms, return_ms, failures = [], [], []
    steps_ms = {"payroll scan (GET: their screen)": [], "device scan (POST)": [], "confirm issue (POST)": []}
    steps_queries: dict[str, int] = {}
    for k, (person, device) in enumerate(zip(people, devices, strict=False)):
        url = reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})
        tag = device.asset_tag
        # The queries of each step, counted on the last warm-up round (never timed: the log costs).
        counting = k == max(warmup - 1, 0)
        logs = [CaptureQueriesContext(connection) if counting else contextlib.nullcontext() for _ in steps_ms]
        t0 = time.perf_counter()
        with logs[0]:
            found = client.get(start, {"payroll": person.payroll_number}, follow=True)
        ta = time.perf_counter()
        with logs[1]:
            scanned = client.post(url, {"code": tag}, headers={"X-Counter-Fragment": "1"})  # as the counter's script
        tb = time.perf_counter()
        with logs[2]:
            issued = client.post(url, {"give": tag, "confirmed": "yes", "action": "confirm"})
        t1 = time.perf_counter()
        if counting:
            steps_queries = {name: len(log.captured_queries) for name, log in zip(steps_ms, logs, strict=True)}
        back = client.post(
            url, {"take": tag, f"reason-{tag}": "no_longer_needed", "confirmed": "yes", "action": "confirm"}
        )
        t2 = time.perf_counter()
        codes = (found.status_code, scanned.status_code, issued.status_code, back.status_code)
        if codes != (200, 200, 302, 302):
            failures.append(f"{person.payroll_number}/{tag}: HTTP {codes}")
            continue
        if k >= warmup:
            issue_ms.append((t1 - t0) * 1000)
            return_ms.append((t2 - t1) * 1000)
            for name, ms in zip(steps_ms, ((ta - t0) * 1000, (tb - ta) * 1000, (t1 - tb) * 1000), strict=True):
                steps_ms[name].append(ms)
    if failures:
        log(f"  counter: {len(failures)} round(s) failed, e.g. {failures[0]}")
    return {
        "rounds": len(issue_ms),
        "issue_p50": statistics.median(issue_ms) if issue_ms else None,
        "issue_p95": percentile(issue_ms, 0.95) if issue_ms else None,
        "return_p50": statistics.median(return_ms) if return_ms else None,
        "return_p95": percentile(return_ms, 0.95) if return_ms else None,
        "failures": failures,
        "steps_p50": {name: statistics.median(ms) for name, ms in steps_ms.items() if ms},
        "steps_queries": steps_queries,
    }


def measure_import(*, rows: int = 40_000, log=print) -> dict:
    """An MDM CSV of `rows` new phones (`manage.py demo_mdm_csv`), through the service
    `manage.py import_devices` calls, in full, inside a transaction that is then rolled back: the
    measured seed is left as it was (the time excludes only the final commit)."""
    out = io.StringIO()
    write_mdm_csv(out, rows=rows, start=500_000)
    data = out.getvalue().encode()
    actor = User.objects.get(payroll_number="TB001")
    bar = TechBar.objects.order_by("pk").first()
    t0 = time.perf_counter()
    with transaction.atomic():
        report = devices_import(data=data, actor=actor, tech_bar=bar)
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    if not report.ok:
        log(f"  import refused: {report.errors[:3]}")
    return {"rows": rows, "seconds": seconds, "created": report.created, "ok": report.ok}
