"""`make bench` at a tiny scale: the seed keeps every constraint, is the same twice, and every page
it measures answers 200. No timings are asserted (CI machines differ); the bench prints them."""

import pytest

from bench import seed
from bench.run import run
from devices.models import Assignment, Device, DeviceEvent
from portal import audit_chain
from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SCALE = 0.002  # 100 people, 120 devices, 2,000 history events


def test_the_bench_seeds_once_measures_every_page_and_writes_its_table(tmp_path):
    out = tmp_path / "results.md"
    text = run(scale=SCALE, repeat=2, out=str(out))

    n = seed.sizes(SCALE)
    assert User.objects.filter(payroll_number__startswith="B0").count() == n["people"]
    assert Device.objects.filter(asset_tag__startswith="BN").count() == n["devices"]
    assert DeviceEvent.objects.filter(device__asset_tag__startswith="BN").count() == n["events"]
    open_now = Assignment.objects.filter(device__asset_tag__startswith="BN", returned_at=None)
    assert open_now.count() == Device.objects.filter(asset_tag__startswith="BN", status="issued").count()
    assert seed.seeded(SCALE)
    # The COPY continues the audit chains (portal.audit_chain) rather than breaking them.
    assert all(audit_chain.first_break(model)[1] is None for model in audit_chain.chained_models())

    assert out.read_text() == text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| page")]
    assert len(rows) == 22
    assert "HTTP" not in text, text  # every page and every admin baseline answered 200
    assert "| devices list p1 |" in text
    assert "| compliance table p1 |" in text
