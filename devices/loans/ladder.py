"""A loan's reminder and escalations, as data (beside devices.leavers.ladder and devices.requests.ladder).

Each rung is counted in working days from the due-back date (-1: the working day before; 1: the
working day after; weekends and the England and Wales bank holidays skipped, `portal.working_days`)
and falls due at a local working hour (`LOAN_STEP_LOCAL_TIME`, "09:00" by default, Europe/London):
the same wall-clock hour on either side of a clock change. Settings may replace the default ladder
(`LOAN_LADDER`, same shape); `problems()` says what is wrong with a configured one.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from portal import ladders as portal_ladders
from portal.working_days import working_days_from

DEFAULT_LOAN_LADDER = [
    {"step": "reminder", "working_days": -1, "actions": ["remind_borrower"]},
    {"step": "overdue", "working_days": 1, "actions": ["tell_borrower_overdue", "tell_supervisor_overdue"]},
    {"step": "overdue_leads", "working_days": 3, "actions": ["escalate_tech_bar_leads"]},
]

# Every action a rung may name, declared beside the code that carries it out (devices.loans.steps).
ACTIONS = portal_ladders.ladder("loan")


@dataclass(frozen=True)
class Rung:
    step: str
    working_days: int
    actions: tuple[str, ...]

    @property
    def description(self) -> str:
        return ACTIONS.describe(self.actions)


def ladder() -> list[Rung]:
    raw = getattr(settings, "LOAN_LADDER", DEFAULT_LOAN_LADDER)
    return [
        Rung(step=str(item["step"]), working_days=int(item["working_days"]), actions=tuple(item["actions"]))
        for item in raw
    ]


def rung(step: str) -> Rung | None:
    return next((r for r in ladder() if r.step == step), None)


def local_time() -> datetime.time:
    """The local hour a loan step falls due at."""
    return datetime.time.fromisoformat(str(getattr(settings, "LOAN_STEP_LOCAL_TIME", "09:00")))


def zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "LOAN_STEP_TIME_ZONE", "Europe/London"))


def due_at(due_back: datetime.date, r: Rung) -> datetime.datetime:
    """The instant (UTC) a rung falls due for a due-back date: its working day at the local hour.
    A working day is never the Sunday the clocks change on, so the hour exists once."""
    day = working_days_from(due_back, r.working_days)
    return datetime.datetime.combine(day, local_time(), tzinfo=zone()).astimezone(datetime.UTC)


def problems() -> list[str]:
    """What is wrong with the configured ladder, in words (empty when it is sound)."""
    try:
        rungs = ladder()
        at = local_time()
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the loan ladder is malformed ({exc!r}): each rung needs step, working_days and actions"]
    found = portal_ladders.local_time_problems("LOAN_STEP_LOCAL_TIME", at)
    found.extend(
        portal_ladders.rung_problems(
            rungs,
            actions=ACTIONS,
            what="loan step",
            checks=lambda r: (
                [f"loan step {r.step!r} needs working_days before (-) or after (+) the due-back date"]
                if r.working_days == 0
                else []
            ),
        )
    )
    return found
