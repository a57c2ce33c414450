"""One state-transition helper: a status moves only along an edge of its table, or the domain
error the caller words is raised and nothing changes."""

from dataclasses import dataclass

import pytest

from portal.errors import DomainError
from portal.transitions import transition


@dataclass
class Parcel:
    status: str = "packed"
    TRANSITIONS = {"packed": {"sent"}, "sent": {"delivered", "lost"}, "delivered": set()}


class Refused(DomainError):
    pass


def refuse(parcel, to):
    return Refused(f"A {parcel.status} parcel cannot become {to}.")


def test_a_move_along_an_edge_sets_the_status_and_returns_the_old_one():
    parcel = Parcel()
    assert transition(parcel, to="sent", refuse=refuse) == "packed"
    assert parcel.status == "sent"


def test_a_move_off_the_table_is_the_callers_domain_error_and_changes_nothing():
    parcel = Parcel(status="delivered")
    with pytest.raises(Refused, match="A delivered parcel cannot become lost"):
        transition(parcel, to="lost", refuse=refuse)
    assert parcel.status == "delivered"


def test_a_status_the_table_does_not_know_is_refused():
    with pytest.raises(Refused):
        transition(Parcel(status="burnt"), to="sent", refuse=refuse)


def test_another_table_and_field_may_be_given():
    @dataclass
    class Step:
        stage: str = "a"

    step = Step()
    assert transition(step, to="b", refuse=refuse, table={"a": {"b"}}, field="stage") == "a"
    assert step.stage == "b"
