"""`triage batch`: result columns and order, CSV and JSONL, stdin/stdout, the error report and its
line numbers, exit codes, private atomic files, real-world CSVs, and the end-of-run summary."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from triage_cli.answers import parse_answers
from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.scoring import assess

from conftest import EditBank, question_table
from strategies import answer_sets, as_text, refill

runner = CliRunner()
# hypothesis tests (and the helpers) use BANK, not the fixture: a falsifying example would
# print the fixture's 41 kB repr
BANK = load_bank()
IDS = [q.id for q in BANK.questions]
# DESIGN.md, "Batch results columns": written out here so that the test does not trust the code
RESULT_COLUMNS = [
    "client_id", "level", "emergency", "withdrawal_management", "composite",
    "rating_r", "rating_f", "rating_c", "rating_e", "rating_p", "rating_h", "rating_g",
    "phq9_total", "phq9_band", "gad7_total", "gad7_band", "auditc_total", "auditc_positive",
    "dast10_total", "dast10_band", "cssrs_risk", "rules", "flags",
]  # fmt: skip
ERROR_COLUMNS = ["line", "client_id", "field", "problem"]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def example(**changes: Value) -> dict[str, Value]:
    """The template's example adult (op) with some answers changed, skip logic re-applied."""
    return refill(BANK, example_answers(BANK) | changes)


def s1_case(client_id: str) -> dict[str, Value]:
    """Active ideation with some intention to act (cssrs_4): C-SSRS high, rule S1."""
    return example(client_id=client_id, cssrs_1=True, cssrs_2=True, cssrs_4=True)


def row(client_id: str, answers: dict[str, Value] | None = None, /, **raw: str) -> list[str]:
    """A CSV row in bank order: the answers (default: the example) as text, then `raw` text
    put in as it is (no skip logic re-applied, so a row can break it on purpose)."""
    text = as_text((answers or example()) | {"client_id": client_id}) | raw
    return [text.get(qid, "") for qid in IDS]


