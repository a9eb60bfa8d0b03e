"""Outcome markers between two assessments of one client (measurement-based care), for PHQ-9
and GAD-7, exactly as the README cites them: change, percent change, response, partial
response, remission (ICSI; NCQA HEDIS DRR-E; CMS159) and reliable change (IAPT thresholds).
Decided here once; every writer lays them out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# instrument -> (total's field, its name, the reliable-change threshold in points)
INSTRUMENTS = {
    "phq9": ("phq9_total", "PHQ-9", 6),  # IAPT; Löwe 2004's 5-point MID as context
    "gad7": ("gad7_total", "GAD-7", 4),  # IAPT; Toussaint 2020's 4-point MID as context
}
BASELINE = 10  # response, partial response and remission apply from an earlier total of 10
REMISSION_BELOW = 5  # PHQ-9 < 5 (ICSI, DRR-E, CMS159); the same for GAD-7 by convention


@dataclass(frozen=True)
class Outcome:
    """One instrument's totals at two assessments and the markers between them. None where a
    marker does not apply (an earlier total under 10; a percent change from 0)."""

    earlier: int
    now: int
    change: int
    percent_change: float | None
    response: bool | None
    partial_response: bool | None
    remission: bool | None
    reliable_change: str  # "improvement", "deterioration" or "none"

    def as_json(self) -> dict[str, object]:
        return dict(vars(self))


def outcome(instrument: str, earlier: int, now: int) -> Outcome:
    """The markers between two totals of one instrument ("phq9" or "gad7")."""
    threshold = INSTRUMENTS[instrument][2]
    change = now - earlier
    percent = None
    if earlier:
        exact = Decimal(100 * change) / Decimal(earlier)
        percent = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    applies = earlier >= BASELINE
    # 50% and 75% of the earlier total compared in whole numbers: no rounding at the edges
    response = 2 * now <= earlier if applies else None
    partial = (2 * now > earlier and 4 * now <= 3 * earlier) if applies else None
    remission = now < REMISSION_BELOW if applies else None
    if change <= -threshold:
        reliable = "improvement"
    elif change >= threshold:
        reliable = "deterioration"
    else:
        reliable = "none"
    return Outcome(earlier, now, change, percent, response, partial, remission, reliable)


def outcomes(earlier: Mapping[str, object], now: Mapping[str, object]) -> dict[str, Outcome | None]:
    """Each instrument's markers from two sets of scores (batch column names); None for an
    instrument either side lacks (an incomplete record)."""
    found: dict[str, Outcome | None] = {}
    for instrument, (field, _, _) in INSTRUMENTS.items():
        x, y = earlier.get(field), now.get(field)
        found[instrument] = (
            outcome(instrument, x, y) if isinstance(x, int) and isinstance(y, int) else None
        )
    return found


def outcome_words(instrument: str, found: Outcome | None) -> str:
    """'PHQ-9 18 -> 7: response, reliable improvement', as the terminal and reports say it."""
    name = INSTRUMENTS[instrument][1]
    if found is None:
        return f"{name}: not compared (missing on one side)"
    if found.response is None:
        markers = f"not applicable (baseline under {BASELINE})"
    else:
        held = [
            words
            for holds, words in (
                (found.response, "response"),
                (found.partial_response, "partial response"),
                (found.remission, "remission"),
            )
            if holds
        ]
        markers = ", ".join(held) or "no response"
    reliable = {
        "improvement": "reliable improvement",
        "deterioration": "reliable deterioration",
        "none": "no reliable change",
    }[found.reliable_change]
    return f"{name} {found.earlier} -> {found.now}: {markers}, {reliable}"


def outcomes_words(found: Mapping[str, Outcome | None]) -> str:
    """Every instrument's markers in words, one after the other."""
    return "; ".join(outcome_words(instrument, o) for instrument, o in found.items())
