"""The TOML summary and `triage score`: round trip, [answers]-only files, bad input, private
exports, re-scoring against the stored recommendation, --previous, --json and overrides."""

from __future__ import annotations

import csv
import json
import re
import tempfile
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from triage_cli import __version__
from triage_cli.answers import Answers, AnswersError, parse_answers
from triage_cli.bank import Bank, Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.errors import OutputError
from triage_cli.formats import toml_summary
from triage_cli.record.model import build_record
from triage_cli.record.override import Override
from triage_cli.scoring import Assessment, assess

from conftest import EditBank, question_table
from strategies import answer_sets, as_text

runner = CliRunner()
# hypothesis tests use BANK, not the fixture: a falsifying example would print its 41 kB repr
BANK = load_bank()
DATA = Path(__file__).parent / "data" / "summary"
RATING_LETTERS = ("R", "F", "C", "E", "P", "H", "G")
JSON_KEYS = {
    "client_id",
    "complete",
    "model_version",
    "level",
    "level_name",
    "emergency",
    "withdrawal_management",
    "composite",
    "ratings",
    "scores",
    "rules",
    "reasons",
    "also_considered",
    "flags",
    "bank",
    "stored_recommendation_matches",
    "stored_differences",
}
EARLIER = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def scored(bank: Bank, typed: dict[str, Value]) -> tuple[Answers, Assessment]:
    answers = parse_answers(bank, typed)
    return answers, assess(answers)


def write_summary(
    bank: Bank,
    typed: dict[str, Value],
    path: Path,
    *,
    created: datetime | None = None,
    **options: Any,
) -> Path:
    answers, assessment = scored(bank, typed)
    record = build_record(bank, answers, assessment, **options)
    toml_summary.write(path, record, created=created)
    return path


def summary_document(bank: Bank, answers: Answers, a: Assessment, **options: Any) -> dict[str, Any]:
    """The summary document of a record built from these (options go to build_record)."""
    return toml_summary.document(build_record(bank, answers, a, **options))


def write_answers_only(path: Path, table: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps({"answers": table}), encoding="utf-8")
    return path


def yes_no_as_strings(typed: dict[str, Value]) -> dict[str, Value]:
    """yes/no as "yes"/"no" strings; integers stay integers (as a hand-written file has them)."""
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in typed.items()}


def in_bank_order(bank: Bank, values: dict[str, Value]) -> dict[str, Value]:
    return {q.id: values[q.id] for q in bank.questions if q.id in values}


def php_case(bank: Bank) -> dict[str, Value]:
    """The example adult with active ideation, impair_work = 3, mild withdrawal and a positive
    AUDIT-C beside moderate depression: R, F and C all 3, so F5 gives php."""
    typed = example_answers(bank) | {
        "cssrs_1": True,
        "cssrs_2": True,
        "cssrs_3": False,
        "cssrs_4": False,
        "cssrs_5": False,
        "impair_work": 3,
        "withdrawal_now": "mild",
        "withdrawal_complicated": False,
        "auditc_1": 2,
        "auditc_2": 1,
    }
    return in_bank_order(bank, typed)


def score(*args: object) -> Result:
    return runner.invoke(app, ["score", *map(str, args)])


def assert_exit(result: Result, code: int) -> None:
    """The exit code, reached on purpose: never an unhandled exception or a traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def flat(text: str) -> str:
    """Whitespace collapsed, so that text wrapped at 80 columns can be searched."""
    return " ".join(text.split())


def typed_items(table: dict[str, Any]) -> dict[str, tuple[type, Any]]:
    """Values with their types: True == 1 in Python, but not in the answers table."""
    return {k: (type(v), v) for k, v in table.items()}


def walk(value: Any) -> list[Any]:
    """Every leaf value of a nested document."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in walk(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in walk(item)]
    return [value]


def comparison_row(output: str, label: str, before: object, now: object) -> bool:
    """Whether the side-by-side table has a row `label ... before ... now`."""
    pattern = rf"^{re.escape(label)}\b.*?\s{re.escape(str(before))}\s+{re.escape(str(now))}\b"
    return re.search(pattern, output, flags=re.MULTILINE) is not None