def record(fields: Sequence[str], delimiter: str = ",", newline: str = "\n") -> str:
    """One CSV record as text (quoted where needed, so it may span several lines)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(fields)
    return buffer.getvalue()


def csv_text(
    *rows: Sequence[str],
    header: Sequence[str] = IDS,
    delimiter: str = ",",
    newline: str = "\n",
) -> str:
    return "".join(record(fields, delimiter, newline) for fields in (header, *rows))


def write_input(folder: Path, text: str, name: str = "answers.csv") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def batch(*args: object, stdin: str | bytes | None = None) -> Result:
    return runner.invoke(app, ["batch", *map(str, args)], input=stdin)


def assert_exit(result: Result, code: int) -> None:
    """The exit code, reached on purpose: never an unhandled exception or a traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_errors(path: Path) -> list[tuple[int, str, str, str]]:
    """The error report's rows as (line, client_id, field, problem), after checking its header."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ERROR_COLUMNS
    return [(int(line), cid, field, problem) for line, cid, field, problem in rows[1:]]


def located(errors: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str]]:
    return [(line, cid, field) for line, cid, field, _ in errors]


def ids_of(rows: list[dict[str, str]]) -> list[str]:
    return [r["client_id"] for r in rows]


def names(folder: Path) -> list[str]:
    """Every entry of a folder, hidden temp files included."""
    return sorted(p.name for p in folder.iterdir())


def expected_result(answers: dict[str, Value]) -> dict[str, object]:
    """The typed result row for these answers, built from assess() (the JSONL spelling)."""
    a = assess(parse_answers(BANK, answers))
    s, r = a.scores, a.ratings
    return {
        "client_id": str(answers["client_id"]),
        "level": a.level.code,
        "emergency": a.emergency,
        "withdrawal_management": a.withdrawal_management,
        "composite": a.composite,
        **{f"rating_{letter.lower()}": getattr(r, letter) for letter in "RFCEPHG"},
        "phq9_total": s.phq9_total,
        "phq9_band": s.phq9_band,
        "gad7_total": s.gad7_total,
        "gad7_band": s.gad7_band,
        "auditc_total": s.auditc_total,
        "auditc_positive": s.auditc_positive,
        "dast10_total": s.dast10_total,
        "dast10_band": s.dast10_band,
        "cssrs_risk": s.cssrs_risk,
        "rules": sorted(a.rules),
        "flags": list(a.flag_codes),
    }


def csv_spelling(typed: dict[str, object]) -> dict[str, str]:
    """A typed result as DESIGN.md spells it in CSV: true/false, lists joined by ';'."""
    return {
        key: ("true" if value else "false")
        if isinstance(value, bool)
        else ";".join(value)
        if isinstance(value, list)
        else str(value)
        for key, value in typed.items()
    }


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def counts(line: str) -> dict[str, int]:
    """'levels: op 1, iop 0' -> {'op': 1, 'iop': 0}: a name, light punctuation, a number."""
    pairs = re.findall(r"(\w+)\W{1,3}(\d[\d,]*)", line)
    return {name: int(number.replace(",", "")) for name, number in pairs}


# ---------------------------------------------------------------------------------------------
# Results: columns, values, order, formats, where they go
# ---------------------------------------------------------------------------------------------


def test_results_have_the_contract_columns_in_order(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    result = batch(source)
    assert_exit(result, 0)
    with (tmp_path / "answers.results.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == RESULT_COLUMNS


def test_result_row_matches_assess_spelled_as_csv(tmp_path: Path) -> None:
    op, s1 = example(client_id="A-1"), s1_case("S-2")
    source = write_input(tmp_path, csv_text(row("A-1", op), row("S-2", s1)))
    result = batch(source)
    assert_exit(result, 0)
    rows = read_csv(tmp_path / "answers.results.csv")
    assert rows == [csv_spelling(expected_result(op)), csv_spelling(expected_result(s1))]
    # a check on the check: the two rows differ where the contract says they must
    assert (rows[0]["level"], rows[0]["emergency"]) == ("op", "false")
    assert (rows[1]["level"], rows[1]["emergency"]) == ("inpatient", "true")
    assert "S1" in rows[1]["rules"].split(";")


def test_rows_come_out_in_input_order(tmp_path: Path) -> None:
    order = ["Z-9", "A-1", "M-5", "B-2", "Y-8"]
    source = write_input(tmp_path, csv_text(*(row(cid) for cid in order)))
    assert_exit(batch(source), 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == order


def test_rejected_rows_leave_the_others_in_input_order(tmp_path: Path) -> None:
    rows = [row("C-3"), row("A-1", age="7"), row("B-2"), row("D-4", housing="castle"), row("E-5")]
    source = write_input(tmp_path, csv_text(*rows))
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["C-3", "B-2", "E-5"]


def test_default_output_sits_beside_the_input(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source), 0)
    assert names(tmp_path) == ["answers.csv", "answers.results.csv"]


def test_jsonl_default_output_is_named_results_jsonl(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source, "--format", "jsonl"), 0)
    assert names(tmp_path) == ["answers.csv", "answers.results.jsonl"]


def test_jsonl_has_the_same_keys_with_typed_values(tmp_path: Path) -> None:
    op, s1 = example(client_id="A-1"), s1_case("S-2")
    source = write_input(tmp_path, csv_text(row("A-1", op), row("S-2", s1)))
    assert_exit(batch(source, "--format", "jsonl"), 0)
    lines = (tmp_path / "answers.results.jsonl").read_text(encoding="utf-8").splitlines()
    results = [json.loads(line) for line in lines]
    assert [list(r) for r in results] == [RESULT_COLUMNS, RESULT_COLUMNS]
    assert results == [expected_result(op), expected_result(s1)]
    first = results[0]
    assert type(first["emergency"]) is bool and type(first["auditc_positive"]) is bool
    for key in ("composite", "rating_r", "rating_g", "phq9_total", "dast10_total"):
        assert type(first[key]) is int, key
    assert type(first["rules"]) is list and type(first["flags"]) is list
    assert results[1]["emergency"] is True


def test_explicit_output_path_is_used(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source, "-o", tmp_path / "out.csv"), 0)
    assert names(tmp_path) == ["answers.csv", "out.csv"]
    assert ids_of(read_csv(tmp_path / "out.csv")) == ["A-1"]


def test_output_dash_writes_results_to_stdout(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2")))
    result = batch(source, "-o", "-")
    assert_exit(result, 0)
    assert ids_of(list(csv.DictReader(io.StringIO(result.stdout)))) == ["A-1", "B-2"]
    assert names(tmp_path) == ["answers.csv"]


def test_stdin_input_writes_results_to_stdout_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = batch("-", stdin=csv_text(row("A-1"), row("B-2")))
    assert_exit(result, 0)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        csv_spelling(expected_result(example(client_id="A-1"))),
        csv_spelling(expected_result(example(client_id="B-2"))),
    ]
    assert names(tmp_path) == []


def test_stdin_jsonl_goes_to_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = batch("-", "--format", "jsonl", stdin=csv_text(row("A-1")))
    assert_exit(result, 0)
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        expected_result(example(client_id="A-1"))
    ]


def test_stdin_problems_go_to_stderr_as_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = csv_text(row("A-1"), row("C-2", age="200"), row("Jane Doe", housing="castle"))
    result = batch("-", stdin=text)
    assert_exit(result, 1)
    assert ids_of(list(csv.DictReader(io.StringIO(result.stdout)))) == ["A-1"]
    problems = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert problems[0].startswith("line 3 (C-2): age: ")
    assert "120" in problems[0]  # what was expected
    assert [p.split(": ")[:2] for p in problems[1:]] == [
        ["line 4", "client_id"],
        ["line 4", "housing"],
    ]
    assert "Jane" not in result.stderr
    assert names(tmp_path) == []


def test_stdin_with_errors_option_writes_the_report_file(tmp_path: Path) -> None:
    report = tmp_path / "problems.csv"
    result = batch("-", "--errors", report, stdin=csv_text(row("A-1"), row("C-2", age="200")))
    assert_exit(result, 1)
    assert located(read_errors(report)) == [(3, "C-2", "age")]
    assert not any(line.startswith("line 3") for line in result.stderr.splitlines())


# ---------------------------------------------------------------------------------------------
# The error report
# ---------------------------------------------------------------------------------------------


def test_no_error_report_when_every_row_is_scored(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source), 0)
    assert not (tmp_path / "answers.errors.csv").exists()


def test_error_report_lines_count_physical_lines(tmp_path: Path) -> None:
    """A quoted note spanning two lines in a valid row, then bad rows: every problem of each
    bad row, at the line an editor shows."""
    header = [*IDS, "notes"]
    text = (
        record(header)  # line 1
        + record([*row("A-1"), ""])  # line 2
        + record([*row("B-2"), "called back\nleft a message"])  # lines 3-4
        + record([*row("C-3", age="200", sex_at_birth="robot"), ""])  # line 5
        + record([*row("D-4", cssrs_3="yes"), ""])  # line 6: cssrs_2 is no
        + record([*row("Jane Doe", housing="castle"), ""])  # line 7
        + "E-5,34\n"  # line 8: two fields
        + record([*row("F-6"), ""])  # line 9
    )
    source = write_input(tmp_path, text)
    result = batch(source)
    assert_exit(result, 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "B-2", "F-6"]
    errors = read_errors(tmp_path / "answers.errors.csv")
    assert sorted(located(errors)) == [
        (5, "C-3", "age"),
        (5, "C-3", "sex_at_birth"),
        (6, "D-4", "cssrs_3"),
        (7, "", "client_id"),
        (7, "", "housing"),
        (8, "", "(row)"),
    ]
    problem = {(line, field): text for line, _, field, text in errors}
    assert "120" in problem[5, "age"]  # what was expected
    assert "female" in problem[5, "sex_at_birth"]
    assert "cssrs_2" in problem[6, "cssrs_3"]  # the answer that rules the question out


def test_bad_row_spanning_two_lines_is_reported_at_its_first_line(tmp_path: Path) -> None:
    header = [*IDS, "notes"]
    text = (
        record(header)
        + record([*row("A-1", age="7"), "first line\nsecond line"])  # lines 2-3
        + record([*row("B-2", age="7"), ""])  # line 4
    )
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 1)
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [
        (2, "A-1", "age"),
        (4, "B-2", "age"),
    ]


def test_invalid_client_id_is_never_echoed(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("Jane Doe"), row("Jane.Doe 1985", age="7")))
    result = batch(source)
    assert_exit(result, 1)
    report = (tmp_path / "answers.errors.csv").read_text(encoding="utf-8")
    assert sorted(located(read_errors(tmp_path / "answers.errors.csv"))) == [
        (2, "", "client_id"),
        (3, "", "age"),
        (3, "", "client_id"),
    ]
    assert "Jane" not in report
    assert "Jane" not in result.output


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("sex_at_birth", "robot"),
        ("age", "11"),
        ("age", "121"),
        ("age", "thirty"),
        ("phq9_1", "4"),
        ("auditc_1", "-1"),
        ("cssrs_1", "maybe"),
        ("housing", "castle"),
        ("withdrawal_now", "a little"),
    ],
)
def test_bad_answer_rejects_only_its_row(tmp_path: Path, field: str, bad: str) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2", **{field: bad}), row("C-3")))
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "C-3"]
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(3, "B-2", field)]


def test_answering_a_skipped_question_is_a_row_error(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1", cssrs_3="yes", cssrs_5="no")))
    assert_exit(batch(source), 1)
    errors = read_errors(tmp_path / "answers.errors.csv")
    assert located(errors) == [(2, "A-1", "cssrs_3"), (2, "A-1", "cssrs_5")]
    assert all("cssrs_2" in problem for *_, problem in errors)
    assert read_csv(tmp_path / "answers.results.csv") == []


def test_a_question_asked_but_left_blank_is_a_row_error(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1", cssrs_2="yes")))  # cssrs_3..5 blank
    assert_exit(batch(source), 1)
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [
        (2, "A-1", "cssrs_3"),
        (2, "A-1", "cssrs_4"),
        (2, "A-1", "cssrs_5"),
    ]


@pytest.mark.parametrize(
    "line",
    ["A-2,34,female\n", record([*row("A-2"), "surplus"])],
    ids=["too-few", "too-many"],
)
def test_wrong_number_of_fields_is_a_row_error(tmp_path: Path, line: str) -> None:
    text = csv_text(row("A-1")) + line + record(row("A-3"))
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "A-3"]
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(3, "", "(row)")]


def test_errors_option_chooses_the_report_path(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1", age="7")))
    assert_exit(batch(source, "--errors", tmp_path / "bad.csv"), 1)
    assert located(read_errors(tmp_path / "bad.csv")) == [(2, "A-1", "age")]
    assert names(tmp_path) == ["answers.csv", "answers.results.csv", "bad.csv"]


# ---------------------------------------------------------------------------------------------
# Exit 2: the file as a whole cannot be read, and nothing is left behind
# ---------------------------------------------------------------------------------------------


def latin1_bytes() -> bytes:
    """A valid row after many others, with a latin-1 'é' in an extra notes column."""
    rows = [record([*row(f"A-{n}"), "ok"]) for n in range(300)]
    tail = record([*row("B-1"), "caf\xe9"])
    return (record([*IDS, "notes"]) + "".join(rows)).encode() + tail.encode("latin-1")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", ["empty"]),
        (b"\n\n", ["empty"]),
        (b"Dear team,\nplease find the intake list attached.\n", []),
        (
            csv_text(
                [v for q, v in zip(IDS, row("A-1"), strict=True) if q not in ("age", "payer")],
                header=[q for q in IDS if q not in ("age", "payer")],
            ).encode(),
            ["age", "payer"],
        ),
    ],
    ids=["empty", "blank-lines-only", "not-a-csv", "missing-columns"],
)
def test_unreadable_file_exits_2_and_leaves_nothing(
    tmp_path: Path, content: bytes, says: list[str]
) -> None:
    (tmp_path / "answers.csv").write_bytes(content)
    result = batch(tmp_path / "answers.csv")
    assert_exit(result, 2)
    for word in says:
        assert word in result.stderr.lower(), word
    assert names(tmp_path) == ["answers.csv"]


def test_missing_columns_are_all_named_and_only_those(tmp_path: Path) -> None:
    kept = [q for q in IDS if q not in ("age", "housing", "referral")]
    source = write_input(tmp_path, record(kept))
    result = batch(source)
    assert_exit(result, 2)
    message = result.stderr.replace("\n", " ")
    for qid in ("age", "housing", "referral"):
        assert qid in message
    assert "client_id" not in message and "payer" not in message


def test_a_bad_byte_on_stdin_rejects_only_its_row(tmp_path: Path) -> None:
    result = batch("-", "-o", tmp_path / "out.csv", stdin=latin1_bytes())
    assert_exit(result, 1)
    assert ids_of(read_csv(tmp_path / "out.csv")) == [f"A-{n}" for n in range(300)]
    [problem] = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert problem.startswith("line 302 (B-1): notes: not valid UTF-8")
    assert "--encoding" in problem


def test_missing_input_file_exits_2(tmp_path: Path) -> None:
    result = batch(tmp_path / "nowhere.csv")
    assert_exit(result, 2)
    assert "nowhere.csv" in result.stderr
    assert names(tmp_path) == []


def test_path_through_a_file_is_unreadable_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    result = batch(tmp_path / "notes.txt" / "answers.csv")
    assert_exit(result, 2)
    assert "answers.csv" in result.stderr
    assert names(tmp_path) == ["notes.txt"]


def test_folder_as_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    result = batch(tmp_path / "exports")
    assert_exit(result, 2)
    assert "folder" in result.stderr
    assert names(tmp_path) == ["exports"]
    assert names(tmp_path / "exports") == []


def test_unknown_encoding_exits_2(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    result = batch(source, "--encoding", "klingon-8")
    assert_exit(result, 2)
    assert "klingon-8" in result.stderr
    assert names(tmp_path) == ["answers.csv"]


@pytest.mark.parametrize(
    "option", [["--delimiter", ";;"], ["--format", "xml"]], ids=["delimiter", "format"]
)
def test_bad_option_exits_2_and_leaves_nothing(tmp_path: Path, option: list[str]) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source, *option), 2)
    assert names(tmp_path) == ["answers.csv"]


def test_questions_option_scores_against_that_bank(tmp_path: Path, edit_bank: EditBank) -> None:
    adults_only = edit_bank("intake.toml", lambda d: question_table(d, "age").update(min=18))
    (tmp_path / "run").mkdir()
    source = write_input(tmp_path / "run", csv_text(row("A-1", age="16"), row("B-2")))
    assert_exit(batch(source, "-o", tmp_path / "default.csv"), 0)
    assert_exit(batch(source, "--questions", adults_only), 1)
    assert ids_of(read_csv(tmp_path / "run" / "answers.results.csv")) == ["B-2"]
    assert located(read_errors(tmp_path / "run" / "answers.errors.csv")) == [(2, "A-1", "age")]


def test_invalid_question_bank_exits_2_and_leaves_nothing(
    tmp_path: Path, edit_bank: EditBank
) -> None:
    broken = edit_bank("intake.toml", lambda d: question_table(d, "age").update(colour="red"))
    (tmp_path / "run").mkdir()
    source = write_input(tmp_path / "run", csv_text(row("A-1")))
    result = batch(source, "--questions", broken)
    assert_exit(result, 2)
    assert "intake.toml" in result.stderr
    assert names(tmp_path / "run") == ["answers.csv"]


def test_latin1_file_is_read_with_encoding_option(tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_bytes(latin1_bytes())
    assert_exit(batch(tmp_path / "answers.csv", "--encoding", "latin-1"), 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv"))[-1] == "B-1"


# ---------------------------------------------------------------------------------------------
# Private, atomic files; never replaced without --force; never the input
# ---------------------------------------------------------------------------------------------


def test_results_and_error_report_are_private(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2", age="7")))
    assert_exit(batch(source), 1)
    for name in ("answers.results.csv", "answers.errors.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_existing_results_file_is_not_replaced_without_force(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    (tmp_path / "answers.results.csv").write_text("earlier results\n", encoding="utf-8")
    result = batch(source)
    assert_exit(result, 2)
    assert "already exists; use --force" in result.stderr
    assert (tmp_path / "answers.results.csv").read_text(encoding="utf-8") == "earlier results\n"
    assert names(tmp_path) == ["answers.csv", "answers.results.csv"]


def test_existing_error_report_is_not_replaced_without_force(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1", age="7")))
    (tmp_path / "answers.errors.csv").write_text("earlier errors\n", encoding="utf-8")
    result = batch(source)
    assert_exit(result, 2)
    assert "already exists; use --force" in result.stderr
    assert (tmp_path / "answers.errors.csv").read_text(encoding="utf-8") == "earlier errors\n"
    assert names(tmp_path) == ["answers.csv", "answers.errors.csv"]


def test_force_replaces_results_and_errors(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2", age="7")))
    (tmp_path / "answers.results.csv").write_text("earlier results\n", encoding="utf-8")
    (tmp_path / "answers.errors.csv").write_text("earlier errors\n", encoding="utf-8")
    assert_exit(batch(source, "--force"), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1"]
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(3, "B-2", "age")]
    assert stat.S_IMODE((tmp_path / "answers.results.csv").stat().st_mode) == 0o600


def test_force_on_a_clean_run_leaves_a_header_only_error_report(tmp_path: Path) -> None:
    """The old report described another run: it is replaced by this run's (no rows), never
    silently deleted, and the summary says so."""
    source = write_input(tmp_path, csv_text(row("A-1")))
    (tmp_path / "answers.errors.csv").write_text("earlier errors\n", encoding="utf-8")
    result = batch(source, "--force")
    assert_exit(result, 0)
    assert names(tmp_path) == ["answers.csv", "answers.errors.csv", "answers.results.csv"]
    assert read_errors(tmp_path / "answers.errors.csv") == []
    assert stat.S_IMODE((tmp_path / "answers.errors.csv").stat().st_mode) == 0o600
    [line] = [line for line in stderr_lines(result) if line.startswith("errors:")]
    assert "answers.errors.csv" in line and "only the header" in line


def test_a_clean_run_creates_no_error_report_even_with_force(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    assert_exit(batch(source, "--force", "--errors", tmp_path / "named.csv"), 0)
    assert names(tmp_path) == ["answers.csv", "answers.results.csv"]


@pytest.mark.parametrize("option", ["-o", "--errors"])
def test_output_equal_to_the_input_is_refused(tmp_path: Path, option: str) -> None:
    text = csv_text(row("A-1"), row("B-2", age="7"))
    source = write_input(tmp_path, text)
    result = batch(source, option, tmp_path / "." / "answers.csv", "--force")
    assert_exit(result, 2)
    assert source.read_text(encoding="utf-8") == text
    assert names(tmp_path) == ["answers.csv"]


# ---------------------------------------------------------------------------------------------
# Real-world CSVs
# ---------------------------------------------------------------------------------------------


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    source = write_input(tmp_path, "\ufeff" + csv_text(row("A-1")))
    assert_exit(batch(source), 0)
    assert read_csv(tmp_path / "answers.results.csv") == [
        csv_spelling(expected_result(example(client_id="A-1")))
    ]


def test_crlf_line_endings_are_read_and_lines_still_counted(tmp_path: Path) -> None:
    text = csv_text(row("A-1"), row("B-2", age="7"), row("C-3"), newline="\r\n")
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 1)
    results = read_csv(tmp_path / "answers.results.csv")
    assert ids_of(results) == ["A-1", "C-3"]
    assert not any("\r" in value for result in results for value in result.values())
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(3, "B-2", "age")]


def test_semicolon_delimiter_is_sniffed(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2"), delimiter=";"))
    assert_exit(batch(source), 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "B-2"]


def test_delimiter_option_reads_an_unsniffed_delimiter(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2"), delimiter="|"))
    assert_exit(batch(source, "--delimiter", "|"), 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "B-2"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_trailing_blank_lines_and_excel_empty_rows_are_skipped(
    tmp_path: Path, newline: str
) -> None:
    empty = "," * (len(IDS) - 1) + newline
    text = csv_text(row("A-1"), row("B-2"), newline=newline) + empty * 3 + newline * 2
    source = write_input(tmp_path, text)
    result = batch(source)
    assert_exit(result, 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "B-2"]
    assert "2 rows read: 2 scored, 0 rejected" in result.stderr
    assert names(tmp_path) == ["answers.csv", "answers.results.csv"]


def test_excel_semicolon_export_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    """What Excel writes in a European locale: BOM, ';', CRLF, a quoted note over two lines,
    capitalised headers and trailing all-empty rows."""
    header = [*(qid.capitalize() for qid in IDS), "Notes"]
    s1 = s1_case("S-2")
    rows = [[*row("A-1"), "called; no answer"], [*row("S-2", s1), "line one\r\nline two"]]
    empty = ";" * len(IDS) + "\r\n"
    text = "\ufeff" + csv_text(*rows, header=header, delimiter=";", newline="\r\n") + empty * 2
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 0)
    assert read_csv(tmp_path / "answers.results.csv") == [
        csv_spelling(expected_result(example(client_id="A-1"))),
        csv_spelling(expected_result(s1)),
    ]


def test_header_names_ignore_case_and_surrounding_spaces(tmp_path: Path) -> None:
    header = [f" {qid.upper()}  " if n % 2 else qid.title() for n, qid in enumerate(IDS)]
    source = write_input(tmp_path, csv_text(row("A-1"), header=header))
    assert_exit(batch(source), 0)
    assert read_csv(tmp_path / "answers.results.csv") == [
        csv_spelling(expected_result(example(client_id="A-1")))
    ]


def test_header_columns_in_another_order_are_matched_by_name(tmp_path: Path) -> None:
    s1 = s1_case("S-1")
    order = list(reversed(IDS))
    text = as_text(s1)
    source = write_input(tmp_path, csv_text([text.get(q, "") for q in order], header=order))
    assert_exit(batch(source), 0)
    assert read_csv(tmp_path / "answers.results.csv") == [csv_spelling(expected_result(s1))]


def test_unknown_columns_are_ignored_with_one_warning_naming_them(tmp_path: Path) -> None:
    header = ["Referring_Clinic", *IDS, "coordinator_notes"]
    rows = [["north", *row("A-1"), "first call"], ["south", *row("B-2"), ""]]
    source = write_input(tmp_path, csv_text(*rows, header=header))
    result = batch(source)
    assert_exit(result, 0)
    assert read_csv(tmp_path / "answers.results.csv") == [
        csv_spelling(expected_result(example(client_id="A-1"))),
        csv_spelling(expected_result(example(client_id="B-2"))),
    ]
    lines = [line.lower() for line in stderr_lines(result)]
    [warning] = [line for line in lines if "referring_clinic" in line or "coordinator" in line]
    assert "referring_clinic" in warning and "coordinator_notes" in warning
    assert "client_id" not in warning


def test_codes_ignore_case_and_surrounding_spaces(tmp_path: Path) -> None:
    meant = example(
        client_id="A-1",
        sex_at_birth="male",
        cssrs_1=True,
        cssrs_6=True,
        cssrs_6_recent=False,
        harm_others="thoughts",
        phq9_9=2,
        psychosis=True,
        withdrawal_now="mild",
        withdrawal_complicated=False,
        housing="unstable",
        home_safe=False,
        stressors="several",
        support="limited",
    )
    sloppy = row(
        "A-1",
        meant,
        sex_at_birth=" MALE ",
        cssrs_1="Y",
        cssrs_6=" TRUE",
        cssrs_6_recent="n ",
        harm_others=" Thoughts ",
        phq9_9=" 2 ",
        psychosis="1",
        withdrawal_now="Mild",
        withdrawal_complicated="0",
        housing=" UNSTABLE",
        home_safe="No",
        stressors="Several ",
        support=" limited",
    )
    source = write_input(tmp_path, csv_text(sloppy))
    assert_exit(batch(source), 0)
    [got] = read_csv(tmp_path / "answers.results.csv")
    assert got == csv_spelling(expected_result(meant))
    # a check on the check: these answers score differently from the example's
    assert got != csv_spelling(expected_result(example(client_id="A-1")))


@pytest.mark.parametrize(
    ("field", "bad"), [("cssrs_1", "no\x00"), ("housing", "\x00"), ("client_id", "A-\x001")]
)
def test_nul_byte_in_a_field_is_a_row_error(tmp_path: Path, field: str, bad: str) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2", **{field: bad}), row("C-3")))
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "C-3"]
    reported_id = "" if field == "client_id" else "B-2"  # an invalid id is never echoed
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(3, reported_id, field)]


def test_field_beyond_the_csv_module_limit_is_a_row_error(tmp_path: Path) -> None:
    huge = "x" * 200_000
    text = csv_text(row("A-1"), row(huge), row("C-3", age="7"), row("D-4"))
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "D-4"]
    report = tmp_path / "answers.errors.csv"
    assert located(read_errors(report)) == [(3, "", "(row)"), (4, "C-3", "age")]
    assert "xxxxxxxxxx" not in report.read_text(encoding="utf-8")


def test_answer_beyond_the_256_character_limit_is_a_row_error(tmp_path: Path) -> None:
    # a valid code padded to 1,000 characters: only the length limit can reject it
    padded = "stable".ljust(1000)
    text = csv_text(row("A-1", housing=padded), row("B-2", housing="stable  "))
    source = write_input(tmp_path, text)
    assert_exit(batch(source), 1)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["B-2"]
    assert located(read_errors(tmp_path / "answers.errors.csv")) == [(2, "A-1", "housing")]


# ---------------------------------------------------------------------------------------------
# The summary on stderr
# ---------------------------------------------------------------------------------------------


def test_duplicate_client_ids_are_all_scored_with_a_warning(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2"), row("A-1")))
    result = batch(source)
    assert_exit(result, 0)
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "B-2", "A-1"]
    [warning] = [line for line in stderr_lines(result) if "appear more than once" in line]
    assert "A-1" in warning and "B-2" not in warning


def test_no_duplicate_warning_when_ids_are_unique(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("B-2")))
    result = batch(source)
    assert_exit(result, 0)
    assert "more than once" not in result.stderr


def test_summary_puts_emergencies_first_then_counts(tmp_path: Path) -> None:
    harm = example(client_id="S-9", harm_others="plan_or_intent")  # S1 by the other route
    rows = [row("A-1"), row("S-7", s1_case("S-7")), row("B-2", age="7"), row("S-9", harm)]
    source = write_input(tmp_path, csv_text(*rows))
    result = batch(source)
    assert_exit(result, 1)
    lines = stderr_lines(result)
    assert lines[0].startswith("EMERGENCY: 2 client(s) need same-day emergency evaluation")
    assert re.findall(r"S-\d", lines[0].rsplit(":", 1)[1]) == ["S-7", "S-9"]
    assert lines[1] == "4 rows read: 3 scored, 1 rejected"
    [levels] = [counts(line) for line in lines if "residential" in line]
    assert levels == {"op": 1, "iop": 0, "php": 0, "residential": 0, "inpatient": 2}
    [withdrawal] = [counts(line) for line in lines if "withdrawal" in line]
    assert withdrawal.get("none") == 3 and withdrawal.get("ambulatory", 0) == 0
    assert str(tmp_path / "answers.results.csv") in result.stderr
    assert str(tmp_path / "answers.errors.csv") in result.stderr
    [s1] = [r for r in read_csv(tmp_path / "answers.results.csv") if r["client_id"] == "S-7"]
    assert (s1["level"], s1["emergency"], s1["cssrs_risk"]) == ("inpatient", "true", "high")


def test_summary_without_emergencies_starts_with_the_counts(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    result = batch(source)
    assert_exit(result, 0)
    assert stderr_lines(result)[0] == "1 rows read: 1 scored, 0 rejected"
    assert "EMERGENCY" not in result.stderr
    assert "answers.errors.csv" not in result.stderr


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_prints_only_the_emergency_line(tmp_path: Path, flag: str) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("S-7", s1_case("S-7"))))
    result = batch(source, flag)
    assert_exit(result, 0)
    [line] = stderr_lines(result)
    assert line.startswith("EMERGENCY: 1 client(s)") and line.endswith(": S-7")
    assert ids_of(read_csv(tmp_path / "answers.results.csv")) == ["A-1", "S-7"]


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_without_emergencies_prints_nothing(tmp_path: Path, flag: str) -> None:
    source = write_input(tmp_path, csv_text(row("A-1"), row("A-2")))
    result = batch(source, flag)
    assert_exit(result, 0)
    assert result.stderr == ""


def test_a_rejected_row_that_meets_imminent_risk_is_still_an_emergency(tmp_path: Path) -> None:
    """cssrs_4 = yes with an invalid payer: the row cannot be scored, but S1 holds anyway."""
    rows = [row("A-1"), row("S-8", s1_case("S-8"), payer="bcbs"), row("Jane Doe", s1_case("x"))]
    source = write_input(tmp_path, csv_text(*rows))
    result = batch(source, "-q")
    assert_exit(result, 1)
    [line] = stderr_lines(result)
    assert line.startswith("EMERGENCY: 2 rejected row(s) meet imminent risk")
    assert line.endswith(": S-8 (line 3), line 4")  # an invalid client id is never echoed
    safety = [e for e in read_errors(tmp_path / "answers.errors.csv") if e[2] == "(safety)"]
    assert [(e[0], e[1]) for e in safety] == [(3, "S-8"), (4, "")]
    assert "same-day emergency evaluation" in safety[0][3]


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rich would draw on a pipe with FORCE_COLOR set: only the command's own check keeps it off
    monkeypatch.setenv("FORCE_COLOR", "1")
    source = write_input(tmp_path, csv_text(*(row(f"A-{n}") for n in range(1200))))
    result = batch(source)
    assert_exit(result, 0)
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert "rows/s" not in result.stderr
    first = re.sub(r"(\d),(\d{3})", r"\1\2", stderr_lines(result)[0])  # 1,200 or 1200
    assert first == "1200 rows read: 1200 scored, 0 rejected"


# ---------------------------------------------------------------------------------------------
# Property: batch scores each row exactly as assess() does
# ---------------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.lists(answer_sets(BANK), min_size=1, max_size=6))
def test_batch_scores_each_row_as_assess_does(answer_list: list[dict[str, Value]]) -> None:
    text = csv_text(*(row(str(a["client_id"]), a) for a in answer_list))
    result = batch("-", "--quiet", stdin=text)
    assert_exit(result, 0)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(answer_list)
    for got, answers in zip(rows, answer_list, strict=True):
        a = assess(parse_answers(BANK, answers))
        assert got["client_id"] == answers["client_id"]
        assert got["level"] == a.level.code
        assert got["emergency"] == ("true" if a.emergency else "false")
        assert int(got["composite"]) == a.composite
        ratings = [int(got[f"rating_{letter}"]) for letter in "rfcephg"]
        assert ratings == [getattr(a.ratings, letter) for letter in "RFCEPHG"]
        assert got["rules"].split(";") == sorted(a.rules)
        assert got == csv_spelling(expected_result(answers))  # every column, by name


def test_results_and_errors_cannot_share_a_file(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    same = tmp_path / "same.csv"
    result = batch(source, "-o", same, "--errors", same)
    assert_exit(result, 2)
    assert "would both go to" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_a_character_device_is_written_as_a_stream_without_force(tmp_path: Path) -> None:
    source = write_input(tmp_path, csv_text(row("A-1")))
    result = batch(source, "-o", "/dev/null")
    assert_exit(result, 0)
    assert "results: /dev/null" in result.stderr
    assert names(tmp_path) == ["answers.csv"]  # no temp file, nothing beside the input
    assert Path("/dev/null").is_char_device()


def test_an_unusable_header_writes_nothing_to_stdout(tmp_path: Path) -> None:
    result = batch("-", "-o", "-", stdin="client_id,age\nA-1,30\n")
    assert_exit(result, 2)
    assert result.stdout == ""
    assert "missing column(s)" in result.stderr
