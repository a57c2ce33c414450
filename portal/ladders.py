"""What the rungs of an escalation ladder may do: each action's name, its words and its handler, together.

A ladder's rungs (incidents, leaver cases, kit requests) say when a step falls due and name the
actions it takes. Each action is declared once, on the function that carries it out:

    ACTIONS = portal.ladders.ladder("incident")          # in the app's ladder module

    @ladders.ACTIONS.action("remind_reporter", "remind the reporter")   # beside the step's code
    def _remind_reporter(incident, step): ...

so the words shown on pages and timelines cannot drift from what the step does. The system check
below (portal.E010) stops the site starting if an action lacks its words or its handler, or if a
ladder has no actions at all (its handlers' module was never imported).

A rung added to a ladder reaches the cases opened from then on; `give_open_cases` stores it for
the cases already open (DEVELOPERS.md, "A new rung for open cases").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time

from django.core.checks import Error, register

from portal.timers import TimerStep, describe_actions


@dataclass(frozen=True)
class LadderAction:
    """One thing a rung may do: `name` as ladders in settings write it, `words` for the page and
    timeline ("remind the reporter"), and `handler`, called when a step naming it fires."""

    name: str
    words: str
    handler: Callable[..., object]


class Ladder:
    """The actions one ladder's rungs may name. `name in ladder` is whether a rung may name it."""

    def __init__(self, label: str):
        self.label = label
        self._actions: dict[str, LadderAction] = {}

    def action(self, name: str, words: str) -> Callable[[Callable], Callable]:
        """Declare the decorated function as the handler of action `name`, described by `words`."""

        def declare(handler: Callable) -> Callable:
            self.add(LadderAction(name=name, words=words, handler=handler))
            return handler

        return declare

    def add(self, action: LadderAction) -> None:
        self._actions[action.name] = action

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __getitem__(self, name: str) -> LadderAction:
        return self._actions[name]

    def words(self) -> dict[str, str]:
        return {name: action.words for name, action in self._actions.items()}

    def describe(self, names: Iterable[str]) -> str:
        """A rung's actions as one sentence: "Remind the reporter and tell the Data Office"."""
        return describe_actions(list(names), self.words())

    def run(self, name: str, *args, **kwargs):
        return self._actions[name].handler(*args, **kwargs)

    def problems(self) -> list[str]:
        if not self._actions:
            return [f"the {self.label} ladder has no actions: import the module that declares them in ready()"]
        found = []
        for name, action in self._actions.items():
            if not isinstance(action.words, str) or not action.words.strip():
                found.append(f"the {self.label} ladder's action {name!r} has no words for the page")
            if not callable(action.handler):
                found.append(f"the {self.label} ladder's action {name!r} has no handler")
        return found


def rung_problems(
    rungs: Iterable,
    *,
    actions: Ladder,
    what: str,
    longest: int | None = 50,
    checks: Callable[[object], Iterable[str]] = lambda rung: (),
    twice: str = "appears twice",
) -> list[str]:
    """What is wrong with a ladder's rungs (each with `step` and `actions`), in words, the checks every
    ladder makes: a step named twice, a step name longer than `longest` characters (it is stored in a
    column that long; None: the ladder checks its names itself), no actions, an action `actions` does
    not declare. `what` names a rung in the words ("loan step"); `checks(rung)` adds the ladder's own
    (when a rung falls due), said after the name's and before the actions'."""
    found = []
    seen = set()
    for r in rungs:
        if r.step in seen:
            found.append(f"{what} {r.step!r} {twice}")
        seen.add(r.step)
        if longest is not None and len(r.step) > longest:
            found.append(f"{what} {r.step!r} is longer than {longest} characters")
        found.extend(checks(r))
        if not r.actions:
            found.append(f"{what} {r.step!r} does nothing")
        found.extend(f"{what} {r.step!r} names an unknown action {a!r}" for a in r.actions if a not in actions)
    return found


def local_time_problems(setting: str, at: time) -> list[str]:
    """What is wrong with the local time `at` a ladder's steps fall due at (read from `setting`), in words:
    it must not fall in the hour Europe/London's clocks skip or repeat (01:00-02:00), or a step would
    fall due at no instant or at two."""
    if at.hour == 1:
        return [f"{setting} falls in the hour the clocks skip or repeat: choose a working hour"]
    return []


_registry: dict[str, Ladder] = {}


def ladder(label: str) -> Ladder:
    """The ladder called `label`, made on first use: each app's ladder module holds its own."""
    return _registry.setdefault(label, Ladder(label))


def registered() -> list[Ladder]:
    return list(_registry.values())


@register()
def check_ladder_actions(app_configs, **kwargs):
    return [
        Error(f"Escalation ladder: {problem}.", id="portal.E010", hint="See portal/ladders.py.")
        for each in registered()
        for problem in each.problems()
    ]


def give_open_cases(
    step_model: type[TimerStep],
    *,
    owner_field: str,
    owners: Iterable,
    step: str,
    due_at: Callable[[object], datetime | None],
    **fields,
) -> int:
    """Store step `step` for each of `owners` (the cases still open) that has no such step yet, due
    at `due_at(owner)` (None: not for this one); `fields` fills the step model's other columns.
    Steps already fired or cancelled are left as they are. A step stored already past due fires at
    the next sweep, so return None for owners it would reach too late. Returns how many were stored."""
    owners = list(owners)
    have = set(
        step_model.objects.filter(step=step, **{f"{owner_field}__in": owners}).values_list(
            f"{owner_field}_id", flat=True
        )
    )
    rows = []
    for owner in owners:
        due = None if owner.pk in have else due_at(owner)
        if due is not None:
            rows.append(step_model(**{owner_field: owner}, step=step, due_at=due, **fields))
    step_model.objects.bulk_create(rows)
    return len(rows)
