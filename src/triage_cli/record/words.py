"""A Record's values in words, the same for every writer (terminal, chart note, HTML report):
each instrument's score with its band and published cut-offs, each rating with the answers
that set it, the composite's band. Writers lay these out; none words them again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from triage_cli.record.model import Record
from triage_cli.scoring import RATING_NAMES, WITHDRAWAL_TEXT, Level
from triage_cli.scoring.instruments import AUDITC_HIGH, DAST10_BANDS, GAD7_BANDS, PHQ9_BANDS
from triage_cli.scoring.rules import band_text

NOT_DETERMINED = "not determined"
DISCLAIMER = (
    "Decision support, not a diagnosis: a clinician makes the decision, using this "
    "recommendation and its reasons as one input."
)
CRISIS_TITLE = "EMERGENCY: imminent risk"
CRISIS_LINES = (
    "Arrange a same-day emergency evaluation.",
    "Do not leave the person alone.",
    "988 Suicide & Crisis Lifeline: call or text 988.",
    "911 for immediate danger.",
)


def _cutoffs(bands: tuple[tuple[int, str], ...], highest: int) -> str:
    """'0-4 minimal, 5-9 mild, ...' from a band table (highest band first)."""
    parts, top = [], highest
    for lowest, name in bands:
        span = f"{lowest}-{top}" if top > lowest else f"{lowest}"
        parts.append(f"{span} {name.replace('_', ' ')}")
        top = lowest - 1
    return ", ".join(reversed(parts))


class ScoreLine(NamedTuple):
    name: str  # "PHQ-9 (depression)"
    score: str  # "16/27", "" (C-SSRS), or "" when not determined
    band: str  # "moderately severe", "positive, high", "risk high", or NOT_DETERMINED
    cutoffs: str  # the published bands


# name, total's field and its maximum, band's field, the published cut-offs
INSTRUMENTS = (
    ("PHQ-9 (depression)", "phq9_total", 27, "phq9_band", _cutoffs(PHQ9_BANDS, 27)),
    ("GAD-7 (anxiety)", "gad7_total", 21, "gad7_band", _cutoffs(GAD7_BANDS, 21)),
    (
        "AUDIT-C (alcohol)",
        "auditc_total",
        12,
        "auditc_positive",
        f"positive at >= 4 (male) or >= 3 (female, other, unknown); high at >= {AUDITC_HIGH}",
    ),
    ("DAST-10 (drugs)", "dast10_total", 10, "dast10_band", _cutoffs(DAST10_BANDS, 10)),
    (
        "C-SSRS screener",
        "",
        0,
        "cssrs_risk",
        "high: intent, a plan or recent behavior; moderate: method or lifetime behavior; "
        "low: wish to be dead or thoughts",
    ),
)


def score_lines(scores: Mapping[str, object]) -> tuple[ScoreLine, ...]:
    """Every instrument, its score and band when determined."""
    lines = []
    for name, total, highest, band, cutoffs in INSTRUMENTS:
        if band not in scores:
            lines.append(ScoreLine(name, "", NOT_DETERMINED, cutoffs))
            continue
        score = f"{scores[total]}/{highest}" if total and total in scores else ""
        lines.append(ScoreLine(name, score, _band_words(band, scores), cutoffs))
    return tuple(lines)


def _band_words(band: str, scores: Mapping[str, object]) -> str:
    if band == "auditc_positive":
        high = ", high" if scores.get("auditc_high") else ""
        return ("positive" if scores[band] else "negative") + high
    if band == "cssrs_risk":
        return f"risk {scores[band]}"
    return str(scores[band]).replace("_", " ")


class RatingLine(NamedTuple):
    letter: str
    name: str
    value: int | None  # None: not determined
    why: str  # the answers that set it ("" when not known)


def rating_lines(ratings: Mapping[str, int], why: Mapping[str, str]) -> tuple[RatingLine, ...]:
    return tuple(
        RatingLine(letter, name, ratings.get(letter), why.get(letter, ""))
        for letter, name in RATING_NAMES.items()
    )


def composite_words(composite: int | None) -> str:
    """The composite with its band of rule B1 (28 and above is rule O2's)."""
    if composite is None:
        return NOT_DETERMINED
    if not 7 <= composite <= 35:
        return f"{composite} (outside 7-35: not a composite)"
    if composite >= 28:  # rule O2 composite-max; B1's bands end at 27
        return f"{composite} of 35 (28-35: inpatient, rule O2)"
    return f"{composite} of 35 (band {band_text(composite)})"


def withdrawal_words(code: str | None) -> str:
    """'' when none applies or it is not determined."""
    return WITHDRAWAL_TEXT.get(code or "none", "")


def not_answered_words(record: Record) -> str:
    """'49 questions not answered', for an incomplete record."""
    count = len(record.not_answered)
    return f"{count} question{'s' * (count != 1)} not answered"


def level_words(code: str) -> str:
    """'Intensive outpatient (IOP) [iop]', for a level's code."""
    level = Level.from_code(code)
    return f"{level.title} [{level.code}]"
