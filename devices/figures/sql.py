"""The SQL the figures share: where each person stood at an instant, and running a query with
instants as the backend stores them."""

# SQL here is put together from model metadata and constants only; every value is a parameter.
# ruff: noqa: S608

from datetime import datetime

from django.db import connection

from devices.figures.ranks import officer_sql
from portal.models import PersonHistory


def stood_cte() -> str:
    """`stood AS (...)`: each person's latest history row at or before the instant (one parameter),
    with 1 in `officer` for a police rank then (worked out for those rows only)."""
    history = PersonHistory._meta.db_table
    return f"""stood AS (
  SELECT person_id, command_unit, team, is_active, {officer_sql("rank_or_grade")} AS officer FROM (
    SELECT h.person_id, h.command_unit, h.team, h.is_active, h.rank_or_grade,
           ROW_NUMBER() OVER (PARTITION BY h.person_id ORDER BY h.valid_from DESC, h.id DESC) AS rn
    FROM {history} h WHERE h.valid_from <= %s
  ) latest WHERE rn = 1
)"""  # nosec B608


def unit_then(person_column: str, instant_column: str) -> str:
    """The command unit a person stood in at another row's instant: the latest of their history
    rows at or before it, on the (person, valid_from) index."""
    history = PersonHistory._meta.db_table
    return (
        f"(SELECT COALESCE(h.command_unit, '') FROM {history} h WHERE h.person_id = {person_column} "  # nosec B608
        f"AND h.valid_from <= {instant_column} ORDER BY h.valid_from DESC, h.id DESC LIMIT 1)"
    )


def rows(sql: str, params: list) -> list[tuple]:
    # Instants as the backend stores them (SQLite: naive UTC text, compared as text).
    params = [connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
