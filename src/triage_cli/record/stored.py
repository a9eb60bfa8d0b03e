"""A summary read back (what its reader returns), and how it compares with today's scoring:
another question bank, another clinical model, a recommendation that changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from triage_cli.answers import Answers
from triage_cli.bank.model import Bank
from triage_cli.record.override import Override
from triage_cli.scoring import MODEL_VERSION, Assessment


@dataclass(frozen=True)
class Stored:
    """A summary read back: its answers, what it recorded, and where it came from."""

    path: Path
    answers: Answers
    meta: Mapping[str, Any]
    recommendation: Mapping[str, Any]
    ratings: Mapping[str, Any]
    scores: Mapping[str, Any]
    override: Override | None = None

    @property
    def model_version(self) -> str:
        """The clinical model it was scored with; a summary without one predates 1.1."""
        return str(self.meta.get("model_version", "1.0"))

    @property
    def created(self) -> datetime | None:
        created = self.meta.get("created")
        return created if isinstance(created, datetime) else None


def bank_warning(bank: Bank, stored: Stored) -> str | None:
    """Say so when the summary was written with a different question bank."""
    sha = stored.meta.get("bank_sha256")
    if not sha or sha == bank.sha256:
        return None
    name = stored.meta.get("bank_name", "?")
    version = stored.meta.get("bank_version", "?")
    return (
        f"{stored.path.name} was written with question bank '{name}' {version} "
        f"(sha256 {str(sha)[:12]}); scoring now with '{bank.name}' {bank.version} "
        f"(sha256 {bank.sha256[:12]})"
    )


def model_warning(stored: Stored) -> str | None:
    """Say so when the summary was scored with another version of the clinical model."""
    if stored.model_version == MODEL_VERSION:
        return None
    return (
        f"{stored.path.name} was scored with clinical model {stored.model_version}; "
        f"scoring now with model {MODEL_VERSION}"
    )


def recommendation_changes(stored: Stored, a: Assessment) -> list[str]:
    """Differences between the stored recommendation and today's (empty when none stored).
    A flag that changed under another model version says that the model changed."""
    old = stored.recommendation
    if not old:
        return []
    now = {
        "level": a.level.code,
        "emergency": a.emergency,
        "withdrawal_management": a.withdrawal_management,
        "rules": list(a.rules),
        "flags": list(a.flag_codes),
    }
    changes = []
    for key, value in now.items():
        if old.get(key) == value:
            continue
        change = f"{key}: stored {old.get(key)!r}, now {value!r}"
        if key == "flags" and stored.model_version != MODEL_VERSION:
            change += f" (the clinical model changed: {stored.model_version} -> {MODEL_VERSION})"
        changes.append(change)
    return changes
