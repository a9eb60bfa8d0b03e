"""The scoring engine against CLINICAL.md, sections 2-5, written from the specification alone.

Every expected value below is worked out by hand from CLINICAL.md; nothing is computed by calling
the code under test. Where the spec can be read more than one way, the reading tested is marked
"READING:" in a comment.

Rating shorthand in comments: R F C E P H G (composite = their sum).
"""

from __future__ import annotations

import functools

import pytest

from triage_cli.answers import AnswersError, parse_answers
from triage_cli.bank import load_bank
from triage_cli.scoring import Level, assess

OP, IOP, PHP, RES, INP = Level.OP, Level.IOP, Level.PHP, Level.RESIDENTIAL, Level.INPATIENT

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

# The least severe complete intake: every rating 1, composite 7.
BASE: dict[str, str] = {
    "client_id": "A1",
    "age": "35",
    "sex_at_birth": "female",
    "cssrs_1": "no",
    "cssrs_2": "no",
    "cssrs_6": "no",
    "harm_others": "none",
    **{f"phq9_{i}": "0" for i in range(1, 10)},
    **{f"gad7_{i}": "0" for i in range(1, 8)},
    "psychosis": "no",
    **{f"auditc_{i}": "0" for i in range(1, 4)},
    **{f"dast10_{i}": "no" for i in range(1, 11)},
    "dast10_3": "yes",  # item 3 is reversed: "yes" (able to stop) scores 0
    "withdrawal_now": "none",
    "medical_unstable": "no",
    "impair_work": "0",
    "impair_relationships": "0",
    "impair_selfcare": "0",
    "housing": "stable",
    "home_safe": "yes",
    "stressors": "none",
    "support": "strong",
    "recent_discharge": "none",
    "prior_treatment": "helped",
    "readiness": "eager",
    "availability": "flexible",
    "transportation": "yes",
    "telehealth": "yes",
    "payer": "commercial",
    "referral": "yes",
}

LOGISTICS = {
    "availability": ["daytime", "evenings", "flexible", "limited"],
    "transportation": ["yes", "no"],
    "telehealth": ["yes", "no"],
    "payer": ["commercial", "medicaid", "medicare", "tricare", "self_pay", "uninsured", "other"],
    "referral": ["yes", "no"],
}


FOLLOW_UPS = {  # follow-up question -> its least severe answer when asked
    "cssrs_3": "no",
    "cssrs_4": "no",
    "cssrs_5": "no",
    "cssrs_6_recent": "no",
    "withdrawal_complicated": "no",
    "home_safe": "yes",
}


def _asked(key: str, d: dict[str, str]) -> bool:
    """The skip logic of section 1."""
    if key in ("cssrs_3", "cssrs_4", "cssrs_5"):
        return d.get("cssrs_2") == "yes"
    if key == "cssrs_6_recent":
        return d.get("cssrs_6") == "yes"
    if key == "withdrawal_complicated":
        return d.get("withdrawal_now") != "none"
    if key == "home_safe":
        return d.get("housing") != "homeless"
    return True


def raw(**overrides: str | None) -> dict[str, str]:
    """BASE with overrides applied (None removes the key), then the skip logic of section 1 for
    follow-ups not overridden: an asked follow-up gets its least severe answer, a skipped one is
    blank ("", as in a CSV row; omitting it is tested separately in
    test_skipped_questions_may_be_omitted)."""
    d = dict(BASE)
    for key, value in overrides.items():
        if value is None:
            d.pop(key, None)
        else:
            d[key] = value
    for key, least in FOLLOW_UPS.items():
        if key in overrides:
            continue
        if _asked(key, d):
            d.setdefault(key, least)
        else:
            d[key] = ""
    return d


@functools.cache
def bank():
    return load_bank()


def make(**overrides: str | None):
    return assess(parse_answers(bank(), raw(**overrides)))


def phq9(total: int, item9: int = 0) -> dict[str, str]:
    """PHQ-9 items summing to total; items 1-8 filled with 3s first, item 9 given separately."""
    rest = total - item9
    assert 0 <= rest <= 24
    d = {}
    for i in range(1, 9):
        v = min(3, rest)
        d[f"phq9_{i}"] = str(v)
        rest -= v
    d["phq9_9"] = str(item9)
    return d


def gad7(total: int) -> dict[str, str]:
    assert 0 <= total <= 21
    d = {}
    for i in range(1, 8):
        v = min(3, total)
        d[f"gad7_{i}"] = str(v)
        total -= v
    return d


def auditc(total: int) -> dict[str, str]:
    assert 0 <= total <= 12
    d = {}
    for i in range(1, 4):
        v = min(4, total)
        d[f"auditc_{i}"] = str(v)
        total -= v
    return d


_DAST_ORDER = (1, 2, 4, 5, 6, 7, 8, 9, 10, 3)


def dast10(n: int) -> dict[str, str]:
    """DAST-10 answers scoring n: items 1,2,4..10 answered yes first; item 3 (reversed) last."""
    d = {f"dast10_{i}": "no" for i in range(1, 11)}
    d["dast10_3"] = "yes"
    for i in _DAST_ORDER[:n]:
        d[f"dast10_{i}"] = "no" if i == 3 else "yes"
    return d


def impair(work: int, rel: int, selfcare: int) -> dict[str, str]:
    return {
        "impair_work": str(work),
        "impair_relationships": str(rel),
        "impair_selfcare": str(selfcare),
    }


def ratings(a) -> tuple[int, ...]:
    r = a.ratings
    return (r.R, r.F, r.C, r.E, r.P, r.H, r.G)


def codes(a) -> set[str]:
    return {f.code for f in a.flags}


# Answers that set one rating to a value and nothing else (from BASE). Combined by by_ratings().
R_FRAG = {
    1: {},
    2: {"cssrs_1": "yes"},
    3: {"harm_others": "thoughts"},
    4: {"cssrs_2": "yes", "cssrs_3": "yes", "cssrs_6": "yes", "cssrs_6_recent": "no"},
    5: {"harm_others": "plan_or_intent"},
}
F_FRAG = {1: {}, 2: impair(2, 0, 0), 3: impair(3, 0, 0), 4: impair(4, 4, 0), 5: impair(0, 0, 4)}
C_FRAG = {1: {}, 2: dast10(1), 3: dast10(3), 4: dast10(9), 5: {"medical_unstable": "yes"}}
E_FRAG = {
    1: {},
    2: {"stressors": "one"},  # stable 1 + 1
    3: {"stressors": "several"},  # stable 1 + 2
    4: {"home_safe": "no"},  # at least 4
    5: {"home_safe": "no", "stressors": "one"},  # 4 + 1 (READING: floor, then add stressors)
}
P_FRAG = {i: {"support": s} for i, s in enumerate(["strong", "some", "limited", "none"], 1)}
H_FRAG = {
    1: {"prior_treatment": "helped"},
    2: {"prior_treatment": "none"},
    3: {"prior_treatment": "partly_helped"},
    4: {"prior_treatment": "did_not_help"},
    5: {"prior_treatment": "did_not_help", "recent_discharge": "residential"},  # F1 fires too
}
G_FRAG = {
    i: {"readiness": s}
    for i, s in enumerate(["eager", "willing", "ambivalent", "reluctant", "refuses"], 1)
}


