"""The seven ratings (CLINICAL.md section 3), written as the spec writes them.

R, F and C are tables of rows: the highest row with a matching term wins, and the matched
terms become the rating's explanation. E, P, H and G are small sums, written as code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from triage_cli.scoring.facts import Facts


class Term(NamedTuple):
    text: str  # a format string over `f` (the Facts), used when the term matches
    test: Callable[[Facts], bool]


Rows = tuple[tuple[int, tuple[Term, ...]], ...]

RISK: Rows = (
    (5, (
        Term("C-SSRS risk high ({f.cssrs_high_items})", lambda f: f.cssrs_risk == "high"),
        Term("harm_others = plan_or_intent", lambda f: f.harm_others == "plan_or_intent"),
    )),
    (4, (Term("cssrs_3 = yes and cssrs_6 = yes", lambda f: f.cssrs_3 and f.cssrs_6),)),
    (3, (
        Term("cssrs_2 = yes", lambda f: f.cssrs_2),
        Term("phq9_9 = {f.phq9_9}", lambda f: f.phq9_9 >= 2),
        Term("harm_others = thoughts", lambda f: f.harm_others == "thoughts"),
    )),
    (2, (
        Term("cssrs_1 = yes", lambda f: f.cssrs_1),
        Term("cssrs_6 = yes", lambda f: f.cssrs_6),
        Term("phq9_9 = 1", lambda f: f.phq9_9 == 1),
    )),
)  # fmt: skip

FUNCTION: Rows = (
    (5, (Term("impair_selfcare = 4", lambda f: f.impair_selfcare == 4),)),
    (4, (
        Term("two or more items = 4: {f.impair_at_max}", lambda f: f.impair_fours >= 2),
        Term("impairment sum {f.impair_sum} >= 10", lambda f: f.impair_sum >= 10),
    )),
    (3, (
        Term("{f.impair_worst}", lambda f: f.impair_max >= 3),
        Term("impairment sum {f.impair_sum} >= 6", lambda f: f.impair_sum >= 6),
    )),
    (2, (
        Term("{f.impair_worst}", lambda f: f.impair_max >= 2),
        Term("impairment sum {f.impair_sum} >= 3", lambda f: f.impair_sum >= 3),
    )),
)  # fmt: skip

COMORBIDITY: Rows = (
    (5, (
        Term("medical_unstable = yes", lambda f: f.medical_unstable),
        Term("withdrawal_now = severe", lambda f: f.withdrawal_now == "severe"),
        Term(
            "withdrawal_complicated = yes with withdrawal_now = {f.withdrawal_now}",
            lambda f: f.withdrawal_complicated and f.withdrawal_now in ("moderate", "severe"),
        ),
    )),
    (4, (
        Term("withdrawal_now = moderate", lambda f: f.withdrawal_now == "moderate"),
        Term("DAST-10 {f.dast10_total} >= 9", lambda f: f.dast10_total >= 9),
        Term(
            "{f.mood_at_15} with {f.heavy_use}",
            lambda f: (f.phq9_total >= 15 or f.gad7_total >= 15)
            and (f.auditc_high or f.dast10_total >= 6),
        ),
    )),
    (3, (
        Term("PHQ-9 {f.phq9_total} >= 15", lambda f: f.phq9_total >= 15),
        Term("GAD-7 {f.gad7_total} >= 15", lambda f: f.gad7_total >= 15),
        Term("psychosis = yes", lambda f: f.psychosis),
        Term("DAST-10 {f.dast10_total} >= 3", lambda f: f.dast10_total >= 3),
        Term("AUDIT-C {f.auditc_total} >= 8", lambda f: f.auditc_high),
        Term("withdrawal_now = mild", lambda f: f.withdrawal_now == "mild"),
        Term(
            "{f.mood_at_10} with {f.any_use}",
            lambda f: (f.phq9_total >= 10 or f.gad7_total >= 10)
            and (f.auditc_positive or f.dast10_total >= 1),
        ),
    )),
    (2, (
        Term("PHQ-9 {f.phq9_total} >= 10", lambda f: f.phq9_total >= 10),
        Term("GAD-7 {f.gad7_total} >= 10", lambda f: f.gad7_total >= 10),
        Term("AUDIT-C {f.auditc_total} positive", lambda f: f.auditc_positive),
        Term("DAST-10 {f.dast10_total} >= 1", lambda f: f.dast10_total >= 1),
    )),
)  # fmt: skip


def by_rows(rows: Rows, f: Facts) -> int:
    """The highest row with a matching term; 1 when none matches."""
    for value, terms in rows:
        for term in terms:
            if term.test(f):
                return value
    return 1


def matched_terms(rows: Rows, f: Facts) -> str:
    """The terms that matched in the row that set the rating, as text."""
    for _, terms in rows:
        matched = [term.text.format(f=f) for term in terms if term.test(f)]
        if matched:
            return "; ".join(matched)
    return "no higher row applies"


HOUSING = {"stable": 1, "unstable": 3, "homeless": 4}
STRESSORS = {"none": 0, "one": 1, "several": 2}
SUPPORT = {"strong": 1, "some": 2, "limited": 3, "none": 4}
PRIOR_TREATMENT = {"helped": 1, "none": 2, "partly_helped": 3, "did_not_help": 4}
READINESS = {"eager": 1, "willing": 2, "ambivalent": 3, "reluctant": 4, "refuses": 5}


def environment_stress(f: Facts) -> int:
    """E: housing (home_safe = no lifts it to 4), plus stressors, capped at 5."""
    value = HOUSING[f.housing]
    if f.home_safe is False:
        value = max(value, 4)
    return min(value + STRESSORS[f.stressors], 5)


def environment_support(f: Facts) -> int:
    """P: support, with no support while homeless at 5."""
    if f.support == "none" and f.housing == "homeless":
        return 5
    return SUPPORT[f.support]


def history(f: Facts) -> int:
    """H: how past treatment worked, raised by a recent discharge from a higher level."""
    value = PRIOR_TREATMENT[f.prior_treatment]
    if f.recent_discharge in ("residential", "inpatient"):
        return 5 if f.prior_treatment == "did_not_help" else max(value, 3)
    if f.recent_discharge == "php":
        return max(value, 2)
    return value


def engagement(f: Facts) -> int:
    return READINESS[f.readiness]


RATINGS: dict[str, Callable[[Facts], int]] = {
    "R": lambda f: by_rows(RISK, f),
    "F": lambda f: by_rows(FUNCTION, f),
    "C": lambda f: by_rows(COMORBIDITY, f),
    "E": environment_stress,
    "P": environment_support,
    "H": history,
    "G": engagement,
}
TABLES = {"R": RISK, "F": FUNCTION, "C": COMORBIDITY}
# E, P, H and G are explained by the answers they are computed from.
INPUTS = {
    "E": ("housing", "home_safe", "stressors"),
    "P": ("support", "housing"),
    "H": ("prior_treatment", "recent_discharge"),
    "G": ("readiness",),
}


def why(letter: str, f: Facts) -> str:
    """The answers behind one rating, as text (built only when a reason is shown)."""
    if letter in TABLES:
        return matched_terms(TABLES[letter], f)
    shown = []
    for qid in INPUTS[letter]:
        value = getattr(f, qid)
        if value is not None:
            shown.append(
                f"{qid} = {('yes' if value else 'no') if isinstance(value, bool) else value}"
            )
    return ", ".join(shown)