# ---------------------------------------------------------------------------------------------
# 1. Round trip: build -> write -> read -> re-score
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    created=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ).map(lambda moment: moment.replace(microsecond=0)),
)
def test_summary_round_trip_keeps_answers_and_recommendation(
    data: st.DataObject, created: datetime
) -> None:
    typed = data.draw(answer_sets(BANK), label="answers")
    answers, a = scored(BANK, typed)
    record = build_record(BANK, answers, a)
    leaves = walk(toml_summary.document(record, created=created))
    assert None not in leaves
    assert not [leaf for leaf in leaves if leaf in ("", "None", "null", "N/A")]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.toml"
        toml_summary.write(path, record, created=created)
        with path.open("rb") as handle:
            loaded = tomllib.load(handle)
        stored = toml_summary.read(BANK, path)

    assert "override" not in loaded and "previous" not in loaded
    assert typed_items(loaded["answers"]) == typed_items(typed)
    assert loaded["meta"]["created"] == created
    assert loaded["ratings"] == {
        **{letter: getattr(a.ratings, letter) for letter in RATING_LETTERS},
        "composite": a.composite,
    }
    for field in ("phq9_total", "gad7_total", "auditc_total", "dast10_total"):
        assert loaded["scores"][field] == getattr(a.scores, field)
    recommendation = loaded["recommendation"]
    assert recommendation["level"] == a.level.code
    assert recommendation["emergency"] is a.emergency
    assert recommendation["withdrawal_management"] == a.withdrawal_management
    assert recommendation["rules"] == list(a.rules)
    assert recommendation["reasons"] == list(a.reasons)
    assert recommendation["also_considered"] == list(a.also_considered)
    assert recommendation["flags"] == list(a.flag_codes)
    assert recommendation["flag_notes"] == [flag.text for flag in a.flags]
    assert recommendation["level_name"] == a.level.title
    assert loaded["checklist"]["level"] == a.level.code
    for item in loaded["checklist"]["items"]:
        assert set(item) == {"id", "text", "done"} and item["done"] is False
    assert loaded["program"]["name"] == BANK.programs[a.level.code].name

    again = assess(stored.answers)
    assert stored.created == created
    assert again.level == a.level
    assert again.emergency == a.emergency
    assert again.withdrawal_management == a.withdrawal_management
    assert again.ratings == a.ratings
    assert again.composite == a.composite
    assert again.rules == a.rules
    assert again.reasons == a.reasons
    assert again.flag_codes == a.flag_codes


def test_summary_file_starts_with_a_decision_support_and_health_information_header(
    bank: Bank, tmp_path: Path
) -> None:
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    text = path.read_text(encoding="utf-8")
    header = text[: text.index("[meta]")].lower()
    assert text.startswith("#")
    assert all(line.startswith("#") for line in header.splitlines())
    assert "decision support" in header
    assert "health information" in header


def test_summary_meta_names_tool_bank_and_a_utc_creation_time(bank: Bank, tmp_path: Path) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    after = datetime.now(UTC) + timedelta(seconds=1)
    meta = tomllib.loads(path.read_text(encoding="utf-8"))["meta"]
    assert meta["tool"] == "triage-cli"
    assert meta["tool_version"] == __version__
    assert (meta["bank_name"], meta["bank_version"]) == (bank.name, bank.version)
    assert meta["bank_sha256"] == bank.sha256
    created = meta["created"]
    assert created.tzinfo is not None and created.utcoffset() == timedelta(0)
    assert before <= created <= after


def test_skipped_questions_are_absent_from_the_answers_table(bank: Bank, tmp_path: Path) -> None:
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    table = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    for skipped in ("cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6_recent", "withdrawal_complicated"):
        assert skipped not in table
    assert table["cssrs_2"] is False and table["withdrawal_now"] == "none"
    assert table["age"] == 34 and table["phq9_1"] == 2


# ---------------------------------------------------------------------------------------------
# 2. [answers]-only files
# ---------------------------------------------------------------------------------------------


def test_answers_only_file_with_booleans_is_scored(bank: Bank, tmp_path: Path) -> None:
    typed = php_case(bank)
    path = write_answers_only(tmp_path / "answers.toml", typed)
    result = score(path, "--json")
    assert_exit(result, 0)
    payload = json.loads(result.stdout)
    _, a = scored(bank, typed)
    assert payload["level"] == a.level.code == "php"
    assert payload["composite"] == a.composite
    assert payload["rules"] == list(a.rules)
    assert payload["stored_recommendation_matches"] is None