def by_ratings(R=1, F=1, C=1, E=1, P=1, H=1, G=1) -> dict[str, str]:
    d: dict[str, str] = {}
    for frag in (R_FRAG[R], F_FRAG[F], C_FRAG[C], E_FRAG[E], P_FRAG[P], H_FRAG[H], G_FRAG[G]):
        d.update(frag)
    return d


RULE_LEVEL = {
    "S1": INP,
    "O1": INP,
    "O2": INP,
    "O3": RES,
    "O4": RES,
    "O5": PHP,
    "F1": IOP,
    "F2": IOP,
    "F3": IOP,
    "F4": IOP,
    "F5": PHP,
}


def b1_level(composite: int) -> Level:
    if composite >= 23:
        return RES
    if composite >= 20:
        return PHP
    if composite >= 17:
        return IOP
    return OP


def assert_outcome(a, level: Level, rules: tuple[str, ...], fired: set[str]) -> None:
    """level, the rules that proposed it, every rule that fired, and how reasons are split."""
    assert a.level == level
    assert a.rules == tuple(sorted(rules))
    assert {f.rule for f in a.fired} == fired
    for f in a.fired:
        expected = b1_level(a.composite) if f.rule == "B1" else RULE_LEVEL[f.rule]
        assert f.level == expected, f.rule
    # one reason per proposing rule, each starting with its rule id
    assert len(a.reasons) == len(a.rules)
    for rid in a.rules:
        assert sum(r.startswith(rid) for r in a.reasons) == 1, (rid, a.reasons)
    assert set(a.reasons) == {f.reason for f in a.fired if f.level == a.level}
    # every rule that fired below the level is "also considered"
    below = {f.rule for f in a.fired if f.level < a.level}
    assert len(a.also_considered) == len(below)
    for rid in below:
        assert any(r.startswith(rid) for r in a.also_considered), (rid, a.also_considered)
    assert set(a.also_considered) == {f.reason for f in a.fired if f.level < a.level}


# ---------------------------------------------------------------------------------------------
# Baseline and levels
# ---------------------------------------------------------------------------------------------


def test_least_severe_answers_give_all_ratings_one_and_op():
    a = make()
    assert ratings(a) == (1, 1, 1, 1, 1, 1, 1)
    assert a.composite == 7
    assert a.emergency is False
    assert a.withdrawal_management == "none"
    assert_outcome(a, OP, ("B1",), {"B1"})
    assert codes(a) == {"op_every_1_2_weeks"}


def test_levels_are_ordered_with_codes():
    assert OP < IOP < PHP < RES < INP
    assert [lv.code for lv in (OP, IOP, PHP, RES, INP)] == [
        "op",
        "iop",
        "php",
        "residential",
        "inpatient",
    ]


def test_same_answers_give_the_same_result():
    over = {**phq9(16, 2), **impair(3, 2, 1), "cssrs_1": "yes", **auditc(9)}
    a, b = make(**over), make(**over)
    assert (a.level, a.rules, a.reasons, a.also_considered, ratings(a), a.composite) == (
        b.level,
        b.rules,
        b.reasons,
        b.also_considered,
        ratings(b),
        b.composite,
    )
    assert codes(a) == codes(b)


# ---------------------------------------------------------------------------------------------
# Section 2: instrument scores
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "item9", "band"),
    [
        (0, 0, "minimal"),
        (4, 0, "minimal"),
        (5, 0, "mild"),
        (9, 0, "mild"),
        (10, 0, "moderate"),
        (14, 0, "moderate"),
        (15, 0, "moderately_severe"),
        (19, 0, "moderately_severe"),
        (20, 0, "severe"),
        (27, 3, "severe"),
        (5, 1, "mild"),  # item 9 counts in the total
    ],
)
def test_phq9_band_edges(total, item9, band):
    a = make(**phq9(total, item9))
    assert a.scores.phq9_total == total
    assert a.scores.phq9_band == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(total, band):
    a = make(**gad7(total))
    assert a.scores.gad7_total == total
    assert a.scores.gad7_band == band


@pytest.mark.parametrize(
    ("sex", "total", "positive", "high"),
    [
        ("male", 0, False, False),
        ("male", 3, False, False),
        ("male", 4, True, False),
        ("female", 2, False, False),
        ("female", 3, True, False),
        ("other", 2, False, False),
        ("other", 3, True, False),
        ("unknown", 2, False, False),
        ("unknown", 3, True, False),
        ("male", 7, True, False),
        ("male", 8, True, True),
        ("female", 7, True, False),
        ("female", 8, True, True),
        ("female", 12, True, True),
    ],
)
def test_auditc_positive_by_sex_and_high(sex, total, positive, high):
    a = make(sex_at_birth=sex, **auditc(total))
    assert a.scores.auditc_total == total
    assert a.scores.auditc_positive is positive
    assert a.scores.auditc_high is high


@pytest.mark.parametrize(
    ("n", "band"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
)
def test_dast10_band_edges(n, band):
    a = make(**dast10(n))
    assert a.scores.dast10_total == n
    assert a.scores.dast10_band == band


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # every item "no": only item 3 (no = 1) scores
        ({f"dast10_{i}": "no" for i in range(1, 11)}, 1, "low"),
        # only item 3 "yes": nothing scores
        ({**{f"dast10_{i}": "no" for i in range(1, 11)}, "dast10_3": "yes"}, 0, "none"),
        # every item "yes": nine score, item 3 does not
        ({f"dast10_{i}": "yes" for i in range(1, 11)}, 9, "severe"),
        # every item "yes" except item 3 "no": ten
        ({**{f"dast10_{i}": "yes" for i in range(1, 11)}, "dast10_3": "no"}, 10, "severe"),
        # items 1, 2 yes and item 3 no: three
        ({**{f"dast10_{i}": "no" for i in range(1, 11)}, "dast10_1": "yes", "dast10_2": "yes"}, 3,
         "moderate"),
    ],
)  # fmt: skip
def test_dast10_item3_is_reversed(answers, total, band):
    a = make(**answers)
    assert a.scores.dast10_total == total
    assert a.scores.dast10_band == band


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, "none"),
        ({"cssrs_1": "yes"}, "low"),
        ({"cssrs_2": "yes"}, "low"),
        ({"cssrs_1": "yes", "cssrs_2": "yes"}, "low"),
        ({"cssrs_2": "yes", "cssrs_3": "yes"}, "moderate"),
        ({"cssrs_6": "yes", "cssrs_6_recent": "no"}, "moderate"),
        ({"cssrs_1": "yes", "cssrs_6": "yes", "cssrs_6_recent": "no"}, "moderate"),
        ({"cssrs_2": "yes", "cssrs_4": "yes"}, "high"),
        ({"cssrs_2": "yes", "cssrs_5": "yes"}, "high"),
        ({"cssrs_2": "yes", "cssrs_3": "yes", "cssrs_4": "yes", "cssrs_5": "yes"}, "high"),
        ({"cssrs_6": "yes", "cssrs_6_recent": "yes"}, "high"),
        # harm to others is not part of the C-SSRS screener
        ({"harm_others": "plan_or_intent"}, "none"),
        ({"phq9_9": "3"}, "none"),
    ],
)
def test_cssrs_risk_rows(answers, risk):
    assert make(**answers).scores.cssrs_risk == risk


