"""Two Tech Bars reserving the same device for two requests at the same moment: exactly one
wins, every time, and the other is told why."""

import threading

import pytest
from django.db import connection

from devices.models import DeviceRequest, KitEntitlement
from devices.requests import services as kit_requests
from devices.requests.services import RequestError
from tests.devices.requests.request_helpers import submit
from tests.factories import UserFactory

ROUNDS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tech_bars_never_reserve_one_device_twice(make_device, bar, laptop_model):
    # A transactional test may run after another has emptied the tables (the migration's rows too).
    KitEntitlement.objects.get_or_create(role="Officer", team="", kind="laptop", defaults={"quantity": 1})
    refusals = []
    staff = [UserFactory(roles=["Tech Bar staff"]), UserFactory(roles=["Tech Bar staff"])]
    for round_number in range(ROUNDS):
        device = make_device(model=laptop_model)
        requests = [submit(UserFactory(), kind="laptop", collect_at=bar) for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes = []

        def reserve(request, actor, device=device, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                kit_requests.device_request_reserve(request=request, device=device, actor=actor, tech_bar=bar)
                outcomes.append("reserved")
            except RequestError as refusal:
                outcomes.append("refused")
                refusals.append(str(refusal))
            finally:
                connection.close()

        threads = [threading.Thread(target=reserve, args=pair) for pair in zip(requests, staff, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes) == ["refused", "reserved"], f"round {round_number}: {outcomes}"
        statuses = sorted(
            DeviceRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list("status", flat=True)
        )
        assert statuses == ["approved", "ready"]
        assert DeviceRequest.objects.filter(reserved_device=device).count() == 1
    assert len(refusals) == ROUNDS
    assert all("is already reserved for" in message for message in refusals), refusals[:3]
