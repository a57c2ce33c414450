"""Two Tech Bars checking in the same leaver's item at the same moment: one wins, the other is
told it was already returned, every time (PostgreSQL's row locks, as in production)."""

import threading

import pytest
from django.db import connection

from devices.core import services
from devices.leavers import services as leavers
from devices.models import LeaverLine, TechBar
from tests.devices.leavers.leaver_helpers import open_case, team
from tests.factories import UserFactory

ROUNDS = 25


def _race(work) -> list[str]:
    """Run work(i) in two threads released together; each outcome is "won" or the refusal."""
    barrier = threading.Barrier(2)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            work(i)
            outcomes.append("won")
        except leavers.LeaverError as refusal:
            outcomes.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tech_bars_tick_off_one_property_item(bar, other_bar, tech_bar_staff):
    bars = [bar, other_bar]
    for round_number in range(ROUNDS):
        sergeant, officer = team()
        card = open_case(officer, sergeant).lines.get(description="Warrant or ID card")

        outcomes = _race(
            lambda i, card=card: leavers.leaver_line_property_receive(
                line=LeaverLine(pk=card.pk, case_id=card.case_id), actor=tech_bar_staff, tech_bar=bars[i]
            )
        )

        card.refresh_from_db()
        winner = card.received_at_tech_bar
        assert sorted(outcomes) == sorted(["won", f"Warrant or ID card was already returned at {winner}."]), (
            f"round {round_number}: {outcomes}"
        )
        assert card.events.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tech_bars_check_in_one_leavers_phone(make_device, bar, other_bar, tech_bar_staff):
    bars = [bar, other_bar]
    staff = [tech_bar_staff, UserFactory()]
    for round_number in range(ROUNDS):
        sergeant, officer = team()
        phone = make_device()
        services.device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
        case = open_case(officer, sergeant)

        outcomes = _race(
            lambda i, phone=phone: services.device_return(
                device=phone, actor=staff[i], tech_bar=TechBar.objects.get(pk=bars[i].pk), reason=""
            )
        )

        line = case.lines.get(assignment__device=phone)
        assert line.outcome == LeaverLine.Outcome.RETURNED
        expected = f"{phone.asset_tag} was already returned at {line.received_at_tech_bar} for "
        assert outcomes.count("won") == 1, f"round {round_number}: {outcomes}"
        assert next(o for o in outcomes if o != "won").startswith(expected)
        assert line.events.count() == 1
