"""`python -m bench` (what `make bench` runs): seed once, measure, write bench/results.md.

BENCH_DATABASE_URL picks the database (default kitbag_bench), BENCH_SCALE the size (1.0 = the force scale).
BENCH_SWEEP=0.25,1,2 (`make bench-sweep`) runs the scale sweep instead (bench.sweep): each scale in a
child of this command (BENCH_SWEEP_ONE names the file its figures go to) on a database of its own.
"""

import json
import os
import sys


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitbag_bench")
    if url.rstrip("/").rsplit("/", 1)[-1] == "test":
        raise SystemExit("The bench never runs on the database 'test'.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("KITBAG_ENVIRONMENT", "bench")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    out = os.environ.get("BENCH_RESULTS", "bench/results.md")
    sweep = os.environ.get("BENCH_SWEEP", "").strip()
    if sweep:
        from bench.sweep import TIMER_STEPS, parse_scales

        scales = parse_scales(sweep)
        steps = int(os.environ.get("BENCH_TIMER_STEPS", TIMER_STEPS))
        import django

        django.setup()  # the parent only draws the chart: each scale measures in its own child
        from bench.sweep import run_sweep

        run_sweep(scales=scales, base_url=url, repeat=repeat, timer_steps=steps, out=out)
        return 0
    _create_database(url)

    import django

    django.setup()
    if os.environ.get("BENCH_SWEEP_ONE"):
        from bench.sweep import TIMER_STEPS, measure_scale

        steps = int(os.environ.get("BENCH_TIMER_STEPS", TIMER_STEPS))
        result = measure_scale(scale=scale, repeat=repeat, timer_steps=steps)
        with open(os.environ["BENCH_SWEEP_ONE"], "w") as f:
            json.dump(result, f)
        return 0
    from bench.run import run

    run(scale=scale, repeat=repeat, out=out)
    return 0


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rstrip("/").rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
