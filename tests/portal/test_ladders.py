"""One ladder definition: each action a rung may name carries its words and its handler, and a
system check refuses a ladder whose action lacks either."""

import pytest

from incidents import ladders as incident_ladders
from portal import ladders
from portal.ladders import Ladder, LadderAction


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
