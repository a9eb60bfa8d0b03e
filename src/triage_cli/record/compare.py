"""An assessment beside an earlier one of the same client: the level-of-care movement in
words and each rating, the composite and each instrument total, earlier and now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage_cli.answers.partial import PartialAnswers
from triage_cli.errors import InputError
from triage_cli.record.stored import Stored
from triage_cli.scoring import RATING_NAMES, Assessment, Level, assess
from triage_cli.scoring.partial import Partial
from triage_cli.text import shown

INSTRUMENT_TOTALS = {
    "PHQ-9": "phq9_total",
    "GAD-7": "gad7_total",
    "AUDIT-C": "auditc_total",
    "DAST-10": "dast10_total",
}


@dataclass(frozen=True)
class Row:
    what: str  # "Level", "R Risk of harm", "Composite", "PHQ-9", ...
    earlier: str
    now: str
    direction: str  # "^ up", "v down", "= same"


@dataclass(frozen=True)
class Comparison:
    """Today's assessment beside an earlier summary's answers, scored by today's rules."""

    source: str  # the earlier summary's file name
    dated: datetime | None  # when the earlier assessment was taken (else: its file written)
    earlier: Assessment
    movement: str  # "step down: php -> iop"
    rows: tuple[Row, ...]

    @property
    def when(self) -> str:
        """The earlier assessment's date, or its file name when it has none."""
        return self.dated.date().isoformat() if self.dated else self.source


def movement(before: str, after: str) -> str:
    """The level-of-care movement in words, e.g. 'step down: php -> iop'."""
    old, new = Level.from_code(before), Level.from_code(after)
    if new > old:
        return f"step up: {before} -> {after}"
    if new < old:
        return f"step down: {before} -> {after}"
    return f"unchanged: {after}"


def _direction(x: int, y: int) -> str:
    return "^ up" if y > x else "v down" if y < x else "= same"


def rows(old: Assessment, a: Assessment) -> tuple[Row, ...]:
    """Level, each rating, composite and each instrument: earlier, now, and which way."""
    found = [Row("Level", old.level.code, a.level.code, _direction(old.level, a.level))]
    for (letter, x), (_, y) in zip(old.ratings.items(), a.ratings.items(), strict=True):
        found.append(Row(f"{letter} {RATING_NAMES[letter]}", str(x), str(y), _direction(x, y)))
    found.append(
        Row(
            "Composite",
            str(old.composite),
            str(a.composite),
            _direction(old.composite, a.composite),
        )
    )
    for name, field in INSTRUMENT_TOTALS.items():
        x, y = getattr(old.scores, field), getattr(a.scores, field)
        found.append(Row(name, str(x), str(y), _direction(x, y)))
    return tuple(found)


def compare(previous: Stored, a: Assessment | Partial, client_id: str) -> Comparison:
    """The comparison with an earlier summary of the same client, its answers re-scored by
    today's rules. Raises InputError (exit 2) for another client's summary, or when either
    assessment is incomplete (it has no level to compare)."""
    if previous.answers.client_id != client_id:
        raise InputError(
            f"{shown(previous.path.name)} is client {shown(previous.answers.client_id)}, "
            f"not {shown(client_id)}: an assessment is compared only with the same client's"
        )
    if isinstance(previous.answers, PartialAnswers) or isinstance(a, Partial):
        which = "the earlier" if isinstance(previous.answers, PartialAnswers) else "this"
        raise InputError(
            f"{which} assessment is incomplete: it has no level of care to compare "
            f"with {shown(previous.path.name) if which == 'this' else 'this one'}"
        )
    earlier = assess(previous.answers)
    return Comparison(
        source=previous.path.name,
        dated=previous.assessed or previous.created,
        earlier=earlier,
        movement=movement(earlier.level.code, a.level.code),
        rows=rows(earlier, a),
    )
