"""A summary read back (what its reader returns), and how it compares with today's scoring:
another question bank, another clinical model, a recommendation that changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from triage_cli.answers import Answers
from triage_cli.bank.model import Bank
from triage_cli.record.override import Override
from triage_cli.scoring import MODEL_VERSION
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
        """When the file was written."""
        return aware_time(self.meta.get("created"))

    @property
    def assessed(self) -> datetime | None:
        """When the answers were taken ([meta] assessed, a timezone-aware time)."""
        return past_time(self.meta.get("assessed"))

    @property
    def started(self) -> datetime | None:
        """When the interview that took them began."""
        return past_time(self.meta.get("started"))

    @property
    def time_warnings(self) -> list[str]:
        """A stored assessment or start time that cannot be used, and so is left out."""
        return [
            f"{shown(self.path.name)}: [meta] {key} = {_as_text(self.meta[key])} is left "
            "out: not a past date and time with its UTC offset"
            for key in ("assessed", "started")
            if key in self.meta and past_time(self.meta[key]) is None
        ]


def _as_text(value: object) -> str:
    return shown(value.isoformat() if isinstance(value, datetime) else repr(value))


def aware_time(value: object) -> datetime | None:
    """A stored time in UTC, when it is one: with its zone (a local time without one could be
    any time), and one that local time can show."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return None
    try:
        moment = value.astimezone(UTC)
        moment.astimezone()  # shown in local time later: a year 1 or 9999 edge fails here
    except (OverflowError, ValueError, OSError):
        return None
    return moment


def past_time(value: object, now: datetime | None = None) -> datetime | None:
    """A stored time of something that happened (an assessment, an interview's start): as
    aware_time, and not in the future."""
    moment = aware_time(value)
    if moment is None or moment > (now or datetime.now(UTC)) + timedelta(minutes=1):
        return None
    return moment


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


COMPARED = ("level", "emergency", "withdrawal_management", "rules", "flags")


def recommendation_changes(stored: Stored, now: Mapping[str, Any]) -> list[str]:
    """Differences between the stored recommendation and today's, `now` (Record.
    recommendation: an incomplete record's lacks what is not determined), empty when none
    is stored. A flag that changed under another model version says that the model changed."""
    old = stored.recommendation
    if not old:
        return []
    changes = []
    for key in COMPARED:
        value = now.get(key)
        if old.get(key) == value:
            continue
        now_shown = "not determined" if value is None else repr(value)
        change = f"{key}: stored {shown(repr(old.get(key)))}, now {now_shown}"
        if key == "flags" and stored.model_version != MODEL_VERSION:
            was = shown(stored.model_version)
            change += f" (the clinical model changed: {was} -> {MODEL_VERSION})"
        changes.append(change)
    return changes


def stored_differences(
    stored: Stored, scores: Mapping[str, Any], ratings: Mapping[str, Any]
) -> list[tuple[str, object, object]]:
    """Stored [scores] and [ratings] values that differ from what the answers give (a value
    edited by hand, say R = 5): (field, stored, now), the field as 'ratings.R'."""
    now = {"scores": scores, "ratings": ratings}
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
