"""The TOML summary: a Record written for the chart (tomli-w), and read back (tomllib) as the
answers plus what was stored, to be re-scored like any other door."""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage_cli.answers import Answers, parse_answers
from triage_cli.answers.partial import parse_partial
from triage_cli.bank.model import LEVELS, Bank
from triage_cli.errors import DraftFile, InputError, TriageError
from triage_cli.record.files import read_document, write_private
from triage_cli.record.model import Record
from triage_cli.record.override import Override
from triage_cli.record.stored import Stored
from triage_cli.text import shown

HEADER = (
    "# triage-cli summary: decision support, not a diagnosis.\n"
    "# Contains health information: keep it where the chart is kept.\n"
)


def document(record: Record, *, created: datetime | None = None) -> dict[str, Any]:
    """The summary document (no None anywhere: tomli-w cannot write it). An incomplete
    record holds only what its answers determine, and lists the questions not answered."""
    meta = record.meta
    times = {"assessed": meta.assessed, "started": meta.started}
    doc: dict[str, Any] = {
        "meta": {
            "tool": "triage-cli",
            "tool_version": meta.tool_version,
            "model_version": meta.model_version,
            "bank_name": meta.bank_name,
            "bank_version": meta.bank_version,
            "bank_sha256": meta.bank_sha256,
            "created": (created or datetime.now(UTC)).replace(microsecond=0),
            **{k: t for k, t in times.items() if t},
            "complete": record.complete,
        },
        "answers": {line.id: line.value for line in record.labelled},
        "scores": record.scores,
        "ratings": record.ratings,
        "recommendation": record.recommendation,
    }
    if not record.complete:
        doc["meta"]["not_answered"] = list(record.not_answered)
        if record.undecided:  # asked or not, by answers not given yet
            doc["meta"]["undecided"] = list(record.undecided)
    if record.override:
        override = record.override
        doc["override"] = {k: v for k, v in vars(override).items() if v != ""} | {
            "reason_text": override.reason_text
        }
    if record.program is not None:
        doc["program"] = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in vars(record.program).items()
            if v != ""
        }
    if record.level is not None:
        items = [{"id": item.id, "text": item.text, "done": False} for item in record.checklist]
        doc["checklist"] = {"level": record.level, "items": items}
    if record.comparison is not None:
        comparison = record.comparison
        entry: dict[str, Any] = {"file": comparison.source}
        if comparison.dated:
            entry["date"] = comparison.dated
        entry |= {k: v for k, v in comparison.previous.items() if v is not None}
        markers = {
            instrument: {k: v for k, v in found.as_json().items() if v is not None}
            for instrument, found in comparison.outcomes.items()
            if found is not None
        }
        if markers:
            entry["outcomes"] = markers
        doc["previous"] = entry
    return doc


def write(
    path: Path | str, record: Record, *, force: bool = False, created: datetime | None = None
) -> Path:
    """Write a record's summary atomically with mode 0600; refuse to replace a file unless
    force. `created` (default: now) is when the file is written."""
    import tomli_w

    text = HEADER + tomli_w.dumps(document(record, created=created))
    return write_private(path, text, force=force)


def read(bank: Bank, path: Path | str) -> Stored:
    """Read a summary (or a file with only an [answers] table) and validate its answers.

    Raises InputError (exit 2) for a file that is not readable TOML or has no [answers],
    AnswersError (exit 1) listing every problem with the answers.
    """
    path = Path(path)
    doc = read_document(path, "TOML", tomllib.loads, tomllib.TOMLDecodeError)
    meta = doc.get("meta")
    if isinstance(meta, dict) and meta.get("kind") == "draft":
        raise DraftFile(
            f"{shown(path)} is an interview draft, not a summary: continue it with "
            f"`triage interview --resume {shown(path, 300)}`"
        )
    raw = doc.get("answers")
    if not isinstance(raw, dict):
        raise InputError(
            f"{shown(path)}: no [answers] table (expected answer ids and values in one)"
        )
    tables = {
        name: table if isinstance(table := doc.get(name), dict) else {}
        for name in ("meta", "recommendation", "ratings", "scores")
    }
    return Stored(
        path=path,
        answers=_answers(bank, raw, tables["meta"], shown(path)),
        override=_override(doc.get("override"), path),
        **tables,
    )


def read_all(bank: Bank, paths: list[Path]) -> list[tuple[Path, Stored | TriageError]]:
    """Every summary named, and the `*.toml` files in each folder named (not recursive, in
    name order): each read on its own, so one bad file (or folder) is named, never the end.
    A file named twice (or by two paths) is read once."""
    found: list[tuple[Path, Stored | TriageError]] = []
    seen: set[str] = set()
    for file in _files(paths, found):
        where = os.path.realpath(file)  # never raises on a symlink loop, unlike resolve()
        if where in seen:
            continue
        seen.add(where)
        try:
            found.append((file, read(bank, file)))
        except TriageError as error:
            found.append((file, error))
    return found


def _files(paths: list[Path], found: list[tuple[Path, Stored | TriageError]]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        try:
            with os.scandir(path) as entries:
                files += sorted(path / e.name for e in entries if e.name.endswith(".toml"))
        except OSError as error:
            found.append((path, InputError(f"cannot list {shown(path, 300)}: {error.strerror}")))
    return files


def _answers(bank: Bank, raw: dict[str, Any], meta: dict[str, Any], source: str) -> Answers:
    """A record that says it is incomplete is read as such; any other must be whole."""
    if meta.get("complete") is False:
        return parse_partial(bank, raw, source)
    return parse_answers(bank, raw, source)


def _override(table: object, path: Path) -> Override | None:
    """A stored [override], kept when re-scored; an unusable one is an error, not dropped."""
    if table is None:
        return None
    fields = (
        {k: table.get(k, "") for k in ("level", "reason", "note", "by")}
        if isinstance(table, dict)
        else {}
    )
    if fields.get("level") not in LEVELS or not isinstance(fields.get("reason"), str):
        raise InputError(
            f"{shown(path)}: [override] needs a level ({', '.join(LEVELS)}) and a reason"
        )
    return Override(**{k: str(v) for k, v in fields.items()})
