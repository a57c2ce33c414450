"""What the audit log keeps of an incident's free text: that it changed, its length and a
fingerprint, never a copy. A draft saved every few seconds would otherwise write the whole
account twice (before and after) on every save, and the log would hold the report's content."""

import hashlib

# The report's long free-text fields (incidents.models.bounded_text): summarised in the audit log.
SUMMARISED_FIELDS = [
    "what_happened",
    "systems_involved",
    "devices_involved",
    "likely_consequences",
    "containment",
    "others_aware",
    "processors_involved",
    "delay_reasons",
]


def text_in_brief(value: str) -> str:
    """django-auditlog's mask callable: "<n> characters, sha256 <first 12 hex digits>"."""
    if value in ("", "None"):  # blank, or no value (auditlog writes None as "None")
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:12]
    return f"{len(value):,} characters, sha256 {digest}"