def test_answers_only_file_with_yes_no_strings_scores_like_booleans(
    bank: Bank, tmp_path: Path
) -> None:
    booleans = write_answers_only(tmp_path / "booleans.toml", example_answers(bank))
    strings = DATA / "example_adult_yes_no_strings.toml"
    by_strings = score(strings, "--json")
    by_booleans = score(booleans, "--json")
    assert_exit(by_strings, 0)
    assert_exit(by_booleans, 0)
    assert json.loads(by_strings.stdout) == json.loads(by_booleans.stdout)
    assert json.loads(by_strings.stdout)["level"] == "op"


def test_answers_only_file_shows_the_result_screen(bank: Bank, tmp_path: Path) -> None:
    typed = php_case(bank)
    result = score(write_answers_only(tmp_path / "answers.toml", typed))
    assert_exit(result, 0)
    answers, a = scored(bank, typed)
    headline = next(line for line in result.stdout.splitlines() if a.level.title in line)
    assert re.search(rf"\b{a.level.code}\b", headline), headline
    for reason in a.reasons:
        assert flat(reason) in flat(result.stdout)
    for rule in a.rules:
        assert re.search(rf"\b{rule}\b", result.stdout)
    program = bank.programs[a.level.code]
    assert program.name in result.stdout
    items = summary_document(bank, answers, a)["checklist"]["items"]
    assert result.stdout.count("[ ]") == len(items) > 0
    assert "Decision support, not a diagnosis" in result.stdout
    assert "Re-scored" not in result.output  # nothing stored to compare with


@settings(max_examples=25, deadline=None)
@given(data=st.data(), strings=st.booleans())
def test_answers_only_file_agrees_with_batch(data: st.DataObject, strings: bool) -> None:
    typed = data.draw(answer_sets(BANK), label="answers")
    table = yes_no_as_strings(typed) if strings else typed
    row = as_text(typed)
    with tempfile.TemporaryDirectory() as folder:
        answers_file = write_answers_only(Path(folder) / "answers.toml", table)
        source, results = Path(folder) / "in.csv", Path(folder) / "out.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(q.id for q in BANK.questions)
            writer.writerow(row.get(q.id, "") for q in BANK.questions)
        by_batch = runner.invoke(app, ["batch", str(source), "-o", str(results)])
        by_score = score(answers_file, "--json")
        assert_exit(by_batch, 0)
        assert_exit(by_score, 0)
        with results.open(newline="", encoding="utf-8") as handle:
            (batch_row,) = list(csv.DictReader(handle))
    payload = json.loads(by_score.stdout)
    assert batch_row["level"] == payload["level"]
    assert int(batch_row["composite"]) == payload["composite"]
    assert batch_row["rules"] == ";".join(sorted(payload["rules"]))
    assert batch_row["emergency"] == str(payload["emergency"]).lower()
    assert batch_row["withdrawal_management"] == payload["withdrawal_management"]
    assert batch_row["client_id"] == payload["client_id"]


# ---------------------------------------------------------------------------------------------
# 3. Bad files: exit 2 when unreadable, exit 1 listing every bad answer
# ---------------------------------------------------------------------------------------------


def test_toml_syntax_error_exits_2_with_line_and_column() -> None:
    result = score(DATA / "syntax_error_line_5.toml")
    assert_exit(result, 2)
    assert re.search(r"line 5, column \d+", result.output), result.output
    assert "syntax_error_line_5.toml" in result.output


@pytest.mark.parametrize(
    ("qid", "bad"),
    [("age", [30, 31]), ("housing", {"kind": "stable"}), ("cssrs_1", [True])],
    ids=["list-as-integer", "table-as-code", "list-as-yes-no"],
)
def test_list_or_table_as_an_answer_exits_1_naming_the_id(
    bank: Bank, tmp_path: Path, qid: str, bad: object
) -> None:
    path = write_answers_only(tmp_path / "a.toml", example_answers(bank) | {qid: bad})
    result = score(path)
    assert_exit(result, 1)
    problem_lines = [line for line in result.output.splitlines() if qid in line]
    assert problem_lines, result.output
    assert any("expected" in line for line in problem_lines), result.output


