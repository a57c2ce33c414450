"""The scale sweep: the same pages, the counter, a timer sweep of a fixed number of steps and the
exports at several sizes of the force (BENCH_SWEEP=0.25,1,2), each scale in its own cached seed
database and its own process. Cost should grow no faster than the work: a page's p95 should not
grow with the data at all, an export's time per row and a timer step's time should stay the same.
The growth table goes into bench/results.md (between its markers, kept by `make bench`) and a
chart of p95 against scale, drawn with the site's chart module, into bench/growth.svg."""

from __future__ import annotations

import json
import os
import re
import subprocess  # nosec B404 # this interpreter on `-m bench`, fixed arguments
import sys
import tempfile
from datetime import UTC, datetime
from html import escape

GROWTH_START = "<!-- growth: written by bench.sweep (make bench-sweep); make bench keeps it -->"
GROWTH_END = "<!-- /growth -->"
FLAG_RATIO = 1.25  # a page (or a row's cost) growing more than this for twice the data is a finding
TIMER_STEPS = 10_000
# Each counter round issues and returns one of the bench devices in stock at the first Tech Bar, and
# a returned device waits for triage: a database measured many times runs out of them.
NO_ROUNDS = "no rounds: no bench device left in stock at the Tech Bar (reseed this scale's database)"


