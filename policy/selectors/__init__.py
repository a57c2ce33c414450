"""Reads for policies: who must accept what and by when, the gate's question, and compliance.

Vocabulary: a policy's *current* version is its latest published version in effect; its *required*
version is the latest in-effect version that needs acceptance (a version published without
"acceptance required again" leaves the requirement where it was). A person is *up to date* when
they have accepted the required version or a later one.

Split by concern: `person` (one person's standing and the gate) and `compliance` (many people).
Callers import from here; a test that replaces a name replaces it in the submodule that looks it up.
"""

from policy.selectors.compliance import (
    Compliance,
    ComplianceFigures,
    DayCount,
    UnitSummary,
    compliance_by_command_unit,
    compliance_by_command_unit_cached,
    compliance_figures_cached,
    compliance_over_time,
    compliance_summary_kept,
    compliance_total,
    people_covered,
    people_outstanding,
    policy_compliance,
    with_compliance,
)
from policy.selectors.person import (
    GateAnswer,
    PolicyState,
    acknowledgement_for,
    acknowledgements_for,
    current_and_required,
    has_accepted_current,
    policies_applying_to,
    policies_to_accept,
    policy_applies_to,
    policy_gate,
    policy_state_by_slug,
    policy_state_for,
    policy_states_for,
    policy_version_due,
    previous_published_version,
    published_version,
    published_versions,
    version_was_current_at,
    wording_changes,
)

__all__ = [
    "Compliance",
    "ComplianceFigures",
    "DayCount",
    "GateAnswer",
    "PolicyState",
    "UnitSummary",
    "acknowledgement_for",
    "acknowledgements_for",
    "compliance_by_command_unit",
    "compliance_by_command_unit_cached",
    "compliance_figures_cached",
    "compliance_over_time",
    "compliance_summary_kept",
    "compliance_total",
    "current_and_required",
    "has_accepted_current",
    "people_covered",
    "people_outstanding",
    "policies_applying_to",
    "policies_to_accept",
    "policy_applies_to",
    "policy_compliance",
    "policy_gate",
    "policy_state_by_slug",
    "policy_state_for",
    "policy_states_for",
    "policy_version_due",
    "previous_published_version",
    "published_version",
    "published_versions",
    "version_was_current_at",
    "with_compliance",
    "wording_changes",
]
