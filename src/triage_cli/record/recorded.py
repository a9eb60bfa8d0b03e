"""A summary as it was recorded: the chart's copy of an assessment, laid out (by the report and
the chart note) as it was stored, never silently re-scored. Today's scoring of its answers is
only a check: when it gives something else, the record carries a note that says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triage_cli.bank.model import LEVELS, Bank
from triage_cli.errors import InputError
from triage_cli.record.model import Record, build_record
from triage_cli.record.stored import (
    Stored,
    bank_warning,
    differences_warning,
    model_warning,
    recommendation_changes,
    stored_differences,
)
from triage_cli.scoring import RATING_NAMES, WITHDRAWAL_TEXT, Assessment, Flag, Level
from triage_cli.scoring.partial import Partial, assessment_of
from triage_cli.text import shown


@dataclass(frozen=True)
class Recorded:
    """A stored recommendation, with the attributes of an Assessment. Explanations that were
    not stored (the answers behind each rating, the withdrawal reason) come from today's
    scoring where it gives the same value, else are empty."""

    level: Level | None
    emergency: bool | None
    withdrawal_management: str | None
    scores: dict[str, Any]
    ratings: dict[str, int]
    composite: int | None
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    also_considered: tuple[str, ...]
    flags: tuple[Flag, ...]
    rating_why: dict[str, str] = field(default_factory=dict)
    withdrawal_reason: str = ""

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)


def _field(
    table: Mapping[str, Any], name: str, key: str, kinds: type | tuple[type, ...], where: str
) -> Any:
    """A stored value of the expected type, or None when absent; InputError when wrong."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        raise InputError(f"{where}: [{name}] {key} is {shown(repr(value))}, not a recorded value")
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _texts(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = _field(table, "recommendation", key, list, where) or []
    if not all(isinstance(item, str) for item in value):
        raise InputError(f"{where}: [recommendation] {key} must be a list of text")
    return tuple(value)


# What a stored score may hold: the total's type and range, or a band's words.
SCORE_KINDS: dict[str, tuple[type, range | None]] = {
    "phq9_total": (int, range(28)),
    "phq9_band": (str, None),
    "gad7_total": (int, range(22)),
    "gad7_band": (str, None),
    "auditc_total": (int, range(13)),
    "auditc_positive": (bool, None),
    "auditc_high": (bool, None),
    "dast10_total": (int, range(11)),
    "dast10_band": (str, None),
    "cssrs_risk": (str, None),
}
COMPOSITE = range(7, 36)


def _usable(value: object, kind: type, span: range | None) -> bool:
    if kind is not bool and isinstance(value, bool):
        return False
    return isinstance(value, kind) and (span is None or value in span)  # type: ignore[operator]


def recorded(stored: Stored, today: Assessment | Partial) -> tuple[Recorded, list[str]]:
    """The stored recommendation, scores and ratings: a recommendation of the wrong type is an
    InputError (exit 2); scores or ratings that cannot be shown are left out, and said so."""
    where = shown(stored.path.name)
    rec = stored.recommendation
    level = _field(rec, "recommendation", "level", str, where)
    if level is not None and level not in LEVELS:
        raise InputError(f"{where}: recorded level {shown(level)} is not one of {LEVELS}")
    withdrawal = _field(rec, "recommendation", "withdrawal_management", str, where)
    if withdrawal is not None and withdrawal not in WITHDRAWAL_TEXT:
        raise InputError(f"{where}: recorded withdrawal_management {shown(withdrawal)} is unknown")
    stored_emergency = _field(rec, "recommendation", "emergency", bool, where)
    codes, notes = _texts(rec, "flags", where), _texts(rec, "flag_notes", where)
    scores = {
        k: v for k, v in stored.scores.items() if k in SCORE_KINDS and _usable(v, *SCORE_KINDS[k])
    }
    ratings = {
        k: v
        for k, v in stored.ratings.items()
        if k in RATING_NAMES and _usable(v, int, range(1, 6))
    }
    composite = stored.ratings.get("composite")
    composite = composite if _usable(composite, int, COMPOSITE) else None
    today_ratings = today.ratings if isinstance(today, Partial) else today.ratings._asdict()
    today_scores = today.scores if isinstance(today, Partial) else today.scores._asdict()
    unusable = [f"[scores] {k}" for k in today_scores if k not in scores] + [
        f"[ratings] {k}" for k in today_ratings if k not in ratings
    ]
    if today.composite is not None and composite is None:
        unusable.append("[ratings] composite")
    problems = []
    if unusable:
        problems.append(
            f"{where} records no usable value for {', '.join(unusable)}: shown as not "
            "determined (today's scoring of its answers gives them)"
        )
    same = [k for k, v in ratings.items() if today_ratings.get(k) == v]
    return Recorded(
        level=Level.from_code(level) if level else None,
        # safety first: today's imminent risk shows the banner whatever was stored
        emergency=True if today.emergency else stored_emergency,
        withdrawal_management=withdrawal,
        scores=scores,
        ratings=ratings,
        composite=composite,
        rules=_texts(rec, "rules", where),
        reasons=_texts(rec, "reasons", where),
        also_considered=_texts(rec, "also_considered", where),
        flags=tuple(
            Flag(code, notes[n] if n < len(notes) else code) for n, code in enumerate(codes)
        ),
        rating_why={k: today.rating_why.get(k, "") for k in same},
        withdrawal_reason=today.withdrawal_reason
        if withdrawal == today.withdrawal_management
        else "",
    ), problems


def notes_on(bank: Bank, stored: Stored, today: Record, *, shows_recorded: bool) -> list[str]:
    """What a reader of a report must know about a summary: another question bank, another
    clinical model, and what today's scoring of its answers gives that it did not record."""
    notes = [n for n in (bank_warning(bank, stored), model_warning(stored)) if n]
    notes += stored.time_warnings
    if not stored.recommendation:
        notes.append(f"{shown(stored.path.name)} held answers only: scored with today's rules")
        return notes
    if changes := recommendation_changes(stored, today.recommendation):
        shown_here = (
            "this report shows what was recorded"
            if shows_recorded
            else "this report shows today's scoring"
        )
        notes.append(
            "The recorded recommendation and today's rules and question bank differ "
            f"({shown_here}): " + "; ".join(changes)
        )
    if differences := differences_warning(stored_differences(stored, today.scores, today.ratings)):
        notes.append(differences[0].upper() + differences[1:])
    return notes


def as_recorded(bank: Bank, stored: Stored) -> Record:
    """The Record of a summary as it was stored, with notes for the reader when its bank or
    model differs from today's, or today's scoring of its answers gives something else. A
    file of answers only was never scored: it is scored now, and says so."""
    today = assessment_of(stored.answers)
    times = {"assessed": stored.assessed, "started": stored.started}
    check = build_record(bank, stored.answers, today, override=stored.override, **times)
    notes = notes_on(bank, stored, check, shows_recorded=True)
    if not stored.recommendation:
        return replace(check, notes=tuple(notes))
    as_stored, problems = recorded(stored, today)
    return build_record(
        bank,
        stored.answers,
        as_stored,
        override=stored.override,
        notes=tuple(notes + problems),
        **times,
    )
