"""The answers the scoring needs (CLINICAL.md section 1): ids, kinds and the codes it knows."""

from __future__ import annotations

from typing import NamedTuple

YES_NO = "yesno"


class Need(NamedTuple):
    kind: str
    codes: tuple[str | int, ...] = ()  # a choice's codes: all of them, no others
    when: str = ""  # the skip condition, as the bank's Condition prints it ("" = always asked)
    pattern: str = ""  # a text answer's pattern


CLIENT_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # a leading - is a formula to spreadsheets


def _items(prefix: str, count: int, need: Need) -> dict[str, Need]:
    return {f"{prefix}_{n}": need for n in range(1, count + 1)}


_FREQUENCY = Need("choice", (0, 1, 2, 3))
_AUDIT = Need("choice", (0, 1, 2, 3, 4))
_IMPAIRMENT = Need("choice", (0, 1, 2, 3, 4))
_YES_NO = Need(YES_NO)


def _asked_if(condition: str) -> Need:
    return Need(YES_NO, when=condition)


SCORED: dict[str, Need] = {
    "client_id": Need("text", pattern=CLIENT_ID_PATTERN),
    "age": Need("integer"),
    "sex_at_birth": Need("choice", ("female", "male", "other", "unknown")),
    "cssrs_1": _YES_NO,
    "cssrs_2": _YES_NO,
    "cssrs_3": _asked_if("cssrs_2 = yes"),
    "cssrs_4": _asked_if("cssrs_2 = yes"),
    "cssrs_5": _asked_if("cssrs_2 = yes"),
    "cssrs_6": _YES_NO,
    "cssrs_6_recent": _asked_if("cssrs_6 = yes"),
    "harm_others": Need("choice", ("none", "thoughts", "plan_or_intent")),
    **_items("phq9", 9, _FREQUENCY),
    **_items("gad7", 7, _FREQUENCY),
    "psychosis": _YES_NO,
    **_items("auditc", 3, _AUDIT),
    **_items("dast10", 10, _YES_NO),
    "withdrawal_now": Need("choice", ("none", "mild", "moderate", "severe")),
    "withdrawal_complicated": _asked_if("withdrawal_now != none"),
    "medical_unstable": _YES_NO,
    "impair_work": _IMPAIRMENT,
    "impair_relationships": _IMPAIRMENT,
    "impair_selfcare": _IMPAIRMENT,
    "housing": Need("choice", ("stable", "unstable", "homeless")),
    "home_safe": _asked_if("housing != homeless"),
    "stressors": Need("choice", ("none", "one", "several")),
    "support": Need("choice", ("strong", "some", "limited", "none")),
    "recent_discharge": Need("choice", ("none", "iop", "php", "residential", "inpatient")),
    "prior_treatment": Need("choice", ("helped", "none", "partly_helped", "did_not_help")),
    "readiness": Need("choice", ("eager", "willing", "ambivalent", "reluctant", "refuses")),
    "availability": Need("choice", ("daytime", "evenings", "flexible", "limited")),
    "transportation": _YES_NO,
    "telehealth": _YES_NO,
    "payer": Need(
        "choice",
        ("commercial", "medicaid", "medicare", "tricare", "self_pay", "uninsured", "other"),
    ),
    "referral": _YES_NO,
}

# Logistics and insurance shape the program card and checklist, never the level, ratings or reasons.
LOGISTICS = frozenset({"availability", "transportation", "telehealth", "payer", "referral"})
# Not clinical answers either (CLINICAL.md section 5), though age and sex do enter the scoring.
IDENTIFICATION = frozenset({"client_id", "age", "sex_at_birth"})


class Asked(NamedTuple):
    """What the scoring checks of one bank question."""

    kind: str
    codes: tuple[str | int, ...]
    when: str  # its conditions joined by " and "
    pattern: str


def bank_problems(questions: dict[str, Asked]) -> list[str]:
    """Check a bank's questions against SCORED: the interchange schema is not the bank's to
    change, so a center cannot drop a code, move a skip condition or loosen the client id."""
    problems = []
    for qid, need in SCORED.items():
        if qid not in questions:
            problems.append(f"question '{qid}' is missing: the scoring needs it")
            continue
        asked = questions[qid]
        if asked.kind != need.kind:
            problems.append(
                f"question '{qid}': the scoring needs kind '{need.kind}', not '{asked.kind}'"
            )
        elif need.kind == "choice" and set(asked.codes) != set(need.codes):
            problems.append(
                f"question '{qid}': codes must be exactly {', '.join(map(str, need.codes))} "
                f"(found {', '.join(map(str, asked.codes))})"
            )
        if asked.when != need.when:
            wanted = f"'when' must be {need.when}" if need.when else "it cannot have a 'when'"
            problems.append(f"question '{qid}': {wanted} (the scoring relies on it)")
        if need.pattern and asked.pattern != need.pattern:
            problems.append(f"question '{qid}': pattern must be {need.pattern}")
    return problems
