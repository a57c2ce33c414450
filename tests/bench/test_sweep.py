"""bench/sweep.py's own logic, without a database: the scales and their databases, the growth
table's arithmetic and flags, the section kept in the results file, and the chart as a standalone
SVG. The measuring itself is what test_bench_smoke.py runs."""

from xml.dom import minidom

import pytest

from bench import seed, sweep
from bench.run import kept_growth


def _result(scale, *, page_p95, grows_p95, export_ms, export_rows, queries=10):
    return {
        "scale": scale,
        "sizes": seed.sizes(scale),
        "load": 0.5,
        "rows": [
            {"name": "devices list p1", "label": "devices list p1", "kind": "page", "p95": page_p95,
             "queries": 12, "notes": []},
            {"name": "devices list deep page", "label": f"devices list p{int(500 * scale)}", "kind": "page",
             "p95": grows_p95, "queries": queries, "notes": []},
            {"name": "counter: scan-to-issue", "label": "", "kind": "flow", "p95": 400.0 * scale, "queries": None,
             "notes": []},
            {"name": "device list CSV (all devices)", "label": "", "kind": "export", "ms": export_ms,
             "rows": export_rows, "queries": 6, "notes": []},
            {"name": "timer sweep", "label": "", "kind": "timer", "ms": 30_000.0, "rows": 10_000,
             "queries": 5.97, "notes": []},
        ],
    }  # fmt: skip


RESULTS = [
    _result(2.0, page_p95=66.0, grows_p95=150.0, export_ms=10_000.0, export_rows=120_000, queries=11),
    _result(0.25, page_p95=60.0, grows_p95=40.0, export_ms=1_250.0, export_rows=15_000),
    _result(1.0, page_p95=62.0, grows_p95=90.0, export_ms=5_000.0, export_rows=60_000),
]


def test_scales_are_parsed_sorted_and_each_has_its_own_database():
    assert sweep.parse_scales(" 2, 0.25,1,1") == [0.25, 1.0, 2.0]
    for bad in ("1", "a,b", "0,1", ""):
        with pytest.raises(SystemExit):
            sweep.parse_scales(bad)
    base = "postgres://postgres@127.0.0.1:5432/kitbag_bench"
    assert sweep.database_url(base, 1.0) == base  # shares make bench's seed at the force scale
    assert sweep.database_url(base, 0.25).endswith("/kitbag_bench_x0_25")
    assert sweep.database_url(base + "/", 2.0).endswith("/kitbag_bench_x2")
    assert sweep.ratio_pair([0.25, 1.0, 2.0]) == (2.0, 1.0)
    assert sweep.ratio_pair([0.01, 0.02, 0.04]) == (0.04, 0.02)
    assert sweep.ratio_pair([1.0]) is None


def test_a_deep_page_is_one_row_whatever_its_number():
    assert sweep.row_key("devices list p500") == "devices list deep page"
    assert sweep.row_key("compliance table p12") == "compliance table deep page"
    assert sweep.row_key("devices list p1") == "devices list p1"
    assert sweep.row_key("home (OFF001)") == "home (OFF001)"


def test_the_seed_is_scale_correct():
    twice = seed.sizes(2.0)
    assert (twice["people"], twice["devices"], twice["events"]) == (100_000, 120_000, 2_000_000)
    assert seed.sizes(1.0)["events"] == 1_000_000
    for scale in (0.25, 1.0, 2.0):
        n = seed.sizes(scale)
        # The custody history (three events a past assignment, one an open one, one a device
        # received) fits inside the events: remote actions fill the rest, so the total is exact.
        assert 3 * n["past_assignments"] + n["issued"] + n["devices"] <= n["events"]


def test_growth_flags_a_page_that_grows_and_reads_exports_per_row():
    rows = {row["name"]: row for row in sweep.growth_rows(RESULTS)}

    flat = rows["devices list p1"]
    assert flat["costs"] == [60.0, 62.0, 66.0]  # in scale order, whatever order they came in
    assert flat["ratio"] == pytest.approx(66 / 62) and not flat["flag"]
    deep = rows["devices list deep page"]
    assert deep["ratio"] == pytest.approx(150 / 90) and deep["flag"]
    assert deep["labels"] == ["devices list p125", "devices list p500", "devices list p1000"]
    # An export twice as long for twice the rows is linear: its cost per 1,000 rows is flat.
    export = rows["device list CSV (all devices)"]
    assert export["costs"] == pytest.approx([1000 * 1_250 / 15_000, 1000 * 5_000 / 60_000, 1000 * 10_000 / 120_000])
    assert export["ratio"] == pytest.approx(1.0) and not export["flag"]
    assert rows["timer sweep"]["ratio"] == pytest.approx(1.0)
    assert rows["counter: scan-to-issue"]["ratio"] == pytest.approx(2.0) and rows["counter: scan-to-issue"]["flag"]


