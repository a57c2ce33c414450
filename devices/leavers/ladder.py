"""A leaver case's reminders and escalations, as data (beside incidents.ladders).

Each rung is counted in days from the leaving date and falls due at a working hour in local
time (`LEAVER_STEP_LOCAL_TIME`, "08:00" by default, Europe/London): the same wall-clock hour on
either side of a clock change. Settings may replace the default ladder (`LEAVER_LADDER`, same
shape); `problems()` says what is wrong with a configured one.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from portal import ladders as portal_ladders

DEFAULT_LEAVER_LADDER = [
    {"step": "reminder_14d", "days": -14, "actions": ["remind_leaver", "remind_supervisor"]},
    {"step": "reminder_3d", "days": -3, "actions": ["remind_leaver", "remind_supervisor"]},
    {"step": "escalation_1d", "days": 1, "actions": ["escalate_supervisor", "escalate_tech_bar_leads"]},
    {"step": "overdue_7d", "days": 7, "actions": ["escalate_command_unit_lead"]},
]

# Every action a rung may name, each with its words and its handler, declared beside the code
# that carries it out (devices.leavers.services.steps).
ACTIONS = portal_ladders.ladder("leaver case")
# Actions that go to people other than the leaver: sent (to ask for a sign-off) even when
# nothing is outstanding but the case still waits for one.
SUPERVISOR_ACTIONS = {"remind_supervisor", "escalate_supervisor"}


@dataclass(frozen=True)
class Rung:
    step: str
    days: int
    actions: tuple[str, ...]

    @property
    def description(self) -> str:
        return ACTIONS.describe(self.actions)


def ladder() -> list[Rung]:
    raw = getattr(settings, "LEAVER_LADDER", DEFAULT_LEAVER_LADDER)
    return [Rung(step=str(item["step"]), days=int(item["days"]), actions=tuple(item["actions"])) for item in raw]


def rung(step: str) -> Rung | None:
    return next((r for r in ladder() if r.step == step), None)


def local_time() -> datetime.time:
    """The local hour a leaver step falls due at."""
    return datetime.time.fromisoformat(str(getattr(settings, "LEAVER_STEP_LOCAL_TIME", "08:00")))


def zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "LEAVER_STEP_TIME_ZONE", "Europe/London"))


def due_at(leaving_date: datetime.date, r: Rung) -> datetime.datetime:
    """The instant (UTC) a rung falls due for a leaving date: its day at the local working hour.
    A working hour never falls in the hour skipped or repeated at a clock change (01:00-02:00)."""
    local = datetime.datetime.combine(leaving_date + datetime.timedelta(days=r.days), local_time(), tzinfo=zone())
    return local.astimezone(datetime.UTC)


def problems() -> list[str]:
    """What is wrong with the configured ladder, in words (empty when it is sound)."""
    try:
        rungs = ladder()
        at = local_time()
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the leaver ladder is malformed ({exc!r}): each rung needs step, days and actions"]
    found = portal_ladders.local_time_problems("LEAVER_STEP_LOCAL_TIME", at)
    found.extend(portal_ladders.rung_problems(rungs, actions=ACTIONS, what="leaver step"))
    return found
