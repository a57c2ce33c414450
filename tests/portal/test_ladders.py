"""One ladder definition: each action a rung may name carries its words and its handler, and a
system check refuses a ladder whose action lacks either."""

from dataclasses import dataclass
from datetime import time

import pytest

from incidents import ladders as incident_ladders
from portal import ladders
from portal.ladders import Ladder, LadderAction


@dataclass(frozen=True)
class Rung:
    step: str
    actions: tuple[str, ...]


def test_the_three_ladders_are_registered_and_sound():
    labels = {each.label for each in ladders.registered()}
    assert {"incident", "leaver case", "kit request"} <= labels
    assert ladders.check_ladder_actions(None) == []


def test_an_action_is_declared_with_its_words_on_its_handler():
    ladder = Ladder("test")

    @ladder.action("ring_the_bell", "ring the bell")
    def ring(owner, step):
        return f"rang for {owner}"

    assert "ring_the_bell" in ladder
    assert ladder.words() == {"ring_the_bell": "ring the bell"}
    assert ladder.run("ring_the_bell", "case 1", None) == "rang for case 1"
    assert ladder.describe(["ring_the_bell", "ring_the_bell"]) == "Ring the bell and ring the bell"
    assert ladder.problems() == []


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        (LadderAction("ring", "", print), "the test ladder's action 'ring' has no words for the page"),
        (LadderAction("ring", "ring the bell", None), "the test ladder's action 'ring' has no handler"),
    ],
)
def test_the_check_refuses_an_action_without_its_words_or_its_handler(monkeypatch, action, problem):
    ladder = Ladder("test")
    ladder.add(action)
    monkeypatch.setitem(ladders._registry, "test", ladder)
    errors = ladders.check_ladder_actions(None)
    assert [e.msg for e in errors] == [f"Escalation ladder: {problem}."]
    assert errors[0].id == "portal.E010"


def test_the_check_refuses_a_ladder_whose_actions_were_never_declared(monkeypatch):
    monkeypatch.setitem(ladders._registry, "test", Ladder("test"))
    assert [e.msg for e in ladders.check_ladder_actions(None)] == [
        "Escalation ladder: the test ladder has no actions: import the module that declares them in ready()."
    ]


def test_the_incident_rungs_describe_themselves_in_their_actions_words():
    late = next(r for r in incident_ladders.report_ladder() if r.step == "late")
    assert late.description == "Mark the report late, tell the Data Office and tell the reporter's supervisor"


def test_rung_problems_says_what_every_ladder_checks_in_the_same_words():
    ladder = Ladder("test")
    ladder.add(LadderAction("ring", "ring the bell", print))
    rungs = [
        Rung(step="first", actions=("ring",)),
        Rung(step="first", actions=()),
        Rung(step="x" * 51, actions=("ring", "shout")),
    ]
    late = lambda r: [f"test step {r.step!r} is late"] if r.step == "first" else []  # noqa: E731
    assert ladders.rung_problems(rungs, actions=ladder, what="test step", checks=late) == [
        "test step 'first' is late",
        "test step 'first' appears twice",
        "test step 'first' is late",
        "test step 'first' does nothing",
        f"test step {'x' * 51!r} is longer than 50 characters",
        f"test step {'x' * 51!r} names an unknown action 'shout'",
    ]
    assert ladders.rung_problems(rungs[:1], actions=ladder, what="step") == []
    assert ladders.rung_problems(
        rungs[:2], actions=ladder, what="step", longest=None, twice="appears twice; unique across both"
    ) == ["step 'first' appears twice; unique across both", "step 'first' does nothing"]


@pytest.mark.parametrize(("at", "wrong"), [("00:59", False), ("01:00", True), ("01:59", True), ("02:00", False)])
@pytest.mark.parametrize(
    ("setting", "module"),
    [
        ("LEAVER_STEP_LOCAL_TIME", "devices.leavers.ladder"),
        ("LOAN_STEP_LOCAL_TIME", "devices.loans.ladder"),
        ("REQUEST_STEP_LOCAL_TIME", "devices.requests.ladder"),
    ],
)
def test_a_ladders_local_time_in_the_clock_change_hour_is_refused(settings, setting, module, at, wrong):
    """One check (portal.ladders.local_time_problems) for every ladder that falls due at a local time."""
    import importlib

    setattr(settings, setting, at)
    problem = f"{setting} falls in the hour the clocks skip or repeat: choose a working hour"
    assert (problem in importlib.import_module(module).problems()) is wrong
    assert ladders.local_time_problems(setting, time.fromisoformat(at)) == ([problem] if wrong else [])