# --- Scales and their databases ------------------------------------------------------------------
def parse_scales(text: str) -> list[float]:
    """ "0.25, 1,2" -> [0.25, 1.0, 2.0]: sorted, each once; anything else is refused."""
    try:
        scales = sorted({float(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise SystemExit(f"BENCH_SWEEP is a list of scales such as 0.25,1,2, not {text!r}") from None
    if len(scales) < 2 or scales[0] <= 0:
        raise SystemExit(f"BENCH_SWEEP needs two or more positive scales, not {text!r}")
    return scales


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def database_url(base_url: str, scale: float) -> str:
    """Scale 1.0 shares `make bench`'s own cached seed; any other scale has a database of its own
    beside it (kitbag_bench_x0_25, kitbag_bench_x2), seeded once and kept."""
    if scale == 1.0:
        return base_url
    base, name = base_url.rstrip("/").rsplit("/", 1)
    return f"{base}/{name}_x{scale_tag(scale)}"


def ratio_pair(scales: list[float]) -> tuple[float, float] | None:
    """The largest scale and the one nearest half of it: their ratio is the growth for 2x the data."""
    if len(scales) < 2:
        return None
    top = max(scales)
    base = min((s for s in scales if s != top), key=lambda s: abs(s - top / 2))
    return top, base


def row_key(name: str) -> str:
    """A page deep in a list is paged by its size ("devices list p300" at 0.25x, "p500" at 1x): one row."""
    match = re.fullmatch(r"(.*) p(\d+)", name)
    return f"{match.group(1)} deep page" if match and match.group(2) != "1" else name


# --- One scale, in its own process ---------------------------------------------------------------
def measure_scale(*, scale: float, repeat: int, timer_steps: int = TIMER_STEPS, log=print) -> dict:
    """Seed (or find the seed), then measure; a JSON-able dict of rows, each with its kind."""
    from bench.exports import measure_exports
    from bench.flows import measure_counter
    from bench.measure import _load
    from bench.pages import measure_pages
    from bench.run import bench_settings
    from bench.seed import ensure_seeded, sizes
    from bench.timers import measure_timers

    ensure_seeded(scale, log=log)
    with bench_settings():
        log(f"scale {scale:g}: pages ...")
        pages = measure_pages(repeat=repeat, log=log)
        log(f"scale {scale:g}: the counter ...")
        counter = measure_counter(rounds=repeat, log=log)
        log(f"scale {scale:g}: exports ...")
        exports = measure_exports(memory=False, log=log)
        log(f"scale {scale:g}: a timer sweep of {timer_steps} steps ...")
        timers = measure_timers(n=timer_steps)
    rows = [
        {"name": row_key(r.name), "label": r.name, "kind": "page", "p95": r.p95, "p50": r.p50, "queries": r.queries,
         "notes": r.notes}
        for r in pages
    ]  # fmt: skip
    counter_notes = counter["failures"][:1] or ([] if counter["rounds"] else [NO_ROUNDS])
    rows += [
        {"name": "counter: scan-to-issue", "label": "", "kind": "flow", "p95": counter["issue_p95"], "queries": None,
         "notes": counter_notes},
        {"name": "counter: return with a reason", "label": "", "kind": "flow", "p95": counter["return_p95"],
         "queries": None, "notes": []},
    ]  # fmt: skip
    rows += [
        {"name": e.name, "label": "", "kind": "export", "ms": e.total_ms, "rows": e.rows, "queries": e.queries,
         "notes": []}
        for e in exports
    ]  # fmt: skip
    unfired = [] if timers["fired"] == timers["steps"] else [f"{timers['steps'] - timers['fired']} steps did not fire"]
    rows.append(
        {"name": "timer sweep", "label": "", "kind": "timer", "ms": timers["seconds"] * 1000, "rows": timers["steps"],
         "queries": timers["queries_per_step"], "notes": unfired}
    )  # fmt: skip
    return {"scale": scale, "sizes": sizes(scale), "rows": rows, "load": _load()}


# --- The growth table ----------------------------------------------------------------------------
def cost(row: dict) -> float | None:
    """What a row is compared by: a page's or a counter flow's p95 in ms; an export's or the timer
    sweep's ms per 1,000 rows (steps), so that linear growth in rows reads as a flat line."""
    if row["kind"] in ("page", "flow"):
        return row["p95"]
    return row["ms"] * 1000 / row["rows"] if row["rows"] else None


def growth_rows(results: list[dict]) -> list[dict]:
    """One row per measure, in the order first measured: its cost at each scale, its queries at
    each scale, the ratio of the largest scale to its half and whether that is a finding."""
    results = sorted(results, key=lambda r: r["scale"])
    scales = [r["scale"] for r in results]
    pair = ratio_pair(scales)
    by_scale = {r["scale"]: {row["name"]: row for row in r["rows"]} for r in results}
    names = list(dict.fromkeys(row["name"] for r in results for row in r["rows"]))
    out = []
    for name in names:
        rows = [by_scale[s].get(name) for s in scales]
        kind = next(row["kind"] for row in rows if row)
        costs = [cost(row) if row else None for row in rows]
        ratio = None
        if pair:
            top, base = costs[scales.index(pair[0])], costs[scales.index(pair[1])]
            ratio = top / base if top is not None and base else None
        labels = [row["label"] for row in rows if row and row["label"] and row["label"] != name]
        out.append(
            {
                "name": name,
                "kind": kind,
                "costs": costs,
                "queries": [row["queries"] if row else None for row in rows],
                "rows": [row.get("rows") if row else None for row in rows],
                "ratio": ratio,
                "flag": ratio is not None and ratio > FLAG_RATIO,
                "labels": labels,
                "notes": sorted({note for row in rows if row for note in row["notes"]}),
            }
        )
    return out


def _num(value, digits=0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def varies(values: list) -> bool:
    """A page's query count that differs at all between scales; a timer step's average (a float)
    by more than 2%."""
    known = [v for v in values if v is not None]
    if not known:
        return False
    if all(float(v).is_integer() for v in known):
        return len(set(known)) > 1
    return max(known) > min(known) * 1.02


def _queries(values: list) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "–"
    return f"{known[0]:g}" if len(set(known)) == 1 else " / ".join("–" if v is None else f"{v:g}" for v in values)


def growth_section(
    results: list[dict], *, repeat: int, timer_steps: int, databases: list[str], chart: str, failed=()
) -> str:
    results = sorted(results, key=lambda r: r["scale"])
    scales = [r["scale"] for r in results]
    pair = ratio_pair(scales)
    ratio_head = f"{pair[0]:g}x / {pair[1]:g}x" if pair else "ratio"
    rows = growth_rows(results)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = "; ".join(
        f"{r['scale']:g}x: {r['sizes']['people']:,} people, {r['sizes']['devices']:,} devices, "
        f"{r['sizes']['events']:,} events"
        for r in results
    )
    lines = [
        GROWTH_START,
        "## Growth with scale (make bench-sweep)",
        "",
        f"{now}; {os.cpu_count()} CPUs; scales {', '.join(f'{s:g}' for s in scales)} (1 = the force), each "
        f"seeded once in its own database ({', '.join(databases)}) and measured in its own process; "
        f"{repeat} requests a page after 3 warm-up; a timer sweep of {timer_steps:,} due steps at every scale. "
        f"Sizes: {sizes}. Load (1-minute average) as each scale finished: "
        + ", ".join(
            f"{r['scale']:g}x {r['load']:.1f}" if r.get("load") is not None else f"{r['scale']:g}x –" for r in results
        )
        + ".",
        "",
        "Pages and the counter's flows: p95 ms. Exports: ms per 1,000 rows of the whole file (rows at each scale "
        "after it). Timer sweep: ms per 1,000 steps. Growth = the largest scale's figure over its half's: "
        f"a page should stay flat and an export or sweep grow no faster than its rows, so over {FLAG_RATIO} "
        "is a finding to fix or explain.",
        "",
        "| measure | " + " | ".join(f"{s:g}x" for s in scales) + f" | growth {ratio_head} | queries | verdict |",
        "|---|" + "---:|" * len(scales) + "---:|---|---|",
    ]
    for row in rows:
        cells = []
        for value, n in zip(row["costs"], row["rows"], strict=True):
            cells.append(_num(value, 0 if row["kind"] in ("page", "flow") else 1) + (f" ({n:,})" if n else ""))
        if row["ratio"] is None:
            verdict = "–"
        elif row["flag"]:
            verdict = f"FINDING: grows {row['ratio']:.2f}x"
        else:
            verdict = "flat" if row["kind"] in ("page", "flow") else "linear"
        if row["notes"]:
            verdict += f" ({'; '.join(row['notes'])})"
        name = row["name"] + (f" ({', '.join(dict.fromkeys(row['labels']))})" if row["labels"] else "")
        lines.append(
            f"| {name} | {' | '.join(cells)} | {_num(row['ratio'], 2)} | {_queries(row['queries'])} | {verdict} |"
        )
    flagged = [row["name"] for row in rows if row["flag"]]
    changed = [row["name"] for row in rows if varies(row["queries"])]
    if failed:
        lines += ["", "Not measured, the run failed: " + "; ".join(failed) + "."]
    lines += [
        "",
        f"Findings (growth over {FLAG_RATIO}): " + (", ".join(flagged) if flagged else "none") + ".",
        "Query counts that change with the data (queries per step for the timer sweep): "
        + (", ".join(changed) if changed else "none")
        + ".",
        "",
        f"![p95 of each page at each scale]({chart})",
        "",
        GROWTH_END,
    ]
    return "\n".join(lines)


def write_growth(out: str, section: str) -> None:
    """Put the section into the results file: in place of the last one, else at the end."""
    try:
        with open(out) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Kitbag force-scale benchmark\n"
    start, end = text.find(GROWTH_START), text.find(GROWTH_END)
    if start >= 0 and end > start:
        text = text[:start] + section + text[end + len(GROWTH_END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(out, "w") as f:
        f.write(text)


# --- The chart -----------------------------------------------------------------------------------
def chart_svg(results: list[dict]) -> str:
    """p95 of every page at each scale as grouped horizontal bars, drawn by portal.charts and its
    template; a standalone SVG file, so the key (a list beside the chart on a page) is drawn into it."""
    from django.template.loader import render_to_string

    from portal.charts import Series, bar_chart

    results = sorted(results, key=lambda r: r["scale"])
    rows = [row for row in growth_rows(results) if row["kind"] == "page" and None not in row["costs"]]
    chart = bar_chart(
        chart_id="bench-growth",
        title="Page p95 at each scale of the force",
        description="Server time (95th percentile, ms) of each page measured by the bench at each scale.",
        categories=[row["name"] for row in rows],
        series=[Series(f"{r['scale']:g}x", [round(row["costs"][i], 1) for row in rows]) for i, r in enumerate(results)],
        category_label="Page",
        value_label="p95 (ms)",
        unit="ms",
        horizontal=True,
        width=720,
    )
    html = render_to_string("portal/charts/chart.html", {"chart": chart})
    svg = re.search(r"<svg\b.*?</svg>", html, re.DOTALL).group(0)
    svg = svg.replace("The figures are in the table below the chart.", "The figures are in bench/results.md.")
    # The title and the key above the plot (on a page they are the figure's caption and a list).
    band = 40
    svg = svg.replace(
        f'viewBox="0 0 {chart.width} {chart.height}"', f'viewBox="0 0 {chart.width} {chart.height + band}"', 1
    ).replace('width="100%"', f'width="{chart.width}" height="{chart.height + band}"', 1)
    head = [f'<text x="8" y="14" font-size="13" font-weight="bold" fill="#0b0c0c">{escape(chart.title)} (ms)</text>']
    for i, item in enumerate(chart.legend):
        x = 8 + i * 80
        head.append(
            f'<rect x="{x}" y="20" width="14" height="14" fill="{item.fill}"/>'
            f'<text x="{x + 18}" y="31" font-size="11" fill="#0b0c0c">{escape(item.name)}</text>'
        )
    opening = svg.index(">", svg.index("</desc>")) + 1
    svg = (
        svg[:opening]
        + '<g class="kitbag-chart__key">'
        + "".join(head)
        + f'</g><g transform="translate(0 {band})">'
        + svg[opening : -len("</svg>")]
        + "</g></svg>"
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"


# --- The sweep -----------------------------------------------------------------------------------
def run_sweep(*, scales: list[float], base_url: str, repeat: int, timer_steps: int, out: str, log=print) -> str:
    """Each scale in a child `python -m bench` (BENCH_SWEEP_ONE names its JSON answer), then the
    growth section into `out`, the chart and the raw figures beside it."""
    results, databases, failed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            url = database_url(base_url, scale)
            databases.append(url.rsplit("/", 1)[-1])
            answer = os.path.join(tmp, f"{scale_tag(scale)}.json")
            env = {**os.environ, "BENCH_DATABASE_URL": url, "BENCH_SCALE": repr(scale), "BENCH_SWEEP_ONE": answer}
            env["BENCH_TIMER_STEPS"] = str(timer_steps)
            env.pop("BENCH_SWEEP", None)
            log(f"=== scale {scale:g} on {databases[-1]} ===")
            done = subprocess.run([sys.executable, "-m", "bench"], env=env, check=False)  # nosec B603
            if done.returncode != 0:  # the other scales still tell something: reported, not hidden
                failed.append(f"{scale:g}x (exit code {done.returncode}, its output above)")
                continue
            with open(answer) as f:
                results.append(json.load(f))
    if not results:
        raise SystemExit("The sweep measured no scale: " + "; ".join(failed))
    folder = os.path.dirname(out) or "."
    chart = "growth.svg"
    section = growth_section(
        results, repeat=repeat, timer_steps=timer_steps, databases=databases, chart=chart, failed=failed
    )
    write_growth(out, section)
    with open(os.path.join(folder, chart), "w") as f:
        f.write(chart_svg(results))
    with open(os.path.join(folder, "growth.json"), "w") as f:
        json.dump(results, f, indent=1)
    log(section)
    return section
