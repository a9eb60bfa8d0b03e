"""The question bank: the built-in one is complete and valid; broken ones name every problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage_cli.bank import LEVELS, Bank, load_bank
from triage_cli.bank.schema import SCORED
from triage_cli.cli import app
from triage_cli.errors import BankError

from conftest import EditBank, question_table

runner = CliRunner()
CLINICAL = Path(__file__).resolve().parents[2] / "shared" / "CLINICAL.md"


def clinical_ids() -> list[str]:
    """CLINICAL.md section 1's answer ids in order, ranges (`cssrs_1 .. cssrs_2`) expanded."""
    text = CLINICAL.read_text(encoding="utf-8").split("## 1.")[1].split("## 2.")[0]
    ids: list[str] = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith(("| id", "|---")):
            continue
        cell = line.split("|")[1].strip()
        ranged = re.fullmatch(r"(\w+?)_(\d+) \.\. \w+?_(\d+)", cell)
        if ranged:
            stem, first, last = ranged.groups()
            ids.extend(f"{stem}_{n}" for n in range(int(first), int(last) + 1))
        else:
            ids.extend(part.strip() for part in cell.split(","))
    return ids


def test_builtin_bank_has_every_clinical_id_once_in_order(bank: Bank) -> None:
    if not CLINICAL.exists():
        pytest.skip("../shared/CLINICAL.md is not beside the checkout")
    expected = clinical_ids()
    assert len(expected) == 59
    assert [q.id for q in bank.questions] == expected


def test_builtin_bank_codes_are_the_scoring_codes(bank: Bank) -> None:
    for qid, need in SCORED.items():
        question = bank.question(qid)
        assert question.kind == need.kind, qid
        if need.kind == "choice":
            assert tuple(c.code for c in question.choices) == need.codes, qid


def test_builtin_bank_skip_conditions(bank: Bank) -> None:
    when = {q.id: [str(c) for c in q.when] for q in bank.questions if q.when}
    assert when == {
        "cssrs_3": ["cssrs_2 = yes"],
        "cssrs_4": ["cssrs_2 = yes"],
        "cssrs_5": ["cssrs_2 = yes"],
        "cssrs_6_recent": ["cssrs_6 = yes"],
        "withdrawal_complicated": ["withdrawal_now != none"],
        "home_safe": ["housing != homeless"],
    }


def test_builtin_bank_has_nine_sections_and_every_program(bank: Bank) -> None:
    assert [s.id for s in bank.sections] == [
        "identification",
        "safety",
        "mood_anxiety",
        "substance_use",
        "withdrawal_medical",
        "functioning",
        "home_support",
        "history_readiness",
        "logistics_insurance",
    ]
    assert tuple(bank.programs) == LEVELS
    assert bank.programs["iop"].adolescent_note


def test_builtin_bank_cites_each_instrument(bank: Bank) -> None:
    assert set(bank.instruments) == {"cssrs", "phq9", "gad7", "auditc", "dast10"}
    for instrument in bank.instruments.values():
        assert instrument.citation and instrument.terms and instrument.stem


def test_checklist_filters_by_level_and_answers(bank: Bank) -> None:
    medicare = {"payer": "medicare", "referral": True, "telehealth": False}
    shown_iop = {i.id for i in bank.checklist if i.applies("iop", medicare)}
    shown_op = {i.id for i in bank.checklist if i.applies("op", medicare)}
    assert {"prior_auth", "medicare_certification"} <= shown_iop
    assert not {"prior_auth", "medicare_certification"} & shown_op
    assert "telehealth_coverage" not in shown_iop


