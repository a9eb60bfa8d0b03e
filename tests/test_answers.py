"""Parsing raw answers: codes, yes/no spellings, ranges, patterns, and skip logic both ways."""

from __future__ import annotations

import pytest

from triage_cli.answers import AnswersError, check_answers, parse_answers
from triage_cli.bank import Bank
from triage_cli.batch.template import example_answers

from strategies import as_text


@pytest.fixture
def row(bank: Bank) -> dict[str, str]:
    """The template's example as CSV text: a valid answer set to break one field at a time."""
    return as_text(example_answers(bank))


def problems(bank: Bank, raw: dict) -> dict[str, str]:
    return {p.field: p.message for p in check_answers(bank, raw)[1]}


def test_example_parses_to_typed_values(bank: Bank, row: dict[str, str]) -> None:
    answers = parse_answers(bank, row)
    assert answers["age"] == 34
    assert answers["phq9_1"] == 2
    assert answers["dast10_3"] is True
    assert answers["housing"] == "stable"
    assert "cssrs_3" not in answers  # skipped: cssrs_2 = no


@pytest.mark.parametrize("spelling", ["  Stable ", "STABLE", "stable"])
def test_codes_are_case_insensitive_and_trimmed(bank, row, spelling) -> None:
    assert parse_answers(bank, {**row, "housing": spelling})["housing"] == "stable"


@pytest.mark.parametrize(
    ("spelling", "value"),
    [
        *[("yes", True), ("Y", True), ("true", True), ("1", True), (True, True), (1, True)],
        *[("no", False), ("N", False), ("FALSE", False), (" 0 ", False), (False, False)],
    ],
)
def test_yes_no_spellings(bank, row, spelling, value) -> None:
    assert parse_answers(bank, {**row, "psychosis": spelling})["psychosis"] is value


@pytest.mark.parametrize("given", ["maybe", "2", 2, "yess"])
def test_yes_no_rejects_other_values(bank, row, given) -> None:
    assert problems(bank, {**row, "psychosis": given}) == {"psychosis": "expected yes or no"}


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        *[("12", True), ("120", True), (40, True), ("11", False), ("121", False)],
        *[("3.5", False), ("", False), ("twelve", False)],
    ],
)
def test_age_range(bank, row, given, ok) -> None:
    found = problems(bank, {**row, "age": given})
    assert (found == {}) is ok
    if not ok:
        assert found["age"].endswith("a whole number 12-120")


@pytest.mark.parametrize("given", ["4", "-1", "x", 4, True])
def test_frequency_items_take_0_to_3(bank, row, given) -> None:
    assert problems(bank, {**row, "phq9_4": given}) == {"phq9_4": "expected one of: 0, 1, 2, 3"}


@pytest.mark.parametrize(
    ("client_id", "ok"),
    [("A-1.b_2", True), ("x" * 64, True), ("x" * 65, False), ("Jane Doe", False), ("é1", False)],
)
def test_client_id_pattern(bank, row, client_id, ok) -> None:
    assert ("client_id" not in problems(bank, {**row, "client_id": client_id})) is ok


def test_a_skipped_question_answered_is_an_error_naming_the_condition(bank, row) -> None:
    found = problems(bank, {**row, "cssrs_3": "yes"})
    assert found == {
        "cssrs_3": "answered, but cssrs_2 is no: it is asked only when cssrs_2 = yes; "
        "leave it blank"
    }


def test_an_asked_question_left_blank_is_an_error(bank, row) -> None:
    found = problems(bank, {**row, "cssrs_2": "yes"})
    assert set(found) == {"cssrs_3", "cssrs_4", "cssrs_5"}
    assert found["cssrs_3"] == "missing: expected yes or no (asked because cssrs_2 = yes)"


def test_home_safe_is_not_asked_of_a_homeless_caller(bank, row) -> None:
    assert "home_safe" in problems(bank, {**row, "housing": "homeless"})
    answers = parse_answers(bank, {**row, "housing": "homeless", "home_safe": ""})
    assert "home_safe" not in answers


def test_a_bad_answer_does_not_cascade_into_its_dependants(bank, row) -> None:
    # cssrs_2 is invalid, so whether cssrs_3 should be answered cannot be judged
    assert problems(bank, {**row, "cssrs_2": "perhaps", "cssrs_3": "yes"}) == {
        "cssrs_2": "expected yes or no"
    }


def test_every_problem_of_one_input_is_reported_at_once(bank, row) -> None:
    raw = {**row, "age": "7", "housing": "castle", "phq9_1": "9", "cssrs_5": "no", "shoe": "9"}
    with pytest.raises(AnswersError) as raised:
        parse_answers(bank, raw)
    fields = [p.field for p in raised.value.problems]
    assert fields == ["shoe", "age", "cssrs_5", "phq9_1", "housing"]
    assert raised.value.exit_code == 1
    assert "housing: expected one of: stable, unstable, homeless (got 'castle')" in str(
        raised.value
    )


def test_an_absurdly_long_value_is_rejected_without_echoing_it(bank, row) -> None:
    [problem] = check_answers(bank, {**row, "stressors": "x" * 5000})[1]
    assert problem.field == "stressors"
    assert problem.message == "value too long (5000 characters)"
    assert problem.value == ""


def test_a_wrong_type_from_toml_is_an_error(bank, row) -> None:
    found = problems(bank, {**row, "age": [34], "housing": 3})
    assert set(found) == {"age", "housing"}


def test_a_bank_edit_changes_what_is_accepted(edit_bank, row) -> None:
    """Parsing follows the bank: a center that sees adults only narrows the age range."""
    from triage_cli.bank import load_bank

    from conftest import question_table

    folder = edit_bank("intake.toml", lambda d: question_table(d, "age").update(min=18))
    adults = load_bank(folder)
    assert problems(adults, {**row, "age": "17"}) == {"age": "expected a whole number 18-120"}
