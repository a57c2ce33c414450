"""Seed, measure and report."""

import dataclasses
import importlib
import importlib.util
import os
import platform
from datetime import UTC, datetime

from django.conf import settings
from django.test.utils import override_settings

from bench.seed import SEED_VERSION, ensure_seeded


def bench_settings():
    """The settings every in-process measure runs under: the bench's URLs (the plain admin beside
    the project's), the test client's host, plain static files."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return override_settings(
        ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, STORAGES=storages
    )


def run(*, scale: float, repeat: int, out: str) -> str:
    seed = ensure_seeded(scale)
    with bench_settings():
        from bench.flows import measure_counter, measure_import
        from bench.pages import measure_pages

        print("measuring pages ...")
        pages = measure_pages(repeat=repeat)
        print("measuring the counter ...")
        counter = measure_counter(rounds=repeat)
        scans = _optional("bench.counter_scan", "measure_scans", repeat=repeat)
        print("measuring the MDM import ...")
        imported = measure_import(rows=max(100, int(40_000 * scale)))
        # Other helpers' modules: measured when present in this checkout.
        # memory=False: a second run under tracemalloc would take over 10 minutes at full scale.
        exports = _optional("bench.exports", "measure_exports", memory=False)
        timers = _optional("bench.timers", "measure_timers", n=max(20, int(10_000 * scale)))
        figures = _optional("bench.figures", "measure_figures", repeat=repeat)
    from bench.http import measure_http

    print("measuring over HTTP (gunicorn, wrk) ...")
    seconds = int(os.environ.get("BENCH_HTTP_SECONDS", "60"))
    http = measure_http(seconds=seconds, users=max(50, int(15_000 * scale))) if seconds > 0 else {}
    text = report(scale=scale, repeat=repeat, seed=seed, pages=pages)
    text += report_flows(counter=counter, imported=imported, exports=exports, timers=timers)
    if scans:
        text += importlib.import_module("bench.counter_scan").report_scans(scans)
    text += report_http(http)
    text += kept_growth(out)
    text += figures or ""
    with open(out, "w") as f:
        f.write(text)
    print(text)
    return text


def kept_growth(out: str) -> str:
    """The growth section a scale sweep wrote into the results (bench.sweep), kept across runs."""
    from bench.sweep import GROWTH_END, GROWTH_START

    try:
        with open(out) as f:
            old = f.read()
    except FileNotFoundError:
        return ""
    start, end = old.find(GROWTH_START), old.find(GROWTH_END)
    if start < 0 or end < start:
        return ""
    return "\n" + old[start : end + len(GROWTH_END)] + "\n"


def _optional(module: str, name: str, **kwargs):
    if importlib.util.find_spec(module) is None:
        return None
    print(f"measuring {module} ...")
    return getattr(importlib.import_module(module), name)(**kwargs)


def _ms(value) -> str:
    return f"{value:.0f}" if value is not None else "–"


def _rows(result) -> list[str]:
    """A hook's result as a table: a dict is one row per key, a list of dicts (or dataclasses) one
    row per item."""
    if isinstance(result, dict):
        return ["| measure | value |", "|---|---:|", *(f"| {k} | {v} |" for k, v in result.items())]
    items = [dataclasses.asdict(item) if dataclasses.is_dataclass(item) else item for item in result or []]
    if not items or not isinstance(items[0], dict):
        return [f"- {item}" for item in items]
    keys = list(items[0])
    return [
        "| " + " | ".join(keys) + " |",
        "|" + "---|" * len(keys),
        *("| " + " | ".join(str(item.get(k, "")) for k in keys) + " |" for item in items),
    ]


def report_flows(*, counter, imported, exports, timers) -> str:
    lines = [
        "",
        "## Counter: scan payroll, scan device, issue; then return with a reason",
        "",
        f"Test client in process, one new person and device a round, {counter['rounds']} rounds after 3 warm-up.",
        "",
        "| flow | p50 ms | p95 ms | target |",
        "|---|---:|---:|---|",
        f"| scan-to-issue | {_ms(counter['issue_p50'])} | {_ms(counter['issue_p95'])} | p95 < 50: "
        + ("met" if counter["issue_p95"] is not None and counter["issue_p95"] < 50 else "MISSED")
        + " |",
        f"| return with a reason | {_ms(counter['return_p50'])} | {_ms(counter['return_p95'])} | – |",
    ]
    if counter.get("steps_p50"):
        lines += [
            "",
            "Scan-to-issue by step (p50 ms): " + "; ".join(f"{k} {v:.0f}" for k, v in counter["steps_p50"].items()),
        ]
    if not counter["rounds"]:
        from bench.sweep import NO_ROUNDS

        lines += ["", NO_ROUNDS[0].upper() + NO_ROUNDS[1:] + "."]
    if counter["failures"]:
        lines += ["", f"{len(counter['failures'])} round(s) failed: {'; '.join(counter['failures'][:3])}"]
    verdict = "met" if imported["ok"] and imported["seconds"] < 60 else "MISSED"
    lines += [
        "",
        "## MDM import",
        "",
        f"{imported['rows']:,} new phones from `demo_mdm_csv` through `devices_import` (what `import_devices` "
        "calls), inside a transaction rolled back afterwards so the seed stays as measured (the final commit "
        "is not timed).",
        "",
        f"| rows | created | seconds | target < 60 s |\n|---:|---:|---:|---|\n"
        f"| {imported['rows']:,} | {imported['created']:,} | {imported['seconds']:.1f} | {verdict} |",
    ]
    lines += ["", "## Exports: streamed CSV, and the XLSX as a worker's job (bench.exports)", ""]
    if exports is None:
        lines += ["Not in this checkout: not measured."]
    else:
        lines += [
            *_rows(exports),
            "",
            "ttfb: to the first CSV bytes (the XLSX job: to its progress page); total: to the last byte.",
        ]
    lines += ["", "## Timers: one sweep over the due escalation steps (bench.timers)", ""]
    if timers is None:
        lines += ["Not in this checkout: not measured."]
    else:
        met = timers["fired"] == timers["steps"] and timers["seconds"] < 60
        lines += [
            *_rows(timers),
            "",
            f"Target: 10,000 due steps all fired within 60 s: {'met' if met else 'MISSED'} (one sweep, in "
            "this process). In production beat sends a sweep every TIMER_SWEEP_SECONDS (60 s): one still "
            "running when the next starts on another worker shares the steps with it (each batch skips "
            "locked rows); the burst drill (`make drills`) measures that with 2 workers.",
        ]
    return "\n".join(lines) + "\n"


def report_http(http: dict) -> str:
    lines = ["", "## Throughput over HTTP (gunicorn, 2 workers; wrk, loopback)", ""]
    if not http:
        return "\n".join([*lines, "Not measured (wrk not installed, or BENCH_HTTP_SECONDS=0)."]) + "\n"
    a, h = http["accept"], http["home"]
    met = "met" if http["accepted_per_s"] >= 200 else "MISSED"
    lines += [
        f"wrk {http['seconds']} s a row, 4 threads of one connection; load {http['load']:.1f} when it started. "
        f"Acceptance: {http['sessions']:,} people who had not accepted the current version, one signed-in "
        "session each, GET the page then POST accept (a request/s counts both); accepted/s from the "
        "acknowledgement rows added.",
        "",
        "| flow | requests/s | p95 ms | requests | non-2xx/3xx | accepted/s | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| policy acceptance | {a['rps']:.0f} | {a['p95']:.0f} | {a['requests']} | {a['errors']} | "
        f"{http['accepted_per_s']:.0f} ({http['accepted']:,} rows) | ≥ 200 accepted/s: {met} |",
        f"| home page (OFF001, HTTP {http.get('home_status', '?')}) | {h['rps']:.0f} | {h['p95']:.0f} | "
        f"{h['requests']} | {h['errors']} | – | – |",
        "",
        f"The acknowledgement chain's advisory lock (portal.audit_chain, one per table, held from the seal "
        f"to the commit): {http['lock_share']:.0%} of the server's busy-backend samples (every 50 ms during "
        "the acceptance run) were waiting on it.",
    ]
    return "\n".join(lines) + "\n"


def _ratio(a, b):
    return f"{a / b:.1f}" if a and b else "–"


def report(*, scale, repeat, seed, pages) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Kitbag force-scale benchmark",
        "",
        f"{now}; {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}); PostgreSQL; "
        f"scale {scale} (1.0 = the force scale); seed {SEED_VERSION}; {repeat} requests per row after 3 warm-up; "
        "Django test client in process; server time in ms. Load = 1-minute load average when the row ran. "
        f"Cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} (REDIS_URL set: Redis, as in production).",
        "",
    ]
    if seed.get("seed_seconds"):
        lines += [
            f"Seeded in {seed['seed_seconds']:.0f} s: "
            + ", ".join(f"{k} {v}" for k, v in seed.items() if k != "seed_seconds"),
            "",
        ]
    lines += [
        "| page | p50 | p95 | queries | floor p50 | page/floor | admin p50 | admin queries | page/admin | load "
        "| target p95<150 (search<50), ≤3× floor, ≤ admin |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in pages:
        ok = (
            r.p95 < r.target_p95
            and (r.floor_p50 is None or r.p50 <= 3 * r.floor_p50)
            and (r.admin_p50 is None or r.p50 <= r.admin_p50)
        )
        floor = f"{r.floor_p50:.1f}" if r.floor_p50 is not None else "–"
        admin = f"{r.admin_p50:.0f}" if r.admin_p50 is not None else "–"
        verdict = ("met" if ok else "MISSED") + (f" ({'; '.join(r.notes)})" if r.notes else "")
        lines.append(
            f"| {r.name} | {r.p50:.0f} | {r.p95:.0f} | {r.queries} | {floor} | {_ratio(r.p50, r.floor_p50)} | "
            f"{admin} | {r.admin_queries if r.admin_queries is not None else '–'} | {_ratio(r.p50, r.admin_p50)} | "
            f"{r.load:.1f} | {verdict} |"
        )
    return "\n".join(lines) + "\n"
