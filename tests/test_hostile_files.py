"""Hostile files: TOML nested thousands of levels deep (summary, draft, bank), stored scores and
ratings edited by hand, another client's summary given as --previous, and bank patterns that
would make matching take minutes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner, Result

from triage_cli.answers import parse_answers
from triage_cli.bank import load_bank
from triage_cli.bank.patterns import nonlinear_reason
from triage_cli.bank.schema import CLIENT_ID_PATTERN
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.errors import InputError
from triage_cli.formats import toml_summary
from triage_cli.nesting import too_deep
from triage_cli.record.drafts import read_draft
from triage_cli.record.model import build_record
from triage_cli.scoring import assess

from conftest import EditBank, assert_exit, question_table
from strategies import as_text, refill

runner = CliRunner()
BANK = load_bank()


def invoke(*args: object) -> Result:
    return runner.invoke(app, [*map(str, args)])


def deep_array(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_tables(depth: int) -> str:
    return "[" + ".".join(["x"] * depth) + "]\ny = 1\n"


def summary_file(path: Path, client_id: str = "EX-0001", **changes: Any) -> Path:
    typed = example_answers(BANK) | {"client_id": client_id} | changes
    answers = parse_answers(BANK, typed)
    return toml_summary.write(path, build_record(BANK, answers, assess(answers)))


# ---------------------------------------------------------------------------------------------
# Nesting
# ---------------------------------------------------------------------------------------------


def test_too_deep_counts_levels() -> None:
    assert not too_deep({"a": [[1]]}, limit=3)
    assert too_deep({"a": [[[1]]]}, limit=3)
    assert not too_deep("x" * 100)


@pytest.mark.parametrize("depth", [5_000, 10_000])
@pytest.mark.parametrize("shape", [deep_array, deep_tables])
def test_a_deeply_nested_summary_is_a_clear_exit_2(tmp_path: Path, depth: int, shape: Any) -> None:
    path = tmp_path / "deep.toml"
    value = f"a = {shape(depth)}\n" if shape is deep_array else shape(depth)
    path.write_text(f"[answers]\nage = 40\n{value}", encoding="utf-8")
    result = invoke("score", path)
    assert_exit(result, 2)
    assert "nested more than 32 levels deep" in result.stderr


def test_a_deeply_nested_answer_value_is_a_clear_exit_2(tmp_path: Path) -> None:
    """tomllib reads dotted keys thousands deep; the value would break what walks it."""
    path = tmp_path / "deep.toml"
    path.write_text("[answers." + ".".join(["x"] * 5_000) + "]\ny = 1\n", encoding="utf-8")
    result = invoke("score", path)
    assert_exit(result, 2)
    assert "nested more than 32 levels deep" in result.stderr


def test_a_deeply_nested_draft_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.draft.toml"
    path.write_text(f"[answers]\nage = {deep_array(10_000)}\n", encoding="utf-8")
    with pytest.raises(InputError, match="nested more than 32 levels deep"):
        read_draft(BANK, path)


@pytest.mark.parametrize("depth", [5_000, 10_000])
def test_a_deeply_nested_bank_is_a_clear_exit_2(
    edit_bank: EditBank, bank_copy: Path, depth: int
) -> None:
    programs = bank_copy / "programs.toml"
    programs.write_text(
        programs.read_text(encoding="utf-8") + f"\nz = {deep_array(depth)}\n", encoding="utf-8"
    )
    result = invoke("questions", "check", bank_copy)
    assert_exit(result, 2)
    assert "programs.toml: nested more than 32 levels deep" in result.stderr


# ---------------------------------------------------------------------------------------------
# Stored values edited by hand
# ---------------------------------------------------------------------------------------------


def edited(path: Path, table: str, key: str, value: object) -> Path:
    import tomllib

    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document[table][key] = value
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def test_hand_edited_ratings_and_scores_are_named_in_a_warning(tmp_path: Path) -> None:
    path = edited(summary_file(tmp_path / "s.toml"), "ratings", "R", 5)
    path = edited(path, "scores", "phq9_total", 27)
    result = invoke("score", path)
    assert_exit(result, 0)
    (warning,) = [line for line in result.stderr.splitlines() if "stored values" in line]
    assert "ratings.R stored 5, now 1" in warning
    assert "scores.phq9_total stored 27, now 12" in warning


def test_json_lists_the_stored_differences(tmp_path: Path) -> None:
    path = edited(summary_file(tmp_path / "s.toml"), "ratings", "composite", "13")
    payload = json.loads(invoke("score", path, "--json").stdout)
    assert payload["stored_differences"] == ["ratings.composite"]  # "13" is not 13


def test_an_unedited_summary_has_no_stored_differences(tmp_path: Path) -> None:
    result = invoke("score", summary_file(tmp_path / "s.toml"), "--json")
    assert_exit(result, 0)
    assert json.loads(result.stdout)["stored_differences"] == []
    assert "stored values" not in result.stderr


# ---------------------------------------------------------------------------------------------
# --previous of another client
# ---------------------------------------------------------------------------------------------


def test_previous_of_another_client_is_refused_naming_both(tmp_path: Path) -> None:
    now = summary_file(tmp_path / "a.toml", "CLIENT-A")
    other = summary_file(tmp_path / "b.toml", "CLIENT-B", impair_work=3)
    export = tmp_path / "out.toml"
    result = invoke("score", now, "--previous", other, "--export", export)
    assert_exit(result, 2)
    assert "b.toml is client CLIENT-B, not CLIENT-A" in result.stderr
    assert not export.exists()


def test_previous_of_the_same_client_is_compared(tmp_path: Path) -> None:
    now = summary_file(tmp_path / "a.toml", "CLIENT-A")
    earlier = summary_file(tmp_path / "b.toml", "CLIENT-A", impair_work=3)
    result = invoke("score", now, "--previous", earlier)
    assert_exit(result, 0)
    assert "Since the earlier assessment: step down: iop -> op" in result.stdout


# ---------------------------------------------------------------------------------------------
# Bank patterns
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a+)+b", "a repeat is nested inside another repeat"),
        ("(a|a)*b", "an alternation is repeated"),
        ("a*a*b", "two repeats without an upper bound can take the same text"),
        (r"\d+\w*", "two repeats without an upper bound can take the same text"),
        ("x*(y?)x*", "two repeats without an upper bound can take the same text"),
        (".*x.*x.*x.*y", "two repeats without an upper bound can take the same text"),
        ("(.*x)(.*x)y", "two repeats without an upper bound can take the same text"),
        (r"\d+\.?\d*", "two repeats without an upper bound can take the same text"),
        (r"(a)\1", "it uses a backreference"),
        ("(?=a)a+", "it uses lookahead or lookbehind"),
        ("(?<!b)a", "it uses lookahead or lookbehind"),
    ],
)
def test_patterns_that_could_backtrack_are_refused(pattern: str, reason: str) -> None:
    assert nonlinear_reason(pattern) == reason


@pytest.mark.parametrize(
    "pattern",
    [
        CLIENT_ID_PATTERN,
        r"^MRN-\d{6,10}$",
        r"[A-Z]{2}\d+",
        r"\w+@\w+\.\w+",
        "(ab)*c",
        "a*(b)a*",
        r"[^-]+-.+",
        "x+y+",
    ],
)
def test_linear_patterns_are_allowed(pattern: str) -> None:
    assert nonlinear_reason(pattern) is None


def test_questions_check_names_a_refused_pattern_with_its_reason(edit_bank: EditBank) -> None:
    def evil(data: dict[str, Any]) -> None:
        question_table(data, "client_id")["pattern"] = "(a+)+b"

    result = invoke("questions", "check", edit_bank("intake.toml", evil))
    assert_exit(result, 2)
    assert (
        "question 'client_id': 'pattern' (a+)+b is refused: a repeat is nested inside another "
        "repeat" in " ".join(result.stderr.split())
    )


def test_batch_with_an_evil_pattern_bank_stops_at_once(edit_bank: EditBank, tmp_path: Path) -> None:
    """The bank is refused when loaded: the 33 'a's that hung batch are never matched."""

    def evil(data: dict[str, Any]) -> None:
        question_table(data, "client_id")["pattern"] = "(a+)+b"

    folder = edit_bank("intake.toml", evil)
    source = tmp_path / "in.csv"
    source.write_text("client_id\n" + "a" * 33 + "\n", encoding="utf-8")
    result = invoke("batch", source, "--questions", folder)
    assert_exit(result, 2)
    assert "is refused" in result.stderr


# ---------------------------------------------------------------------------------------------
# CSV edge cases
# ---------------------------------------------------------------------------------------------

IDS = [q.id for q in BANK.questions]


def csv_row(typed: dict[str, Any]) -> str:
    return ",".join(as_text(typed).get(qid, "") for qid in IDS) + "\n"


def emergency_row(client_id: str) -> str:
    typed = refill(BANK, example_answers(BANK) | {"client_id": client_id})
    return csv_row(refill(BANK, typed | {"cssrs_1": True, "cssrs_2": True, "cssrs_4": True}))


def good_row(client_id: str) -> str:
    return csv_row(refill(BANK, example_answers(BANK) | {"client_id": client_id}))


def results_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_field_over_the_size_limit_cannot_smuggle_rows(tmp_path: Path) -> None:
    """The rest of a huge quoted field is not read as rows: the record is one rejected row."""
    smuggled = good_row("INJ-0")
    huge = '"' + "x" * 200_000 + "\n" + smuggled + "y" * 10 + '"'
    text = ",".join(IDS) + "\n" + good_row("OK-1") + f"{huge},34\n" + good_row("OK-2")
    source = tmp_path / "in.csv"
    source.write_text(text, encoding="utf-8")
    result = invoke("batch", source)
    assert_exit(result, 1)
    assert [r["client_id"] for r in results_of(tmp_path / "in.results.csv")] == ["OK-1", "OK-2"]
    errors = results_of(tmp_path / "in.errors.csv")
    assert [(e["line"], e["field"]) for e in errors] == [("3", "(row)")]
    assert "field larger than field limit" in errors[0]["problem"]
    assert "1 rejected" in result.stderr


def test_a_field_over_the_size_limit_cannot_smuggle_rows_through_stdin() -> None:
    smuggled = good_row("INJ-0")
    huge = '"' + "x" * 200_000 + "\n" + smuggled + '"'
    rows = "".join(good_row(f"OK-{n}") for n in range(5_000))  # past stdin's look-back window
    text = ",".join(IDS) + "\n" + rows + f"{huge},34\n" + good_row("LAST")
    result = runner.invoke(app, ["batch", "-", "--errors", "-"], input=text)
    assert result.exit_code == 1, result.output
    scored = [line.split(",", 1)[0] for line in result.stdout.splitlines()[1:]]
    assert scored == [*(f"OK-{n}" for n in range(5_000)), "LAST"]
    assert "line 5002: (row): unreadable row (lines 5,002-5,004): field larger" in result.stderr


def test_a_stray_quote_in_an_unquoted_field_does_not_open_quoting(tmp_path: Path) -> None:
    """Quoting opens only at a field's start: `a"b` is a literal, as the csv module reads it.
    Counting quotes would see an odd number and swallow the real row after the bad one, or
    (in the other order) score a row smuggled inside the field."""
    big = "C" * 140_000
    inside = good_row("INJ-0").rstrip("\n")
    smuggle = f'a"b,"{big}\n{inside}\n",1\n'  # a quoted field opened after a stray quote
    swallow = f'X"{big}\n'  # an unquoted field with a quote in it: the record ends here
    text = ",".join(IDS) + "\n" + smuggle + swallow + good_row("REAL-1") + good_row("LAST")
    source = tmp_path / "in.csv"
    source.write_text(text, encoding="utf-8")
    result = invoke("batch", source)
    assert_exit(result, 1)
    assert [r["client_id"] for r in results_of(tmp_path / "in.results.csv")] == ["REAL-1", "LAST"]
    errors = results_of(tmp_path / "in.errors.csv")
    assert [e["line"] for e in errors] == ["2", "5"]
    assert "(lines 2-4)" in errors[0]["problem"]


def test_a_huge_field_over_many_lines_is_skipped_line_by_line(tmp_path: Path) -> None:
    lines = "\n".join(["z" * 1000] * 300)  # 300 kB in one quoted field, 300 lines
    text = ",".join(IDS) + "\n" + f'"{lines}",1\n' + good_row("AFTER-1")
    source = tmp_path / "in.csv"
    source.write_text(text, encoding="utf-8")
    result = invoke("batch", source)
    assert_exit(result, 1)
    assert [r["client_id"] for r in results_of(tmp_path / "in.results.csv")] == ["AFTER-1"]
    (error,) = results_of(tmp_path / "in.errors.csv")
    assert error["line"] == "2"


def test_a_repeated_unknown_column_is_ignored_with_one_warning(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        ",".join([*IDS, "notes", "notes"]) + "\n" + good_row("N-1").rstrip("\n") + ",a,b\n",
        encoding="utf-8",
    )
    result = invoke("batch", source)
    assert_exit(result, 0)
    assert result.stderr.count("warning: ignored unknown column(s): notes\n") == 1


def test_a_repeated_answer_column_rejects_the_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(",".join([*IDS, "age"]) + "\n", encoding="utf-8")
    result = invoke("batch", source)
    assert_exit(result, 2)
    assert "column(s) named twice: age" in result.stderr


def test_a_very_wide_header_is_checked_and_its_warning_capped(tmp_path: Path) -> None:
    extra = [f"x{n}" for n in range(20_000)]
    source = tmp_path / "wide.csv"
    source.write_text(
        ",".join([*IDS, *extra]) + "\n" + good_row("W-1").rstrip("\n") + "," * 20_000 + "\n",
        encoding="utf-8",
    )
    result = invoke("batch", source)
    assert_exit(result, 0)
    (warning,) = [line for line in result.stderr.splitlines() if "unknown column" in line]
    assert warning == (
        "warning: ignored unknown column(s): " + ", ".join(extra[:10]) + " and 19,990 more"
    )


def test_a_hostile_column_name_is_escaped_and_the_emergency_said_last(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    header = ",".join([*IDS, "notes\x1b[1;1f\x1b[2KALL CLEAR"])
    source.write_text(header + "\n" + emergency_row("EM-1").rstrip("\n") + ",x\n", encoding="utf-8")
    result = invoke("batch", source)
    assert_exit(result, 0)
    assert "\x1b" not in result.stderr
    assert "notes\\x1b[1;1f\\x1b[2kall clear" in result.stderr  # names are lower-cased
    lines = result.stderr.rstrip("\n").splitlines()
    assert lines[0].startswith("EMERGENCY: 1 client(s)")
    assert lines[-1] == lines[0]  # said again after the column names


def test_the_error_report_shows_controls_in_values_escaped(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    bad = refill(BANK, example_answers(BANK) | {"client_id": "B-1"})
    text = as_text(bad) | {"housing": "\x1b[2Jcastle\u202e"}
    source.write_text(
        ",".join(IDS) + "\n" + ",".join(text.get(q, "") for q in IDS) + "\n", encoding="utf-8"
    )
    result = invoke("batch", source)
    assert_exit(result, 1)
    (error,) = results_of(tmp_path / "in.errors.csv")
    assert error["field"] == "housing"
    assert "\x1b" not in error["problem"] and "\u202e" not in error["problem"]
    assert "castle" in error["problem"]


# ---------------------------------------------------------------------------------------------
# The emergency stays visible when a later step fails
# ---------------------------------------------------------------------------------------------


def emergency_summary(path: Path) -> Path:
    """Active ideation with intent (cssrs_4): rule S1, the emergency disposition."""
    safety = {"cssrs_1": True, "cssrs_2": True, "cssrs_3": False, "cssrs_4": True}
    return summary_file(path, **safety, cssrs_5=False)


@pytest.mark.parametrize("failure", ["export_exists", "export_unwritable", "previous_other"])
def test_an_emergency_is_shown_around_an_error_after_scoring(tmp_path: Path, failure: str) -> None:
    path = emergency_summary(tmp_path / "em.toml")
    if failure == "export_exists":
        (tmp_path / "out.toml").write_text("x", encoding="utf-8")
        args = ["--export", tmp_path / "out.toml"]
    elif failure == "export_unwritable":
        args = ["--export", "/proc/x.toml"]
    else:
        args = ["--previous", summary_file(tmp_path / "b.toml", "OTHER-1")]
    result = invoke("score", path, *args)
    assert_exit(result, 2)
    assert result.stderr.count("EMERGENCY: imminent risk") == 2
    assert result.stderr.index("EMERGENCY") < result.stderr.index("error:")
    assert result.stderr.rindex("EMERGENCY") > result.stderr.index("error:")
