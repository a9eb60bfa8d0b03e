"""`triage score --json`: a Record for scripts (keys documented in the README). An incomplete
record has the same keys, less those its answers do not determine, and `not_answered`."""

from __future__ import annotations

from typing import Any

from triage_cli.record.model import Record


def as_json(record: Record) -> dict[str, Any]:
    meta, recommendation = record.meta, record.recommendation
    payload: dict[str, Any] = {"client_id": record.client_id, "complete": record.complete}
    if meta.assessed is not None:
        payload["assessed"] = meta.assessed.isoformat()
    decided = ("level", "level_name", "emergency", "withdrawal_management")
    payload |= {k: recommendation[k] for k in decided if k in recommendation}
    ratings = dict(record.ratings)
    if "composite" in ratings:
        payload["composite"] = ratings.pop("composite")
    payload |= {
        "ratings": ratings,
        "scores": record.scores,
        **{k: recommendation[k] for k in ("rules", "reasons", "also_considered")},
        "flags": [
            {"code": code, "text": text}
            for code, text in zip(
                recommendation["flags"], recommendation["flag_notes"], strict=True
            )
        ],
        "bank": {"name": meta.bank_name, "version": meta.bank_version, "sha256": meta.bank_sha256},
        "model_version": meta.model_version,
    }
    if not record.complete:
        payload["not_answered"] = list(record.not_answered)
    if (comparison := record.comparison) is not None:
        previous = comparison.previous
        payload["previous"] = previous | {
            "assessed": comparison.assessed.isoformat() if comparison.assessed else None
        }
        payload["outcomes"] = {
            instrument: found.as_json() if found is not None else None
            for instrument, found in comparison.outcomes.items()
        }
    return payload
