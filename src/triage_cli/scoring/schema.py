"""The answers the scoring needs (CLINICAL.md section 1): ids, kinds and the codes it knows."""

from __future__ import annotations

from typing import NamedTuple

YES_NO = "yesno"


class Need(NamedTuple):
    kind: str
    codes: tuple[str | int, ...] = ()
    conditional: bool = False  # may carry a skip condition in the bank


def _items(prefix: str, count: int, need: Need) -> dict[str, Need]:
    return {f"{prefix}_{n}": need for n in range(1, count + 1)}


_FREQUENCY = Need("choice", (0, 1, 2, 3))
_AUDIT = Need("choice", (0, 1, 2, 3, 4))
_IMPAIRMENT = Need("choice", (0, 1, 2, 3, 4))
_YES_NO = Need(YES_NO)
_ASKED_IF = Need(YES_NO, conditional=True)

SCORED: dict[str, Need] = {
    "client_id": Need("text"),
    "age": Need("integer"),
    "sex_at_birth": Need("choice", ("female", "male", "other", "unknown")),
    "cssrs_1": _YES_NO,
    "cssrs_2": _YES_NO,
    "cssrs_3": _ASKED_IF,
    "cssrs_4": _ASKED_IF,
    "cssrs_5": _ASKED_IF,
    "cssrs_6": _YES_NO,
    "cssrs_6_recent": _ASKED_IF,
    "harm_others": Need("choice", ("none", "thoughts", "plan_or_intent")),
    **_items("phq9", 9, _FREQUENCY),
    **_items("gad7", 7, _FREQUENCY),
    "psychosis": _YES_NO,
    **_items("auditc", 3, _AUDIT),
    **_items("dast10", 10, _YES_NO),
    "withdrawal_now": Need("choice", ("none", "mild", "moderate", "severe")),
    "withdrawal_complicated": _ASKED_IF,
    "medical_unstable": _YES_NO,
    "impair_work": _IMPAIRMENT,
    "impair_relationships": _IMPAIRMENT,
    "impair_selfcare": _IMPAIRMENT,
    "housing": Need("choice", ("stable", "unstable", "homeless")),
    "home_safe": _ASKED_IF,
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


def bank_problems(questions: dict[str, tuple[str, tuple[str | int, ...], bool]]) -> list[str]:
    """Check a bank's questions (id -> kind, codes, has a skip condition) against SCORED."""
    problems = []
    for qid, need in SCORED.items():
        if qid not in questions:
            problems.append(f"question '{qid}' is missing: the scoring needs it")
            continue
        kind, codes, conditional = questions[qid]
        if kind != need.kind:
            problems.append(f"question '{qid}': the scoring needs kind '{need.kind}', not '{kind}'")
        elif need.kind == "choice":
            unknown = [c for c in codes if c not in need.codes or isinstance(c, bool)]
            if unknown:
                known = ", ".join(map(str, need.codes))
                problems.append(
                    f"question '{qid}': code(s) {', '.join(map(repr, unknown))} unknown to the "
                    f"scoring; expected codes among: {known}"
                )
        if conditional and not need.conditional:
            problems.append(
                f"question '{qid}': must always be asked (the scoring needs it), "
                "so it cannot have a 'when' condition"
            )
    return problems