def check(folder: Path) -> str:
    """Run `triage questions check folder`, require exit 2, return what it printed."""
    result = runner.invoke(app, ["questions", "check", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_check_passes_on_the_builtin_bank() -> None:
    result = runner.invoke(app, ["questions", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: triage-cli default intake 1.3.0: 59 questions")


def test_unknown_key_is_named(edit_bank: EditBank) -> None:
    folder = edit_bank("intake.toml", lambda d: question_table(d, "age").update(colour="red"))
    assert "intake.toml: question 'age': unknown key 'colour'" in check(folder)


def test_duplicate_id_is_named(edit_bank: EditBank) -> None:
    def duplicate(data: dict) -> None:
        data["questions"].insert(3, dict(question_table(data, "age")))

    assert "intake.toml: question 'age': duplicate id" in check(edit_bank("intake.toml", duplicate))


def test_when_naming_an_unknown_question(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "cssrs_3")["when"][0]["question"] = "cssrs_99"

    out = check(edit_bank("intake.toml", change))
    assert "question 'cssrs_3': when #1 names 'cssrs_99', which is not a question" in out


def test_when_naming_a_later_question(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "cssrs_3")["when"][0]["question"] = "psychosis"

    out = check(edit_bank("intake.toml", change))
    assert "question 'cssrs_3': when #1 names 'psychosis', which comes later" in out


def test_when_with_a_code_the_question_cannot_take(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "home_safe")["when"][0]["value"] = "castle"

    out = check(edit_bank("intake.toml", change))
    assert "question 'home_safe': when #1: value 'castle' is not a code of 'housing'" in out


def test_choice_without_code(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        del question_table(data, "housing")["choices"][1]["code"]

    out = check(edit_bank("intake.toml", change))
    assert "question 'housing': choice #2: 'code' is missing" in out


def test_level_missing_from_programs(edit_bank: EditBank) -> None:
    folder = edit_bank("programs.toml", lambda d: d["levels"].pop("php"))
    assert "programs.toml: level 'php' is missing" in check(folder)


def test_checklist_condition_on_unknown_answer(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        data["items"][0]["when"] = [{"question": "shoe_size", "op": "eq", "value": "9"}]

    out = check(edit_bank("insurance.toml", change))
    assert "insurance.toml: item 'prior_auth': when #1 names 'shoe_size'" in out


def test_missing_scored_question(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        data["questions"] = [q for q in data["questions"] if q["id"] != "phq9_9"]

    out = check(edit_bank("intake.toml", change))
    assert "question 'phq9_9' is missing: the scoring needs it" in out


def test_skip_condition_on_an_always_asked_scored_question(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "phq9_9")["when"] = [{"question": "phq9_1", "op": "ne", "value": 0}]

    assert "question 'phq9_9': it cannot have a 'when'" in check(edit_bank("intake.toml", change))


def test_toml_syntax_error_names_the_file_and_line(bank_copy: Path) -> None:
    path = bank_copy / "programs.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[levels.op\n", encoding="utf-8")
    out = check(bank_copy)
    assert "programs.toml: cannot read it" in out and "line" in out


def test_every_problem_is_listed_at_once(edit_bank: EditBank) -> None:
    edit_bank("intake.toml", lambda d: question_table(d, "age").update(colour="red"))
    folder = edit_bank("programs.toml", lambda d: d["levels"].pop("op"))
    with pytest.raises(BankError) as raised:
        load_bank(folder)
    assert len(raised.value.details) == 2
    out = check(folder)
    assert "unknown key 'colour'" in out and "level 'op' is missing" in out


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    assert "question bank folder not found" in check(tmp_path / "nowhere")


def test_odd_toml_types_are_named_problems_not_crashes(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "referral")["id"] = ["referral"]
        question_table(data, "withdrawal_complicated")["when"][0].update(op="in", value=[["x"]])

    out = check(edit_bank("intake.toml", change))
    assert "intake.toml: question #59: 'id' must be text" in out
    assert "question 'withdrawal_complicated': when #1: op 'in' takes a list of codes" in out


def test_checklist_levels_of_the_wrong_type_are_named(edit_bank: EditBank) -> None:
    folder = edit_bank("insurance.toml", lambda d: d["items"][0].update(levels=[["iop"]]))
    assert "insurance.toml: item 'prior_auth': unknown level ['iop']" in check(folder)


def test_a_program_missing_a_required_key_is_named(edit_bank: EditBank) -> None:
    folder = edit_bank("programs.toml", lambda d: d["levels"]["iop"].pop("focus"))
    assert "programs.toml: [levels.iop]: 'focus' is missing" in check(folder)


def test_a_file_given_as_the_bank_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "intake.toml"
    path.write_text("", encoding="utf-8")
    assert "question bank folder is not a folder" in check(path)


def test_a_scored_question_cannot_drop_a_code(edit_bank: EditBank) -> None:
    """Without plan_or_intent, rule S1's harm-to-others branch could never fire."""

    def change(data: dict) -> None:
        question_table(data, "harm_others")["choices"].pop()

    out = check(edit_bank("intake.toml", change))
    assert "question 'harm_others': codes must be exactly none, thoughts, plan_or_intent" in out


def test_a_scored_skip_condition_cannot_be_changed(edit_bank: EditBank) -> None:
    def change(data: dict) -> None:
        question_table(data, "cssrs_4")["when"] = [
            {"question": "cssrs_1", "op": "eq", "value": "yes"}
        ]

    assert "question 'cssrs_4': 'when' must be cssrs_2 = yes" in check(
        edit_bank("intake.toml", change)
    )


def test_the_client_id_pattern_cannot_be_loosened(edit_bank: EditBank) -> None:
    folder = edit_bank("intake.toml", lambda d: question_table(d, "client_id").update(pattern=".*"))
    assert "question 'client_id': pattern must be" in check(folder)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "code '' must be non-empty, without surrounding spaces"),
        (" evenings", "code ' evenings' must be non-empty, without surrounding spaces"),
        ("Daytime", "code 'Daytime' is listed twice (codes ignore case)"),
    ],
)
def test_choice_codes_an_answer_cannot_tell_apart_are_refused(
    edit_bank: EditBank, code: str, problem: str
) -> None:
    # a blank cell would count as the answer "", and answers are matched trimmed, in any case
    def change(data: dict) -> None:
        question_table(data, "availability")["choices"].append({"code": code, "label": "x"})

    assert f"question 'availability': {problem}" in check(edit_bank("intake.toml", change))


def test_builtin_bank_gives_every_question_a_short_name_of_at_most_32_characters(
    bank: Bank,
) -> None:
    unfit = {q.id: q.short for q in bank.questions if not 0 < len(q.short) <= 32}
    assert unfit == {}
    assert bank.question("cssrs_1").short_name() == "Wish to be dead"


def test_a_question_without_a_short_name_is_named_by_its_id(edit_bank: EditBank) -> None:
    bank = load_bank(edit_bank("intake.toml", lambda d: question_table(d, "age").pop("short")))
    assert bank.question("age").short_name() == "age"
    assert bank.question("sex_at_birth").short_name() == "Sex at birth"


def test_a_short_name_of_32_characters_is_accepted(edit_bank: EditBank) -> None:
    folder = edit_bank("intake.toml", lambda d: question_table(d, "age").update(short="A" * 32))
    assert load_bank(folder).question("age").short_name() == "A" * 32


SHORT_RULE = "must be one line of 1-32 characters, without surrounding spaces or control characters"


@pytest.mark.parametrize(
    ("short", "problem"),
    [
        ("", f"'short' {SHORT_RULE}, not ''"),
        ("   ", f"'short' {SHORT_RULE}, not '   '"),
        ("A" * 33, f"'short' {SHORT_RULE}, not '{'A' * 33}'"),
        (" Age", f"'short' {SHORT_RULE}, not ' Age'"),
        ("Age ", f"'short' {SHORT_RULE}, not 'Age '"),
        ("Age\nin years", f"'short' {SHORT_RULE}, not 'Age\\x0ain years'"),
        ("Age\tin years", f"'short' {SHORT_RULE}, not 'Age\\x09in years'"),
        (12, "'short' must be text, not 12"),
    ],
)
def test_a_short_name_the_review_column_cannot_hold_is_refused(
    edit_bank: EditBank, short: object, problem: str
) -> None:
    # the review screen lays short names out in a fixed column, one line each
    folder = edit_bank("intake.toml", lambda d: question_table(d, "age").update(short=short))
    assert f"intake.toml: question 'age': {problem}" in check(folder)
