"""The changes of CLINICAL.md version 1.1, tested from the specification alone.

1.1 adds three things, each tested here against values worked out by hand from CLINICAL.md:

- the clinician flag `home_unsafe` (home_safe = no), in its place in the flag order of section 4;
- the OP intensity note: at level op, `op_every_1_2_weeks` only when composite is 7-13 and R <= 2
  and C <= 2, otherwise `op_weekly`; no intensity note at any other level;
- client_id must start with a letter or digit (a leading `-` reads as a spreadsheet formula).

Ratings and levels are unchanged from 1.0; where a case relies on them the ratings are asserted
too, so a failure points at the 1.1 behaviour rather than at a mis-built case.

Rating shorthand in comments: R F C E P H G (composite = their sum).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_clinical_spec import bank as spec_bank  # the spec tests' baseline intake
from test_clinical_spec import make, phq9, raw

from triage_cli.answers import AnswersError, parse_answers
from triage_cli.bank import Bank
from triage_cli.scoring import Level, assess

from strategies import answer_sets, domain, refill, value_for

OP, IOP, PHP, RES, INP = Level.OP, Level.IOP, Level.PHP, Level.RESIDENTIAL, Level.INPATIENT
OP_FLAGS = frozenset({"op_every_1_2_weeks", "op_weekly"})
EVERY = "op_every_1_2_weeks"
WEEKLY = "op_weekly"

# The order of the clinician flags, CLINICAL.md section 4 (1.1).
FLAG_ORDER = (
    "phq9_item9",
    "item9_discordant",
    "psychosis",
    "home_unsupportive",
    "home_unsafe",
    "adolescent",
    "refuses_treatment",
    "op_every_1_2_weeks",
    "op_weekly",
)


def op_flags(assessment) -> set[str]:
    return set(assessment.flag_codes) & OP_FLAGS


# ---------------------------------------------------------------------------------------------
# 1. home_unsafe
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "ratings", "level", "present"),
    [
        # stable, home_safe no: E = at least 4 -> 1 1 1 4 1 1 1 = 10, op
        ({"home_safe": "no"}, (1, 1, 1, 4, 1, 1, 1), OP, True),
        # unstable 3, home_safe no -> E 4; composite 10, op
        ({"housing": "unstable", "home_safe": "no"}, (1, 1, 1, 4, 1, 1, 1), OP, True),
        # home_safe no with several stressors: E 4 + 2 capped at 5; composite 11, op
        ({"home_safe": "no", "stressors": "several"}, (1, 1, 1, 5, 1, 1, 1), OP, True),
        # home_safe yes: no flag
        ({"home_safe": "yes"}, (1, 1, 1, 1, 1, 1, 1), OP, False),
        ({"housing": "unstable", "home_safe": "yes"}, (1, 1, 1, 3, 1, 1, 1), OP, False),
        # homeless: home_safe is not asked, so never flagged (E 4 from housing alone)
        ({"housing": "homeless"}, (1, 1, 1, 4, 1, 1, 1), OP, False),
        # S1 (harm_others plan_or_intent): inpatient, and the flag is still shown
        (
            {"harm_others": "plan_or_intent", "home_safe": "no"},
            (5, 1, 1, 4, 1, 1, 1),
            INP,
            True,
        ),
    ],
)
def test_home_unsafe_flag_exactly_when_home_safe_is_no(answers, ratings, level, present):
    a = make(**answers)
    assert tuple(a.ratings) == ratings
    assert a.level == level
    assert ("home_unsafe" in a.flag_codes) is present


def test_home_unsafe_flag_text_asks_for_a_safety_plan():
    a = make(home_safe="no")
    texts = [f.text for f in a.flags if f.code == "home_unsafe"]
    assert len(texts) == 1, a.flag_codes
    assert "safety plan" in texts[0].lower()


def test_homeless_without_support_is_unsupportive_but_not_unsafe():
    # homeless 4, support none with homeless 5 -> 1 1 1 4 5 1 1 = 14, op; E >= 4 and P >= 4
    # at op gives home_unsupportive; home_safe was not asked, so no home_unsafe; 14 -> weekly
    a = make(housing="homeless", support="none")
    assert tuple(a.ratings) == (1, 1, 1, 4, 5, 1, 1)
    assert a.level == OP
    assert a.flag_codes == ("home_unsupportive", WEEKLY)


# ---------------------------------------------------------------------------------------------
# Flag order (section 4)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "ratings", "level", "codes"),
    [
        # every flag but the OP note: item 9 = 1 (R 2, all C-SSRS no), psychosis (C 3),
        # home_safe no (E 4), support none (P 4), age 16, refuses (G 5)
        # -> 2 1 3 4 4 1 5 = 20, php by B1 (no F rule: F 1, R 2); home_unsupportive at php
        (
            {
                "phq9_9": "1",
                "psychosis": "yes",
                "home_safe": "no",
                "support": "none",
                "age": "16",
                "readiness": "refuses",
            },
            (2, 1, 3, 4, 4, 1, 5),
            PHP,
            (
                "phq9_item9",
                "item9_discordant",
                "psychosis",
                "home_unsupportive",
                "home_unsafe",
                "adolescent",
                "refuses_treatment",
            ),
        ),
        # item 9, home_safe no, age 16, refuses -> 2 1 1 4 1 1 5 = 15, op; 15 > 13: weekly
        (
            {"phq9_9": "1", "home_safe": "no", "age": "16", "readiness": "refuses"},
            (2, 1, 1, 4, 1, 1, 5),
            OP,
            (
                "phq9_item9",
                "item9_discordant",
                "home_unsafe",
                "adolescent",
                "refuses_treatment",
                WEEKLY,
            ),
        ),
        # item 9, psychosis, home_safe no, age 16 -> 2 1 3 4 1 1 1 = 13, op; C 3: weekly
        (
            {"phq9_9": "1", "psychosis": "yes", "home_safe": "no", "age": "16"},
            (2, 1, 3, 4, 1, 1, 1),
            OP,
            ("phq9_item9", "item9_discordant", "psychosis", "home_unsafe", "adolescent", WEEKLY),
        ),
        # item 9, home_safe no, age 16 -> 2 1 1 4 1 1 1 = 11, op; 7-13, R 2, C 1: every 1-2 weeks
        (
            {"phq9_9": "1", "home_safe": "no", "age": "16"},
            (2, 1, 1, 4, 1, 1, 1),
            OP,
            ("phq9_item9", "item9_discordant", "home_unsafe", "adolescent", EVERY),
        ),
        # home_safe no, support none -> 1 1 1 4 4 1 1 = 13, op: unsupportive before unsafe
        (
            {"home_safe": "no", "support": "none"},
            (1, 1, 1, 4, 4, 1, 1),
            OP,
            ("home_unsupportive", "home_unsafe", EVERY),
        ),
    ],
)
def test_flag_codes_come_out_in_the_specified_order(answers, ratings, level, codes):
    a = make(**answers)
    assert tuple(a.ratings) == ratings
    assert a.level == level
    assert a.flag_codes == codes
    assert tuple(f.code for f in a.flags) == codes
    assert all(f.text for f in a.flags)


# ---------------------------------------------------------------------------------------------
# 2. OP intensity
# ---------------------------------------------------------------------------------------------

PHQ10 = phq9(10)  # C 2: PHQ-9 >= 10, no AUDIT-C or DAST-10 to lift it to 3
PHQ15 = phq9(15)  # C 3: PHQ-9 >= 15 (moderately severe), item 9 = 0 so R stays 1


@pytest.mark.parametrize(
    ("answers", "ratings", "level", "flag"),
    [
        pytest.param({}, (1, 1, 1, 1, 1, 1, 1), OP, EVERY, id="composite-7"),
        # PHQ 10 (C 2), support some (P 2), prior none (H 2), reluctant (G 4)
        pytest.param(
            {**PHQ10, "support": "some", "prior_treatment": "none", "readiness": "reluctant"},
            (1, 1, 2, 1, 2, 2, 4),
            OP,
            EVERY,
            id="composite-13-C2",
        ),
        # cssrs_1 yes (R 2, risk low), PHQ 10 (C 2), support some, reluctant
        pytest.param(
            {**PHQ10, "cssrs_1": "yes", "support": "some", "readiness": "reluctant"},
            (2, 1, 2, 1, 2, 1, 4),
            OP,
            EVERY,
            id="composite-13-R2-C2",
        ),
        # PHQ 15 (C 3), F 1 (so no F4), support some, reluctant: op, but C 3 -> weekly
        pytest.param(
            {**PHQ15, "support": "some", "readiness": "reluctant"},
            (1, 1, 3, 1, 2, 1, 4),
            OP,
            WEEKLY,
            id="composite-13-C3-F1",
        ),
        # psychosis (C 3), F 1: composite 9, op, weekly
        pytest.param({"psychosis": "yes"}, (1, 1, 3, 1, 1, 1, 1), OP, WEEKLY, id="composite-9-C3"),
        # PHQ 10 (C 2), support some, partly_helped (H 3), reluctant: composite 14 -> weekly
        pytest.param(
            {
                **PHQ10,
                "support": "some",
                "prior_treatment": "partly_helped",
                "readiness": "reluctant",
            },
            (1, 1, 2, 1, 2, 3, 4),
            OP,
            WEEKLY,
            id="composite-14",
        ),
        # unstable + one stressor (E 4), limited (P 3), did_not_help (H 4), willing (G 2)
        pytest.param(
            {
                "housing": "unstable",
                "stressors": "one",
                "support": "limited",
                "prior_treatment": "did_not_help",
                "readiness": "willing",
            },
            (1, 1, 1, 4, 3, 4, 2),
            OP,
            WEEKLY,
            id="composite-16",
        ),
        # as above with ambivalent (G 3): composite 17, iop by B1, no OP note
        pytest.param(
            {
                "housing": "unstable",
                "stressors": "one",
                "support": "limited",
                "prior_treatment": "did_not_help",
                "readiness": "ambivalent",
            },
            (1, 1, 1, 4, 3, 4, 3),
            IOP,
            None,
            id="composite-17-iop",
        ),
        # harm_others thoughts: R 3, composite 9, iop by F2, no OP note
        pytest.param(
            {"harm_others": "thoughts"}, (3, 1, 1, 1, 1, 1, 1), IOP, None, id="R3-harm-thoughts"
        ),
        # phq9_9 = 2: R 3, composite 9, iop by F2
        pytest.param(phq9(2, item9=2), (3, 1, 1, 1, 1, 1, 1), IOP, None, id="R3-item9"),
        # psychosis (C 3) with impair_work 2 (F 2): iop by F4
        pytest.param(
            {"psychosis": "yes", "impair_work": "2"},
            (1, 2, 3, 1, 1, 1, 1),
            IOP,
            None,
            id="C3-F2-iop",
        ),
    ],
)
def test_op_intensity_note_at_the_boundaries(answers, ratings, level, flag):
    a = make(**answers)
    assert tuple(a.ratings) == ratings
    assert a.composite == sum(ratings)
    assert a.level == level
    assert op_flags(a) == ({flag} if flag else set())


@pytest.mark.parametrize(
    ("answers", "ratings", "level"),
    [
        # recent_discharge php: H 2, F1 step-down -> iop
        ({"recent_discharge": "php"}, (1, 1, 1, 1, 1, 2, 1), IOP),
        # withdrawal moderate: C 4 with E 1 and P 1 -> O5 php
        ({"withdrawal_now": "moderate"}, (1, 1, 4, 1, 1, 1, 1), PHP),
        # cssrs_2, cssrs_3, cssrs_6 yes (risk moderate): R 4 -> O3 residential
        (
            {"cssrs_1": "yes", "cssrs_2": "yes", "cssrs_3": "yes", "cssrs_6": "yes"},
            (4, 1, 1, 1, 1, 1, 1),
            RES,
        ),
        # harm_others plan_or_intent: S1 inpatient
        ({"harm_others": "plan_or_intent"}, (5, 1, 1, 1, 1, 1, 1), INP),
    ],
)
def test_no_op_intensity_note_above_op(answers, ratings, level):
    a = make(**answers)
    assert tuple(a.ratings) == ratings
    assert a.level == level
    assert op_flags(a) == set()


def test_op_intensity_texts_name_the_frequency():
    # composite 7, R 1, C 1: every 1-2 weeks; psychosis (C 3), composite 9: weekly
    every = [f.text for f in make().flags if f.code == EVERY]
    weekly = [f.text for f in make(psychosis="yes").flags if f.code == WEEKLY]
    assert len(every) == 1 and "1-2 weeks" in every[0]
    assert len(weekly) == 1 and "weekly" in weekly[0].lower()


def test_coordinator_example_moderately_severe_unsafe_home_is_op_weekly():
    # PHQ-9 16 (item 9 = 0): moderately severe, C 3; no impairment F 1; R 1;
    # stable + home_safe no -> E 4, stressors none; strong P 1; helped H 1; eager G 1
    # -> 1 1 3 4 1 1 1 = 12: op by B1, no F rule (F4 needs F >= 2); C 3 -> weekly
    a = make(**phq9(16), home_safe="no")
    assert a.scores.phq9_total == 16
    assert a.scores.phq9_band.replace("_", " ") == "moderately severe"  # band code spelling
    assert tuple(a.ratings) == (1, 1, 3, 4, 1, 1, 1)
    assert a.composite == 12
    assert a.level == OP
    assert a.level.code == "op"
    assert "home_unsafe" in a.flag_codes
    assert WEEKLY in a.flag_codes
    assert EVERY not in a.flag_codes
    assert a.flag_codes == ("home_unsafe", WEEKLY)


# ---------------------------------------------------------------------------------------------
# 3. client_id
# ---------------------------------------------------------------------------------------------

LEADING = "must start with a letter or digit"


@pytest.mark.parametrize("client_id", ["-A1", ".x", "_x", "-", "--1", "-=1+1"])
def test_client_id_must_start_with_a_letter_or_digit(bank: Bank, client_id: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(bank, raw(client_id=client_id), source="test")
    problems = caught.value.problems
    assert [p.field for p in problems] == ["client_id"]
    assert LEADING in problems[0].message
    assert LEADING in str(caught.value)


@pytest.mark.parametrize(
    "client_id",
    ["A-1", "1.x", "A1", "9", "z_", "a.b_c-d", "A" * 64, "1" + "-" * 63],
)
def test_client_id_accepted(bank: Bank, client_id: str) -> None:
    answers = parse_answers(bank, raw(client_id=client_id), source="test")
    assert answers.client_id == client_id


@pytest.mark.parametrize("client_id", ["A" * 65, "1" + "-" * 64])
def test_client_id_longer_than_64_is_refused(bank: Bank, client_id: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(bank, raw(client_id=client_id), source="test")
    assert [p.field for p in caught.value.problems] == ["client_id"]


# ---------------------------------------------------------------------------------------------
# 4. Properties over random valid answer sets
# ---------------------------------------------------------------------------------------------

VALID_CLIENT_ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def near_least_severe(draw: st.DrawFn, bank: Bank) -> dict:
    """A valid answer set that changes a few answers of the least severe one, so that many
    land at op with a composite around the 13/14 edge (skip logic re-applied by refill)."""
    questions = [q for q in bank.questions if domain(q) is not None]
    chosen = draw(st.lists(st.sampled_from(questions), max_size=8, unique_by=lambda q: q.id))
    changed = {q.id: draw(value_for(q), label=q.id) for q in chosen}
    return refill(bank, {q.id: domain(q)[0] for q in questions} | changed)


def assess_random(data: st.DataObject):
    """A random valid answer set (tests/strategies.py, or a few answers off the least severe)
    with a client_id valid under 1.1 (the shared strategy may draw one starting with '.', '_'
    or '-'), and its assessment."""
    bank = spec_bank()
    answers = data.draw(st.one_of(answer_sets(bank), near_least_severe(bank)))
    answers["client_id"] = data.draw(VALID_CLIENT_ID, label="client_id")
    return answers, assess(parse_answers(bank, answers, source="test"))


@PROPERTY
@given(st.data())
def test_property_home_unsafe_iff_home_safe_is_no(data: st.DataObject) -> None:
    answers, a = assess_random(data)
    assert ("home_unsafe" in a.flag_codes) is (answers.get("home_safe") is False)


@PROPERTY
@given(st.data())
def test_property_one_op_intensity_note_iff_level_is_op(data: st.DataObject) -> None:
    _, a = assess_random(data)
    notes = [code for code in a.flag_codes if code in OP_FLAGS]
    assert len(notes) == (1 if a.level == OP else 0), (a.level, notes)


@PROPERTY
@given(st.data())
def test_property_op_intensity_note_follows_composite_r_and_c(data: st.DataObject) -> None:
    _, a = assess_random(data)
    if a.level != OP:
        return
    gentle = a.composite <= 13 and a.ratings.R <= 2 and a.ratings.C <= 2
    assert op_flags(a) == {EVERY if gentle else WEEKLY}, (a.composite, a.ratings)


@PROPERTY
@given(st.data())
def test_property_flags_come_in_section_4_order(data: st.DataObject) -> None:
    _, a = assess_random(data)
    assert set(a.flag_codes) <= set(FLAG_ORDER), a.flag_codes
    positions = [FLAG_ORDER.index(code) for code in a.flag_codes]
    assert positions == sorted(positions), a.flag_codes
