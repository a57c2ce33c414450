"""Seed, measure and report."""

import os
import platform
from datetime import UTC, datetime

from django.conf import settings
from django.test.utils import override_settings

from bench.seed import SEED_VERSION, ensure_seeded


def run(*, scale: float, repeat: int, out: str) -> str:
    seed = ensure_seeded(scale)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, STORAGES=storages
    ):
        from bench.pages import measure_pages

        print("measuring pages ...")
        pages = measure_pages(repeat=repeat)
    text = report(scale=scale, repeat=repeat, seed=seed, pages=pages)
    with open(out, "w") as f:
        f.write(text)
    print(text)
    return text


def _ratio(a, b):
    return f"{a / b:.1f}" if a and b else "–"


def report(*, scale, repeat, seed, pages) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Kitbag force-scale benchmark",
        "",
        f"{now}; {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}); PostgreSQL; "
        f"scale {scale} (1.0 = issue 14's force); seed {SEED_VERSION}; {repeat} requests per row after 3 warm-up; "
        "Django test client in process; server time in ms. Load = 1-minute load average when the row ran.",
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
        "| target p95<150, ≤3× floor, ≤ admin |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in pages:
        ok = (
            r.p95 < 150
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
