"""`triage score --json`: a Record for scripts (keys documented in the README)."""

from __future__ import annotations

from typing import Any

from triage_cli.record.model import Record


def as_json(record: Record) -> dict[str, Any]:
    a, meta = record.assessment, record.meta
    return {
        "client_id": record.client_id,
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
        "bank": {"name": meta.bank_name, "version": meta.bank_version, "sha256": meta.bank_sha256},
        "model_version": meta.model_version,
    }
