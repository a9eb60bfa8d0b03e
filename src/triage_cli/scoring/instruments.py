"""Screening instrument totals and bands (CLINICAL.md section 2), as published."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import TypeVar

from triage_cli.bank.model import Value
from triage_cli.scoring.model import Scores

# (lowest total of the band, band), highest band first
PHQ9_BANDS = (
    (20, "severe"),
    (15, "moderately_severe"),
    (10, "moderate"),
    (5, "mild"),
    (0, "minimal"),
)
GAD7_BANDS = ((15, "severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
DAST10_BANDS = ((9, "severe"), (6, "substantial"), (3, "moderate"), (1, "low"), (0, "none"))

PHQ9_ITEMS = tuple(f"phq9_{n}" for n in range(1, 10))
GAD7_ITEMS = tuple(f"gad7_{n}" for n in range(1, 8))
AUDITC_ITEMS = ("auditc_1", "auditc_2", "auditc_3")
DAST10_ITEMS = tuple(f"dast10_{n}" for n in range(1, 11))
DAST10_REVERSED = "dast10_3"  # "Are you always able to stop...": no scores 1
DAST10_FORWARD = tuple(item for item in DAST10_ITEMS if item != DAST10_REVERSED)
CSSRS_ITEMS = ("cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6", "cssrs_6_recent")
CSSRS_HIGH_ITEMS = ("cssrs_4", "cssrs_5", "cssrs_6_recent")  # any one yes: risk high
AUDITC_HIGH = 8

# The answers each score reads (a partial answer set reports a score only when all are given).
SCORE_INPUTS = {
    "phq9_total": PHQ9_ITEMS,
    "phq9_band": PHQ9_ITEMS,
    "gad7_total": GAD7_ITEMS,
    "gad7_band": GAD7_ITEMS,
    "auditc_total": AUDITC_ITEMS,
    "auditc_positive": (*AUDITC_ITEMS, "sex_at_birth"),
    "auditc_high": AUDITC_ITEMS,
    "dast10_total": DAST10_ITEMS,
    "dast10_band": DAST10_ITEMS,
    "cssrs_risk": CSSRS_ITEMS,
}


Band = TypeVar("Band")


def band(total: int, bands: Sequence[tuple[int, Band]]) -> Band:
    """The band of a total: the first (lowest total, band) pair, highest first, it reaches."""
    for lowest, name in bands:
        if total >= lowest:
            return name
    raise ValueError(f"total {total} is below every band")


def band_of_total(bands: tuple[tuple[int, str], ...], highest: int) -> tuple[str, ...]:
    """Every possible total's band, looked up by total (batch scores each row with them)."""
    return tuple(band(total, bands) for total in range(highest + 1))


PHQ9_BAND = band_of_total(PHQ9_BANDS, 3 * len(PHQ9_ITEMS))
GAD7_BAND = band_of_total(GAD7_BANDS, 3 * len(GAD7_ITEMS))
DAST10_BAND = band_of_total(DAST10_BANDS, len(DAST10_ITEMS))


def auditc_cutoff(sex_at_birth: str) -> int:
    """AUDIT-C is positive at >= 4 for men; >= 3 for women, other and unknown (the safer cut)."""
    return 4 if sex_at_birth == "male" else 3


def cssrs_risk(answers: Mapping[str, Value]) -> str:
    """C-SSRS screener risk; items a skip left unasked count as no."""
    said = answers.get
    if said("cssrs_4") or said("cssrs_5") or said("cssrs_6_recent"):
        return "high"
    if said("cssrs_3") or said("cssrs_6"):
        return "moderate"
    if said("cssrs_1") or said("cssrs_2"):
        return "low"
    return "none"


def cssrs_high_answers(answers: Mapping[str, Value]) -> str:
    """The screener answers that make its risk high, as text."""
    return ", ".join(f"{i} = yes" for i in CSSRS_HIGH_ITEMS if answers.get(i))


_PHQ9 = itemgetter(*PHQ9_ITEMS)
_GAD7 = itemgetter(*GAD7_ITEMS)
_AUDITC = itemgetter(*AUDITC_ITEMS)
_DAST10_FORWARD = itemgetter(*DAST10_FORWARD)


def score_instruments(answers: Mapping[str, Value]) -> Scores:
    phq9 = sum(_PHQ9(answers))
    gad7 = sum(_GAD7(answers))
    auditc = sum(_AUDITC(answers))
    dast10 = sum(_DAST10_FORWARD(answers)) + (not answers[DAST10_REVERSED])  # item 3 reversed
    # tuple.__new__ builds the NamedTuple its constructor would, in C: this runs per batch row
    return tuple.__new__(Scores, (
        phq9,
        PHQ9_BAND[phq9],
        gad7,
        GAD7_BAND[gad7],
        auditc,
        auditc >= auditc_cutoff(answers["sex_at_birth"]),
        auditc >= AUDITC_HIGH,
        dast10,
        DAST10_BAND[dast10],
        cssrs_risk(answers),
    ))  # fmt: skip
