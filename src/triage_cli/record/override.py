"""A clinician's override of the recommended level, and the reasons it may give."""

from __future__ import annotations

from dataclasses import dataclass

# Reasons for a different level, as county level-of-care forms ask them ("Reason for
# discrepancy"): the ones offered, in the order offered.
OVERRIDE_REASONS = {
    "service_not_available": "Service not available",
    "provider_judgment": "Provider judgment",
    "client_preference": "Client preference",
    "transportation": "Transportation",
    "accessibility": "Accessibility",
    "financial": "Financial",
    "preferred_to_wait": "Preferred to wait for the recommended service",
    "language_cultural": "Language or cultural needs",
    "environment": "Environment",
    "mental_health": "Mental health",
    "physical_health": "Physical health",
    "court_ordered": "Court ordered",
    "other": "Other",  # with a note, required (NOTE_REQUIRED); 1.0's label too
}
NOTE_REQUIRED = frozenset({"other"})
# Model 1.0's reasons: no longer offered, still read and shown with their own labels.
OLD_OVERRIDE_REASONS = {
    "patient_preference": "Patient preference",
    "clinical_judgement": "Clinical judgement",
    "program_unavailable": "Program not available",
    "insurance_denial": "Insurance denial",
    "safety_concern": "Safety concern",
}


def reason_label(code: str) -> str:
    """An override reason's label; an unknown code is shown as it is."""
    return OVERRIDE_REASONS.get(code) or OLD_OVERRIDE_REASONS.get(code, code)


@dataclass(frozen=True)
class Override:
    """A clinician's different level, kept beside the recommendation, never instead of it."""

    level: str
    reason: str  # a key of OVERRIDE_REASONS (or, in older summaries, OLD_OVERRIDE_REASONS)
    note: str = ""
    by: str = ""  # staff initials or id, optional

    @property
    def reason_text(self) -> str:
        return reason_label(self.reason)