# ---------------------------------------------------------------------------------------------
# Section 3: the seven ratings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "R"),
    [
        ({}, 1),
        # row 2, each term
        ({"cssrs_1": "yes"}, 2),
        ({"cssrs_6": "yes", "cssrs_6_recent": "no"}, 2),
        ({"phq9_9": "1"}, 2),
        # row 3, each term
        ({"cssrs_2": "yes"}, 3),
        ({"phq9_9": "2"}, 3),
        ({"phq9_9": "3"}, 3),
        ({"harm_others": "thoughts"}, 3),
        # cssrs_3 alone (C-SSRS moderate) is row 3 via cssrs_2
        ({"cssrs_2": "yes", "cssrs_3": "yes"}, 3),
        # row 4: cssrs_3 and cssrs_6 (not recent)
        ({"cssrs_2": "yes", "cssrs_3": "yes", "cssrs_6": "yes", "cssrs_6_recent": "no"}, 4),
        # row 5, each term
        ({"cssrs_2": "yes", "cssrs_4": "yes"}, 5),
        ({"cssrs_2": "yes", "cssrs_5": "yes"}, 5),
        ({"cssrs_6": "yes", "cssrs_6_recent": "yes"}, 5),
        ({"harm_others": "plan_or_intent"}, 5),
        # highest matching row wins
        ({"cssrs_1": "yes", "phq9_9": "2"}, 3),
        ({"cssrs_1": "yes", "harm_others": "thoughts"}, 3),
        ({"cssrs_2": "yes", "cssrs_6": "yes", "cssrs_6_recent": "no"}, 3),
        ({"cssrs_1": "yes", "phq9_9": "1", "cssrs_6": "yes", "cssrs_6_recent": "no"}, 2),
        ({"phq9_9": "3", "harm_others": "plan_or_intent"}, 5),
        (
            {
                "cssrs_2": "yes",
                "cssrs_3": "yes",
                "cssrs_6": "yes",
                "cssrs_6_recent": "no",
                "harm_others": "thoughts",
            },
            4,
        ),
    ],
)
def test_rating_r_rows(answers, R):
    assert make(**answers).ratings.R == R


@pytest.mark.parametrize(
    ("work", "rel", "selfcare", "F"),
    [
        (0, 0, 0, 1),
        (1, 1, 0, 1),  # sum 2
        # row 2: any item >= 2, or sum >= 3
        (2, 0, 0, 2),
        (0, 2, 0, 2),
        (0, 0, 2, 2),
        (1, 1, 1, 2),  # sum 3
        (2, 2, 1, 2),  # sum 5
        # row 3: any item >= 3, or sum >= 6
        (3, 0, 0, 3),
        (0, 3, 0, 3),
        (0, 0, 3, 3),
        (4, 0, 0, 3),  # one item 4 that is not self-care
        (0, 4, 0, 3),
        (2, 2, 2, 3),  # sum 6
        (3, 3, 3, 3),  # sum 9
        (4, 3, 2, 3),  # sum 9
        # row 4: two or more items = 4, or sum >= 10
        (4, 4, 0, 4),
        (4, 3, 3, 4),  # sum 10
        (3, 4, 3, 4),  # sum 10
        (4, 4, 3, 4),  # sum 11
        # row 5: impair_selfcare = 4
        (0, 0, 4, 5),
        (4, 0, 4, 5),
        (0, 4, 4, 5),
        (4, 4, 4, 5),
    ],
)
def test_rating_f_rows(work, rel, selfcare, F):
    assert make(**impair(work, rel, selfcare)).ratings.F == F


@pytest.mark.parametrize(
    ("answers", "C"),
    [
        ({}, 1),
        # row 2, each term and its lower edge
        (phq9(10), 2),
        (phq9(9), 1),
        (gad7(10), 2),
        (gad7(9), 1),
        (auditc(3), 2),  # female positive at 3
        (auditc(2), 1),
        ({"sex_at_birth": "male", **auditc(4)}, 2),
        ({"sex_at_birth": "male", **auditc(3)}, 1),
        ({"sex_at_birth": "other", **auditc(3)}, 2),
        ({"sex_at_birth": "unknown", **auditc(2)}, 1),
        (dast10(1), 2),
        ({f"dast10_{i}": "no" for i in range(1, 11)}, 2),  # item 3 "no" alone scores 1
        # row 3, each term
        (phq9(15), 3),
        (phq9(14), 2),
        (gad7(15), 3),
        (gad7(14), 2),
        ({"psychosis": "yes"}, 3),
        (dast10(3), 3),
        (dast10(2), 2),
        (auditc(8), 3),
        (auditc(7), 2),
        ({"sex_at_birth": "male", **auditc(7)}, 2),
        ({"withdrawal_now": "mild"}, 3),
        # READING: mild withdrawal with a complicated history is row 3, not 5 (row 5 names
        # moderate or severe only)
        ({"withdrawal_now": "mild", "withdrawal_complicated": "yes"}, 3),
        # row 3 co-occurrence: (PHQ >= 10 or GAD >= 10) and (AUDIT-C positive or DAST >= 1)
        ({**phq9(10), **auditc(3)}, 3),
        ({**phq9(9), **auditc(3)}, 2),
        ({"sex_at_birth": "male", **phq9(10), **auditc(3)}, 2),
        ({"sex_at_birth": "male", **phq9(10), **auditc(4)}, 3),
        ({"sex_at_birth": "other", **phq9(10), **auditc(3)}, 3),
        ({"sex_at_birth": "unknown", **gad7(10), **auditc(3)}, 3),
        ({**gad7(10), **dast10(1)}, 3),
        ({**gad7(9), **dast10(1)}, 2),
        ({**phq9(10), **dast10(1)}, 3),
        # row 4, each term
        ({"withdrawal_now": "moderate"}, 4),
        (dast10(9), 4),
        (dast10(10), 4),
        (dast10(8), 3),
        ({**phq9(15), **auditc(8)}, 4),
        ({**gad7(15), **auditc(8)}, 4),
        ({**phq9(15), **dast10(6)}, 4),
        ({**gad7(15), **dast10(6)}, 4),
        ({**phq9(14), **auditc(8)}, 3),
        ({**phq9(15), **auditc(7)}, 3),
        ({**gad7(15), **dast10(5)}, 3),
        ({**gad7(14), **dast10(6)}, 3),
        # row 5, each term
        ({"medical_unstable": "yes"}, 5),
        ({"withdrawal_now": "severe"}, 5),
        ({"withdrawal_now": "severe", "withdrawal_complicated": "yes"}, 5),
        ({"withdrawal_now": "moderate", "withdrawal_complicated": "yes"}, 5),
        # highest matching row wins
        ({"medical_unstable": "yes", "psychosis": "yes", **phq9(20)}, 5),
        ({**phq9(10), **dast10(9)}, 4),
        ({"psychosis": "yes", **dast10(1)}, 3),
        ({"withdrawal_now": "mild", **phq9(15), **auditc(8)}, 4),
    ],
)
def test_rating_c_rows(answers, C):
    assert make(**answers).ratings.C == C


