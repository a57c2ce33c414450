"""A force-scale data set on top of the demo data, the same every time (fixed seed), by COPY.

Sizes are the force's, times BENCH_SCALE (1.0 = the force). A marker row records the seed version and
scale: a second `make bench` on the same database finds it and starts measuring at once.
"""

import itertools
import random
import time
from datetime import timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench import seed_cases
from bench.copy import copy_chained_rows, copy_rows, next_id, reset_sequence
from devices.models import Assignment, Device, DeviceEvent, DeviceModel, TechBar
from portal.models import User

SEED_VERSION = "bench-2"  # 2: three policy versions, incidents, leaver cases
RANDOM_SEED = 14

SIZES = {
    "people": 50_000,
    "units": 40,
    "teams": 1_000,
    "devices": 60_000,
    "models": 12,
    "tech_bars": 20,
    "issued": 36_000,  # devices held now (the FOI answer: 36,746 smartphones)
    "past_assignments": 200_000,
    "events": 1_000_000,
    "acknowledgements": 120_000,
    "incidents": 20_000,
    "leaver_cases": 5_000,
}
PASSWORD_HASH = "!bench"  # unusable: bench users sign in through force_login


def sizes(scale: float) -> dict[str, int]:
    fixed = {"units", "models", "tech_bars"}
    return {k: v if k in fixed else max(1, int(v * scale)) for k, v in SIZES.items()}


def _marker_table() -> None:
    with connection.cursor() as c:
        c.execute(
            "CREATE TABLE IF NOT EXISTS bench_marker (version text NOT NULL, scale double precision NOT NULL,"
            " seeded_at timestamptz NOT NULL DEFAULT now(), seconds double precision NOT NULL)"
        )


def seeded(scale: float) -> bool:
    _marker_table()
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM bench_marker WHERE version = %s AND scale = %s", [SEED_VERSION, scale])
        return c.fetchone() is not None


