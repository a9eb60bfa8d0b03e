"""An assessment beside an earlier one of the same client: the level-of-care movement in
words and each rating, the composite and each instrument total, earlier and now, and the
outcome markers of PHQ-9 and GAD-7 (record/outcomes.py). Either side may be incomplete:
what it does not determine is compared as not determined."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from triage_cli.errors import InputError
from triage_cli.record.outcomes import Outcome, outcomes
from triage_cli.record.stored import Stored
from triage_cli.scoring import RATING_NAMES, Assessment, Level
from triage_cli.scoring.partial import Partial, assessment_of
from triage_cli.text import shown

INSTRUMENT_TOTALS = {
    "PHQ-9": "phq9_total",
    "GAD-7": "gad7_total",
    "AUDIT-C": "auditc_total",
    "DAST-10": "dast10_total",
}
UNKNOWN = "?"


@dataclass(frozen=True)
class Row:
    what: str  # "Level", "R Risk of harm", "Composite", "PHQ-9", ...
    earlier: str
    now: str
    direction: str  # "^ up", "v down", "= same", "" when either side is not determined


@dataclass(frozen=True)
class Comparison:
    """Today's assessment beside an earlier summary's answers, scored by today's rules."""

    source: str  # the earlier summary's file name
    dated: datetime | None  # when the earlier assessment was taken (else: its file written)
    assessed: datetime | None  # when the earlier assessment was taken, if it says
    earlier: Assessment | Partial
    move: str | None  # "step up", "step down", "same"; None when a level is not determined
    movement: str  # in words: "step down: php -> iop"
    rows: tuple[Row, ...]
    outcomes: dict[str, Outcome | None]  # "phq9", "gad7"

    @property
    def when(self) -> str:
        """The earlier assessment's date, or its file name when it has none."""
        return self.dated.date().isoformat() if self.dated else self.source

    @property
    def earlier_level(self) -> str | None:
        return self.earlier.level.code if self.earlier.level is not None else None

    @property
    def previous(self) -> dict[str, object]:
        """The earlier assessment as summaries and --json record it (None: not known)."""
        return {
            "assessed": self.assessed,
            "level": self.earlier_level,
            "composite": self.earlier.composite,
            "movement": self.move,
        }


def move(before: Level | None, after: Level | None) -> str | None:
    if before is None or after is None:
        return None
    return "step up" if after > before else "step down" if after < before else "same"


def movement(before: Level | None, after: Level | None) -> str:
    """The level-of-care movement in words, e.g. 'step down: php -> iop'."""
    moved = move(before, after)
    if moved is None:
        shown_levels = [level.code if level else "not determined" for level in (before, after)]
        return f"not compared: {shown_levels[0]} -> {shown_levels[1]}"
    assert before is not None and after is not None
    if moved == "same":
        return f"unchanged: {after.code}"
    return f"{moved}: {before.code} -> {after.code}"


def _direction(x: object, y: object) -> str:
    if not (isinstance(x, int) and isinstance(y, int)):
        return ""
    return "^ up" if y > x else "v down" if y < x else "= same"


def _shown(value: object) -> str:
    return UNKNOWN if value is None else str(value)


def _values(a: Assessment | Partial) -> tuple[Mapping[str, object], Mapping[str, object]]:
    if isinstance(a, Assessment):
        return a.scores._asdict(), {**a.ratings._asdict(), "composite": a.composite}
    return a.scores, {**a.ratings, "composite": a.composite}


def rows(old: Assessment | Partial, a: Assessment | Partial) -> tuple[Row, ...]:
    """Level, each rating, composite and each instrument: earlier, now, and which way."""
    old_scores, old_ratings = _values(old)
    scores, ratings = _values(a)
    levels = [x.level.code if x.level is not None else None for x in (old, a)]
    found = [Row("Level", _shown(levels[0]), _shown(levels[1]), _direction(old.level, a.level))]
    for letter, name in RATING_NAMES.items():
        x, y = old_ratings.get(letter), ratings.get(letter)
        found.append(Row(f"{letter} {name}", _shown(x), _shown(y), _direction(x, y)))
    x, y = old_ratings.get("composite"), ratings.get("composite")
    found.append(Row("Composite", _shown(x), _shown(y), _direction(x, y)))
    for name, field in INSTRUMENT_TOTALS.items():
        x, y = old_scores.get(field), scores.get(field)
        found.append(Row(name, _shown(x), _shown(y), _direction(x, y)))
    return tuple(found)


def compare(
    previous: Stored,
    a: Assessment | Partial,
    client_id: str,
    assessed: datetime | None = None,
) -> Comparison:
    """The comparison with an earlier summary of the same client, its answers re-scored by
    today's rules. Raises InputError (exit 2) for another client's summary, or an earlier
    one assessed after this one (when both say when; otherwise the order given is trusted)."""
    if previous.answers.client_id != client_id:
        raise InputError(
            f"{shown(previous.path.name)} is client {shown(previous.answers.client_id)}, "
            f"not {shown(client_id)}: an assessment is compared only with the same client's"
        )
    if previous.assessed and assessed and previous.assessed > assessed:
        raise InputError(
            f"{shown(previous.path.name)} was assessed {previous.assessed.isoformat()}, after "
            f"this assessment ({assessed.isoformat()}): the previous one must come first"
        )
    earlier = assessment_of(previous.answers)
    return Comparison(
        source=previous.path.name,
        dated=previous.assessed or previous.created,
        assessed=previous.assessed,
        earlier=earlier,
        move=move(earlier.level, a.level),
        movement=movement(earlier.level, a.level),
        rows=rows(earlier, a),
        outcomes=outcomes(_values(earlier)[0], _values(a)[0]),
    )