@pytest.mark.parametrize(
    ("housing", "home_safe", "stressors", "E"),
    [
        ("stable", "yes", "none", 1),
        ("stable", "yes", "one", 2),
        ("stable", "yes", "several", 3),
        ("unstable", "yes", "none", 3),
        ("unstable", "yes", "one", 4),
        ("unstable", "yes", "several", 5),
        ("homeless", None, "none", 4),
        ("homeless", None, "one", 5),
        ("homeless", None, "several", 5),  # 6 capped at 5
        ("stable", "no", "none", 4),
        # READING: "at least 4" applies to the housing start, then stressors are added
        ("stable", "no", "one", 5),
        ("stable", "no", "several", 5),
        ("unstable", "no", "none", 4),
        ("unstable", "no", "one", 5),
    ],
)
def test_rating_e_rows(housing, home_safe, stressors, E):
    over = {"housing": housing, "stressors": stressors}
    if home_safe is not None:  # None: skipped for homeless, left to raw() (blank)
        over["home_safe"] = home_safe
    a = make(**over)
    assert a.ratings.E == E


@pytest.mark.parametrize(
    ("support", "housing", "P"),
    [
        ("strong", "stable", 1),
        ("some", "stable", 2),
        ("limited", "stable", 3),
        ("none", "stable", 4),
        ("none", "unstable", 4),
        ("none", "homeless", 5),
        ("limited", "homeless", 3),
        ("strong", "homeless", 1),
    ],
)
def test_rating_p_rows(support, housing, P):
    assert make(support=support, housing=housing).ratings.P == P


@pytest.mark.parametrize(
    ("prior", "recent", "H"),
    [
        ("helped", "none", 1),
        ("none", "none", 2),
        ("partly_helped", "none", 3),
        ("did_not_help", "none", 4),
        # iop discharge changes nothing
        ("helped", "iop", 1),
        ("did_not_help", "iop", 4),
        # php: at least 2
        ("helped", "php", 2),
        ("none", "php", 2),
        ("partly_helped", "php", 3),
        ("did_not_help", "php", 4),
        # residential / inpatient: at least 3; did_not_help with them: 5
        ("helped", "residential", 3),
        ("none", "residential", 3),
        ("partly_helped", "residential", 3),
        ("did_not_help", "residential", 5),
        ("helped", "inpatient", 3),
        ("none", "inpatient", 3),
        ("partly_helped", "inpatient", 3),
        ("did_not_help", "inpatient", 5),
    ],
)
def test_rating_h_rows(prior, recent, H):
    assert make(prior_treatment=prior, recent_discharge=recent).ratings.H == H


@pytest.mark.parametrize(
    ("readiness", "G"),
    [("eager", 1), ("willing", 2), ("ambivalent", 3), ("reluctant", 4), ("refuses", 5)],
)
def test_rating_g_rows(readiness, G):
    assert make(readiness=readiness).ratings.G == G


@pytest.mark.parametrize(
    "target",
    [
        (2, 1, 1, 1, 1, 1, 1),
        (1, 3, 2, 4, 2, 3, 5),
        (3, 2, 3, 5, 4, 4, 2),
        (4, 4, 4, 3, 3, 2, 3),
        (5, 5, 5, 5, 4, 5, 5),
    ],
)
def test_rating_fragments_and_composite_is_the_sum(target):
    R, F, C, E, P, H, G = target
    a = make(**by_ratings(R, F, C, E, P, H, G))
    assert ratings(a) == target
    assert a.composite == sum(target)


# ---------------------------------------------------------------------------------------------
# Section 4: composite bands (B1) and O2; only B1 fires below 25 in these profiles
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "composite", "level", "rules", "fired"),
    [
        ((1, 1, 1, 1, 1, 1, 1), 7, OP, ("B1",), {"B1"}),
        ((1, 1, 1, 3, 3, 2, 2), 13, OP, ("B1",), {"B1"}),
        ((1, 1, 1, 3, 3, 3, 2), 14, OP, ("B1",), {"B1"}),
        ((2, 2, 2, 3, 3, 2, 2), 16, OP, ("B1",), {"B1"}),
        ((2, 2, 2, 3, 3, 3, 2), 17, IOP, ("B1",), {"B1"}),
        ((2, 2, 2, 3, 3, 3, 4), 19, IOP, ("B1",), {"B1"}),
        ((2, 2, 2, 4, 3, 3, 4), 20, PHP, ("B1",), {"B1"}),
        ((2, 2, 2, 5, 3, 4, 4), 22, PHP, ("B1",), {"B1"}),
        ((2, 2, 2, 5, 4, 4, 4), 23, RES, ("B1",), {"B1"}),
        ((2, 2, 2, 5, 4, 4, 5), 24, RES, ("B1",), {"B1"}),
        # 27: R3 F3 C3 also fire F2 F3 F4 (iop) and F5 (php), all below residential
        ((3, 3, 3, 5, 4, 4, 5), 27, RES, ("B1",), {"B1", "F2", "F3", "F4", "F5"}),
    ],
)
def test_composite_band_edges(target, composite, level, rules, fired):
    a = make(**by_ratings(*target))
    assert ratings(a) == target
    assert a.composite == composite
    assert_outcome(a, level, rules, fired)
    assert a.emergency is False


@pytest.mark.parametrize(
    "answers",
    [
        # 3+3+3+5+4+5+5 = 28 (H5 via residential discharge also fires F1)
        by_ratings(3, 3, 3, 5, 4, 5, 5),
        # homeless with no support: E = 4+1 = 5, P = 5; 3+3+3+5+5+4+5 = 28
        {
            **by_ratings(3, 3, 3, 1, 1, 4, 5),
            "housing": "homeless",
            "stressors": "one",
            "support": "none",
        },
    ],
)
def test_composite_28_is_inpatient_by_o2(answers):
    a = make(**answers)
    assert a.composite == 28
    assert a.level == INP
    # READING: B1 has no band at 28+; whether it fires then is not tested, only that O2 is the
    # single rule proposing inpatient.
    assert a.rules == ("O2",)
    assert a.emergency is False
    fired = {f.rule for f in a.fired}
    assert {"O2", "F2", "F3", "F4", "F5"} <= fired
    assert not fired & {"S1", "O1", "O3", "O4", "O5"}
    assert any(r.startswith("O2") for r in a.reasons)
    assert any(r.startswith("F5") for r in a.also_considered)


def test_composite_27_is_not_o2():
    a = make(**by_ratings(3, 3, 3, 5, 4, 4, 5))
    assert a.composite == 27
    assert "O2" not in {f.rule for f in a.fired}


# ---------------------------------------------------------------------------------------------
# Section 4: every rule, firing and not firing at its boundary
# ---------------------------------------------------------------------------------------------

