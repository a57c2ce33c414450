"""Figures as of a date two years back at force scale (devices.figures): the people's dated history
seeded for three years (once: every bench person from three years back, a third of them moving
team, a few leaving and coming back), then the selector and the Figures page timed."""

import random
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.copy import copy_rows
from bench.measure import client_for, time_call
from portal.models import PersonHistory, Role, User

YEARS = 3


def seed_person_history(log=print) -> int:
    if PersonHistory.objects.filter(source="bench").exists():
        return 0
    started, rng, now = time.monotonic(), random.Random(24), timezone.now()
    start = now - timedelta(days=365 * YEARS)
    # Read first: the connection cannot run a query while its COPY is open.
    people = list(User.objects.filter(payroll_number__startswith="B").values_list("pk", "command_unit", "team"))

    def rows():
        for pk, unit, team in people:
            rank = "Police Staff" if rng.random() < 0.3 else "Police Constable"  # officers and staff apart
            yield (pk, start, unit, "Team 9999" if rng.random() < 0.33 else team, rank, True, "bench")
            if rng.random() < 0.33:
                yield (pk, start + timedelta(days=rng.randrange(30, 365 * YEARS - 30)), unit, team,
                       rank, True, "bench")  # fmt: skip
            if rng.random() < 0.02:
                left = start + timedelta(days=rng.randrange(30, 365 * YEARS - 60))
                yield (pk, left, unit, team, rank, False, "bench")
                yield (pk, left + timedelta(days=20), unit, team, rank, True, "bench")

    fields = ["person_id", "valid_from", "command_unit", "team", "rank_or_grade", "is_active", "source"]
    n = copy_rows(PersonHistory, fields, rows())
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{PersonHistory._meta.db_table}"')
    log(f"  person history {n} rows in {time.monotonic() - started:.1f} s")
    return n


def measure_figures(*, repeat: int = 20, **_ignored) -> str:
    """Seed the history if needed, time one set of figures two years back; the report's section."""
    from django.urls import reverse

    from devices.figures.selectors import answer_figures

    seeded = seed_person_history()
    as_of = timezone.now() - timedelta(days=730)
    p50, p95, queries, _ = time_call(lambda: answer_figures(as_of=as_of), repeat=repeat)
    # One command unit, with a year's activity: the status and activity tables narrowed as things stood.
    unit = PersonHistory.objects.exclude(command_unit="").values_list("command_unit", flat=True).first() or ""
    year = {"range_start": as_of - timedelta(days=365), "range_end": as_of}
    u50, u95, uq, _ = time_call(lambda: answer_figures(as_of=as_of, command_unit=unit, **year), repeat=repeat)
    officer = User.objects.filter(groups__name=Role.DATA_OFFICE).first()
    page = {"as_of_date": timezone.localdate(as_of).isoformat()}
    client = client_for(officer)
    g50, g95, gq, response = time_call(lambda: client.get(reverse("devices:figures"), page), repeat=repeat)
    verdict = "met" if p95 < 1000 and g95 < 1000 and u95 < 1000 else "MISSED"
    return "\n".join(
        [
            "",
            "## Figures as of a date two years back (bench.figures)",
            "",
            f"Person history: {PersonHistory.objects.count():,} rows ({seeded:,} seeded for this run). "
            f"As of {as_of:%Y-%m-%d %H:%M} UTC, every command unit.",
            "",
            "| what | p50 ms | p95 ms | queries | target p95 < 1 s, constant queries |",
            "|---|---:|---:|---:|---|",
            f"| devices.figures.selectors.answer_figures | {p50:.0f} | {p95:.0f} | {queries} | {verdict} |",
            f"| Figures page (DO001, HTTP {response.status_code}) | {g50:.0f} | {g95:.0f} | {gq} | – |",
            f"| answer_figures in {unit}, a year's activity | {u50:.0f} | {u95:.0f} | {uq} | – |",
            "",
        ]
    )
