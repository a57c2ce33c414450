"""A kit request's reminders and release, as data (beside devices.leavers.ladder).

Each rung starts from a moment of the request (`after`: "waiting", when it began waiting for an
approver's step; "reserved", when a device was reserved for it) and falls due either a number of
working days later (weekends and the England and Wales bank holidays skipped, at the same local
time, moved into working hours) or a number of calendar days later at a local working hour.
Settings may replace the ladder (`REQUEST_LADDER`, same shape); `problems()` says what is wrong.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from portal import ladders as portal_ladders
from portal.working_days import next_working_day

DEFAULT_REQUEST_LADDER = [
    {"step": "approval_reminder", "after": "waiting", "working_days": 3, "actions": ["remind_approver"]},
    {"step": "ready_reminder", "after": "reserved", "days": 10, "actions": ["remind_requester"]},
    {"step": "ready_release", "after": "reserved", "days": 14, "actions": ["release_reservation"]},
]

# Every action a rung may name, each with its words and its handler, declared beside the code
# that carries it out (devices.requests.services.steps).
ACTIONS = portal_ladders.ladder("kit request")
STARTS = {"waiting", "reserved"}

WORKING_DAY_STARTS = datetime.time(8, 0)
WORKING_DAY_ENDS = datetime.time(18, 0)


@dataclass(frozen=True)
class Rung:
    step: str
    after: str
    actions: tuple[str, ...]
    days: int = 0
    working_days: int = 0


def ladder() -> list[Rung]:
    raw = getattr(settings, "REQUEST_LADDER", DEFAULT_REQUEST_LADDER)
    return [
        Rung(
            step=str(item["step"]),
            after=str(item["after"]),
            actions=tuple(item["actions"]),
            days=int(item.get("days", 0)),
            working_days=int(item.get("working_days", 0)),
        )
        for item in raw
    ]


def rungs_after(start: str) -> list[Rung]:
    return [r for r in ladder() if r.after == start]


def rung(step: str) -> Rung | None:
    """The rung a stored step belongs to: steps are named "<rung>.<round>" (a request may wait
    for a second approver, or be reserved again after a release)."""
    name = step.rsplit(".", 1)[0]
    return next((r for r in ladder() if r.step == name), None)


def zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "REQUEST_STEP_TIME_ZONE", "Europe/London"))


def local_time() -> datetime.time:
    """The local hour a calendar-day rung falls due at."""
    return datetime.time.fromisoformat(str(getattr(settings, "REQUEST_STEP_LOCAL_TIME", "09:00")))


def add_working_days(start: datetime.datetime, count: int) -> datetime.datetime:
    """`count` working days after an instant: the same local time that many working days on
    (Saturdays, Sundays and bank holidays not counted), kept within working hours (before 08:00
    becomes 08:00 that day, after 18:00 becomes 08:00 the next working day). Working days are
    never the Sundays the clocks change on, so the local time always exists once."""
    local = start.astimezone(zone())
    day, at = local.date(), local.time().replace(second=0, microsecond=0, tzinfo=None)  # to the minute
    for _ in range(count):
        day = next_working_day(day)
    if at < WORKING_DAY_STARTS:
        at = WORKING_DAY_STARTS
    elif at > WORKING_DAY_ENDS:
        day, at = next_working_day(day), WORKING_DAY_STARTS
    return datetime.datetime.combine(day, at, tzinfo=zone()).astimezone(datetime.UTC)


def due_at(start: datetime.datetime, r: Rung) -> datetime.datetime:
    """The instant (UTC) a rung falls due for a request whose stage began at `start`."""
    if r.working_days:
        return add_working_days(start, r.working_days)
    day = start.astimezone(zone()).date() + datetime.timedelta(days=r.days)
    return datetime.datetime.combine(day, local_time(), tzinfo=zone()).astimezone(datetime.UTC)


def problems() -> list[str]:
    """What is wrong with the configured ladder, in words (empty when it is sound)."""
    try:
        rungs = ladder()
        at = local_time()
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the request ladder is malformed ({exc!r}): each rung needs step, after, (working_)days, actions"]
    found = portal_ladders.local_time_problems("REQUEST_STEP_LOCAL_TIME", at)
    found.extend(
        portal_ladders.rung_problems(rungs, actions=ACTIONS, what="request step", longest=None, checks=_checks)
    )
    return found


def _checks(r: Rung) -> list[str]:
    found = []
    if "." in r.step or len(r.step) > 40:
        found.append(f"request step {r.step!r} has a dot in it or is longer than 40 characters")
    if r.after not in STARTS:
        found.append(f"request step {r.step!r} starts after {r.after!r}, not one of {sorted(STARTS)}")
    if (r.days > 0) == (r.working_days > 0):
        found.append(f"request step {r.step!r} needs days or working_days (more than 0), not both")
    return found