RULE_CASES = [
    # --- S1 imminent-risk (R is then 5, so O1 fires too; F2 for R >= 3). R5 + 6 = 11 -> B1 op
    ("s1_cssrs_4", {"cssrs_2": "yes", "cssrs_4": "yes"}, INP, ("O1", "S1"),
     {"S1", "O1", "F2", "B1"}),
    ("s1_cssrs_5", {"cssrs_2": "yes", "cssrs_5": "yes"}, INP, ("O1", "S1"),
     {"S1", "O1", "F2", "B1"}),
    ("s1_recent_attempt", {"cssrs_6": "yes", "cssrs_6_recent": "yes"}, INP, ("O1", "S1"),
     {"S1", "O1", "F2", "B1"}),
    ("s1_harm_others_plan", {"harm_others": "plan_or_intent"}, INP, ("O1", "S1"),
     {"S1", "O1", "F2", "B1"}),
    # --- not S1: C-SSRS moderate (R4) -> O3 residential; 4 + 6 = 10
    ("o3_r4", R_FRAG[4], RES, ("O3",), {"O3", "F2", "B1"}),
    ("not_s1_past_attempt_not_recent", {"cssrs_6": "yes", "cssrs_6_recent": "no"}, OP, ("B1",),
     {"B1"}),
    ("not_o3_r3_cssrs_3", {"cssrs_2": "yes", "cssrs_3": "yes"}, IOP, ("F2",), {"F2", "B1"}),
    # --- O1 extreme-rating via F or C (R5 is covered by S1 above); 5 + 6 = 11
    ("o1_f5", impair(0, 0, 4), INP, ("O1",), {"O1", "F3", "B1"}),
    ("o1_c5_medical", {"medical_unstable": "yes"}, INP, ("O1",), {"O1", "B1"}),
    ("o1_c5_severe_withdrawal", {"withdrawal_now": "severe"}, INP, ("O1",), {"O1", "B1"}),
    ("o1_c5_complicated_moderate",
     {"withdrawal_now": "moderate", "withdrawal_complicated": "yes"}, INP, ("O1",), {"O1", "B1"}),
    # --- O5 serious-impairment-supported: F or C = 4 with E = 1 and P = 1; 4 + 6 = 10
    ("o5_f4_two_items", impair(4, 4, 0), PHP, ("O5",), {"O5", "F3", "B1"}),
    ("o5_f4_sum_10", impair(4, 3, 3), PHP, ("O5",), {"O5", "F3", "B1"}),
    ("o5_c4_dast9", dast10(9), PHP, ("O5",), {"O5", "B1"}),
    ("o5_c4_moderate_withdrawal", {"withdrawal_now": "moderate"}, PHP, ("O5",), {"O5", "B1"}),
    # --- O4 serious-impairment: F or C = 4 unless E = 1 and P = 1; 4 + 1 + 6 = 11
    ("o4_f4_e2", {**impair(4, 4, 0), "stressors": "one"}, RES, ("O4",), {"O4", "F3", "B1"}),
    ("o4_f4_p2", {**impair(4, 4, 0), "support": "some"}, RES, ("O4",), {"O4", "F3", "B1"}),
    ("o4_c4_e2", {**dast10(9), "stressors": "one"}, RES, ("O4",), {"O4", "B1"}),
    ("o4_c4_p2", {**dast10(9), "support": "some"}, RES, ("O4",), {"O4", "B1"}),
    ("o4_c4_homeless", {**dast10(9), "housing": "homeless"}, RES, ("O4",), {"O4", "B1"}),
    # H, G, R above 1 do not turn O5 into O4: R2 F4 C1 E1 P1 H4 G4 = 17 -> B1 iop
    ("o5_with_other_ratings_high",
     {**impair(4, 4, 0), "cssrs_1": "yes", "prior_treatment": "did_not_help",
      "readiness": "reluctant"}, PHP, ("O5",), {"O5", "F3", "B1"}),
    ("not_o4_f3_e2", {**impair(4, 3, 2), "stressors": "one"}, IOP, ("F3",), {"F3", "B1"}),
    ("not_o4_c3_e2", {**dast10(8), "stressors": "one"}, OP, ("B1",), {"B1"}),
    # --- F1 step-down
    ("f1_php", {"recent_discharge": "php"}, IOP, ("F1",), {"F1", "B1"}),
    ("f1_residential", {"recent_discharge": "residential"}, IOP, ("F1",), {"F1", "B1"}),
    ("f1_inpatient", {"recent_discharge": "inpatient"}, IOP, ("F1",), {"F1", "B1"}),
    ("not_f1_iop", {"recent_discharge": "iop"}, OP, ("B1",), {"B1"}),
    # --- F2 active-ideation (R >= 3)
    ("f2_cssrs_2", {"cssrs_2": "yes"}, IOP, ("F2",), {"F2", "B1"}),
    ("f2_phq9_9_two", {"phq9_9": "2"}, IOP, ("F2",), {"F2", "B1"}),
    ("f2_harm_thoughts", {"harm_others": "thoughts"}, IOP, ("F2",), {"F2", "B1"}),
    ("not_f2_r2", {"cssrs_1": "yes", "phq9_9": "1"}, OP, ("B1",), {"B1"}),
    # --- F3 significant-impairment (F >= 3)
    ("f3_item_3", impair(3, 0, 0), IOP, ("F3",), {"F3", "B1"}),
    ("f3_sum_6", impair(2, 2, 2), IOP, ("F3",), {"F3", "B1"}),
    ("not_f3_sum_5", impair(2, 2, 1), OP, ("B1",), {"B1"}),
    # --- F4 symptoms-with-impairment (C >= 3 and F >= 2)
    ("f4", {**dast10(3), **impair(2, 0, 0)}, IOP, ("F4",), {"F4", "B1"}),
    ("f4_psychosis", {"psychosis": "yes", **impair(1, 1, 1)}, IOP, ("F4",), {"F4", "B1"}),
    ("not_f4_f1", dast10(3), OP, ("B1",), {"B1"}),
    ("not_f4_c2", {**dast10(2), **impair(2, 0, 0)}, OP, ("B1",), {"B1"}),
    # --- F5 high-acuity (R >= 3 and F >= 3 and C >= 3): 3+3+3+4 = 13
    ("f5", {"harm_others": "thoughts", **impair(3, 0, 0), **dast10(3)}, PHP, ("F5",),
     {"F5", "F2", "F3", "F4", "B1"}),
    ("not_f5_r2", {"cssrs_1": "yes", **impair(3, 0, 0), **dast10(3)}, IOP, ("F3", "F4"),
     {"F3", "F4", "B1"}),
    ("not_f5_f2", {"harm_others": "thoughts", **impair(2, 0, 0), **dast10(3)}, IOP,
     ("F2", "F4"), {"F2", "F4", "B1"}),
    ("not_f5_c2", {"harm_others": "thoughts", **impair(3, 0, 0), **dast10(2)}, IOP,
     ("F2", "F3"), {"F2", "F3", "B1"}),
    # --- several rules at the top level are all reasons: R3 F2 C2 E3 P3 H2 G2 = 17
    ("b1_and_f2_tie", by_ratings(3, 2, 2, 3, 3, 2, 2), IOP, ("B1", "F2"), {"B1", "F2"}),
    # R3 F2 C2 E3 P3 H2 G2 with a php discharge: H = 2 still; B1, F1, F2 all iop
    ("b1_f1_f2_tie", {**by_ratings(3, 2, 2, 3, 3, 2, 2), "recent_discharge": "php"}, IOP,
     ("B1", "F1", "F2"), {"B1", "F1", "F2"}),
    # composite 20 (php) beats F rules: R3 F3 C2 E3 P3 H3 G3 = 20
    ("b1_php_over_f_rules", by_ratings(3, 3, 2, 3, 3, 3, 3), PHP, ("B1",), {"B1", "F2", "F3"}),
    # F5 and B1 both php: R3 F3 C3 E3 P3 H2 G3 = 20
    ("b1_f5_tie", by_ratings(3, 3, 3, 3, 3, 2, 3), PHP, ("B1", "F5"),
     {"B1", "F2", "F3", "F4", "F5"}),
    # O4 and B1 both residential: R1 F4 C1 E5 P4 H4 G4 = 23
    ("b1_o4_tie", by_ratings(1, 4, 1, 5, 4, 4, 4), RES, ("B1", "O4"), {"B1", "O4", "F3"}),
    # O3 and O4 together: R4 and F4 with E2
    ("o3_o4_tie", {**R_FRAG[4], **impair(4, 4, 0), "stressors": "one"}, RES, ("O3", "O4"),
     {"O3", "O4", "F2", "F3", "B1"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "level", "rules", "fired"),
    [pytest.param(*case[1:], id=case[0]) for case in RULE_CASES],
)
def test_rule_fires_proposes_its_level_and_is_reported(answers, level, rules, fired):
    a = make(**answers)
    assert_outcome(a, level, rules, fired)


def test_rule_names_match_spec():
    names = {
        "S1": "imminent-risk",
        "O1": "extreme-rating",
        "O3": "serious-risk",
        "O4": "serious-impairment",
        "F2": "active-ideation",
        "F3": "significant-impairment",
        "F4": "symptoms-with-impairment",
        "F5": "high-acuity",
    }
    a = make(**R_FRAG[5], **impair(4, 4, 0), **dast10(3), stressors="one")
    # R5 (S1, O1), F4 with E2 (O4), F2, F3, F4, F5; O3 needs R = 4 so it is absent
    b = make(**R_FRAG[4], **impair(4, 4, 0), stressors="one")
    c = make(**impair(4, 4, 0), recent_discharge="php")  # O5, F1, F3
    d = make(**by_ratings(3, 3, 3, 5, 4, 5, 5))  # composite 28 -> O2
    seen = {f.rule: f.name for x in (a, b, c, d) for f in x.fired}
    for rid, name in names.items():
        assert seen[rid] == name
    assert seen["O2"] == "composite-max"
    assert seen["O5"] == "serious-impairment-supported"
    assert seen["F1"] == "step-down"


def test_every_reason_names_its_rule_id():
    # S1 O1 F2 F3 F4 F5 B1 all fire
    a = make(**R_FRAG[5], **impair(3, 3, 0), **dast10(3))
    assert a.level == INP
    for f in a.fired:
        assert f.reason.startswith(f.rule), (f.rule, f.reason)
        assert f.reason in a.reasons + a.also_considered
    for r in a.reasons:
        assert r.startswith(a.rules), (r, a.rules)
    for r in a.also_considered:
        assert r.startswith(tuple(f.rule for f in a.fired if f.level < a.level)), r


# ---------------------------------------------------------------------------------------------
# Withdrawal management and emergency
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "complicated", "wm", "C", "level"),
    [
        ("none", None, "none", 1, OP),
        ("mild", "no", "ambulatory", 3, OP),  # R1 F1 C3 -> 9, op
        # READING: a complicated history only escalates moderate/severe (spec names them)
        ("mild", "yes", "ambulatory", 3, OP),
        ("moderate", "no", "medically_monitored", 4, PHP),  # C4, E1 P1 -> O5
        ("moderate", "yes", "medically_managed", 5, INP),  # C5 -> O1
        ("severe", "no", "medically_managed", 5, INP),
        ("severe", "yes", "medically_managed", 5, INP),
    ],
)
def test_withdrawal_management_each_case(now, complicated, wm, C, level):
    over = {"withdrawal_now": now}
    if complicated is not None:  # None: skipped when withdrawal_now = none
        over["withdrawal_complicated"] = complicated
    a = make(**over)
    assert a.withdrawal_management == wm
    assert a.ratings.C == C
    assert a.level == level
    assert a.emergency is False


