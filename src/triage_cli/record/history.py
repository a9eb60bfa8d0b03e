"""One client's assessments over time (`triage history`, the report's history): in order of
when they were assessed, each with its recorded level (and override), the composite, PHQ-9 and
GAD-7 re-scored from its answers, the step up or down since the one before, and the outcome
markers against the first (baseline) and the previous assessment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage_cli.bank.model import Bank
from triage_cli.errors import DraftFile, InputError, TriageError
from triage_cli.record.compare import move
from triage_cli.record.outcomes import Outcome, outcomes
from triage_cli.record.recorded import as_recorded
from triage_cli.record.stored import Stored, bank_warning
from triage_cli.scoring import Assessment, Level
from triage_cli.scoring.partial import assessment_of
from triage_cli.text import shown


@dataclass(frozen=True)
class HistoryRow:
    file: str
    assessed: datetime | None
    level: Level | None  # as recorded
    override_level: str | None
    composite: int | None
    phq9_total: int | None  # re-scored from the answers
    gad7_total: int | None
    movement: str | None  # since the row before: "step up", "step down", "same"
    vs_baseline: dict[str, Outcome | None] | None  # None on the baseline itself
    vs_previous: dict[str, Outcome | None] | None
    emergency: bool  # recorded, or today's rules find imminent risk in its answers

    def as_json(self) -> dict[str, Any]:
        def markers(found: dict[str, Outcome | None] | None) -> dict[str, Any] | None:
            if found is None:
                return None
            return {k: v.as_json() if v else None for k, v in found.items()}

        return {
            "file": self.file,
            "assessed": self.assessed.isoformat() if self.assessed else None,
            "level": self.level.code if self.level else None,
            "override_level": self.override_level,
            "composite": self.composite,
            "phq9_total": self.phq9_total,
            "gad7_total": self.gad7_total,
            "movement": self.movement,
            "vs_baseline": markers(self.vs_baseline),
            "vs_previous": markers(self.vs_previous),
            "emergency": self.emergency,
        }


@dataclass(frozen=True)
class History:
    client_id: str
    rows: tuple[HistoryRow, ...]
    notes: tuple[str, ...]  # files skipped on purpose (drafts, other clients), other banks
    problems: tuple[str, ...]  # files that could not be read or are invalid: exit 1

    @property
    def emergencies(self) -> list[int]:
        """The row numbers (1-based) whose assessment meets imminent risk."""
        return [n for n, row in enumerate(self.rows, 1) if row.emergency]


def _scores(stored: Stored) -> dict[str, object]:
    a = assessment_of(stored.answers)
    return a.scores._asdict() if isinstance(a, Assessment) else dict(a.scores)


def rows_of(
    bank: Bank, summaries: Sequence[Stored]
) -> tuple[tuple[HistoryRow, ...], list[str], list[str]]:
    """The rows of one client's summaries, ordered by when they were assessed (a file
    without that time by when it was written, and said so; ties by file name), with the
    notes each summary's record carries, and the files that could not be laid out."""
    earliest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(summaries, key=lambda s: (s.assessed or s.created or earliest, s.path.name))
    rows: list[HistoryRow] = []
    notes: list[str] = []
    problems: list[str] = []
    first_scores: dict[str, object] | None = None
    before: tuple[Level | None, dict[str, object]] | None = None
    for stored in ordered:
        try:
            record = as_recorded(bank, stored)
        except TriageError as error:
            problems.append(str(error))
            continue
        notes += [n for n in record.notes if n not in notes]
        if stored.assessed is None:
            placed = "by when it was written" if stored.created else "first: it has no times"
            notes.append(f"{shown(stored.path.name)} has no assessment time: ordered {placed}")
        scores = _scores(stored)
        level = record.assessment.level
        rows.append(
            HistoryRow(
                file=stored.path.name,
                assessed=stored.assessed,
                level=level,
                override_level=stored.override.level if stored.override else None,
                composite=record.assessment.composite,
                phq9_total=_int(scores.get("phq9_total")),
                gad7_total=_int(scores.get("gad7_total")),
                movement=move(before[0], level) if before else None,
                vs_baseline=outcomes(first_scores, scores) if first_scores is not None else None,
                vs_previous=outcomes(before[1], scores) if before else None,
                emergency=bool(record.assessment.emergency),
            )
        )
        first_scores = scores if first_scores is None else first_scores
        before = (level, scores)
    return tuple(rows), notes, problems


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def history_of(
    bank: Bank, found: Sequence[tuple[Path, Stored | TriageError]], client: str | None
) -> History:
    """One client's history from the files read: drafts and other clients' files skipped
    with a note; unreadable or invalid ones named as problems. Several clients and no
    `client` is an InputError (exit 2) that lists them."""
    notes: list[str] = []
    problems: list[str] = []
    summaries: list[Stored] = []
    for path, result in found:
        if isinstance(result, DraftFile):
            notes.append(f"{shown(path, 300)}: an interview draft, skipped")
        elif isinstance(result, TriageError):
            problems.append(str(result))  # it names the file
        else:
            summaries.append(result)
    clients = sorted({s.answers.client_id for s in summaries})
    if client is None and len(clients) > 1:
        raise InputError(
            f"these summaries are of {len(clients)} clients: give one with --client",
            [shown(c) for c in clients],
        )
    chosen = client if client is not None else (clients[0] if clients else "")
    kept = []
    for stored in summaries:
        if stored.answers.client_id != chosen:
            notes.append(
                f"{shown(stored.path, 300)}: client {shown(stored.answers.client_id)}, skipped"
            )
        else:
            kept.append(stored)
            if warning := bank_warning(bank, stored):
                notes.append(warning)
    rows, row_notes, row_problems = rows_of(bank, kept)
    return History(chosen, rows, tuple(notes + row_notes), tuple(problems + row_problems))
