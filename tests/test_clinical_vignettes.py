"""Whole-person intake vignettes scored against CLINICAL.md, worked out by hand from the spec.

Each vignette spells out the clinically relevant answers of one caller; anything not given is the
least severe answer (stable, safe home, strong support, treatment helped, eager, everything
no / 0 / none). The comment above each expected result shows the arithmetic:
R F C E P H G = composite, then the rules that fire and the level they propose.
"""

from __future__ import annotations

import functools

from triage_cli.answers import parse_answers
from triage_cli.bank import load_bank
from triage_cli.scoring import Level, assess

OP, IOP, PHP, RES, INP = Level.OP, Level.IOP, Level.PHP, Level.RESIDENTIAL, Level.INPATIENT

BASE: dict[str, str] = {
    "client_id": "V0",
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
    "dast10_3": "yes",  # reversed item: "yes" (always able to stop) scores 0
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

FOLLOW_UPS = {
    "cssrs_3": ("cssrs_2", "yes", "no"),
    "cssrs_4": ("cssrs_2", "yes", "no"),
    "cssrs_5": ("cssrs_2", "yes", "no"),
    "cssrs_6_recent": ("cssrs_6", "yes", "no"),
}


def raw(**overrides: str | None) -> dict[str, str]:
    """BASE with overrides (None removes a key) and the skip logic of CLINICAL.md section 1:
    a follow-up not given is answered with its least severe value when asked, else left blank."""
    d = dict(BASE)
    for key, value in overrides.items():
        if value is None:
            d.pop(key, None)
        else:
            d[key] = value
    for key, (parent, when, least) in FOLLOW_UPS.items():
        if key not in overrides:
            if d.get(parent) == when:
                d.setdefault(key, least)
            else:
                d[key] = ""
    if "withdrawal_complicated" not in overrides:
        d["withdrawal_complicated"] = "no" if d["withdrawal_now"] != "none" else ""
    if "home_safe" not in overrides and d["housing"] == "homeless":
        d["home_safe"] = ""
    return d


@functools.cache
def bank():
    return load_bank()


def make(**overrides: str | None):
    return assess(parse_answers(bank(), raw(**overrides)))


def items(prefix: str, *values: int) -> dict[str, str]:
    """items("phq9", 2, 2, 1, ...) -> {"phq9_1": "2", "phq9_2": "2", "phq9_3": "1", ...}"""
    return {f"{prefix}_{i}": str(v) for i, v in enumerate(values, 1)}


def dast_yes(*numbers: int) -> dict[str, str]:
    """DAST-10 with the given items answered yes (item 3 is not used here; it stays "yes" = 0)."""
    return {f"dast10_{i}": "yes" for i in numbers}


def ratings(a) -> tuple[int, ...]:
    r = a.ratings
    return (r.R, r.F, r.C, r.E, r.P, r.H, r.G)


def codes(a) -> set[str]:
    return {f.code for f in a.flags}


def fired(a) -> set[str]:
    return {f.rule for f in a.fired}


def test_working_adult_with_moderate_depression_and_no_safety_concerns_gets_op():
    """34-year-old accountant, low mood for two months, still working; no suicidal thoughts,
    drinks a glass of wine a week; recently moved house; some friends to lean on; never treated."""
    a = make(
        client_id="V1",
        age="34",
        **items("phq9", 2, 2, 1, 2, 2, 1, 1, 1, 0),  # 12 moderate, item 9 = 0
        **items("gad7", 1, 1, 1, 1, 1, 1, 0),  # 6 mild
        **items("auditc", 1, 0, 0),  # 1, female not positive
        **{"impair_work": "1", "impair_relationships": "1", "impair_selfcare": "0"},
        stressors="one",
        support="some",
        prior_treatment="none",
        readiness="willing",
        availability="evenings",
    )
    # R1 (no ideation, item 9 = 0); F1 (max 1, sum 2); C2 (PHQ >= 10, no substance term)
    # E 1+1 = 2; P some 2; H none 2; G willing 2
    # 1+1+2+2+2+2+2 = 12 -> B1 op; no F rule (R<3, F<3, C<3)
    assert ratings(a) == (1, 1, 2, 2, 2, 2, 2)
    assert a.composite == 12
    assert a.scores.phq9_band == "moderate"
    assert a.level == OP
    assert a.rules == ("B1",)
    assert a.emergency is False
    assert a.withdrawal_management == "none"
    assert codes(a) == {"op_every_1_2_weeks"}


def test_work_interference_with_active_ideation_without_plan_gets_iop():
    """27-year-old warehouse worker missing shifts; has had thoughts of killing himself this
    month but has not thought about how, no intent, no plan, never attempted."""
    a = make(
        client_id="V2",
        age="27",
        sex_at_birth="male",
        cssrs_1="yes",
        cssrs_2="yes",
        cssrs_3="no",
        cssrs_4="no",
        cssrs_5="no",
        **items("phq9", 2, 2, 2, 2, 1, 1, 1, 1, 1),  # 13 moderate, item 9 = 1
        **items("gad7", 2, 1, 1, 1, 1, 1, 1),  # 8
        **items("auditc", 2, 1, 0),  # 3, male: not positive (>= 4)
        impair_work="3",
        impair_relationships="2",
        impair_selfcare="1",
        stressors="one",
        support="some",
        readiness="willing",
    )
    # R3 (cssrs_2); F3 (work = 3); C2 (PHQ 13 >= 10; AUDIT-C not positive, DAST 0)
    # E 2; P 2; H helped 1; G 2 -> 3+3+2+2+2+1+2 = 15 -> B1 op
    # F2 (R >= 3) iop, F3 (F >= 3) iop; F4 no (C2); F5 no (C2) -> iop
    assert ratings(a) == (3, 3, 2, 2, 2, 1, 2)
    assert a.composite == 15
    assert a.scores.cssrs_risk == "low"
    assert a.level == IOP
    assert a.rules == ("F2", "F3")
    assert fired(a) == {"B1", "F2", "F3"}
    assert a.emergency is False
    assert "phq9_item9" in codes(a)
    assert "item9_discordant" not in codes(a)  # C-SSRS answers are yes
    assert not codes(a) & {"op_every_1_2_weeks", "op_weekly"}


def test_stepping_down_after_residential_stay_gets_at_least_iop():
    """45-year-old man discharged from a 28-day residential alcohol program last week; feels
    fairly well, cutting down; residential helped partly; keen to keep going."""
    a = make(
        client_id="V3",
        age="45",
        sex_at_birth="male",
        **items("phq9", 1, 1, 1, 1, 1, 1, 0, 0, 0),  # 6 mild
        **items("gad7", 1, 1, 1, 0, 0, 1, 0),  # 4
        **items("auditc", 1, 1, 0),  # 2, male not positive
        impair_work="1",
        impair_relationships="1",
        stressors="one",
        support="some",
        recent_discharge="residential",
        prior_treatment="partly_helped",
        readiness="eager",
    )
    # R1; F1 (sum 2); C1 (PHQ 6, GAD 4, AUDIT-C 2 male, DAST 0)
    # E 2; P 2; H partly_helped 3, residential -> at least 3 = 3; G 1
    # 1+1+1+2+2+3+1 = 11 -> B1 op; F1 step-down (residential) -> iop
    assert ratings(a) == (1, 1, 1, 2, 2, 3, 1)
    assert a.composite == 11
    assert a.level >= IOP
    assert a.level == IOP
    assert a.rules == ("F1",)
    assert any(r.startswith("B1") for r in a.also_considered)
    assert not codes(a) & {"op_every_1_2_weeks", "op_weekly"}


def test_daily_drinking_with_moderate_withdrawal_and_stressful_home_gets_residential():
    """48-year-old man drinking heavily every day, shaky and sweating in the mornings (moderate
    withdrawal, no seizures ever); his partner also drinks at home; just lost his job; a few
    people to help; outpatient counselling did not help; unsure about treatment."""
    a = make(
        client_id="V4",
        age="48",
        sex_at_birth="male",
        **items("auditc", 4, 4, 3),  # 11: positive and high
        withdrawal_now="moderate",
        withdrawal_complicated="no",
        **items("phq9", 2, 1, 2, 2, 1, 1, 1, 1, 0),  # 11
        **items("gad7", 1, 1, 2, 1, 1, 2, 1),  # 9
        impair_work="2",
        impair_relationships="3",
        impair_selfcare="1",
        home_safe="no",
        stressors="one",
        support="limited",
        prior_treatment="did_not_help",
        readiness="ambivalent",
    )
    # R1; F3 (relationships = 3, sum 6); C4 (withdrawal moderate; also >= 3 via AUDIT-C >= 8)
    # E stable 1 -> unsafe home at least 4 -> + one stressor = 5 (READING: floor, then add)
    # P limited 3; H did_not_help 4; G ambivalent 3
    # 1+3+4+5+3+4+3 = 23 -> B1 residential; O4 (C4, E != 1) residential
    # F3 iop, F4 (C >= 3, F >= 2) iop -> residential by B1 and O4
    assert ratings(a) == (1, 3, 4, 5, 3, 4, 3)
    assert a.composite == 23
    assert a.scores.auditc_high is True
    assert a.level == RES
    assert a.rules == ("B1", "O4")
    assert fired(a) == {"B1", "O4", "F3", "F4"}
    assert a.withdrawal_management == "medically_monitored"
    assert a.emergency is False
    assert "home_unsupportive" not in codes(a)  # P3, and level above php


def test_plan_with_intent_gets_inpatient_and_emergency():
    """30-year-old woman who has thought about how she would kill herself, intends to act and has
    worked out the details; severe depression; has not eaten properly for days."""
    a = make(
        client_id="V5",
        age="30",
        cssrs_1="yes",
        cssrs_2="yes",
        cssrs_3="yes",
        cssrs_4="yes",
        cssrs_5="yes",
        **items("phq9", 3, 3, 2, 3, 2, 3, 2, 1, 3),  # 22 severe, item 9 = 3
        **items("gad7", 2, 2, 2, 1, 2, 2, 1),  # 12
        impair_work="3",
        impair_relationships="3",
        impair_selfcare="2",
        stressors="several",
        support="some",
        prior_treatment="none",
        readiness="ambivalent",
    )
    # R5 (C-SSRS high); F3 (item 3, sum 8); C3 (PHQ >= 15; no substance use)
    # E 1+2 = 3; P 2; H 2; G 3 -> 5+3+3+3+2+2+3 = 21 -> B1 php
    # S1 inpatient + emergency; O1 (R5) inpatient; F5 php; F2 F3 F4 iop
    assert ratings(a) == (5, 3, 3, 3, 2, 2, 3)
    assert a.composite == 21
    assert a.scores.cssrs_risk == "high"
    assert a.level == INP
    assert a.emergency is True
    assert a.rules == ("O1", "S1")
    assert any(r.startswith("S1") for r in a.reasons)
    assert fired(a) == {"S1", "O1", "B1", "F2", "F3", "F4", "F5"}
    assert "phq9_item9" in codes(a)


def test_homeless_with_no_support_gets_iop_and_home_flag():
    """29-year-old woman sleeping in her car for two months, no one to turn to, lost her job and
    her relationship ended; some cannabis use; mild low mood."""
    a = make(
        client_id="V6",
        age="29",
        **items("phq9", 1, 1, 1, 1, 1, 1, 1, 1, 0),  # 8 mild
        **items("gad7", 1, 1, 1, 1, 1, 1, 0),  # 6
        **items("auditc", 1, 1, 0),  # 2 female, not positive
        **dast_yes(1, 2),  # 2 (item 3 yes scores 0)
        impair_work="2",
        impair_relationships="1",
        impair_selfcare="1",
        housing="homeless",
        stressors="several",
        support="none",
        prior_treatment="none",
        readiness="willing",
    )
    # R1; F2 (item 2, sum 4); C2 (DAST >= 1; PHQ/GAD < 10)
    # E homeless 4 + several 2 = 6 -> cap 5; P none + homeless = 5; H 2; G 2
    # 1+2+2+5+5+2+2 = 19 -> B1 iop; no F rule (R1, F2, C2)
    assert ratings(a) == (1, 2, 2, 5, 5, 2, 2)
    assert a.composite == 19
    assert a.scores.dast10_band == "low"
    assert a.level == IOP
    assert a.rules == ("B1",)
    assert fired(a) == {"B1"}
    assert "home_unsupportive" in codes(a)  # E5 P5, iop <= php


def test_adolescent_with_moderate_anxiety_gets_op_and_adolescent_flag():
    """16-year-old girl, worried all the time about school, some trouble at school, parents very
    involved; exams coming up; never treated."""
    a = make(
        client_id="V7",
        age="16",
        **items("gad7", 2, 2, 2, 2, 1, 2, 1),  # 12 moderate
        **items("phq9", 1, 1, 1, 1, 1, 0, 1, 0, 0),  # 6
        impair_work="2",
        impair_relationships="1",
        stressors="one",
        support="strong",
        prior_treatment="none",
        readiness="willing",
        payer="medicaid",
    )
    # R1; F2 (item 2, sum 3); C2 (GAD >= 10); E 2; P 1; H 2; G 2
    # 1+2+2+2+1+2+2 = 12 -> B1 op
    assert ratings(a) == (1, 2, 2, 2, 1, 2, 2)
    assert a.composite == 12
    assert a.scores.gad7_band == "moderate"
    assert a.level == OP
    assert a.rules == ("B1",)
    assert codes(a) == {"adolescent", "op_every_1_2_weeks"}


def test_first_episode_psychosis_gets_iop_and_psychosis_flag():
    """22-year-old student hearing voices for three weeks, stopped going to classes, smokes
    cannabis; parents some help; unsure he needs treatment."""
    a = make(
        client_id="V8",
        age="22",
        sex_at_birth="male",
        psychosis="yes",
        **items("phq9", 1, 1, 1, 1, 1, 1, 2, 1, 0),  # 9
        **items("gad7", 1, 1, 1, 1, 1, 1, 1),  # 7
        **items("auditc", 1, 0, 0),  # 1
        **dast_yes(1),  # 1
        impair_work="3",
        impair_relationships="2",
        impair_selfcare="1",
        stressors="one",
        support="some",
        prior_treatment="none",
        readiness="ambivalent",
    )
    # R1; F3 (work = 3); C3 (psychosis); E 2; P 2; H 2; G 3
    # 1+3+3+2+2+2+3 = 16 -> B1 op; F3 iop; F4 (C3, F3) iop; F5 no (R1) -> iop
    assert ratings(a) == (1, 3, 3, 2, 2, 2, 3)
    assert a.composite == 16
    assert a.level == IOP
    assert a.rules == ("F3", "F4")
    assert "psychosis" in codes(a)
    assert not codes(a) & {"op_every_1_2_weeks", "op_weekly"}


def test_severe_depression_with_heavy_drinking_gets_residential():
    """52-year-old man, severe depression, wishes he were dead but no thoughts of killing himself;
    drinks most days, mild morning shakes; one major stressor; limited support; past therapy
    partly helped."""
    a = make(
        client_id="V9",
        age="52",
        sex_at_birth="male",
        cssrs_1="yes",
        **items("phq9", 3, 3, 3, 2, 2, 3, 2, 2, 1),  # 21 severe, item 9 = 1
        **items("gad7", 2, 2, 1, 1, 1, 1, 1),  # 9
        **items("auditc", 4, 3, 2),  # 9, high
        withdrawal_now="mild",
        withdrawal_complicated="no",
        impair_work="3",
        impair_relationships="2",
        impair_selfcare="2",
        stressors="one",
        support="limited",
        prior_treatment="partly_helped",
        readiness="willing",
    )
    # R2 (cssrs_1, item 9 = 1); F3 (work 3, sum 7)
    # C4: (PHQ >= 15) and (AUDIT-C >= 8); E 2; P 3; H 3; G 2
    # 2+3+4+2+3+3+2 = 19 -> B1 iop; O4 (C4, E2) residential; F3, F4 iop
    assert ratings(a) == (2, 3, 4, 2, 3, 3, 2)
    assert a.composite == 19
    assert a.level == RES
    assert a.rules == ("O4",)
    assert fired(a) == {"O4", "B1", "F3", "F4"}
    assert a.withdrawal_management == "ambulatory"
    assert a.emergency is False
    assert "phq9_item9" in codes(a)
    assert "item9_discordant" not in codes(a)


def test_refuses_treatment_is_flagged_without_changing_the_level():
    """40-year-old man brought by his wife after a drink-driving arrest; drinks too much on
    weekends, otherwise managing; refuses any treatment."""
    a = make(
        client_id="V10",
        age="40",
        sex_at_birth="male",
        **items("auditc", 3, 2, 1),  # 6, male positive, not high
        **items("phq9", 1, 1, 1, 0, 1, 1, 0, 0, 0),  # 5
        **items("gad7", 1, 1, 0, 0, 1, 0, 0),  # 3
        impair_work="1",
        impair_relationships="2",
        stressors="one",
        support="some",
        prior_treatment="none",
        readiness="refuses",
    )
    # R1; F2 (item 2); C2 (AUDIT-C positive; PHQ/GAD < 10 so not row 3); E 2; P 2; H 2; G 5
    # 1+2+2+2+2+2+5 = 16 -> B1 op, weekly
    assert ratings(a) == (1, 2, 2, 2, 2, 2, 5)
    assert a.composite == 16
    assert a.scores.auditc_positive is True
    assert a.scores.auditc_high is False
    assert a.level == OP
    assert a.rules == ("B1",)
    assert codes(a) == {"refuses_treatment", "op_weekly"}


def test_severe_withdrawal_with_seizure_history_gets_inpatient_managed_withdrawal():
    """60-year-old man, daily heavy drinking, severe tremor and sweats today, had a withdrawal
    seizure two years ago; staying with a friend; counselling never helped."""
    a = make(
        client_id="V11",
        age="60",
        sex_at_birth="male",
        **items("auditc", 4, 4, 4),  # 12
        withdrawal_now="severe",
        withdrawal_complicated="yes",
        **items("phq9", 2, 1, 1, 1, 1, 1, 1, 0, 0),  # 8
        **items("gad7", 1, 1, 1, 1, 1, 1, 1),  # 7
        impair_work="3",
        impair_relationships="2",
        impair_selfcare="2",
        housing="unstable",
        stressors="one",
        support="limited",
        prior_treatment="did_not_help",
        readiness="willing",
    )
    # R1; F3 (work 3, sum 7); C5 (withdrawal severe); E unstable 3 + 1 = 4; P 3; H 4; G 2
    # 1+3+5+4+3+4+2 = 22 -> B1 php; O1 (C5) inpatient; F3, F4 iop
    assert ratings(a) == (1, 3, 5, 4, 3, 4, 2)
    assert a.composite == 22
    assert a.level == INP
    assert a.rules == ("O1",)
    assert fired(a) == {"O1", "B1", "F3", "F4"}
    assert a.withdrawal_management == "medically_managed"
    assert a.emergency is False  # O1 is not S1


def test_after_inpatient_stay_where_nothing_helped_gets_iop():
    """31-year-old woman discharged from a psychiatric unit ten days ago; attempted suicide once,
    a year ago; still wishes she were dead sometimes but no active thoughts; treatment so far has
    not helped."""
    a = make(
        client_id="V12",
        age="31",
        cssrs_1="yes",
        cssrs_6="yes",
        cssrs_6_recent="no",
        **items("phq9", 2, 1, 2, 1, 1, 2, 1, 1, 0),  # 11
        **items("gad7", 1, 1, 1, 1, 1, 1, 1),  # 7
        **items("auditc", 1, 0, 0),
        impair_work="2",
        impair_relationships="2",
        impair_selfcare="1",
        stressors="one",
        support="some",
        recent_discharge="inpatient",
        prior_treatment="did_not_help",
        readiness="willing",
    )
    # R2 (cssrs_1, cssrs_6; cssrs_3 not asked so not row 4); F2 (sum 5); C2 (PHQ >= 10)
    # E 2; P 2; H did_not_help + inpatient = 5; G 2 -> 2+2+2+2+2+5+2 = 17 -> B1 iop; F1 iop
    assert ratings(a) == (2, 2, 2, 2, 2, 5, 2)
    assert a.composite == 17
    assert a.scores.cssrs_risk == "moderate"
    assert a.level == IOP
    assert a.rules == ("B1", "F1")
    assert a.emergency is False


def test_new_mother_with_item9_but_no_cssrs_answers_is_flagged_discordant():
    """30-year-old new mother, mild low mood, ticked 'several days' on PHQ-9 item 9 but answered
    no to every C-SSRS question."""
    a = make(
        client_id="V13",
        age="30",
        **items("phq9", 1, 1, 1, 1, 1, 1, 1, 0, 1),  # 8 mild, item 9 = 1
        **items("gad7", 1, 1, 1, 1, 1, 0, 0),  # 5
        impair_relationships="1",
        impair_selfcare="1",
        stressors="one",
        support="some",
        prior_treatment="none",
        readiness="eager",
    )
    # R2 (item 9 = 1); F1 (sum 2); C1; E 2; P 2; H 2; G 1 -> 2+1+1+2+2+2+1 = 11 -> B1 op
    assert ratings(a) == (2, 1, 1, 2, 2, 2, 1)
    assert a.composite == 11
    assert a.level == OP
    assert a.rules == ("B1",)
    assert codes(a) == {"phq9_item9", "item9_discordant", "op_every_1_2_weeks"}


def test_unsafe_home_with_drug_use_and_depression_gets_php():
    """36-year-old woman living with a violent partner, several stressors, using pills and
    cocaine, moderately severe depression, sometimes wishes she were dead; past treatment partly
    helped; unsure."""
    a = make(
        client_id="V14",
        age="36",
        cssrs_1="yes",
        **items("phq9", 2, 2, 2, 2, 2, 2, 2, 2, 0),  # 16 moderately severe
        **items("gad7", 2, 2, 2, 1, 1, 1, 1),  # 10
        **items("auditc", 1, 1, 0),  # 2, not positive
        **dast_yes(1, 2, 4, 5),  # 4 moderate
        impair_work="2",
        impair_relationships="2",
        impair_selfcare="1",
        home_safe="no",
        stressors="several",
        support="limited",
        prior_treatment="partly_helped",
        readiness="ambivalent",
    )
    # R2 (cssrs_1); F2 (sum 5); C3 (PHQ >= 15, DAST >= 3; not 4: DAST < 6, AUDIT-C < 8)
    # E at least 4 (unsafe) + 2 = 6 -> cap 5; P 3; H 3; G 3
    # 2+2+3+5+3+3+3 = 21 -> B1 php; F4 (C3, F2) iop
    assert ratings(a) == (2, 2, 3, 5, 3, 3, 3)
    assert a.composite == 21
    assert a.scores.dast10_band == "moderate"
    assert a.level == PHP
    assert a.rules == ("B1",)
    assert fired(a) == {"B1", "F4"}
    assert "home_unsupportive" not in codes(a)  # P3


def test_active_ideation_with_impairment_and_severe_anxiety_gets_php_by_high_acuity():
    """24-year-old graduate student with severe panic and worry, can barely attend classes or see
    friends, thinking of killing herself without a method; well supported, eager for help."""
    a = make(
        client_id="V15",
        age="24",
        cssrs_1="yes",
        cssrs_2="yes",
        cssrs_3="no",
        cssrs_4="no",
        cssrs_5="no",
        **items("gad7", 3, 3, 2, 2, 2, 2, 2),  # 16 severe
        **items("phq9", 1, 1, 1, 1, 1, 1, 1, 1, 0),  # 8
        impair_work="3",
        impair_relationships="3",
        impair_selfcare="2",
    )
    # R3 (cssrs_2); F3 (sum 8); C3 (GAD >= 15); E1 P1 H1 G1
    # 3+3+3+1+1+1+1 = 13 -> B1 op; F5 php; F2 F3 F4 iop
    assert ratings(a) == (3, 3, 3, 1, 1, 1, 1)
    assert a.composite == 13
    assert a.level == PHP
    assert a.rules == ("F5",)
    assert fired(a) == {"B1", "F2", "F3", "F4", "F5"}
    assert not codes(a) & {"op_every_1_2_weeks", "op_weekly"}


def test_plan_to_hurt_someone_gets_inpatient_and_emergency():
    """38-year-old man who says he has a plan to hurt a co-worker; no suicidal thoughts; anxious
    and drinking more; reluctant to be here."""
    a = make(
        client_id="V16",
        age="38",
        sex_at_birth="male",
        harm_others="plan_or_intent",
        **items("phq9", 1, 1, 0, 1, 1, 0, 1, 0, 0),  # 5
        **items("gad7", 2, 2, 1, 2, 1, 3, 1),  # 12
        **items("auditc", 2, 2, 1),  # 5, male positive
        impair_work="2",
        impair_relationships="3",
        stressors="several",
        support="limited",
        prior_treatment="none",
        readiness="reluctant",
    )
    # R5 (harm_others plan); F3 (relationships 3); C3 (GAD >= 10 and AUDIT-C positive)
    # E 3; P 3; H 2; G 4 -> 5+3+3+3+3+2+4 = 23 -> B1 residential
    # S1 + O1 inpatient; F2..F5 lower
    assert ratings(a) == (5, 3, 3, 3, 3, 2, 4)
    assert a.composite == 23
    assert a.scores.cssrs_risk == "none"
    assert a.level == INP
    assert a.emergency is True
    assert a.rules == ("O1", "S1")
    assert any(r.startswith("B1") for r in a.also_considered)


def test_cannot_work_but_well_supported_gets_php_and_one_stressor_makes_it_residential():
    """41-year-old woman with severe anxiety who has stopped working and seeing anyone; stable
    home, strong family support, no recent stressor. Then the same woman after losing her job."""
    answers = {
        "client_id": "V17",
        "age": "41",
        **items("gad7", 3, 3, 3, 3, 2, 2, 2),  # 18 severe
        **items("phq9", 2, 1, 1, 1, 1, 1, 2, 1, 0),  # 10
        "impair_work": "4",
        "impair_relationships": "4",
        "impair_selfcare": "2",
    }
    a = make(**answers)
    # R1; F4 (two items = 4); C3 (GAD >= 15; not 4: no substance); E1 P1 H1 G1
    # 1+4+3+1+1+1+1 = 12 -> B1 op; O5 (F4, E1 P1) php; F3, F4 iop
    assert ratings(a) == (1, 4, 3, 1, 1, 1, 1)
    assert a.composite == 12
    assert a.level == PHP
    assert a.rules == ("O5",)
    assert fired(a) == {"O5", "B1", "F3", "F4"}

    b = make(**answers, stressors="one")
    # E 2 -> O4 residential; 13 -> B1 op
    assert ratings(b) == (1, 4, 3, 2, 1, 1, 1)
    assert b.level == RES
    assert b.rules == ("O4",)
    assert "O5" not in fired(b)


def test_attempt_six_weeks_ago_now_denying_thoughts_gets_inpatient_and_emergency():
    """19-year-old college student discharged from hospital three weeks ago after an overdose six
    weeks ago; says he has no thoughts of death now; mild symptoms; ambivalent."""
    a = make(
        client_id="V18",
        age="19",
        sex_at_birth="male",
        cssrs_6="yes",
        cssrs_6_recent="yes",
        **items("phq9", 1, 1, 1, 1, 1, 1, 1, 2, 0),  # 9
        **items("gad7", 1, 1, 1, 1, 1, 1, 0),  # 6
        impair_work="1",
        impair_relationships="1",
        stressors="one",
        support="some",
        recent_discharge="inpatient",
        prior_treatment="partly_helped",
        readiness="ambivalent",
    )
    # R5 (cssrs_6_recent -> C-SSRS high); F1 (sum 2); C1; E 2; P 2; H 3 (partly, inpatient); G 3
    # 5+1+1+2+2+3+3 = 17 -> B1 iop; S1 + O1 inpatient; F1, F2 iop
    assert ratings(a) == (5, 1, 1, 2, 2, 3, 3)
    assert a.composite == 17
    assert a.scores.cssrs_risk == "high"
    assert a.level == INP
    assert a.emergency is True
    assert a.rules == ("O1", "S1")
    assert fired(a) == {"S1", "O1", "B1", "F1", "F2"}
    assert "item9_discordant" not in codes(a)


def test_same_caller_with_different_insurance_and_logistics_gets_the_same_result():
    """The V1 caller again, now on Tricare, available only in the daytime, no car, no private
    place for video, self-referred: logistics and insurance change nothing clinical."""
    clinical = {
        **items("phq9", 2, 2, 1, 2, 2, 1, 1, 1, 0),
        **items("gad7", 1, 1, 1, 1, 1, 1, 0),
        "impair_work": "1",
        "impair_relationships": "1",
        "stressors": "one",
        "support": "some",
        "prior_treatment": "none",
        "readiness": "willing",
    }
    a = make(client_id="V1", **clinical)
    b = make(
        client_id="V19",
        payer="tricare",
        availability="daytime",
        transportation="no",
        telehealth="no",
        referral="no",
        **clinical,
    )
    assert (b.level, ratings(b), b.composite, b.rules, b.reasons, b.emergency) == (
        a.level,
        ratings(a),
        a.composite,
        a.rules,
        a.reasons,
        a.emergency,
    )
    assert b.level == OP


def test_medically_unstable_with_mild_depression_gets_inpatient_without_emergency():
    """58-year-old woman with poorly controlled diabetes needing round-the-clock nursing now, and
    mild depression; no suicidal thoughts."""
    a = make(
        client_id="V20",
        age="58",
        medical_unstable="yes",
        **items("phq9", 1, 1, 1, 1, 1, 1, 0, 0, 0),  # 6
        impair_selfcare="2",
        stressors="one",
        support="some",
        prior_treatment="none",
        readiness="willing",
    )
    # R1; F2 (self-care 2); C5 (medical_unstable); E 2; P 2; H 2; G 2
    # 1+2+5+2+2+2+2 = 16 -> B1 op; O1 inpatient; F4 (C >= 3 and F >= 2) iop
    assert ratings(a) == (1, 2, 5, 2, 2, 2, 2)
    assert a.composite == 16
    assert a.level == INP
    assert a.rules == ("O1",)
    assert fired(a) == {"O1", "B1", "F4"}
    assert a.emergency is False
    assert a.withdrawal_management == "none"
    assert not codes(a) & {"op_every_1_2_weeks", "op_weekly"}