def test_every_invalid_answer_is_listed_with_its_value_and_expectation(
    bank: Bank, tmp_path: Path
) -> None:
    bad = {"age": 200, "housing": "castle", "phq9_1": 7}
    path = write_answers_only(tmp_path / "a.toml", example_answers(bank) | bad)
    result = score(path)
    assert_exit(result, 1)
    for qid, value in bad.items():
        lines = [line for line in result.output.splitlines() if re.search(rf"\b{qid}\b", line)]
        assert lines, f"{qid} not listed:\n{result.output}"
        assert any(str(value) in line and "expected" in line for line in lines), result.output
    assert "12-120" in result.output  # what age expects
    assert "stable" in result.output  # what housing expects


def test_unknown_answer_id_exits_1(bank: Bank, tmp_path: Path) -> None:
    path = write_answers_only(tmp_path / "a.toml", example_answers(bank) | {"favourite": "blue"})
    result = score(path)
    assert_exit(result, 1)
    assert re.search(r"favourite.*unknown answer id", result.output), result.output


def test_answering_a_skipped_question_exits_1(bank: Bank, tmp_path: Path) -> None:
    typed = example_answers(bank)
    assert typed["cssrs_2"] is False
    path = write_answers_only(tmp_path / "a.toml", typed | {"cssrs_3": True})
    result = score(path)
    assert_exit(result, 1)
    assert any("cssrs_3" in line for line in result.output.splitlines()), result.output


def test_file_without_an_answers_table_exits_2() -> None:
    result = score(DATA / "no_answers_table.toml")
    assert_exit(result, 2)
    assert "[answers]" in result.output


def test_answers_that_are_not_a_table_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('answers = "cssrs_1 = no"\n', encoding="utf-8")
    result = score(path)
    assert_exit(result, 2)
    assert "[answers]" in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = score(tmp_path / "nowhere.toml")
    assert_exit(result, 2)
    assert "nowhere.toml" in result.output


def test_missing_previous_file_exits_2(bank: Bank, tmp_path: Path) -> None:
    later = write_answers_only(tmp_path / "new.toml", example_answers(bank))
    result = score(later, "--previous", tmp_path / "gone.toml")
    assert_exit(result, 2)
    assert "gone.toml" in result.output


@pytest.mark.parametrize("kind", ["folder", "not-utf-8"])
def test_unreadable_file_exits_2_without_a_traceback(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "summary.toml"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b'[answers]\nclient_id = "\xff\xfe"\n')
    result = score(path)
    assert_exit(result, 2)
    assert "summary.toml" in result.output


def test_read_raises_answers_error_listing_every_problem(bank: Bank, tmp_path: Path) -> None:
    bad = {"age": 7, "payer": "barter"}
    path = write_answers_only(tmp_path / "a.toml", example_answers(bank) | bad)
    with pytest.raises(AnswersError) as caught:
        toml_summary.read(bank, path)
    assert {problem.field for problem in caught.value.problems} == set(bad)


# ---------------------------------------------------------------------------------------------
# 4. Private files: 0600, no overwrite without --force
# ---------------------------------------------------------------------------------------------


def test_export_is_private_and_holds_the_assessment(bank: Bank, tmp_path: Path) -> None:
    typed = php_case(bank)
    out = tmp_path / "export.toml"
    result = score(write_answers_only(tmp_path / "a.toml", typed), "--export", out)
    assert_exit(result, 0)
    assert out.stat().st_mode & 0o777 == 0o600
    document = tomllib.loads(out.read_text(encoding="utf-8"))
    assert typed_items(document["answers"]) == typed_items(typed)
    assert document["recommendation"]["level"] == "php"
    assert document["checklist"]["level"] == "php"


