"""The TOML summary: written for the chart (tomli-w), read back (tomllib) and re-scored."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage_cli import __version__
from triage_cli.answers import Answers, parse_answers
from triage_cli.bank import Bank, Value
from triage_cli.errors import InputError
from triage_cli.files import write_private
from triage_cli.scoring import MODEL_VERSION, RATING_NAMES, Assessment, Level, assess

LEVEL_CODES = tuple(level.code for level in Level)
HEADER = (
    "# triage-cli summary: decision support, not a diagnosis.\n"
    "# Contains health information: keep it where the chart is kept.\n"
)
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
    "other": "Other (see note)",
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


INSTRUMENT_TOTALS = {
    "PHQ-9": "phq9_total",
    "GAD-7": "gad7_total",
    "AUDIT-C": "auditc_total",
    "DAST-10": "dast10_total",
}


@dataclass(frozen=True)
class Override:
    """A clinician's different level, kept beside the recommendation, never instead of it."""

    level: str
    reason: str  # a key of OVERRIDE_REASONS
    note: str = ""
    by: str = ""  # staff initials or id, optional


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


def answers_table(bank: Bank, answers: Answers) -> dict[str, Value]:
    """Asked questions only, in bank order, typed (integers, booleans, code strings)."""
    return {q.id: answers[q.id] for q in bank.questions if q.id in answers}


def build(
    bank: Bank,
    answers: Answers,
    a: Assessment,
    *,
    created: datetime | None = None,
    override: Override | None = None,
    previous: Stored | None = None,
) -> dict[str, Any]:
    """The summary document (no None anywhere: tomli-w cannot write it)."""
    from triage_cli.render import checklist_items

    final = override.level if override else a.level.code
    program = bank.programs[final]
    document: dict[str, Any] = {
        "meta": {
            "tool": "triage-cli",
            "tool_version": __version__,
            "model_version": MODEL_VERSION,
            "bank_name": bank.name,
            "bank_version": bank.version,
            "bank_sha256": bank.sha256,
            "created": (created or datetime.now(UTC)).replace(microsecond=0),
        },
        "answers": answers_table(bank, answers),
        "scores": a.scores._asdict(),
        "ratings": {**a.ratings._asdict(), "composite": a.composite},
        "recommendation": {
            "level": a.level.code,
            "level_name": a.level.title,
            "emergency": a.emergency,
            "withdrawal_management": a.withdrawal_management,
            "rules": list(a.rules),
            "reasons": list(a.reasons),
            "also_considered": list(a.also_considered),
            "flags": list(a.flag_codes),
            "flag_notes": [flag.text for flag in a.flags],
        },
    }
    if override:
        document["override"] = {k: v for k, v in vars(override).items() if v != ""} | {
            "reason_text": reason_label(override.reason)
        }
    document["program"] = {
        k: list(v) if isinstance(v, tuple) else v for k, v in vars(program).items() if v != ""
    }
    document["checklist"] = {
        "level": final,
        "items": [
            {"id": item.id, "text": item.text, "done": False}
            for item in checklist_items(bank, final, answers.values)
        ],
    }
    if previous is not None:
        document["previous"] = previous_entry(previous)
    return document


def previous_entry(previous: Stored) -> dict[str, Any]:
    """[previous]: the earlier summary's date, and its answers scored by today's rules."""
    earlier = assess(previous.answers)
    entry: dict[str, Any] = {"file": previous.path.name}
    if previous.created:
        entry["date"] = previous.created
    return entry | {"level": earlier.level.code, "composite": earlier.composite}


def write(path: Path | str, document: dict[str, Any], *, force: bool = False) -> Path:
    """Write a summary atomically with mode 0600; refuse to replace a file unless force."""
    import tomli_w

    return write_private(path, HEADER + tomli_w.dumps(document), force=force)


