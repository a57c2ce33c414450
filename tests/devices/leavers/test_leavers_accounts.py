"""Deactivation on the leaving date, never before the case closes unless a Portal admin
overrides with a reason, and reactivation of a rehire (devices.leavers.services.accounts, the beat task)."""

import datetime

import pytest
from django.conf import settings

from devices import tasks
from devices.leavers import services as leavers
from devices.models import LeaverCase, LeaverEvent, LeaverPropertyKind
from portal.models import User
from tests.devices.leavers.leaver_helpers import open_case, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_to_return(db):
    LeaverPropertyKind.objects.update(is_active=False)


def _closed_case(days: int):
    sergeant, officer = team()
    case = open_case(officer, sergeant, days=days)
    leavers.leaver_case_sign_off(case=case, actor=sergeant)
    return sergeant, officer, LeaverCase.objects.get(pk=case.pk)


def _active(person) -> bool:
    return User.objects.get(pk=person.pk).is_active


def test_the_beat_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["devices-deactivate-leavers"]
    assert entry["task"] == tasks.deactivate_leavers.name


def test_a_closed_case_deactivates_its_person_on_the_leaving_date_not_before(fixed_clock, nothing_to_return):
    _, officer, case = _closed_case(days=2)
    assert case.status == LeaverCase.Status.CLOSED

    assert tasks.deactivate_leavers() == 0
    fixed_clock.shift(datetime.timedelta(days=1))
    assert tasks.deactivate_leavers() == 0
    assert _active(officer)

    fixed_clock.shift(datetime.timedelta(days=1))  # the leaving date
    assert tasks.deactivate_leavers() == 1
    assert tasks.deactivate_leavers() == 0

    assert not _active(officer)
    case.refresh_from_db()
    assert case.deactivated_at is not None
    assert case.events.filter(kind=LeaverEvent.Kind.DEACTIVATED, actor=None).count() == 1
    assert User.objects.filter(pk=officer.pk).exists()  # never deleted: their history stays


def test_an_open_case_is_never_deactivated_by_the_task(fixed_clock):
    sergeant, officer = team()
    open_case(officer, sergeant, days=1)
    fixed_clock.shift(datetime.timedelta(days=10))
    assert tasks.deactivate_leavers() == 0
    assert _active(officer)


def test_a_date_removed_after_closing_keeps_them_active(fixed_clock, nothing_to_return):
    sergeant, officer, case = _closed_case(days=3)
    leavers.leaver_date_set(person=officer, leaving_date=None, actor=sergeant, source="supervisor", reason="Stays")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED  # the closed case stays as it was
    fixed_clock.shift(datetime.timedelta(days=5))
    assert tasks.deactivate_leavers() == 0
    assert _active(officer)


def test_a_date_moved_after_closing_moves_the_deactivation(fixed_clock, nothing_to_return):
    sergeant, officer, case = _closed_case(days=2)
    later = case.leaving_date + datetime.timedelta(days=5)
    leavers.leaver_date_set(person=officer, leaving_date=later, actor=sergeant, source="supervisor")
    assert LeaverCase.objects.filter(person=officer).count() == 1

    fixed_clock.shift(datetime.timedelta(days=3))
    assert tasks.deactivate_leavers() == 0
    fixed_clock.shift(datetime.timedelta(days=5))
    assert tasks.deactivate_leavers() == 1


def test_before_the_case_closes_only_a_portal_admin_with_a_reason_deactivates(portal_admin, tech_bar_staff):
    sergeant, officer = team()
    case = open_case(officer, sergeant, days=5)

    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_person_deactivate(person=officer, actor=sergeant, reason="Suspended")
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_person_deactivate(person=officer, actor=tech_bar_staff, reason="Suspended")
    with pytest.raises(leavers.LeaverError, match="give the reason"):
        leavers.leaver_person_deactivate(person=officer, actor=portal_admin)
    assert _active(officer)

    leavers.leaver_person_deactivate(person=officer, actor=portal_admin, reason="Dismissed today; kit chased by PSD")

    assert not _active(officer)
    event = case.events.get(kind=LeaverEvent.Kind.DEACTIVATED)
    assert event.actor == portal_admin and event.note.endswith("Dismissed today; kit chased by PSD")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN  # the kit is still to come back
    with pytest.raises(leavers.LeaverError, match="already deactivated"):
        leavers.leaver_person_deactivate(person=officer, actor=portal_admin, reason="again")


def test_after_closing_on_the_leaving_date_a_portal_admin_needs_no_reason(fixed_clock, portal_admin, nothing_to_return):
    _, officer, _ = _closed_case(days=0)
    leavers.leaver_person_deactivate(person=officer, actor=portal_admin)
    assert not _active(officer)


def test_a_rehire_is_reactivated_with_a_reason_and_the_old_case_stays_closed(
    fixed_clock, portal_admin, nothing_to_return
):
    sergeant, officer, case = _closed_case(days=0)
    tasks.deactivate_leavers()
    fixed_clock.shift(datetime.timedelta(days=60))

    with pytest.raises(leavers.LeaverError, match="reason"):
        leavers.leaver_person_reactivate(person=officer, actor=portal_admin, reason="")
    with pytest.raises(leavers.LeaverNotAllowed):
        leavers.leaver_person_reactivate(person=officer, actor=sergeant, reason="Rehired")

    leavers.leaver_person_reactivate(person=officer, actor=portal_admin, reason="Rehired as police staff")

    officer.refresh_from_db()
    assert officer.is_active and officer.leaving_date is None  # kit may be issued again
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED
    assert case.events.get(kind=LeaverEvent.Kind.REACTIVATED).note == "Reactivated: Rehired as police staff"
    with pytest.raises(leavers.LeaverError, match="already active"):
        leavers.leaver_person_reactivate(person=officer, actor=portal_admin, reason="again")
    # Leaving again later opens a new case.
    again = open_case(officer, sergeant, days=30)
    assert again.pk != case.pk and again.status == LeaverCase.Status.OPEN


def test_reactivating_someone_whose_kit_is_still_out_keeps_the_case_and_its_date(fixed_clock, portal_admin):
    sergeant, officer = team()
    case = open_case(officer, sergeant, days=1)
    leavers.leaver_person_deactivate(person=officer, actor=portal_admin, reason="Suspended pending inquiry")
    fixed_clock.shift(datetime.timedelta(days=3))

    leavers.leaver_person_reactivate(person=officer, actor=portal_admin, reason="Inquiry closed")

    officer.refresh_from_db()
    case.refresh_from_db()
    assert officer.is_active and officer.leaving_date == case.leaving_date
    assert case.status == LeaverCase.Status.OPEN


def test_a_deactivated_person_gets_no_new_case_until_reactivated(fixed_clock, portal_admin, nothing_to_return):
    from tests.devices.leavers.leaver_helpers import leaving_in

    _sergeant, officer, case = _closed_case(days=0)
    tasks.deactivate_leavers()
    with pytest.raises(leavers.LeaverError, match="is deactivated"):
        leavers.leaver_date_set(person=officer, leaving_date=leaving_in(9), actor=portal_admin, source="admin")
    # The HR feed correcting the date of someone who has left opens nothing either (and fails nothing).
    found = leavers.leaver_date_set(person=officer, leaving_date=leaving_in(-1), actor=None, source="hr_import")
    assert found == case and LeaverCase.objects.filter(person=officer).count() == 1