def test_export_refuses_to_replace_a_file_without_force(bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "export.toml"
    out.write_text("keep me\n", encoding="utf-8")
    result = score(write_answers_only(tmp_path / "a.toml", example_answers(bank)), "--export", out)
    assert_exit(result, 2)
    assert "already exists; use --force" in result.output
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_export_with_force_replaces_the_file(bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "export.toml"
    write_summary(bank, example_answers(bank), out)
    result = score(
        write_answers_only(tmp_path / "a.toml", php_case(bank)), "--export", out, "--force"
    )
    assert_exit(result, 0)
    assert out.stat().st_mode & 0o777 == 0o600
    assert tomllib.loads(out.read_text(encoding="utf-8"))["recommendation"]["level"] == "php"


def test_write_is_0600_and_refuses_an_existing_file_without_force(
    bank: Bank, tmp_path: Path
) -> None:
    answers, a = scored(bank, example_answers(bank))
    path = tmp_path / "s.toml"
    toml_summary.write(path, build_record(bank, answers, a))
    assert path.stat().st_mode & 0o777 == 0o600
    first = path.read_text(encoding="utf-8")
    other = build_record(bank, *scored(bank, php_case(bank)))
    with pytest.raises(OutputError):
        toml_summary.write(path, other)
    assert path.read_text(encoding="utf-8") == first
    toml_summary.write(path, other, force=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert tomllib.loads(path.read_text(encoding="utf-8"))["recommendation"]["level"] == "php"


# ---------------------------------------------------------------------------------------------
# 5. Re-scoring a summary: same, edited, or from another bank
# ---------------------------------------------------------------------------------------------


def test_rescoring_a_summary_says_same_recommendation(bank: Bank, tmp_path: Path) -> None:
    path = write_summary(bank, php_case(bank), tmp_path / "s.toml")
    result = score(path)
    assert_exit(result, 0)
    assert "Re-scored: same recommendation as stored (php)." in result.stdout
    assert "warning" not in result.stderr
    assert "was written with question bank" not in result.output


def test_rescoring_an_edited_stored_level_warns_and_shows_both(bank: Bank, tmp_path: Path) -> None:
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document["recommendation"]["level"] = "php"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    result = score(path)
    assert_exit(result, 0)
    assert "warning" in result.stderr
    assert re.search(r"stored\W+php\W+now\W+op\b", result.output), result.output
    assert "same recommendation" not in result.output
    assert "Decision support, not a diagnosis" in result.stdout


def test_json_says_whether_the_stored_recommendation_matches(bank: Bank, tmp_path: Path) -> None:
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    same = score(path, "--json")
    assert_exit(same, 0)
    assert json.loads(same.stdout)["stored_recommendation_matches"] is True
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document["recommendation"]["level"] = "residential"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    edited = score(path, "--json")
    assert_exit(edited, 0)
    assert json.loads(edited.stdout)["stored_recommendation_matches"] is False
    assert "warning" in edited.stderr


def test_summary_from_a_different_bank_warns_before_the_result(
    bank: Bank, tmp_path: Path, edit_bank: EditBank
) -> None:
    def reword(data: dict[str, Any]) -> None:
        question_table(data, "cssrs_1")["prompt"] = "In the past month, did you wish you were dead?"

    edited = edit_bank("intake.toml", reword)
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    result = score(path, "--questions", edited)
    assert_exit(result, 0)
    assert "was written with question bank" in result.stderr
    assert bank.name in result.stderr
    _, a = scored(bank, example_answers(bank))
    warning_at = result.output.index("was written with question bank")
    assert warning_at < result.output.index(a.level.title), result.output
    assert "Decision support, not a diagnosis" in result.stdout


# ---------------------------------------------------------------------------------------------
# 6. --previous: step up, step down, and the [previous] table
# ---------------------------------------------------------------------------------------------


def test_previous_shows_step_down_side_by_side(bank: Bank, tmp_path: Path) -> None:
    _, old = scored(bank, php_case(bank))
    _, now = scored(bank, example_answers(bank))
    earlier = write_summary(bank, php_case(bank), tmp_path / "old.toml", created=EARLIER)
    later = write_answers_only(tmp_path / "new.toml", example_answers(bank))
    result = score(later, "--previous", earlier)
    assert_exit(result, 0)
    assert "Since the earlier assessment: step down: php -> op" in result.stdout
    out = result.stdout
    assert comparison_row(out, "Level", "php", "op"), out
    for letter in RATING_LETTERS:
        before, after = getattr(old.ratings, letter), getattr(now.ratings, letter)
        assert comparison_row(out, letter, before, after), (letter, out)
    assert comparison_row(out, "Composite", old.composite, now.composite), out
    for label, field in [
        ("PHQ-9", "phq9_total"),
        ("GAD-7", "gad7_total"),
        ("AUDIT-C", "auditc_total"),
        ("DAST-10", "dast10_total"),
    ]:
        before, after = getattr(old.scores, field), getattr(now.scores, field)
        assert comparison_row(out, label, before, after), (label, out)
    assert old.composite != now.composite  # the table shows a real change


def test_previous_shows_step_up(bank: Bank, tmp_path: Path) -> None:
    earlier = write_summary(bank, example_answers(bank), tmp_path / "old.toml", created=EARLIER)
    later = write_answers_only(tmp_path / "new.toml", php_case(bank))
    result = score(later, "--previous", earlier)
    assert_exit(result, 0)
    assert "Since the earlier assessment: step up: op -> php" in result.stdout
    assert comparison_row(result.stdout, "Level", "op", "php"), result.stdout


def test_previous_with_the_same_level_says_unchanged(bank: Bank, tmp_path: Path) -> None:
    earlier = write_summary(bank, example_answers(bank), tmp_path / "old.toml", created=EARLIER)
    later = write_answers_only(tmp_path / "new.toml", example_answers(bank) | {"stressors": "none"})
    result = score(later, "--previous", earlier)
    assert_exit(result, 0)
    assert "Since the earlier assessment: unchanged: op" in result.stdout


def test_export_with_previous_records_the_earlier_summary(bank: Bank, tmp_path: Path) -> None:
    _, old = scored(bank, php_case(bank))
    earlier = write_summary(bank, php_case(bank), tmp_path / "old.toml", created=EARLIER)
    later = write_answers_only(tmp_path / "new.toml", example_answers(bank))
    out = tmp_path / "export.toml"
    result = score(later, "--previous", earlier, "--export", out)
    assert_exit(result, 0)
    previous = tomllib.loads(out.read_text(encoding="utf-8"))["previous"]
    assert set(previous) == {"file", "date", "level", "composite", "movement", "outcomes"}
    assert previous["movement"] == "step down"
    assert set(previous["outcomes"]) == {"phq9", "gad7"}
    assert previous["file"] == "old.toml"
    assert previous["date"] in (EARLIER, EARLIER.date())
    assert previous["level"] == "php"
    assert previous["composite"] == old.composite


def test_export_with_an_undated_previous_file_omits_the_date(bank: Bank, tmp_path: Path) -> None:
    earlier = write_answers_only(tmp_path / "old.toml", php_case(bank))
    later = write_answers_only(tmp_path / "new.toml", example_answers(bank))
    out = tmp_path / "export.toml"
    result = score(later, "--previous", earlier, "--export", out)
    assert_exit(result, 0)
    previous = tomllib.loads(out.read_text(encoding="utf-8"))["previous"]
    assert "date" not in previous
    assert (previous["file"], previous["level"]) == ("old.toml", "php")


# ---------------------------------------------------------------------------------------------
# 7. --json
# ---------------------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_keys(bank: Bank, tmp_path: Path) -> None:
    # two rules set php (B1 at composite 20, F5), three more are also considered, one flag
    changes = {"age": 16, "support": "limited", "readiness": "ambivalent"}
    typed = in_bank_order(bank, php_case(bank) | changes | {"prior_treatment": "partly_helped"})
    result = score(write_summary(bank, typed, tmp_path / "s.toml"), "--json")
    assert_exit(result, 0)
    payload = json.loads(result.stdout)
    assert set(payload) == JSON_KEYS
    _, a = scored(bank, typed)
    assert payload["client_id"] == "EX-0001"
    assert (payload["level"], payload["level_name"]) == (a.level.code, a.level.title)
    assert payload["emergency"] is a.emergency
    assert payload["withdrawal_management"] == a.withdrawal_management == "ambulatory"
    assert payload["composite"] == a.composite
    assert payload["ratings"] == {letter: getattr(a.ratings, letter) for letter in RATING_LETTERS}
    assert payload["scores"]["phq9_total"] == a.scores.phq9_total
    assert payload["rules"] == list(a.rules)
    assert payload["reasons"] == list(a.reasons)
    assert payload["also_considered"] == list(a.also_considered)
    assert payload["flags"] == [{"code": f.code, "text": f.text} for f in a.flags]
    assert len(a.rules) >= 2 and a.also_considered and a.flags  # the case shows every list
    assert payload["bank"] == {"name": bank.name, "version": bank.version, "sha256": bank.sha256}
    assert payload["stored_recommendation_matches"] is True


# ---------------------------------------------------------------------------------------------
# 8. Overrides
# ---------------------------------------------------------------------------------------------


def test_override_is_kept_beside_the_recommendation_with_its_program_and_checklist(
    bank: Bank, tmp_path: Path
) -> None:
    answers, a = scored(bank, example_answers(bank))
    assert a.level.code == "op"
    override = Override("residential", "clinical_judgement", "note")
    path = tmp_path / "s.toml"
    toml_summary.write(path, build_record(bank, answers, a, override=override))
    document = tomllib.loads(path.read_text(encoding="utf-8"))

    table = document["override"]
    assert (table["level"], table["reason"], table["note"]) == (
        "residential",
        "clinical_judgement",
        "note",
    )
    assert isinstance(table["reason_text"], str) and table["reason_text"]
    assert "by" not in table  # empty: omitted, not a placeholder
    assert document["recommendation"]["level"] == "op"
    assert document["program"]["name"] == bank.programs["residential"].name
    assert document["checklist"]["level"] == "residential"
    with_override = {item["id"] for item in document["checklist"]["items"]}
    without = {item["id"] for item in summary_document(bank, answers, a)["checklist"]["items"]}
    assert "prior_auth" in with_override - without  # prior authorization: iop and above


def test_override_with_only_a_reason_omits_note_and_by(bank: Bank) -> None:
    answers, a = scored(bank, example_answers(bank))
    override = Override("iop", "patient_preference")
    document = summary_document(bank, answers, a, override=override)
    assert set(document["override"]) == {"level", "reason", "reason_text"}
    assert None not in walk(document) and "" not in walk(document)


def test_rescoring_an_overridden_summary_keeps_the_recommendation(
    bank: Bank, tmp_path: Path
) -> None:
    override = Override("residential", "safety_concern", by="JS")
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml", override=override)
    result = score(path)
    assert_exit(result, 0)
    assert "Re-scored: same recommendation as stored (op)." in result.stdout
    assert "warning" not in result.stderr


def test_invalid_answers_that_meet_imminent_risk_still_show_the_crisis_banner(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank) | {"cssrs_2": True, "cssrs_3": False, "cssrs_4": False}
    typed |= {"cssrs_5": True, "payer": "bcbs"}
    result = score(write_answers_only(tmp_path / "s1.toml", typed))
    assert_exit(result, 1)
    assert "EMERGENCY: imminent risk" in result.stderr
    assert "988" in result.stderr
    assert result.stderr.index("988") < result.stderr.index("payer: expected one of")


def test_invalid_answers_without_imminent_risk_show_no_banner(bank: Bank, tmp_path: Path) -> None:
    typed = example_answers(bank) | {"payer": "bcbs"}
    result = score(write_answers_only(tmp_path / "bad.toml", typed))
    assert_exit(result, 1)
    assert "EMERGENCY" not in result.stderr


def test_rescoring_keeps_a_clinician_override(bank: Bank, tmp_path: Path) -> None:
    override = Override("iop", "patient_preference", "prefers evenings")
    first = write_summary(bank, example_answers(bank), tmp_path / "ov.toml", override=override)
    result = score(first, "--export", tmp_path / "again.toml")
    assert_exit(result, 0)
    assert "Clinician override: Intensive outpatient (IOP) [iop]" in result.stdout
    again = tomllib.loads((tmp_path / "again.toml").read_text(encoding="utf-8"))
    assert again["override"]["level"] == "iop"
    assert again["override"]["note"] == "prefers evenings"
    assert again["recommendation"]["level"] == "op"
    assert again["checklist"]["level"] == "iop"


def test_an_unusable_override_is_an_error_not_dropped(bank: Bank, tmp_path: Path) -> None:
    path = write_summary(bank, example_answers(bank), tmp_path / "s.toml")
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[override]\nlevel = "spa"\n', encoding="utf-8"
    )
    result = score(path)
    assert_exit(result, 2)
    assert "[override] needs a level" in result.output
