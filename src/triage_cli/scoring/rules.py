"""Level-of-care rules, withdrawal management and clinician flags (CLINICAL.md section 4).

Read RULES side by side with the spec's table: one entry per rule, in the same order. A test is
a Python expression over the facts (answers, scores, ratings R-G, composite, level), compiled once
into scoring/decision.py's function; a reason is a format string over the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from triage_cli.bank.model import Value
from triage_cli.scoring.instruments import band, cssrs_high_answers, cssrs_risk
from triage_cli.scoring.model import Level

OP, IOP, PHP, RESIDENTIAL, INPATIENT = Level


class Rule(NamedTuple):
    id: str
    name: str
    proposes: Level | str  # a level, or an expression over the facts that gives one
    when: str  # an expression over the facts: the rule applies when it is true
    because: str  # a format string over `f`, the Facts: what triggered the rule


# B1: (lowest composite of the band, level), highest band first; 28 and above is O2's.
COMPOSITE_BANDS = ((23, RESIDENTIAL), (20, PHP), (17, IOP), (7, OP))


def composite_band(composite: int) -> Level:
    """B1: 23-27 residential; 20-22 php; 17-19 iop; 7-16 op."""
    return band(composite, COMPOSITE_BANDS)


def band_text(composite: int) -> str:
    """The B1 band a composite falls in, as the reason shows it: '17-19: iop'."""
    highest = 27
    for lowest, level in COMPOSITE_BANDS:
        if composite >= lowest:
            return f"{lowest}-{highest}: {level.code}"
        highest = lowest - 1
    raise ValueError(f"composite {composite} is below every band")


def is_imminent(cssrs: str, harm_others: Value | None) -> bool:
    """Rule S1: C-SSRS risk high, or harm to others with a plan or intent."""
    return cssrs == "high" or harm_others == "plan_or_intent"


def imminent_risk(answers: Mapping[str, Value]) -> bool:
    """Rule S1's test on answers so far (the interview checks it mid-way, before scoring)."""
    return is_imminent(cssrs_risk(answers), answers.get("harm_others"))


def imminent_reasons(answers: Mapping[str, Value]) -> list[str]:
    """The answers that meet rule S1, as text (S1's reason, and the interview's early result)."""
    reasons = []
    if cssrs_risk(answers) == "high":
        reasons.append(f"C-SSRS risk high ({cssrs_high_answers(answers)})")
    if answers.get("harm_others") == "plan_or_intent":
        reasons.append("harm_others = plan_or_intent")
    return reasons


EMERGENCY_RULE = "S1"  # when it applies, the disposition is emergency care, whatever else applies
RULES: tuple[Rule, ...] = (
    Rule("S1", "imminent-risk", INPATIENT,
         "is_imminent(cssrs_risk, harm_others)",
         "{f.imminent}"),
    Rule("O1", "extreme-rating", INPATIENT,
         "R == 5 or F == 5 or C == 5",
         "{f.extreme}"),
    Rule("O2", "composite-max", INPATIENT,
         "composite >= 28",
         "composite {f.composite} >= 28"),
    Rule("O3", "serious-risk", RESIDENTIAL,
         "R == 4",
         "{f.rated_R}"),
    Rule("O4", "serious-impairment", RESIDENTIAL,
         "(F == 4 or C == 4) and not (E == 1 and P == 1)",
         "{f.serious}; E={f.E}, P={f.P} (not both 1)"),
    Rule("O5", "serious-impairment-supported", PHP,
         "(F == 4 or C == 4) and E == 1 and P == 1",
         "{f.serious}; E=1 and P=1 (stable, supported home)"),
    Rule("B1", "composite-band", "composite_band(composite)",
         "composite <= 27",
         "composite {f.composite} ({f.band})"),
    Rule("F1", "step-down", IOP,
         "recent_discharge in ('php', 'residential', 'inpatient')",
         "recent_discharge = {f.recent_discharge}"),
    Rule("F2", "active-ideation", IOP,
         "R >= 3",
         "{f.rated_R}"),
    Rule("F3", "significant-impairment", IOP,
         "F >= 3",
         "{f.rated_F}"),
    Rule("F4", "symptoms-with-impairment", IOP,
         "C >= 3 and F >= 2",
         "{f.rated_C}; {f.rated_F}"),
    Rule("F5", "high-acuity", PHP,
         "R >= 3 and F >= 3 and C >= 3",
         "R={f.R}, F={f.F}, C={f.C} (all >= 3)"),
)  # fmt: skip


class Withdrawal(NamedTuple):
    code: str  # none, ambulatory, medically_monitored, medically_managed
    because: str


def withdrawal_management(withdrawal_now: str, withdrawal_complicated: bool) -> Withdrawal:
    """A flag beside the level: which withdrawal management must come first."""
    now = withdrawal_now
    if now == "severe":
        return Withdrawal("medically_managed", "withdrawal_now = severe")
    if withdrawal_complicated and now == "moderate":
        return Withdrawal(
            "medically_managed", "withdrawal_now = moderate with withdrawal_complicated = yes"
        )
    if now == "moderate":
        return Withdrawal("medically_monitored", "withdrawal_now = moderate")
    if now == "mild":
        return Withdrawal("ambulatory", "withdrawal_now = mild")
    return Withdrawal("none", "")


class FlagRule(NamedTuple):
    code: str
    when: str  # an expression over the facts
    text: str  # a format string over `f`


FLAGS: tuple[FlagRule, ...] = (
    FlagRule("phq9_item9", "phq9_9 > 0",
             "PHQ-9 item 9 = {f.phq9_9} (thoughts of death or self-harm): review safety"),
    FlagRule("item9_discordant", "phq9_9 > 0 and cssrs_all_no",
             "PHQ-9 item 9 > 0 but every C-SSRS answer is no: discordant, ask again"),
    FlagRule("psychosis", "psychosis",
             "Psychotic symptoms reported: arrange a psychiatric evaluation"),
    FlagRule("home_unsupportive", "E >= 4 and P >= 4 and level <= PHP",
             "E={f.E}, P={f.P}: the home may not support outpatient care; "
             "consider residential or supportive housing"),
    FlagRule("home_unsafe", "home_safe is False",
             "Home not safe (violence or others' active substance use): make a safety plan; "
             "the program cards assume a safe home"),
    FlagRule("adolescent", "age < 18",
             "Age {f.age}: adolescent; confirm with an adolescent instrument; "
             "adolescent IOP needs at least 6 h/week"),
    FlagRule("refuses_treatment", "readiness == 'refuses'",
             "Readiness = refuses: explore ambivalence; treatment is voluntary unless at risk"),
    # OP intensity: every 1-2 weeks only for mild cases; moderately severe or worse symptoms
    # (C >= 3) or any ideation (R >= 3) are seen at least weekly
    FlagRule("op_every_1_2_weeks", "level == OP and composite <= 13 and R <= 2 and C <= 2",
             "OP intensity: a session every 1-2 weeks (composite {f.composite}, 7-13; "
             "R={f.R}, C={f.C})"),
    FlagRule("op_weekly", "level == OP and not (composite <= 13 and R <= 2 and C <= 2)",
             "OP intensity: weekly sessions ({f.op_weekly_because})"),
)  # fmt: skip
