"""The seven ratings (CLINICAL.md section 3), written as the spec writes them.

R, F and C are tables of rows: the highest row with a matching term wins, and the matched
terms become the rating's explanation. A term's test is a Python expression over the facts
(answer ids, instrument scores, facts.DERIVED), compiled once by scoring/decision.py.
E, P, H and G are small sums, written as functions whose parameters are the answers they read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class Term(NamedTuple):
    text: str  # a format string over `f` (the Facts), used when the term matches
    test: str  # an expression over the facts: when it is true, the term matches


Rows = tuple[tuple[int, tuple[Term, ...]], ...]

RISK: Rows = (
    (5, (
        Term("C-SSRS risk high ({f.cssrs_high_items})", "cssrs_risk == 'high'"),
        Term("harm_others = plan_or_intent", "harm_others == 'plan_or_intent'"),
    )),
    (4, (Term("cssrs_3 = yes and cssrs_6 = yes", "cssrs_3 and cssrs_6"),)),
    (3, (
        Term("cssrs_2 = yes", "cssrs_2"),
        Term("phq9_9 = {f.phq9_9}", "phq9_9 >= 2"),
        Term("harm_others = thoughts", "harm_others == 'thoughts'"),
    )),
    (2, (
        Term("cssrs_1 = yes", "cssrs_1"),
        Term("cssrs_6 = yes", "cssrs_6"),
        Term("phq9_9 = 1", "phq9_9 == 1"),
    )),
)  # fmt: skip

FUNCTION: Rows = (
    (5, (Term("impair_selfcare = 4", "impair_selfcare == 4"),)),
    (4, (
        Term("two or more items = 4: {f.impair_at_max}", "impair_fours >= 2"),
        Term("impairment sum {f.impair_sum} >= 10", "impair_sum >= 10"),
    )),
    (3, (
        Term("{f.impair_worst}", "impair_max >= 3"),
        Term("impairment sum {f.impair_sum} >= 6", "impair_sum >= 6"),
    )),
    (2, (
        Term("{f.impair_worst}", "impair_max >= 2"),
        Term("impairment sum {f.impair_sum} >= 3", "impair_sum >= 3"),
    )),
)  # fmt: skip

COMORBIDITY: Rows = (
    (5, (
        Term("medical_unstable = yes", "medical_unstable"),
        Term("withdrawal_now = severe", "withdrawal_now == 'severe'"),
        Term("withdrawal_complicated = yes with withdrawal_now = {f.withdrawal_now}",
             "withdrawal_complicated and withdrawal_now in ('moderate', 'severe')"),
    )),
    (4, (
        Term("withdrawal_now = moderate", "withdrawal_now == 'moderate'"),
        Term("DAST-10 {f.dast10_total} >= 9", "dast10_total >= 9"),
        Term("{f.mood_at_15} with {f.heavy_use}",
             "(phq9_total >= 15 or gad7_total >= 15) and (auditc_high or dast10_total >= 6)"),
    )),
    (3, (
        Term("PHQ-9 {f.phq9_total} >= 15", "phq9_total >= 15"),
        Term("GAD-7 {f.gad7_total} >= 15", "gad7_total >= 15"),
        Term("psychosis = yes", "psychosis"),
        Term("DAST-10 {f.dast10_total} >= 3", "dast10_total >= 3"),
        Term("AUDIT-C {f.auditc_total} >= 8", "auditc_high"),
        Term("withdrawal_now = mild", "withdrawal_now == 'mild'"),
        Term("{f.mood_at_10} with {f.any_use}",
             "(phq9_total >= 10 or gad7_total >= 10) and (auditc_positive or dast10_total >= 1)"),
    )),
    (2, (
        Term("PHQ-9 {f.phq9_total} >= 10", "phq9_total >= 10"),
        Term("GAD-7 {f.gad7_total} >= 10", "gad7_total >= 10"),
        Term("AUDIT-C {f.auditc_total} positive", "auditc_positive"),
        Term("DAST-10 {f.dast10_total} >= 1", "dast10_total >= 1"),
    )),
)  # fmt: skip


HOUSING = {"stable": 1, "unstable": 3, "homeless": 4}
STRESSORS = {"none": 0, "one": 1, "several": 2}
SUPPORT = {"strong": 1, "some": 2, "limited": 3, "none": 4}
PRIOR_TREATMENT = {"helped": 1, "none": 2, "partly_helped": 3, "did_not_help": 4}
READINESS = {"eager": 1, "willing": 2, "ambivalent": 3, "reluctant": 4, "refuses": 5}


def environment_stress(housing: str, home_safe: bool | None, stressors: str) -> int:
    """E: housing (home_safe = no lifts it to 4), plus stressors, capped at 5."""
    value = HOUSING[housing]
    if home_safe is False:
        value = max(value, 4)
    return min(value + STRESSORS[stressors], 5)


def environment_support(support: str, housing: str) -> int:
    """P: support, with no support while homeless at 5."""
    if support == "none" and housing == "homeless":
        return 5
    return SUPPORT[support]


def history(prior_treatment: str, recent_discharge: str) -> int:
    """H: how past treatment worked, raised by a recent discharge from a higher level."""
    value = PRIOR_TREATMENT[prior_treatment]
    if recent_discharge in ("residential", "inpatient"):
        return 5 if prior_treatment == "did_not_help" else max(value, 3)
    if recent_discharge == "php":
        return max(value, 2)
    return value


def engagement(readiness: str) -> int:
    """G: readiness for treatment."""
    return READINESS[readiness]


# In the order of Ratings (R, F, C, E, P, H, G).
RATINGS: dict[str, Rows | Callable[..., int]] = {
    "R": RISK,
    "F": FUNCTION,
    "C": COMORBIDITY,
    "E": environment_stress,
    "P": environment_support,
    "H": history,
    "G": engagement,
}


def inputs(function: Callable[..., object]) -> tuple[str, ...]:
    """The answer ids a function of answers reads: its parameter names."""
    code = function.__code__
    return code.co_varnames[: code.co_argcount]