@pytest.mark.parametrize(
    ("answers", "emergency"),
    [
        ({"cssrs_2": "yes", "cssrs_4": "yes"}, True),
        ({"cssrs_2": "yes", "cssrs_5": "yes"}, True),
        ({"cssrs_6": "yes", "cssrs_6_recent": "yes"}, True),
        ({"harm_others": "plan_or_intent"}, True),
        # READING: only S1 gives the emergency disposition; other inpatient rules do not
        ({"medical_unstable": "yes"}, False),
        ({"withdrawal_now": "severe"}, False),
        (impair(0, 0, 4), False),
        (by_ratings(3, 3, 3, 5, 4, 5, 5), False),  # O2
        (R_FRAG[4], False),
        ({"cssrs_2": "yes", "cssrs_3": "yes"}, False),
        ({"harm_others": "thoughts"}, False),
        ({"phq9_9": "3"}, False),
        ({}, False),
    ],
)
def test_emergency_only_for_imminent_risk(answers, emergency):
    a = make(**answers)
    assert a.emergency is emergency
    if emergency:
        assert a.level == INP
        assert "S1" in a.rules


S1_TRIGGERS = [
    {"cssrs_2": "yes", "cssrs_4": "yes"},
    {"cssrs_2": "yes", "cssrs_5": "yes"},
    {"cssrs_6": "yes", "cssrs_6_recent": "yes"},
    {"harm_others": "plan_or_intent"},
]
S1_BACKGROUNDS = [
    {},
    {"readiness": "refuses", "age": "15"},
    {**impair(4, 4, 0)},  # would be O5 php alone
    {"recent_discharge": "inpatient", "prior_treatment": "did_not_help"},
    {"payer": "uninsured", "availability": "limited", "transportation": "no", "telehealth": "no"},
    {"housing": "homeless", "support": "none", "withdrawal_now": "severe", **auditc(12)},
]


@pytest.mark.parametrize("background", S1_BACKGROUNDS)
@pytest.mark.parametrize("trigger", S1_TRIGGERS)
def test_s1_answers_always_give_inpatient_and_emergency(trigger, background):
    a = make(**{**background, **trigger})
    assert a.level == INP
    assert a.emergency is True
    assert "S1" in a.rules
    assert a.ratings.R == 5
    assert any(r.startswith("S1") for r in a.reasons)


# ---------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "present"),
    [
        ({"phq9_9": "1"}, True),  # total 1, minimal: flagged whatever the total
        (phq9(27, 3), True),
        ({"phq9_9": "2", "cssrs_1": "yes"}, True),
        (phq9(20), False),  # severe total, item 9 = 0
        ({}, False),
    ],
)
def test_flag_phq9_item9(answers, present):
    assert ("phq9_item9" in codes(make(**answers))) is present