def read(bank: Bank, path: Path | str) -> Stored:
    """Read a summary (or a file with only an [answers] table) and validate its answers.

    Raises InputError (exit 2) for a file that is not readable TOML or has no [answers],
    AnswersError (exit 1) listing every problem with the answers.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a TOML file") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    raw = document.get("answers")
    if not isinstance(raw, dict):
        raise InputError(f"{path}: no [answers] table (expected answer ids and values in one)")
    tables = {
        name: table if isinstance(table := document.get(name), dict) else {}
        for name in ("meta", "recommendation", "ratings", "scores")
    }
    return Stored(
        path=path,
        answers=parse_answers(bank, raw, source=str(path)),
        override=_override(document.get("override"), path),
        **tables,
    )


def _override(table: object, path: Path) -> Override | None:
    """A stored [override], kept when re-scored; an unusable one is an error, not dropped."""
    if table is None:
        return None
    fields = (
        {k: table.get(k, "") for k in ("level", "reason", "note", "by")}
        if isinstance(table, dict)
        else {}
    )
    if fields.get("level") not in LEVEL_CODES or not isinstance(fields.get("reason"), str):
        raise InputError(
            f"{path}: [override] needs a level ({', '.join(LEVEL_CODES)}) and a reason"
        )
    return Override(**{k: str(v) for k, v in fields.items()})


def write_draft(
    bank: Bank, answers: Mapping[str, Value], path: Path | str, *, force: bool = False
) -> Path:
    """An unfinished interview: the answers so far, to continue with --resume."""
    import tomli_w

    document = {
        "meta": {
            "kind": "draft",
            "tool_version": __version__,
            "model_version": MODEL_VERSION,
            "bank_name": bank.name,
            "bank_sha256": bank.sha256,
            "created": datetime.now(UTC).replace(microsecond=0),
        },
        "answers": {q.id: answers[q.id] for q in bank.questions if q.id in answers},
    }
    header = "# triage-cli interview draft (unfinished). Contains health information.\n"
    return write_private(path, header + tomli_w.dumps(document), force=force)


def read_draft(bank: Bank, path: Path | str) -> tuple[dict[str, Value], list[str], bool]:
    """The usable answers of a draft (or summary), a note for each answer dropped, and
    whether the file is a draft (rather than a chart summary, which is never deleted).

    Lenient where `read` is strict: a draft is unfinished, so only answered questions are
    kept, each checked against the bank and the skip logic as the interview would ask it.
    """
    from triage_cli.answers import converter

    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot resume from {path}: {error}") from None
    raw = document.get("answers", {})
    if not isinstance(raw, dict):
        raise InputError(f"cannot resume from {path}: no [answers] table")
    notes = [f"{key}: not a question of this bank, dropped" for key in raw if key not in bank.by_id]
    kept: dict[str, Value] = {}
    for question in bank.questions:
        if question.id not in raw:
            continue
        value, error = converter(question)(raw[question.id])
        if error or value is None:
            notes.append(f"{question.id}: {error or 'blank'}, dropped: it will be asked again")
        elif not question.asked(kept):
            notes.append(f"{question.id}: not asked given the other answers, dropped")
        else:
            kept[question.id] = value
    meta = document.get("meta")
    return kept, notes, isinstance(meta, dict) and meta.get("kind") == "draft"


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


def movement(before: str, after: str) -> str:
    """The level-of-care movement in words, e.g. 'step down: php -> iop'."""
    old, new = Level.from_code(before), Level.from_code(after)
    if new > old:
        return f"step up: {before} -> {after}"
    if new < old:
        return f"step down: {before} -> {after}"
    return f"unchanged: {after}"


def comparison(old: Assessment, a: Assessment) -> list[tuple[str, str, str, str]]:
    """(what, before, now, arrow) rows: level, each rating, composite and each instrument."""

    def arrow(x: int, y: int) -> str:
        return "^ up" if y > x else "v down" if y < x else "= same"

    rows = [("Level", old.level.code, a.level.code, arrow(old.level, a.level))]
    for (letter, x), (_, y) in zip(old.ratings.items(), a.ratings.items(), strict=True):
        rows.append((f"{letter} {RATING_NAMES[letter]}", str(x), str(y), arrow(x, y)))
    rows.append(
        ("Composite", str(old.composite), str(a.composite), arrow(old.composite, a.composite))
    )
    for name, field in INSTRUMENT_TOTALS.items():
        x, y = getattr(old.scores, field), getattr(a.scores, field)
        rows.append((name, str(x), str(y), arrow(x, y)))
    return rows


def as_json(bank: Bank, answers: Answers, a: Assessment) -> dict[str, Any]:
    """`triage score --json`: the assessment for scripts (keys documented in the README)."""
    return {
        "client_id": answers.client_id,
        "level": a.level.code,
        "level_name": a.level.title,
        "emergency": a.emergency,
        "withdrawal_management": a.withdrawal_management,
        "composite": a.composite,
        "ratings": a.ratings._asdict(),
        "scores": a.scores._asdict(),
        "rules": list(a.rules),
        "reasons": list(a.reasons),
        "also_considered": list(a.also_considered),
        "flags": [{"code": f.code, "text": f.text} for f in a.flags],
        "bank": {"name": bank.name, "version": bank.version, "sha256": bank.sha256},
        "model_version": MODEL_VERSION,
    }