def ensure_seeded(scale: float, log=print) -> dict:
    """Migrate, then seed unless the marker says this database already holds this seed."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if seeded(scale):
        log(f"seed {SEED_VERSION} at scale {scale} already in the database: measuring at once")
        vacuum(log=log)
        return {"seed_seconds": None}
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM portal_user")
        if c.fetchone()[0] > 0:
            raise SystemExit(
                "The bench database holds other data (or another scale): drop it first, "
                "e.g. dropdb -h 127.0.0.1 -U postgres <name>"
            )
    started = time.monotonic()
    log("seeding the demo data ...")
    call_command("seed_demo", verbosity=0)
    log(f"seeding the force at scale {scale} ...")
    counts = seed_force(scale, log=log)
    seconds = time.monotonic() - started
    vacuum(log=log)
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO bench_marker (version, scale, seconds) VALUES (%s, %s, %s)", [SEED_VERSION, scale, seconds]
        )
    log(f"seeded in {seconds:.0f} s: {counts}")
    return {"seed_seconds": seconds, **counts}


def vacuum(log=print) -> None:
    """VACUUM (ANALYZE) the database before measuring, as autovacuum would have by then in production.

    A fresh seed (or one an earlier run wrote to) is unvacuumed: the visibility map is empty, so an
    index-only scan visits the heap, and each trigram GIN index still holds its pending list unmerged,
    which every search reads in full. Where autovacuum is off (it is on this machine's PostgreSQL),
    nothing else would ever clean them, and the bench would measure the housekeeping, not the pages.
    Inside a transaction (the bench's own tests) VACUUM is not allowed: ANALYZE alone there.
    """
    started = time.monotonic()
    with connection.cursor() as c:
        if connection.in_atomic_block:
            c.execute("ANALYZE")
        else:
            c.execute("VACUUM (ANALYZE)")
    log(f"vacuumed and analysed in {time.monotonic() - started:.0f} s")


def _catalogue(n: dict) -> tuple[list[DeviceModel], list[TechBar]]:
    models = list(DeviceModel.objects.order_by("pk"))
    kinds = ["smartphone", "smartphone", "smartphone", "tablet", "laptop"]
    for i in range(len(models), n["models"]):
        models.append(DeviceModel.objects.create(make="Bench", model_name=f"Model {i}", kind=kinds[i % len(kinds)]))
    bars = list(TechBar.objects.order_by("pk"))
    for i in range(len(bars), n["tech_bars"]):
        bars.append(TechBar.objects.create(code=f"bench-{i}", name=f"Bench Tech Bar {i:02d}"))
    return models, bars


@transaction.atomic
def seed_force(scale: float, log=print) -> dict:
    rng = random.Random(RANDOM_SEED)
    n = sizes(scale)
    now = timezone.now()
    models, bars = _catalogue(n)
    issuer = User.objects.get(payroll_number="TB001")

    # People: 40 command units of 25 teams; the first of each team supervises it.
    t = time.monotonic()
    first_id = next_id(User)
    per_team = max(1, n["people"] // n["teams"])
    people_ids = list(range(first_id, first_id + n["people"]))

    def people_rows():
        for i, pk in enumerate(people_ids):
            team_no = min(i // per_team, n["teams"] - 1)
            unit = f"Unit {team_no % n['units']:02d}"
            lead = people_ids[team_no * per_team] if team_no * per_team < len(people_ids) else None
            yield (
                pk, PASSWORD_HASH, f"B{i:07d}", f"First{i % 997}", f"Last{i % 1009}", f"b{i}@bench.police.example",
                "Police Constable", unit, f"Team {team_no:04d}", None if lead == pk else lead, None,
                True, False, False, False, now,
            )  # fmt: skip

    copy_rows(
        User,
        ["id", "password", "payroll_number", "first_name", "last_name", "email", "rank_or_grade", "command_unit",
         "team", "supervisor_id", "leaving_date", "is_active", "is_staff", "is_superuser", "local_sign_in_allowed",
         "date_joined"],
        people_rows(),
    )  # fmt: skip
    reset_sequence(User)
    log(f"  people {n['people']} in {time.monotonic() - t:.1f} s")

    # Devices: phones have a unique IMEI; `issued` of them are held now.
    t = time.monotonic()
    first_dev = next_id(Device)
    dev_ids = list(range(first_dev, first_dev + n["devices"]))
    issued = set(rng.sample(range(n["devices"]), min(n["issued"], n["devices"])))
    dev_model = [models[i % len(models)] for i in range(n["devices"])]

    def device_rows():
        for i, pk in enumerate(dev_ids):
            m = dev_model[i]
            phone = m.kind == "smartphone"
            bought = now.date() - timedelta(days=rng.randrange(30, 1400))
            yield (
                pk, f"BN{i:07d}", f"BSN{i:09d}", f"86{i:013d}" if phone else "", "", "", m.pk, f"bench-{i}", None,
                bought, bought + timedelta(days=4 * 365), bars[i % len(bars)].pk,
                "issued" if i in issued else "in_stock", now,
            )  # fmt: skip

    copy_rows(
        Device,
        ["id", "asset_tag", "serial_number", "imei", "phone_number", "sim_iccid", "model_id", "mdm_enrolment_id",
         "mdm_enrolled_on", "purchase_date", "end_of_life_date", "tech_bar_id", "status", "updated_at"],
        device_rows(),
    )  # fmt: skip
    reset_sequence(Device)
    log(f"  devices {n['devices']} in {time.monotonic() - t:.1f} s")

    # Assignments: past ones (returned, one after another per device), then the open ones.
    t = time.monotonic()
    events = []
    a_rows = []
    for k in range(n["past_assignments"]):
        i = k % n["devices"]
        round_no = k // n["devices"]
        start = now - timedelta(days=900 - round_no * 200 + rng.randrange(0, 60))
        end = start + timedelta(days=rng.randrange(20, 150))
        holder = people_ids[rng.randrange(len(people_ids))]
        bar = bars[i % len(bars)].pk
        a_rows.append((dev_ids[i], holder, start, issuer.pk, bar, end, issuer.pk, "no_longer_needed", "good"))
        events.append((dev_ids[i], "issued", issuer.pk, holder, bar, "in_stock", "issued", start))
        events.append((dev_ids[i], "returned", issuer.pk, holder, bar, "issued", "returned", end))
        events.append((dev_ids[i], "triaged", issuer.pk, None, bar, "returned", "in_stock", end + timedelta(hours=2)))
    for i in sorted(issued):
        start = now - timedelta(days=rng.randrange(1, 25))
        holder = people_ids[i % len(people_ids)]
        bar = bars[i % len(bars)].pk
        a_rows.append((dev_ids[i], holder, start, issuer.pk, bar, None, None, "", ""))
        events.append((dev_ids[i], "issued", issuer.pk, holder, bar, "in_stock", "issued", start))
    copy_rows(
        Assignment,
        ["device_id", "holder_id", "issued_at", "issued_by_id", "issued_at_tech_bar_id", "returned_at",
         "returned_by_id", "return_reason", "condition"],
        a_rows,
    )  # fmt: skip
    log(f"  assignments {len(a_rows)} in {time.monotonic() - t:.1f} s")

    # History: received for every device, the custody events above, remote actions to the total.
    t = time.monotonic()
    for i, pk in enumerate(dev_ids):
        events.append(
            (pk, "received", issuer.pk, None, bars[i % len(bars)].pk, "", "in_stock", now - timedelta(days=1000))
        )
    # Remote actions fill the history to its size (1,000,000 at the force scale), made as COPY
    # reads them rather than held in a list: at twice the force that is 1.3 million tuples saved.
    fill = max(0, n["events"] - len(events))

    def remote_actions():
        for k in range(fill):
            yield (
                dev_ids[k % n["devices"]], "remote_action", issuer.pk, None, None, "in_stock", "in_stock",
                now - timedelta(days=rng.randrange(1, 900)),
            )  # fmt: skip

    n_events = copy_chained_rows(
        DeviceEvent,
        ["device_id", "kind", "actor_id", "holder_id", "tech_bar_id", "from_status", "to_status", "note", "created_at"],
        ((*e[:7], "", e[7]) for e in itertools.chain(events, remote_actions())),
    )
    log(f"  device events {n_events} in {time.monotonic() - t:.1f} s")

    # Acknowledgements of three versions, incidents with their ladders, leaver cases (bench.seed_cases).
    t = time.monotonic()
    admin = User.objects.get(payroll_number="ADM001")
    acks = seed_cases.seed_policy(rng, people_ids, now, admin, n["acknowledgements"])
    log(f"  acknowledgements {acks} in {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    reviewer = User.objects.get(payroll_number="DO001")
    counts = seed_cases.seed_incidents(rng, people_ids, now, reviewer, n["incidents"])
    log(f"  {counts} in {time.monotonic() - t:.1f} s")
    t = time.monotonic()
    leavers = seed_cases.seed_leavers(rng, people_ids, now, issuer, n["leaver_cases"])
    log(f"  {leavers} in {time.monotonic() - t:.1f} s")
    return {
        "people": n["people"],
        "devices": n["devices"],
        "assignments": len(a_rows),
        "events": n_events,
        "acknowledgements": acks,
        **counts,
        **leavers,
    }