@pytest.mark.parametrize(
    ("answers", "present"),
    [
        ({"phq9_9": "1"}, True),
        ({"phq9_9": "3"}, True),
        ({"phq9_9": "1", "cssrs_1": "yes"}, False),
        ({"phq9_9": "1", "cssrs_2": "yes"}, False),
        ({"phq9_9": "1", "cssrs_6": "yes", "cssrs_6_recent": "no"}, False),
        ({"cssrs_1": "yes"}, False),
        ({}, False),
    ],
)
def test_flag_item9_discordant(answers, present):
    assert ("item9_discordant" in codes(make(**answers))) is present


@pytest.mark.parametrize(("psychosis", "present"), [("yes", True), ("no", False)])
def test_flag_psychosis(psychosis, present):
    a = make(psychosis=psychosis)
    assert ("psychosis" in codes(a)) is present


@pytest.mark.parametrize(
    ("answers", "level", "present"),
    [
        # E4 (unsafe home) P4 (no support): 1+1+1+4+4+1+1 = 13, op
        ({"home_safe": "no", "support": "none"}, OP, True),
        # homeless with no support: E4 P5 = 14, op
        ({"housing": "homeless", "support": "none"}, OP, True),
        ({"stressors": "several", "support": "none"}, OP, False),  # E3 P4
        ({"home_safe": "no", "support": "limited"}, OP, False),  # E4 P3
        # E5 P5 with composite 1+2+2+5+5+2+2 = 19 -> iop
        ({**by_ratings(1, 2, 2, 1, 1, 2, 2), "housing": "homeless", "stressors": "several",
          "support": "none"}, IOP, True),
        # php is included: R2 F2 C2 E4 P4 H3 G3 = 20
        (by_ratings(2, 2, 2, 4, 4, 3, 3), PHP, True),
        # residential is not: R2 F2 C2 E5 P4 H4 G4 = 23
        (by_ratings(2, 2, 2, 5, 4, 4, 4), RES, False),
        # O4 residential (F4 with E4): flag absent
        ({**impair(4, 4, 0), "home_safe": "no", "support": "none"}, RES, False),
        # inpatient: flag absent
        ({"medical_unstable": "yes", "home_safe": "no", "support": "none"}, INP, False),
    ],
)  # fmt: skip
def test_flag_home_unsupportive(answers, level, present):
    a = make(**answers)
    assert a.level == level
    assert ("home_unsupportive" in codes(a)) is present


@pytest.mark.parametrize(
    ("age", "present"), [("12", True), ("17", True), ("18", False), ("120", False)]
)
def test_flag_adolescent(age, present):
    a = make(age=age)
    assert ("adolescent" in codes(a)) is present
    assert a.level == OP
    assert ratings(a) == (1, 1, 1, 1, 1, 1, 1)


@pytest.mark.parametrize(
    ("readiness", "present"), [("refuses", True), ("reluctant", False), ("eager", False)]
)
def test_flag_refuses_treatment(readiness, present):
    assert ("refuses_treatment" in codes(make(readiness=readiness))) is present


@pytest.mark.parametrize(
    ("answers", "composite", "level", "flag"),
    [
        (by_ratings(), 7, OP, "op_every_1_2_weeks"),
        (by_ratings(1, 1, 1, 3, 3, 2, 2), 13, OP, "op_every_1_2_weeks"),
        (by_ratings(1, 1, 1, 3, 3, 3, 2), 14, OP, "op_weekly"),
        # 1.1: composite 13 but C = 3 (F1, so F4 does not apply): weekly
        (by_ratings(1, 1, 3, 3, 1, 2, 2), 13, OP, "op_weekly"),
        (by_ratings(1, 1, 2, 3, 2, 2, 2), 13, OP, "op_every_1_2_weeks"),
        (by_ratings(2, 2, 2, 3, 3, 2, 2), 16, OP, "op_weekly"),
        (by_ratings(2, 2, 2, 3, 3, 3, 2), 17, IOP, None),
        # composite 9 but F3 -> iop: no OP note
        (impair(3, 0, 0), 9, IOP, None),
        # composite 16 but F1 -> iop: R2 F2 C2 E3 P3 H2 (helped + php) G2
        ({**by_ratings(2, 2, 2, 3, 3, 1, 2), "recent_discharge": "php"}, 16, IOP, None),
        # composite 10 but O5 -> php
        (impair(4, 4, 0), 10, PHP, None),
    ],
)
def test_flag_op_intensity_only_at_op(answers, composite, level, flag):
    a = make(**answers)
    assert a.composite == composite
    assert a.level == level
    op_flags = codes(a) & {"op_every_1_2_weeks", "op_weekly"}
    assert op_flags == ({flag} if flag else set())


def test_flags_have_text_and_never_change_the_level():
    # every flag but the OP note at once: item 9 discordant, psychosis, adolescent,
    # refuses, home unsupportive, home unsafe
    a = make(
        phq9_9="1",
        psychosis="yes",
        age="16",
        readiness="refuses",
        home_safe="no",
        support="none",
    )
    # R2 F1 C3 E4 P4 H1 G5 = 20 -> B1 php
    assert ratings(a) == (2, 1, 3, 4, 4, 1, 5)
    assert a.level == PHP
    assert codes(a) == {
        "phq9_item9",
        "item9_discordant",
        "psychosis",
        "adolescent",
        "refuses_treatment",
        "home_unsupportive",
        "home_unsafe",
    }
    for f in a.flags:
        assert isinstance(f.text, str)
        assert f.text.strip()


# ---------------------------------------------------------------------------------------------
# Logistics, insurance and client_id never change level, ratings or reasons
# ---------------------------------------------------------------------------------------------

INVARIANCE_PROFILES = {
    "baseline": {},
    "iop_f2_f3": {"cssrs_2": "yes", **impair(3, 2, 1), **phq9(13, 1)},
    "o5_php": impair(4, 4, 0),
    "b1_residential": by_ratings(2, 2, 2, 5, 4, 4, 4),
    "s1": {"harm_others": "plan_or_intent", **auditc(9), "withdrawal_now": "moderate"},
}


def _outcome(a):
    return (
        a.level,
        ratings(a),
        a.composite,
        a.rules,
        a.reasons,
        a.also_considered,
        a.emergency,
        a.withdrawal_management,
        tuple(sorted(f.rule for f in a.fired)),
    )


@pytest.mark.parametrize(
    "profile", list(INVARIANCE_PROFILES.values()), ids=list(INVARIANCE_PROFILES)
)
@pytest.mark.parametrize("field", [*LOGISTICS, "client_id"])
def test_logistics_insurance_and_client_id_never_change_the_result(profile, field):
    ref = _outcome(make(**profile))
    values = LOGISTICS.get(field, ["B-2", "x" * 64, "client.9_z"])
    for value in values:
        assert _outcome(make(**{**profile, field: value})) == ref, (field, value)


@pytest.mark.parametrize(
    "profile", list(INVARIANCE_PROFILES.values()), ids=list(INVARIANCE_PROFILES)
)
def test_all_logistics_changed_together_change_nothing(profile):
    ref = _outcome(make(**profile))
    other = {
        "availability": "limited",
        "transportation": "no",
        "telehealth": "no",
        "payer": "uninsured",
        "referral": "no",
        "client_id": "ZZ-9",
    }
    assert _outcome(make(**{**profile, **other})) == ref


