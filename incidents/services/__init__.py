"""Every write to an incident: report, draft, submit, update, attach, triage, decide, change status,
and what each escalation step does when it fires.

Each service locks the incident row first (the order `portal.timers` uses when firing), writes a
timeline entry with the acting person in the same transaction, and sends notifications; their
emails are outbox rows in the same transaction, sent after commit (`portal.outbox`).

Split by concern: `report` (the reporter's side), `attachments`, `office` (the Data Office's side),
`escalation` (the ladders and their steps) and `common` (errors and shared helpers). Callers import
from here; a test that replaces a name must replace it in the module that looks it up.
"""

from incidents.services.attachments import ALLOWED_ENDINGS, attachment_content_type, incident_attachment_add
from incidents.services.common import (
    AWARENESS_CLOCK_TOLERANCE,
    AlreadyOpened,
    IncidentError,
    NotAllowed,
    ReportAlreadySubmitted,
    StaleDraft,
)
from incidents.services.escalation import incident_step_fire
from incidents.services.office import (
    STATUS_EDGES,
    decision_problems,
    incident_decision_record,
    incident_status_change,
    incident_triage,
)
from incidents.services.report import (
    REPORT_FIELDS,
    SUBMISSION_REQUIRED,
    _opened_by,
    incident_add_timeline_note,
    incident_draft_save,
    incident_open,
    incident_open_for_lost_device,
    incident_submit,
    incident_update_add,
    report_submission_problems,
    submission_problems,
)

__all__ = [
    "ALLOWED_ENDINGS",
    "AWARENESS_CLOCK_TOLERANCE",
    "REPORT_FIELDS",
    "STATUS_EDGES",
    "SUBMISSION_REQUIRED",
    "AlreadyOpened",
    "IncidentError",
    "NotAllowed",
    "ReportAlreadySubmitted",
    "StaleDraft",
    "_opened_by",
    "attachment_content_type",
    "decision_problems",
    "incident_add_timeline_note",
    "incident_attachment_add",
    "incident_decision_record",
    "incident_draft_save",
    "incident_open",
    "incident_open_for_lost_device",
    "incident_status_change",
    "incident_step_fire",
    "incident_submit",
    "incident_triage",
    "incident_update_add",
    "report_submission_problems",
    "submission_problems",
]
