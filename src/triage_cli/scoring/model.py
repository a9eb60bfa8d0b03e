"""The values scoring produces: levels of care, instrument scores, ratings, the Assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """Levels of care, ordered: a higher value is more intensive care."""

    OP = 1
    IOP = 2
    PHP = 3
    RESIDENTIAL = 4
    INPATIENT = 5

    @property
    def code(self) -> str:
        return self.name.lower()

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


@dataclass(frozen=True)
class Scores:
    """Screening instrument totals and bands, as the instruments publish them."""

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


@dataclass(frozen=True)
class Ratings:
    """The seven 1-5 ratings, each with the answers that set it (`why`)."""

    R: int
    F: int
    C: int
    E: int
    P: int
    H: int
    G: int
    why: Mapping[str, str]

    def items(self) -> list[tuple[str, int]]:
        return [(letter, getattr(self, letter)) for letter in RATING_NAMES]


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
    level: Level
    emergency: bool
    withdrawal_management: str  # none, ambulatory, medically_monitored, medically_managed
    withdrawal_reason: str
    scores: Scores
    ratings: Ratings
    composite: int
    fired: tuple[FiredRule, ...]  # every rule that applied, in table order
    flags: tuple[Flag, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """Ids of the rules that proposed the recommended level, sorted."""
        return tuple(sorted(r.rule for r in self.fired if r.level == self.level))

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.fired if r.level == self.level)

    @property
    def also_considered(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.fired if r.level < self.level)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.flags)
