"""Each scan at the counter as its script sends it (X-Counter-Fragment: the lists alone, placing
the device or refusing it): server time through the test client, on the first scan of a visit, on
a second with one already on the list (checked again at every scan), and on an unknown code."""

from django.urls import reverse

from bench.flows import _counter_people_and_devices
from bench.measure import client_for, time_call
from devices.counter.views import SESSION_KEY
from devices.models import Device, TechBar
from portal.models import User

FRAGMENT = {"X-Counter-Fragment": "1"}
TARGET_MS = 15


def measure_scans(*, repeat: int = 30, log=print) -> dict:
    staff = User.objects.get(payroll_number="TB001")
    # A Tech Bar with devices still in stock (the scan-to-issue rounds empty the first one at a small scale).
    bar = TechBar.objects.filter(devices__asset_tag__startswith="BN", devices__status="in_stock").order_by("-pk")
    bar = bar.first()
    client = client_for(staff)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()
    people, _ = _counter_people_and_devices(bar, 1)
    tags = list(
        Device.objects.filter(asset_tag__startswith="BN", status="in_stock", tech_bar=bar, model__retired=False)
        .order_by("pk")
        .values_list("asset_tag", flat=True)[:2]
    )
    if not people or len(tags) < 2:
        log(f"  counter scans: {len(people)} person, {len(tags)} devices in stock: not measured")
        return {}
    url = reverse("admin:devices_counter_person", kwargs={"payroll": people[0].payroll_number})
    first, second = tags
    rows = {}
    for name, data in (
        ("each scan: the first of a visit", {"code": first}),
        # Placed, or refused when the Tech Bar stocks one kind (FAQ 7: one of a kind at a time).
        ("each scan: the second, one on the list", {"give": [first], "code": second}),
        ("each scan: refused (no such device)", {"give": [first], "code": "BN-NOWHERE"}),
    ):

        def post(d=data):
            return client.post(url, d, headers=FRAGMENT)

        p50, p95, queries, response = time_call(post, repeat=repeat)
        rows[name] = {"p50": p50, "p95": p95, "queries": queries, "status": response.status_code}
    return rows


def report_scans(rows: dict) -> str:
    if not rows:
        return ""
    lines = [
        "",
        "## Counter: each scan (the lists alone, as the counter's script sends it)",
        "",
        "| scan | p50 ms | p95 ms | queries | HTTP | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, row in rows.items():
        verdict = "met" if row["p95"] < TARGET_MS else "MISSED"
        lines.append(
            f"| {name} | {row['p50']:.1f} | {row['p95']:.1f} | {row['queries']} | {row['status']} "
            f"| p95 < {TARGET_MS}: {verdict} |"
        )
    return "\n".join(lines) + "\n"
