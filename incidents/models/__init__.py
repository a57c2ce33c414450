"""Security incidents: the report, its dated updates and attachments, its timeline, its escalation
steps and the Data Office's regulator decision. Data and constraints only; the workflow is in
`incidents.services`.

Split by concern: `choices` (choices and text limits), `incident` and `records` (what hangs off it).
Callers import from here; a test that replaces a name replaces it in the submodule that looks it up.
"""

from incidents.models.choices import (
    LONG_TEXT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    SPECIAL_OR_CRIMINAL,
    BreachKind,
    DataCategory,
    PeopleCategory,
    YesNoUnknown,
    bounded_text,
)
from incidents.models.incident import Incident
from incidents.models.records import (
    IncidentAttachment,
    IncidentEvent,
    IncidentStep,
    IncidentUpdate,
    RegulatorDecision,
    _attachment_path,
)

__all__ = [
    "LONG_TEXT",
    "MEDIUM_TEXT",
    "SHORT_TEXT",
    "SPECIAL_OR_CRIMINAL",
    "BreachKind",
    "DataCategory",
    "Incident",
    "IncidentAttachment",
    "IncidentEvent",
    "IncidentStep",
    "IncidentUpdate",
    "PeopleCategory",
    "RegulatorDecision",
    "YesNoUnknown",
    "_attachment_path",
    "bounded_text",
]