def test_a_query_count_varies_when_a_page_adds_one_or_a_step_average_moves_over_2_percent():
    assert sweep.varies([12, 12, 13]) and not sweep.varies([12, 12, 12]) and not sweep.varies([None, 12])
    assert not sweep.varies([5.97, 5.99, 6.01]) and sweep.varies([5.97, 6.5])


def test_the_growth_section_is_a_table_with_its_findings():
    text = sweep.growth_section(RESULTS, repeat=30, timer_steps=10_000, databases=["a", "b", "c"], chart="growth.svg")

    assert text.startswith(sweep.GROWTH_START) and text.endswith(sweep.GROWTH_END)
    assert "| measure | 0.25x | 1x | 2x | growth 2x / 1x | queries | verdict |" in text
    assert "| devices list p1 | 60 | 62 | 66 | 1.06 | 12 | flat |" in text
    assert "FINDING: grows 1.67x" in text
    assert "Findings (growth over 1.25): devices list deep page, counter: scan-to-issue." in text
    assert "| counter: scan-to-issue | 100 | 400 | 800 | 2.00 | – | FINDING: grows 2.00x |" in text
    assert "0.25x 0.5, 1x 0.5, 2x 0.5." in text
    # A query count that changes with the data is named, with each scale's count in its cell.
    assert "| 10 / 10 / 11 |" in text
    assert "with the data (queries per step for the timer sweep): devices list deep page." in text
    assert "2x: 100,000 people, 120,000 devices, 2,000,000 events" in text
    assert (
        "| device list CSV (all devices) | 83.3 (15,000) | 83.3 (60,000) | 83.3 (120,000) | 1.00 | 6 | linear |" in text
    )
    assert "![p95 of each page at each scale](growth.svg)" in text
    assert "Not measured" not in text


def test_a_scale_that_failed_is_named_and_the_others_still_reported():
    text = sweep.growth_section(
        RESULTS[1:],
        repeat=30,
        timer_steps=10_000,
        databases=["a", "b"],
        chart="growth.svg",
        failed=["2x (exit code 1)"],
    )

    assert "Not measured, the run failed: 2x (exit code 1)." in text
    assert "| measure | 0.25x | 1x | growth 1x / 0.25x | queries | verdict |" in text


def test_the_section_replaces_the_last_and_make_bench_keeps_it(tmp_path):
    out = tmp_path / "results.md"
    out.write_text("# Kitbag force-scale benchmark\n\nthe pages\n")
    sweep.write_growth(str(out), f"{sweep.GROWTH_START}\nfirst\n{sweep.GROWTH_END}")
    sweep.write_growth(str(out), f"{sweep.GROWTH_START}\nsecond\n{sweep.GROWTH_END}")

    text = out.read_text()
    assert text.count(sweep.GROWTH_START) == 1 and "second" in text and "first" not in text
    assert text.startswith("# Kitbag force-scale benchmark\n\nthe pages\n")
    assert kept_growth(str(out)).strip() == f"{sweep.GROWTH_START}\nsecond\n{sweep.GROWTH_END}"
    assert kept_growth(str(tmp_path / "none.md")) == ""


def test_the_chart_is_a_standalone_svg_of_every_page_at_every_scale():
    svg = sweep.chart_svg(RESULTS)

    document = minidom.parseString(svg.encode())  # well-formed XML: opens as a file on its own
    root = document.documentElement
    assert root.tagName == "svg" and root.getAttribute("role") == "img"
    assert root.getAttribute("xmlns") == "http://www.w3.org/2000/svg"
    titles = [t.firstChild.data for t in document.getElementsByTagName("title") if t.firstChild]
    assert "devices list deep page, 2x: 150 ms" in titles
    assert "devices list p1, 0.25x: 60 ms" in titles
    # Pages only: an export's or the counter's seconds would flatten every page's bar.
    assert not any("CSV" in title or "counter" in title for title in titles)
    texts = [t.firstChild.data for t in document.getElementsByTagName("text") if t.firstChild]
    assert {"0.25x", "1x", "2x"} <= set(texts)
