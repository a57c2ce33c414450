"""The devices' search providers (devices.search) as a supervisor uses them: the leaver case and
kit request lookups by name or payroll number go through indexes, never a walk of the people table
(what they find is tested with the search page, tests/portal/test_search.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices import search as device_search
from portal import search
from portal.models import Role, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _walks_the_people(plan: str) -> bool:
    """The people table read by a seq scan (still chosen when disabled: its cost starts at 1e10),
    or through an index scanned whole (a bitmap index scan on it with no condition)."""
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        if "on portal_user" not in line:
            continue
        if "Seq Scan" in line or "cost=10000000" in line:
            return True
        if "Bitmap Index Scan" in line and (i + 1 >= len(lines) or "Index Cond" not in lines[i + 1]):
            return True
    return False


@pytest.mark.parametrize("term", ["marigold", "jane smi", "p0001234"])
@pytest.mark.parametrize("find", ["_leaver_find", "_request_find"])
def test_a_supervisors_lookups_use_indexes_on_postgresql(find, term):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    # Enough people, counted by ANALYZE, that the planner weighs a walk of them as it would at force scale.
    User.objects.bulk_create(
        User(
            payroll_number=f"B{n:06d}",
            email=f"b{n}@example.police.uk",
            first_name=f"First{n}",
            last_name=f"Last{n}",
            supervisor=supervisor,
        )
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE portal_user")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # bitmap scans: each shows its condition
    with CaptureQueriesContext(connection) as found:  # what the provider reads for its first page
        getattr(device_search, find)(supervisor, search.Term(term), 10)
    assert found.captured_queries
    with connection.cursor() as cursor:
        for query in found.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert not _walks_the_people(plan), plan
