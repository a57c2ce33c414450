"""`make bench` at a tiny scale: the seed keeps every constraint, is the same twice, and every page
it measures answers 200. No timings are asserted (CI machines differ); the bench prints them."""

import pytest

from bench import seed
from bench.run import run
from devices.models import Assignment, CounterVisit, Device, DeviceEvent, LeaverCase, LeaverLine, LeaverStep
from incidents.models import Incident, IncidentEvent, IncidentStep
from policy.models import Acknowledgement, PolicyVersion
from portal import audit_chain
from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SCALE = 0.002  # 100 people, 120 devices, 2,000 history events


def test_the_bench_seeds_once_measures_every_page_and_writes_its_table(tmp_path, monkeypatch):
    # gunicorn would not see this test's uncommitted rows: the HTTP section is measured by `make bench` only.
    monkeypatch.setenv("BENCH_HTTP_SECONDS", "0")
    out = tmp_path / "results.md"
    text = run(scale=SCALE, repeat=2, out=str(out))

    n = seed.sizes(SCALE)
    assert User.objects.filter(payroll_number__startswith="B0").count() == n["people"]
    assert Device.objects.filter(asset_tag__startswith="BN").count() == n["devices"]
    # The counter rounds measured add one event a visit (issue, then return).
    visits = CounterVisit.objects.filter(person__payroll_number__startswith="B0").count()
    assert visits > 0
    assert DeviceEvent.objects.filter(device__asset_tag__startswith="BN").count() == n["events"] + visits
    open_now = Assignment.objects.filter(device__asset_tag__startswith="BN", returned_at=None)
    assert open_now.count() == Device.objects.filter(asset_tag__startswith="BN", status="issued").count()
    assert seed.seeded(SCALE)
    # Three published versions; the bench people's acknowledgements to the size (rounded per version).
    assert PolicyVersion.objects.exclude(published_at=None).count() == 3
    bench_acks = Acknowledgement.objects.filter(user__payroll_number__startswith="B0").count()
    assert abs(bench_acks - n["acknowledgements"]) <= 2
    incidents = Incident.objects.filter(summary__startswith="Bench incident")
    assert incidents.count() == n["incidents"]
    assert IncidentStep.objects.filter(incident__in=incidents).count() == 4 * n["incidents"]
    assert IncidentEvent.objects.filter(incident__in=incidents).count() > 4 * n["incidents"]
    cases = LeaverCase.objects.filter(person__payroll_number__startswith="B0")
    assert cases.count() == n["leaver_cases"]
    assert cases.filter(status="open").exists() and cases.filter(status="closed").exists()
    assert LeaverLine.objects.filter(case__in=cases).count() >= n["leaver_cases"]
    assert LeaverStep.objects.filter(case__in=cases).count() == 4 * n["leaver_cases"]
    # The COPY continues the audit chains (portal.audit_chain) rather than breaking them.
    assert all(audit_chain.first_break(model)[1] is None for model in audit_chain.chained_models())

    assert out.read_text() == text
    page_table = text.split("\n## ")[0]
    rows = [line for line in page_table.splitlines() if line.startswith("| ") and not line.startswith("| page")]
    # 22 pages and baselines, the activity report twice, the search box 12 times (4 terms, 3 roles)
    assert len(rows) == 36
    assert "HTTP" not in page_table, text  # every page and every admin baseline answered 200
    assert "| devices list p1 |" in text
    assert "| activity report p1 |" in text and "| activity report filtered |" in text
    # The search box: an exact identifier the role may open answers 302 (HTTP would be noted otherwise).
    assert "| search IMEI (TB001) |" in text and "| search partial name (SUP001) |" in text
    assert "| compliance table p1 |" in text
    # The flows: the counter rounds all answered as a counter does, the import created every row
    # and was rolled back (the seed is as measured).
    assert "| scan-to-issue |" in text and "round(s) failed" not in text, text
    assert "| 100 | 100 |" in text, text
    assert not Device.objects.filter(asset_tag__startswith="MDM5").exists()
    assert "## Throughput over HTTP" in text
    # The exports and the timers: measured, each with its rows (not "not measured").
    assert "| device list XLSX job (all devices) |" in text and "| compliance CSV (all people) |" in text, text
    assert "## Timers: one sweep" in text and "| steps_per_second |" in text, text
    assert "Not in this checkout" not in text, text
