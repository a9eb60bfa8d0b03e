"""The values scoring produces: levels of care, instrument scores, ratings, the Assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple, Protocol

# The version of CLINICAL.md these rules implement; summaries record it ([meta] model_version).
MODEL_VERSION = "1.1"


class Level(IntEnum):
    """Levels of care, ordered: a higher value is more intensive care."""

    OP = 1
    IOP = 2
    PHP = 3
    RESIDENTIAL = 4
    INPATIENT = 5

    code: str  # "op", ..., "inpatient": set once per level, as batch reads it for every row

    def __init__(self, value: int) -> None:
        self.code = self._name_.lower()

    @property
    def title(self) -> str:
        return _TITLES[self]

    @classmethod
    def from_code(cls, code: str) -> Level:
        return cls[code.upper()]


_TITLES = {
    Level.OP: "Outpatient (OP)",
    Level.IOP: "Intensive outpatient (IOP)",
    Level.PHP: "Partial hospitalization (PHP)",
    Level.RESIDENTIAL: "Residential treatment",
    Level.INPATIENT: "Inpatient / emergency care",
}

RATING_NAMES = {
    "R": "Risk of harm",
    "F": "Functional status",
    "C": "Co-morbidity",
    "E": "Environment: stress",
    "P": "Environment: support",
    "H": "Treatment history",
    "G": "Engagement",
}

WITHDRAWAL_TEXT = {
    "none": "",
    "ambulatory": "Ambulatory withdrawal management",
    "medically_monitored": "Medically monitored withdrawal management",
    "medically_managed": "Medically managed withdrawal first",
}


class Scores(NamedTuple):
    """Screening instrument totals and bands, as the instruments publish them.

    NamedTuples (here and in Ratings) because one is built per scored row in batch."""

    phq9_total: int
    phq9_band: str
    gad7_total: int
    gad7_band: str
    auditc_total: int
    auditc_positive: bool
    auditc_high: bool
    dast10_total: int
    dast10_band: str
    cssrs_risk: str


class Ratings(NamedTuple):
    """The seven 1-5 ratings."""

    R: int
    F: int
    C: int
    E: int
    P: int
    H: int
    G: int

    def items(self) -> list[tuple[str, int]]:
        return list(zip(RATING_NAMES, self, strict=True))


@dataclass(frozen=True)
class FiredRule:
    """A rule of CLINICAL.md section 4 that applied, the level it proposed, and why."""

    rule: str
    name: str
    level: Level
    reason: str


@dataclass(frozen=True)
class Flag:
    """A note for the clinician; flags never change the level."""

    code: str
    text: str


@dataclass(frozen=True)
class Assessment:
    """The result of assess(). Texts (reasons, explanations, flag texts) are written on first
    use from the facts the decision was made on, so that batch scoring does not pay for them."""

    level: Level
    emergency: bool
    withdrawal_management: str  # none, ambulatory, medically_monitored, medically_managed
    scores: Scores
    ratings: Ratings
    composite: int
    proposals: tuple[tuple[str, Level], ...]  # (rule id, level) of every rule that applied
    rules: tuple[str, ...]  # ids of the rules that proposed the recommended level, sorted
    flag_codes: tuple[str, ...]
    explain: Explainer = field(compare=False, repr=False)

    @cached_property
    def fired(self) -> tuple[FiredRule, ...]:
        """Every rule that applied, in the rule table's order, with its reason."""
        return tuple(self.explain.fired(rule, level) for rule, level in self.proposals)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.fired if r.level == self.level)

    @property
    def also_considered(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.fired if r.level < self.level)

    @cached_property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(Flag(code, self.explain.flag(code)) for code in self.flag_codes)

    @cached_property
    def rating_why(self) -> dict[str, str]:
        """For each rating, the answers that set it."""
        return {letter: self.explain.rating(letter) for letter in RATING_NAMES}

    @property
    def withdrawal_reason(self) -> str:
        return self.explain.withdrawal()


class Explainer(Protocol):
    """Writes the texts of an assessment on demand (implemented in scoring/__init__.py)."""

    def fired(self, rule: str, level: Level) -> FiredRule: ...
    def flag(self, code: str) -> str: ...
    def rating(self, letter: str) -> str: ...
    def withdrawal(self) -> str: ...
