"""Tamper-evident records: hash chains per append-only table, `verify_audit`, and (PostgreSQL) the
trigger that refuses UPDATE and DELETE on them."""

import datetime
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from incidents.models import IncidentEvent, YesNoUnknown
from incidents.services import incident_open
from policy.models import Acknowledgement
from portal.audit_chain import GENESIS, chained_models, first_break, rechain, row_digest
from portal.models import SecurityEvent
from portal.services import security_event_record
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def assert_chained(model):
    """Every row of the table links to the one before it and hashes its own content."""
    prev = GENESIS
    for row in model._base_manager.order_by("pk"):
        values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
        assert row.prev_hash == prev
        assert len(row.row_hash) == 64 and row.row_hash == row_digest(model, values, prev)
        prev = row.row_hash


@contextmanager
def trigger_off():
    """Let a test play the attacker: on PostgreSQL, as a superuser, with row triggers off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
    else:
        yield


def sign_ins(n: int) -> list[SecurityEvent]:
    return [
        security_event_record(kind=SecurityEvent.Kind.SIGN_IN_FAILED, identifier=f"pc{i}", detail="Bad password.")
        for i in range(n)
    ]


def test_security_events_are_chained_as_the_service_writes_them():
    first, second, third = sign_ins(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.row_hash and third.prev_hash == second.row_hash
    assert len({first.row_hash, second.row_hash, third.row_hash}) == 3
    assert_chained(SecurityEvent)


def test_acknowledgements_and_incident_timelines_are_chained(officer, supervisor):
    version = published_version()
    accept(officer, version)
    accept(supervisor, version)
    incident_open(
        reporter=officer,
        aware_at=timezone.now() - datetime.timedelta(hours=1),
        summary="Left a notebook on a bus",
        personal_data_involved=YesNoUnknown.YES,
        device_involved=YesNoUnknown.NO,
    )
    assert Acknowledgement.objects.count() == 2 and IncidentEvent.objects.exists()
    assert_chained(Acknowledgement)
    assert_chained(IncidentEvent)


def test_a_bulk_insert_is_chained_in_order_and_conflicting_bulk_inserts_are_refused(officer):
    version = published_version()
    accept(officer, version)
    people = UserFactory.create_batch(3)
    made = Acknowledgement.objects.bulk_create(
        Acknowledgement(user=person, version=version, content_hash=version.content_hash) for person in people
    )
    assert made[0].prev_hash == Acknowledgement.objects.get(user=officer).row_hash
    assert made[2].prev_hash == made[1].row_hash
    assert_chained(Acknowledgement)
    with pytest.raises(ValueError, match="chained"):
        Acknowledgement.objects.bulk_create(
            [Acknowledgement(user=officer, version=version, content_hash=version.content_hash)], ignore_conflicts=True
        )


def test_verify_passes_on_a_fresh_chain_and_on_empty_tables():
    assert "All audit chains intact." in verify()
    sign_ins(4)
    out = verify()
    assert "portal_securityevent: 4 rows, chain intact" in out and "All audit chains intact." in out


def test_a_row_edited_with_raw_sql_fails_verification_naming_the_row():
    events = sign_ins(5)
    tampered = events[2]
    with transaction.atomic(), trigger_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_securityevent SET identifier = %s WHERE id = %s", ["someone-else", tampered.pk])
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"portal_securityevent: row id {tampered.pk}: content does not match its row_hash" in str(failure.value)
    checked, broken = first_break(SecurityEvent)
    assert broken.row_id == tampered.pk and checked == 3


def test_a_row_deleted_with_raw_sql_breaks_the_link_of_the_next_row():
    events = sign_ins(4)
    with transaction.atomic(), trigger_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_securityevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"row id {events[2].pk}: prev_hash .* row id {events[0].pk}"):
        verify()


def test_each_table_reports_its_own_first_break(officer):
    version = published_version()
    accept(officer, version)
    accept(UserFactory(), version)
    events = sign_ins(3)
    first_ack = Acknowledgement.objects.order_by("pk").first()
    with transaction.atomic(), trigger_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE policy_acknowledgement SET user_agent = 'forged' WHERE id = %s", [first_ack.pk])
        cursor.execute(
            "UPDATE portal_securityevent SET detail = 'fine' WHERE id IN (%s, %s)", [events[1].pk, events[2].pk]
        )
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert message.startswith("2 audit chain(s) broken")
    assert f"policy_acknowledgement: row id {first_ack.pk}" in message
    assert f"portal_securityevent: row id {events[1].pk}" in message and f"row id {events[2].pk}" not in message


def test_rechain_seals_rows_written_before_the_chain_existed():
    sign_ins(3)
    with transaction.atomic(), trigger_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_securityevent SET prev_hash = '', row_hash = ''")
    assert first_break(SecurityEvent)[1] is not None
    with transaction.atomic(), trigger_off():
        assert rechain(SecurityEvent) == 3
    assert_chained(SecurityEvent)
    assert "All audit chains intact." in verify()


def test_the_chained_tables_are_the_ones_the_design_names():
    assert {m._meta.db_table for m in chained_models()} == {
        "policy_acknowledgement",
        "devices_deviceevent",
        "devices_countervisit",
        "devices_counterline",
        "incidents_incidentevent",
        "portal_securityevent",
        "devices_figuredisclosure",
    }


# --- PostgreSQL: the trigger, and concurrent writers ---------------------------------------------
@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    ["UPDATE portal_securityevent SET detail = 'x' WHERE id = %s", "DELETE FROM portal_securityevent WHERE id = %s"],
)
def test_the_trigger_refuses_update_and_delete(statement):
    (event,) = sign_ins(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).detail == "Bad password."


@pytest.mark.postgres
def test_the_trigger_refuses_changes_to_every_chained_table(officer):
    accept(officer, published_version())
    ack = Acknowledgement.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE policy_acknowledgement SET user_agent = 'x' WHERE id = %s", [ack.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%%_append_only' AND NOT tgisinternal")
        assert cursor.fetchone()[0] == len(chained_models())


@pytest.mark.postgres
def test_a_deleted_user_leaves_their_security_events_intact_and_verified():
    person = UserFactory()
    event = security_event_record(kind=SecurityEvent.Kind.SIGNED_IN, user=person, identifier=person.payroll_number)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_securityevent SET user_id = %s WHERE id = %s", [UserFactory().pk, event.pk])
    person.delete()  # on_delete=SET_NULL: the one update the trigger allows
    assert SecurityEvent.objects.get(pk=event.pk).user_id is None
    assert "All audit chains intact." in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_valid_chain():
    start = threading.Barrier(6, timeout=10)
    errors = []

    def writer(n):
        try:
            start.wait()
            for i in range(8):
                with transaction.atomic():
                    security_event_record(kind=SecurityEvent.Kind.SIGN_IN_FAILED, identifier=f"w{n}-{i}")
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert SecurityEvent.objects.count() == 48
    assert len(set(SecurityEvent.objects.values_list("prev_hash", flat=True))) == 48  # no fork in the chain
    assert_chained(SecurityEvent)
    assert "portal_securityevent: 48 rows, chain intact" in verify()