# ---------------------------------------------------------------------------------------------
# Invariant 1: worse clinical answers never lower the level or any rating
# ---------------------------------------------------------------------------------------------

YN = ["no", "yes"]
WORSE_ORDER: dict[str, list[str]] = {
    "cssrs_1": YN,
    "cssrs_2": YN,
    "cssrs_3": YN,
    "cssrs_4": YN,
    "cssrs_5": YN,
    "cssrs_6": YN,
    "cssrs_6_recent": YN,
    "harm_others": ["none", "thoughts", "plan_or_intent"],
    **{f"phq9_{i}": ["0", "1", "2", "3"] for i in range(1, 10)},
    **{f"gad7_{i}": ["0", "1", "2", "3"] for i in range(1, 8)},
    "psychosis": YN,
    **{f"auditc_{i}": ["0", "1", "2", "3", "4"] for i in range(1, 4)},
    **{f"dast10_{i}": YN for i in range(1, 11)},
    "dast10_3": ["yes", "no"],
    "withdrawal_now": ["none", "mild", "moderate", "severe"],
    "withdrawal_complicated": YN,
    "medical_unstable": YN,
    **{k: ["0", "1", "2", "3", "4"] for k in ("impair_work", "impair_relationships")},
    "impair_selfcare": ["0", "1", "2", "3", "4"],
    "housing": ["stable", "unstable", "homeless"],
    "home_safe": ["yes", "no"],
    "stressors": ["none", "one", "several"],
    "support": ["strong", "some", "limited", "none"],
    "recent_discharge": ["none", "iop", "php", "residential", "inpatient"],
    "prior_treatment": ["helped", "none", "partly_helped", "did_not_help"],
    "readiness": ["eager", "willing", "ambivalent", "reluctant", "refuses"],
}

MONOTONE_PROFILES = {
    "baseline": {},
    "mid": {
        "cssrs_1": "yes",
        "cssrs_2": "yes",
        "cssrs_6": "yes",
        **phq9(12, 1),
        **gad7(9),
        **auditc(3),
        **dast10(2),
        "withdrawal_now": "mild",
        **impair(2, 1, 1),
        "housing": "unstable",
        "stressors": "one",
        "support": "some",
        "recent_discharge": "iop",
        "prior_treatment": "none",
        "readiness": "willing",
    },
    "high": {
        "harm_others": "thoughts",
        **phq9(18, 2),
        **gad7(15),
        **auditc(7),
        **dast10(5),
        "withdrawal_now": "moderate",
        **impair(3, 3, 2),
        "housing": "homeless",
        "stressors": "several",
        "support": "limited",
        "recent_discharge": "php",
        "prior_treatment": "partly_helped",
        "readiness": "ambivalent",
    },
}


MONOTONE_CASES = [
    pytest.param(key, profile, id=f"{key}-{name}")
    for name, profile in MONOTONE_PROFILES.items()
    for key in WORSE_ORDER
    if _asked(key, raw(**profile))  # a follow-up is only varied where it is asked
]


@pytest.mark.parametrize(("key", "profile"), MONOTONE_CASES)
def test_worse_answer_never_lowers_level_or_any_rating(key, profile):
    order = WORSE_ORDER[key]
    results = [make(**{**profile, key: v}) for v in order]
    for lo_v, hi_v, lo, hi in zip(order, order[1:], results, results[1:], strict=False):
        assert hi.level >= lo.level, (key, lo_v, hi_v)
        for r_lo, r_hi in zip(ratings(lo), ratings(hi), strict=True):
            assert r_hi >= r_lo, (key, lo_v, hi_v, ratings(lo), ratings(hi))
        assert hi.composite >= lo.composite


# ---------------------------------------------------------------------------------------------
# Section 1: answer values (parse_answers)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "YES", " Yes ", "y", "Y", "true", "TRUE", "1"])
def test_yes_spellings_are_accepted(value):
    a = assess(parse_answers(bank(), raw(cssrs_1=value)))
    assert a.ratings.R == 2
    assert a.scores.cssrs_risk == "low"


@pytest.mark.parametrize("value", ["no", "NO", " No ", "n", "N", "false", "False", "0"])
def test_no_spellings_are_accepted(value):
    a = assess(parse_answers(bank(), raw(cssrs_1=value)))
    assert a.ratings.R == 1


def test_codes_are_case_insensitive_and_trimmed():
    a = assess(
        parse_answers(bank(), raw(housing=" Homeless ", home_safe="", support="NONE", phq9_9=" 2 "))
    )
    assert (a.ratings.E, a.ratings.P, a.ratings.R) == (4, 5, 3)


def test_skipped_questions_may_be_omitted():
    # section 1: a question the skip logic did not ask is absent (TOML) / blank (CSV)
    d = dict(BASE)
    d["housing"] = "homeless"
    del d["home_safe"]
    for key in ("cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6_recent", "withdrawal_complicated"):
        assert key not in d
    a = assess(parse_answers(bank(), d))
    assert a.ratings.E == 4
    assert a.level == OP


def test_skipped_questions_may_be_blank():
    d = raw(housing="homeless", home_safe="", cssrs_3="", cssrs_4="", cssrs_5="")
    d["cssrs_6_recent"] = ""
    d["withdrawal_complicated"] = ""
    a = assess(parse_answers(bank(), d))
    assert a.ratings.E == 4


@pytest.mark.parametrize("age", ["12", "120"])
def test_age_edges_are_valid(age):
    assert make(age=age).level == OP


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", "11"),
        ("age", "121"),
        ("age", "thirty"),
        ("phq9_1", "4"),
        ("phq9_1", "-1"),
        ("gad7_7", "4"),
        ("auditc_1", "5"),
        ("impair_work", "5"),
        ("housing", "castle"),
        ("sex_at_birth", "f"),
        ("cssrs_1", "maybe"),
        ("readiness", "ready"),
        ("payer", "hmo"),
        ("client_id", "A 1"),
        ("client_id", "x" * 65),
        ("client_id", ""),
    ],
)
def test_invalid_value_is_an_error_naming_the_field(field, value):
    with pytest.raises(AnswersError) as exc:
        parse_answers(bank(), raw(**{field: value}))
    assert any(p.field == field for p in exc.value.problems)


@pytest.mark.parametrize(
    ("field", "answers"),
    [
        ("phq9_1", {"phq9_1": None}),
        ("readiness", {"readiness": None}),
        ("payer", {"payer": None}),
        ("home_safe", {"home_safe": None}),  # asked: housing is stable
    ],
)
def test_missing_asked_answer_is_an_error(field, answers):
    with pytest.raises(AnswersError) as exc:
        parse_answers(bank(), raw(**answers))
    assert any(p.field == field for p in exc.value.problems)


def test_missing_follow_up_is_an_error():
    # cssrs_2 = yes asks cssrs_3..5; leaving cssrs_4 out is an error
    d = raw(cssrs_2="yes")
    del d["cssrs_4"]
    with pytest.raises(AnswersError) as exc:
        parse_answers(bank(), d)
    assert any(p.field == "cssrs_4" for p in exc.value.problems)
