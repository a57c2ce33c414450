"""Input for incidents: the first notification, the full report, updates, attachments, triage,
the regulator decision and status changes. Forms check types; services enforce the rules.

Split by concern: `fields` (shared limits and fields), `report` (the reporter's report) and `followup`.
Callers import from here; a test that replaces a name replaces it in the submodule that looks it up.
"""

from incidents.forms.fields import (
    AWARENESS_LOOKBACK,
    MAX_APPROXIMATE_COUNT,
    TickBoxesField,
    bounded_text_field,
    posted_draft_version,
    too_long_message,
)
from incidents.forms.followup import (
    AttachmentForm,
    DecisionForm,
    IncidentUpdateForm,
    StatusForm,
    TriageForm,
)
from incidents.forms.report import (
    FirstNotificationForm,
    FullReportForm,
)

__all__ = [
    "AWARENESS_LOOKBACK",
    "MAX_APPROXIMATE_COUNT",
    "AttachmentForm",
    "DecisionForm",
    "FirstNotificationForm",
    "FullReportForm",
    "IncidentUpdateForm",
    "StatusForm",
    "TickBoxesField",
    "TriageForm",
    "bounded_text_field",
    "posted_draft_version",
    "too_long_message",
]
