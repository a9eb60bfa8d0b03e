"""The two compiled hot paths agree with what they compile.

scoring/decision.py writes the rating, rule and flag tables out as one function; these tests
evaluate the same tables one expression at a time (Facts.evaluate) and compare. That checks the
compiling, not the tables: a wrong table entry is test_clinical_spec's to catch.
answers/exact.py compiles a bank into an exact-spelling row check; these tests compare it with
the thorough checker on valid rows and on rows spoiled in the ways CSV exports spoil them, on
the built-in bank and on a center's bank with every kind of question and condition.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import MISSING, FrozenInstanceError, fields

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_cli.answers import Answers, _plan, row_checker
from triage_cli.answers.exact import generate, shared_tables
from triage_cli.bank import FILES, Bank, default_bank_dir, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.scoring import Assessment, Level, Ratings, assess
from triage_cli.scoring.decision import SOURCE, decide, names_read, tabulated
from triage_cli.scoring.facts import NOT_ASKED, Facts
from triage_cli.scoring.instruments import score_instruments
from triage_cli.scoring.ratings import RATINGS, environment_stress, history, inputs
from triage_cli.scoring.rules import EMERGENCY_RULE, FLAGS, RULES, withdrawal_management

from strategies import answer_sets, as_text

BANK = load_bank()
IDS = [q.id for q in BANK.questions]
PLAN = _plan(BANK)


def interpreted(values: dict) -> tuple:
    """Ratings, proposals, level and flags, one table entry at a time, without decide()."""
    f = Facts(values, score_instruments(values), Ratings(*[0] * 7), 0, Level.OP)
    for letter, rating in RATINGS.items():
        if callable(rating):
            value = rating(*(f.__dict__[name] for name in inputs(rating)))
        else:
            value = next((v for v, terms in rating if any(f.evaluate(t.test) for t in terms)), 1)
        setattr(f, letter, value)
    rated = tuple(getattr(f, letter) for letter in RATINGS)
    f.composite = sum(rated)
    proposals = []
    for rule in RULES:
        if f.evaluate(rule.when):
            level = rule.proposes if isinstance(rule.proposes, Level) else f.evaluate(rule.proposes)
            proposals.append((rule.id, level))
    f.level = max(level for _, level in proposals)
    flags = tuple(flag.code for flag in FLAGS if f.evaluate(flag.when))
    return rated, tuple(proposals), f.level, flags


@settings(max_examples=400, deadline=None)
@given(answer_sets(BANK))
def test_decide_matches_the_tables_read_one_entry_at_a_time(answers: dict) -> None:
    decision = decide(answers, score_instruments(answers))
    got = (tuple(decision.ratings), decision.proposals, decision.level, decision.flag_codes)
    assert got == interpreted(answers)
    assert (
        decision.withdrawal_management
        == withdrawal_management(
            answers["withdrawal_now"], answers.get("withdrawal_complicated", False)
        ).code
    )
    assert decision.rules == tuple(
        sorted(rule for rule, level in decision.proposals if level == decision.level)
    )
    assert decision.emergency == any(rule == EMERGENCY_RULE for rule, _ in decision.proposals)


@settings(max_examples=200, deadline=None)
@given(answer_sets(BANK))
def test_assess_builds_the_assessment_the_constructor_would(answers: dict) -> None:
    scores = score_instruments(answers)
    decision = decide(answers, scores)
    constructed = Assessment(
        level=decision.level,
        emergency=any(rule == EMERGENCY_RULE for rule, _ in decision.proposals),
        withdrawal_management=withdrawal_management(
            answers["withdrawal_now"], answers.get("withdrawal_complicated", False)
        ).code,
        scores=scores,
        ratings=decision.ratings,
        composite=sum(decision.ratings),
        proposals=decision.proposals,
        rules=tuple(sorted(r for r, level in decision.proposals if level == decision.level)),
        flag_codes=decision.flag_codes,
        explain=None,  # type: ignore[arg-type]
    )
    built = assess(Answers(answers))
    assert built == constructed  # every field but explain
    assert set(vars(built)) == {field.name for field in fields(Assessment)}
    assert built.reasons and built.fired[0].reason.startswith(built.proposals[0][0])
    with pytest.raises(FrozenInstanceError):
        built.level = Level.OP  # type: ignore[misc]


def test_assessment_can_be_built_without_its_init() -> None:
    """What assess() relies on when it fills the __dict__ in one step."""
    assert not hasattr(Assessment, "__post_init__")
    for field in fields(Assessment):
        assert field.init and field.default is MISSING and field.default_factory is MISSING


@pytest.mark.parametrize("function", [environment_stress, history, withdrawal_management])
def test_a_tabulated_function_gives_its_result_for_every_answer_it_can_get(function) -> None:
    table = tabulated(function)
    # housing x home_safe (yes, no, or not asked when homeless) x stressors; and so on
    sizes = {environment_stress: 3 * 3 * 3, history: 4 * 5, withdrawal_management: 4 * 2}
    assert len(table) == sizes[function]
    # spot values from CLINICAL.md section 3 and the withdrawal flag, not-asked answers included
    spot = {
        environment_stress: {("stable", False, "one"): 5, ("homeless", None, "none"): 4},
        history: {("did_not_help", "residential"): 5, ("helped", "php"): 2},
        withdrawal_management: {("moderate", True): "medically_managed", ("none", False): "none"},
    }
    for answers, expected in spot[function].items():
        result = table[answers]
        assert getattr(result, "code", result) == expected


def test_only_choice_and_yes_no_answers_are_tabulated() -> None:
    def by_age(age: int) -> int:
        return age

    with pytest.raises(ValueError, match="age is integer"):
        tabulated(by_age)


def test_a_not_asked_value_equal_to_a_code_is_refused_not_merged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(NOT_ASKED, "impair_work", False)  # False == 0, a code of impair_work

    def lifted(impair_work: int | bool) -> int:
        return 9 if impair_work is False else impair_work

    with pytest.raises(ValueError, match="collide"):
        tabulated(lifted)


def test_generated_source_has_one_line_per_rule_and_flag() -> None:
    lines = SOURCE.splitlines()
    for rule in RULES:
        assert sum(f"proposals.append(({rule.id!r}," in line for line in lines) == 1
    for flag in FLAGS:
        assert sum(f"flags.append({flag.code!r})" in line for line in lines) == 1


@pytest.mark.parametrize(
    "test", ["phq9_total >= limit", "open('x')", "[x for x in (R, F)]", "f.phq9_total > 1"]
)
def test_a_test_reading_anything_but_facts_and_helpers_is_refused(test: str) -> None:
    with pytest.raises(ValueError, match="clinical test"):
        names_read(test)


def row_of(answers: dict) -> list[object]:
    """The answers as a CSV row carries them, in bank order ('' for a skipped question)."""
    text = as_text(answers)
    return [text.get(qid, "") for qid in IDS]


EXAMPLE = example_answers(BANK)


@settings(max_examples=200, deadline=None)
@given(answer_sets(BANK))
def test_exact_path_accepts_valid_rows_as_the_thorough_path_reads_them(answers: dict) -> None:
    row = row_of(answers)
    assert PLAN.exact(row) == answers
    assert PLAN.check_each(row, []) == (answers, [])


SPOILERS = {
    "blank": lambda value: "",
    "padded": lambda value: f" {value} ",
    "shouted": str.upper,
    "unknown": lambda value: "maybe",
    "number": lambda value: "99999",
    "long": lambda value: "x" * 300,
    "unhashable": lambda value: ["list"],
    "none": lambda value: None,
}


@settings(max_examples=400, deadline=None)
@given(answer_sets(BANK), st.sampled_from(IDS), st.sampled_from(sorted(SPOILERS)))
def test_exact_path_never_disagrees_with_the_thorough_path(
    answers: dict, qid: str, how: str
) -> None:
    row = row_of(answers)
    at = IDS.index(qid)
    row[at] = SPOILERS[how](row[at])
    # row_checker takes the exact path when it accepts the row, else the thorough one
    assert row_checker(BANK)(row) == PLAN.check_each(row, [])


@pytest.mark.parametrize(
    ("qid", "value"),
    [
        ("cssrs_3", "no"),  # answered, but cssrs_2 = no: the skip logic was not kept
        ("phq9_1", " 1"),  # valid, but not an exact spelling
        ("client_id", "EX 0001"),  # not the client id pattern
        ("age", ""),  # missing
    ],
)
def test_exact_path_hands_odd_rows_to_the_thorough_path(qid: str, value: str) -> None:
    assert EXAMPLE["cssrs_2"] is False  # the first case relies on it
    row = row_of(EXAMPLE)
    assert PLAN.exact(row) == EXAMPLE
    row[IDS.index(qid)] = value
    assert PLAN.exact(row) is None


def test_questions_with_equal_spellings_share_one_table_and_only_those() -> None:
    named = shared_tables({step.id: step.exact for step in PLAN.steps})
    assert named["cssrs_1"] == named["dast10_3"] == named["home_safe"]  # yes/no
    assert named["phq9_1"] == named["gad7_7"] != named["auditc_1"]  # 0-3, not 0-4
    assert named["auditc_1"] == named["impair_work"]
    # equal as dicts, since 1 == True, but they give different answers
    assert len(set(shared_tables({"a": {"1": 1}, "b": {"1": True}}).values())) == 2


def test_exact_source_reads_each_answer_once_and_a_skippable_one_again_for_blank() -> None:
    tables = {step.id: step.exact for step in PLAN.steps}
    source = generate(BANK, shared_tables(tables))
    for n, question in enumerate(BANK.questions):
        assert source.count(f"given[{n}]") == (2 if question.when else 1)
        assert source.count(f"values[{question.id!r}] = ") == (1 if question.when else 0)


# A center's bank: the built-in one plus a question of every kind the exact path treats apart
# (no table of spellings, free text with and without a pattern, integer codes) and every kind
# of condition, including one on a question that may itself be skipped.
EXTRA_QUESTIONS = [
    {"id": "x_count", "kind": "integer", "min": -500, "max": 5000},
    {"id": "x_note", "kind": "text"},
    {"id": "x_mode", "kind": "choice",
     "choices": [{"code": c, "label": f"mode {c}"} for c in (1, 2, 3)]},
    {"id": "x_detail", "kind": "yesno",
     "when": [{"question": "x_mode", "op": "in", "value": [2, 3]}]},
    {"id": "x_chain", "kind": "text", "pattern": "^[A-Za-z0-9._-]+$",  # as strategies draw
     "when": [{"question": "x_detail", "op": "eq", "value": True},
              {"question": "housing", "op": "ne", "value": "homeless"}]},
]  # fmt: skip


@pytest.fixture(scope="module")
def center_bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    folder = tmp_path_factory.mktemp("center_bank")
    for name in FILES:
        shutil.copy(default_bank_dir() / name, folder / name)
    intake = folder / "intake.toml"
    data = tomllib.loads(intake.read_text(encoding="utf-8"))
    section = data["questions"][-1]["section"]
    data["questions"] += [{"section": section, "prompt": "?", **q} for q in EXTRA_QUESTIONS]
    intake.write_text(tomli_w.dumps(data), encoding="utf-8")
    return load_bank(folder)


CENTER_SPOILERS = {
    **SPOILERS,
    "spaced": lambda value: f"{value} " * 2,
    "long but valid once trimmed": lambda value: " " * 300 + value,
    "wide": lambda value: "-499",
}


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_exact_path_never_disagrees_with_the_thorough_path_on_a_center_bank(
    center_bank: Bank, data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(center_bank))
    ids = [q.id for q in center_bank.questions]
    row = [as_text(answers).get(qid, "") for qid in ids]
    assert _plan(center_bank).exact(row) == answers
    qid = data.draw(st.sampled_from([*ids[-len(EXTRA_QUESTIONS) :], "housing", "client_id"]))
    how = data.draw(st.sampled_from(sorted(CENTER_SPOILERS)))
    row[ids.index(qid)] = CENTER_SPOILERS[how](row[ids.index(qid)])
    assert row_checker(center_bank)(row) == _plan(center_bank).check_each(row, [])
