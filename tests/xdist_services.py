"""Each pytest-xdist worker gets its own Redis database (loaded with `-p`, before Django's settings).

pytest-django already gives each worker its own test database (`test_<name>_gw0`, ...), but the
Redis broker and cache are named by URL: two workers on one Redis database would take each
other's Celery tasks, and a test that empties its broker (`flushdb`) or its cache (`cache.clear()`)
would empty the other worker's. So worker gwK moves CELERY_BROKER_URL and REDIS_URL from
database N to N+K: a run with `redis://.../6` and two workers uses databases 6 and 7. This has to
change the environment, not just Django's settings: the settings read it at import, Celery reads
CELERY_BROKER_URL itself, and the real worker processes the tests start inherit it.

A serial run (no xdist, as `make drills`) is left exactly as it was.
"""

import os
import re

REDIS_DATABASES = 16  # redis-server's default `databases`
_URL = re.compile(r"^(?P<head>rediss?://[^/]*)(?:/(?P<db>\d*))?(?P<tail>\?.*)?$")


def worker_index() -> int | None:
    """0 for gw0, 1 for gw1, ...; None outside an xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def redis_url_for_worker(url: str, index: int) -> str:
    """`url` moved on by `index` Redis databases; any other URL (filesystem://, memory://) as it is."""
    match = _URL.match(url)
    if not match:
        return url
    database = int(match["db"] or 0) + index
    if database >= REDIS_DATABASES:
        raise RuntimeError(
            f"xdist worker gw{index} would use Redis database {database} of {url}, but Redis has "
            f"{REDIS_DATABASES}: start from a lower database or run fewer workers (-n)"
        )
    return f"{match['head']}/{database}{match['tail'] or ''}"


def _move_to_worker_databases() -> None:
    index = worker_index()
    if index is None:
        return
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        if os.environ.get(name):
            os.environ[name] = redis_url_for_worker(os.environ[name], index)


_move_to_worker_databases()
