"""Tamper-evident records: one hash chain per append-only table.

Each row of a chained table stores `row_hash`, the SHA-256 of its previous row's hash and its own
canonical content, and `prev_hash`, the row_hash of the row before it in that table (by primary
key). The chain is written with the row, in its transaction, by `seal` (one row) or `seal_many`
(a bulk insert), which first take a per-table lock so concurrent writers append one at a time:
on PostgreSQL a transaction-level advisory lock, held until the writer commits; SQLite writes
one transaction at a time anyway. `manage.py verify_audit` walks the chains.

Changing the columns of a chained table changes what is hashed: a migration that does so must
re-seal the table with `rechain` (what the migrations that introduced the chains do).
"""

import datetime
import decimal
import hashlib
import ipaddress
import json
import uuid
from dataclasses import dataclass

from django.db import connections, models, router, transaction

CHAIN_LOCK_CLASS = 4_711_726  # first key of pg_advisory_xact_lock(int, int): "the audit chains"
GENESIS = ""  # the prev_hash of a table's first row
HASH_FIELDS_EXCLUDED = {"id", "prev_hash", "row_hash"}
# Columns left out of a table's hash, by table (so historical models in migrations agree):
# a security event's user is set to NULL when that user is deleted (on_delete=SET_NULL); the
# identifier typed at sign-in stays hashed, and the PostgreSQL trigger allows only that update.
CHAIN_EXCLUDED = {"portal_securityevent": {"user", "user_id"}}


class ChainedQuerySet(models.QuerySet):
    """Rows of a chained table are inserted only: a bulk insert is sealed too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise ValueError(f"{self.model.__name__} rows are chained: insert only new rows, without conflicts.")
        with transaction.atomic(using=self.db):
            seal_many(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)


class ChainedRecord(models.Model):
    """Base for an append-only table whose rows form a hash chain (see the module docstring)."""

    prev_hash = models.CharField(max_length=64, blank=True, editable=False, help_text="The previous row's row_hash.")
    row_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of prev_hash and content."
    )

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The seal and the insert in one transaction; inside a caller's, no savepoint of its own
        # (two statements a row): a caller that must survive a failed insert takes its own savepoint.
        with transaction.atomic(using=using, savepoint=False):
            seal(self, using=using)
            super().save(*args, **kwargs)


def hashed_attnames(model) -> list[str]:
    """The columns hashed, in a fixed order (works on historical models in migrations too)."""
    excluded = HASH_FIELDS_EXCLUDED | CHAIN_EXCLUDED.get(model._meta.db_table, set())
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in excluded and f.name not in excluded]
    return sorted(names)


def _canonical(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _canonical_ip(value):
    return str(ipaddress.ip_address(value)) if value else value


def row_digest(model, values: dict, prev_hash: str) -> str:
    """SHA-256 of the previous row's hash and this row's canonical content (a dict attname -> value)."""
    content = {}
    ip_fields = {f.attname for f in model._meta.concrete_fields if isinstance(f, models.GenericIPAddressField)}
    for name in hashed_attnames(model):
        value = values[name]
        content[name] = _canonical_ip(value) if name in ip_fields else _canonical(value)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _values_of(obj) -> dict:
    return {name: getattr(obj, name) for name in hashed_attnames(type(obj))}


def _lock_and_last_hash(model, using: str) -> str:
    connection = connections[using]
    if connection.vendor == "postgresql":
        # The lock, then the read, in one round trip: two statements of one simple query. Each
        # statement takes its own snapshot (READ COMMITTED), so the read, which starts once the
        # lock is granted, sees the row of the writer who held the lock before and has committed.
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(%s, hashtext(%s)); "  # noqa: S608  # nosec B608 - table and column names from the model, quoted
                f"SELECT row_hash FROM {table} ORDER BY {pk} DESC LIMIT 1",
                [CHAIN_LOCK_CLASS, model._meta.db_table],
            )
            cursor.nextset()
            row = cursor.fetchone()
        return (row[0] if row else None) or GENESIS
    last = model._base_manager.using(using).order_by("-pk").values_list("row_hash", flat=True).first()
    return last or GENESIS


def last_hash(model, *, using: str = "default") -> str:
    """Lock the table's chain (until the transaction ends) and return its last row_hash."""
    return _lock_and_last_hash(model, using)


