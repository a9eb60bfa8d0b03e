"""Interview drafts: the answers so far of an unfinished intake, written to resume it later."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from triage_cli import __version__
from triage_cli.answers import converter
from triage_cli.bank.model import Bank, Value
from triage_cli.errors import InputError
from triage_cli.record.files import write_private
from triage_cli.scoring import MODEL_VERSION

HEADER = "# triage-cli interview draft (unfinished). Contains health information.\n"


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
    return write_private(path, HEADER + tomli_w.dumps(document), force=force)


def read_draft(bank: Bank, path: Path | str) -> tuple[dict[str, Value], list[str], bool]:
    """The usable answers of a draft (or summary), a note for each answer dropped, and
    whether the file is a draft (rather than a chart summary, which is never deleted).

    Lenient where a summary's reader is strict: a draft is unfinished, so only answered
    questions are kept, each checked against the bank and the skip logic as the interview
    would ask it.
    """
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
