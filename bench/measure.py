"""Server time (p50/p95) and query count of each page, beside the plain admin and the floor."""

import gc
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    name: str
    p50: float = 0.0
    p95: float = 0.0
    queries: int = 0
    status: int = 0
    floor_p50: float | None = None
    admin_p50: float | None = None
    admin_queries: int | None = None
    load: float = 0.0
    notes: list[str] = field(default_factory=list)
    target_p95: float = 150.0  # the page's own p95 target in ms (the header search: 50)


def _load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_call(fn, *, repeat: int, warmup: int = 3) -> tuple[float, float, int, object]:
    """p50 and p95 in ms of `fn()` over `repeat` calls after `warmup`, the queries of one call, its value."""
    for _ in range(warmup):
        value = fn()
    reset_queries()  # a full log (9,000 queries, from a seed or a sweep before) would count 0 below
    with CaptureQueriesContext(connection) as ctx:
        value = fn()
    queries = len(ctx.captured_queries)
    samples = []
    gc.collect()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    reset_queries()
    return statistics.median(samples), percentile(samples, 0.95), queries, value


def client_for(user, **extra) -> Client:
    client = Client(**extra)
    client.force_login(user)
    return client


def measure_page(
    name, client, url, *, repeat, floor=None, admin=None, headers=None, expect=200, target_p95=150.0
) -> Result:
    """`expect`: the status the page answers when it works (the search box's exact match: 302)."""
    headers = headers or {}

    def get(c=client, u=url):
        response = c.get(u, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

    p50, p95, queries, response = time_call(get, repeat=repeat)
    result = Result(name, p50, p95, queries, response.status_code, load=_load(), target_p95=target_p95)
    if response.status_code != expect:
        result.notes.append(f"HTTP {response.status_code}")
    if floor is not None:
        result.floor_p50 = time_call(lambda: list(floor()), repeat=repeat)[0]
    if admin is not None:
        admin_client, admin_url = admin
        a50, _a95, aq, aresp = time_call(lambda: admin_client.get(admin_url), repeat=repeat)
        result.admin_p50, result.admin_queries = a50, aq
        if aresp.status_code != 200:
            result.notes.append(f"admin HTTP {aresp.status_code}")
    return result
