"""The deadlines of an incident and their escalation ladders, as data.

Each ladder is a list of rungs counted from the reporter's awareness time. Settings may replace
the defaults (`INCIDENT_REPORT_LADDER`, `INCIDENT_DECISION_LADDER`, same shape); `incidents.checks`
refuses a ladder that names an unknown action or repeats a step.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from portal import ladders as portal_ladders

# The force's rule (ICT conditions of use, FAQ 19): report within 12 hours of becoming aware.
REPORT_DEADLINE = timedelta(hours=12)
# UK GDPR art. 33 and DPA 2018 s.67: decide on telling the Information Commissioner within 72 hours.
DECISION_DEADLINE = timedelta(hours=72)

REPORT = "report"
DECISION = "decision"

DEFAULT_REPORT_LADDER = [
    {"step": "reminder_2h", "after_hours": 2, "actions": ["remind_reporter"]},
    {"step": "reminder_6h", "after_hours": 6, "actions": ["remind_reporter", "tell_supervisor"]},
    {"step": "duty_inbox_10h", "after_hours": 10, "actions": ["alert_duty_inbox"]},
    {"step": "late", "after_hours": 12, "actions": ["mark_late", "tell_data_office", "tell_supervisor"]},
]
DEFAULT_DECISION_LADDER = [
    {"step": "decision_48h", "after_hours": 48, "actions": ["remind_owner"]},
    {"step": "decision_60h", "after_hours": 60, "actions": ["remind_owner"]},
    {"step": "decision_66h", "after_hours": 66, "actions": ["alert_data_office_lead"]},
    {"step": "decision_overdue", "after_hours": 72, "actions": ["mark_decision_overdue", "alert_data_office_lead"]},
]

# Every action a rung may name, each with its words and its handler, declared beside the code
# that carries it out (incidents.services.escalation).
ACTIONS = portal_ladders.ladder("incident")


@dataclass(frozen=True)
class Rung:
    ladder: str
    step: str
    after: timedelta
    actions: tuple[str, ...]

    @property
    def description(self) -> str:
        return ACTIONS.describe(self.actions)


def _rungs(ladder: str, raw: list[dict]) -> list[Rung]:
    return [
        Rung(
            ladder=ladder,
            step=str(item["step"]),
            after=timedelta(hours=float(item["after_hours"])),
            actions=tuple(item["actions"]),
        )
        for item in raw
    ]


def report_ladder() -> list[Rung]:
    return _rungs(REPORT, getattr(settings, "INCIDENT_REPORT_LADDER", DEFAULT_REPORT_LADDER))


def decision_ladder() -> list[Rung]:
    return _rungs(DECISION, getattr(settings, "INCIDENT_DECISION_LADDER", DEFAULT_DECISION_LADDER))


def rung(step: str) -> Rung | None:
    """The rung a stored step row refers to, from the ladders as configured now."""
    for candidate in report_ladder() + decision_ladder():
        if candidate.step == step:
            return candidate
    return None


def problems() -> list[str]:
    """What is wrong with the configured ladders, in words (empty when they are sound)."""
    try:
        rungs = report_ladder() + decision_ladder()
    except (KeyError, TypeError, ValueError) as exc:
        return [f"a ladder rung is malformed ({exc!r}): each needs step, after_hours and actions"]
    return portal_ladders.rung_problems(
        rungs,
        actions=ACTIONS,
        what="step",
        twice="appears twice; step names are unique across both ladders",
        checks=lambda r: [f"step {r.step!r} must fall due after the awareness time"] if r.after <= timedelta(0) else [],
    )
