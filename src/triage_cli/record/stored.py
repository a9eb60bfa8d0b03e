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
from triage_cli.text import shown


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
    name = shown(stored.meta.get("bank_name", "?"))
    version = shown(stored.meta.get("bank_version", "?"))
    return (
        f"{shown(stored.path.name)} was written with question bank '{name}' {version} "
        f"(sha256 {shown(str(sha)[:12])}); scoring now with '{shown(bank.name)}' "
        f"{shown(bank.version)} (sha256 {bank.sha256[:12]})"
    )


def model_warning(stored: Stored) -> str | None:
    """Say so when the summary was scored with another version of the clinical model (an
    [answers]-only file was never scored: nothing to say)."""
    if stored.model_version == MODEL_VERSION or not stored.recommendation:
        return None
    return (
        f"{shown(stored.path.name)} was scored with clinical model "
        f"{shown(stored.model_version)}; "
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
        change = f"{key}: stored {shown(repr(old.get(key)))}, now {value!r}"
        if key == "flags" and stored.model_version != MODEL_VERSION:
            was = shown(stored.model_version)
            change += f" (the clinical model changed: {was} -> {MODEL_VERSION})"
        changes.append(change)
    return changes


def stored_differences(stored: Stored, a: Assessment) -> list[tuple[str, object, object]]:
    """Stored [scores] and [ratings] values that differ from what the answers give (a value
    edited by hand, say R = 5): (field, stored, now), the field as 'ratings.R'."""
    now = {
        "scores": a.scores._asdict(),
        "ratings": {**a.ratings._asdict(), "composite": a.composite},
    }
    found = []
    for table, values in now.items():
        kept = getattr(stored, table)
        for key, value in values.items():
            # by type too: a stored "5" or true is not the rating 5 or 1
            if key in kept and (type(kept[key]), kept[key]) != (type(value), value):
                found.append((f"{table}.{key}", kept[key], value))
    return found


def differences_warning(differences: list[tuple[str, object, object]]) -> str | None:
    if not differences:
        return None
    listed = "; ".join(f"{f} stored {shown(repr(old))}, now {new!r}" for f, old, new in differences)
    return f"stored values differ from what the answers give (edited by hand?): {listed}"