def seal(obj, *, using: str = "default") -> None:
    """Set a new row's prev_hash and row_hash. Call inside the transaction that inserts it, just
    before the insert: the table stays locked (PostgreSQL) until that transaction ends."""
    model = type(obj)
    obj.prev_hash = _lock_and_last_hash(model, using)
    obj.row_hash = row_digest(model, _values_of(obj), obj.prev_hash)


def seal_many(objs: list, *, using: str = "default") -> None:
    """`seal` for rows inserted together, in list order (the order bulk_create gives them keys)."""
    if not objs:
        return
    model = type(objs[0])
    prev = _lock_and_last_hash(model, using)
    for obj in objs:
        obj.prev_hash = prev
        obj.row_hash = prev = row_digest(model, _values_of(obj), prev)


@dataclass
class Break:
    table: str
    row_id: int
    problem: str

    def __str__(self):
        return f"{self.table}: row id {self.row_id}: {self.problem}"


def first_break(model, *, using: str = "default", chunk_size: int = 2000) -> tuple[int, Break | None]:
    """Walk a table's chain in key order: (rows checked, the first broken link or None)."""
    names = hashed_attnames(model)
    rows = model._base_manager.using(using).order_by("pk").values("pk", "prev_hash", "row_hash", *names)
    prev_hash, prev_pk, checked = GENESIS, None, 0
    table = model._meta.db_table
    for row in rows.iterator(chunk_size=chunk_size):
        checked += 1
        if row["prev_hash"] != prev_hash:
            after = f"row id {prev_pk}" if prev_pk is not None else "the start of the table"
            return checked, Break(
                table,
                row["pk"],
                f"prev_hash {row['prev_hash'][:12] or '(empty)'}… does not match the row_hash "
                f"{prev_hash[:12] or '(empty)'}… of {after} (a row removed, inserted or re-chained)",
            )
        computed = row_digest(model, row, row["prev_hash"])
        if computed != row["row_hash"]:
            return checked, Break(
                table,
                row["pk"],
                f"content does not match its row_hash (stored {row['row_hash'][:12] or '(empty)'}…, "
                f"computed {computed[:12]}…): the row was changed after it was written",
            )
        prev_hash, prev_pk = row["row_hash"], row["pk"]
    return checked, None


def rechain(model, *, using: str = "default", chunk_size: int = 2000) -> int:
    """(Re)compute the whole chain of a table from its rows as they are: for migrations only (it
    blesses whatever is there). Returns the number of rows sealed."""
    names = hashed_attnames(model)
    prev, done, batch = GENESIS, 0, []
    manager = model._base_manager.using(using)
    for row in manager.order_by("pk").values("pk", *names).iterator(chunk_size=chunk_size):
        row_hash = row_digest(model, row, prev)
        batch.append(model(pk=row["pk"], prev_hash=prev, row_hash=row_hash))
        prev = row_hash
        done += 1
        if len(batch) >= chunk_size:
            manager.bulk_update(batch, ["prev_hash", "row_hash"])
            batch = []
    if batch:
        manager.bulk_update(batch, ["prev_hash", "row_hash"])
    return done


def chained_models():
    """Every chained table's model, in a fixed order."""
    from django.apps import apps

    return [
        apps.get_model(label)
        for label in (
            "policy.Acknowledgement",
            "devices.DeviceEvent",
            "devices.CounterVisit",
            "devices.CounterLine",
            "incidents.IncidentEvent",
            "portal.SecurityEvent",
            "devices.FigureDisclosure",
        )
    ]
