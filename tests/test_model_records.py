"""Clinical model 1.1 in every output: the home_unsafe flag and OP intensity in terminal, TOML,
--json and batch; model and bank versions; re-scoring a 1.0 summary; override reasons; client ids
that spreadsheets would read as formulas, refused at every door."""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner, Result

from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.formats import toml_summary
from triage_cli.record import override as reasons
from triage_cli.record.model import build_record
from triage_cli.scoring import MODEL_VERSION, assess

from conftest import assert_exit
from strategies import as_text, refill

runner = CliRunner()
BANK = load_bank()
MODEL_1_0 = Path(__file__).parent / "data" / "summary" / "model_1_0_unsafe_home.toml"


def unsafe_home(client_id: str = "UH-0016") -> dict[str, Value]:
    """The coordinator's caller: PHQ-9 16 (moderately severe), no impairment, strong support,
    home not safe. R1 F1 C3 E4 P1 H1 G1 = 12: op, but seen weekly (C = 3)."""
    changes: dict[str, Value] = {f"phq9_{i}": 2 for i in range(1, 9)}
    changes |= {"phq9_9": 0, "gad7_1": 0, "gad7_2": 0, "gad7_3": 0, "gad7_4": 0, "gad7_6": 0}
    changes |= {"auditc_1": 0, "impair_work": 0, "impair_relationships": 0, "home_safe": False}
    changes |= {"stressors": "none", "support": "strong", "prior_treatment": "helped"}
    changes |= {"readiness": "eager", "client_id": client_id}
    return refill(BANK, example_answers(BANK) | changes)


def invoke(*args: object) -> Result:
    return runner.invoke(app, [*map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.split())


def write_csv(path: Path, rows: list[dict[str, Value]]) -> Path:
    ids = [q.id for q in BANK.questions]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ids)
        for typed in rows:
            text = as_text(typed)
            writer.writerow([text.get(qid, "") for qid in ids])
    return path


def export_of(bank: Bank, typed: dict[str, Value], path: Path, **options: object) -> Path:
    answers = parse_answers(bank, typed)
    toml_summary.write(path, build_record(bank, answers, assess(answers), **options))  # type: ignore[arg-type]
    return path


# ---------------------------------------------------------------------------------------------
# The caller from the issue, in every output
# ---------------------------------------------------------------------------------------------


def test_the_unsafe_home_caller_gets_home_unsafe_and_weekly_op() -> None:
    a = assess(parse_answers(BANK, unsafe_home()))
    assert tuple(a.ratings) == (1, 1, 3, 4, 1, 1, 1)
    assert (a.level.code, a.composite) == ("op", 12)
    assert a.flag_codes == ("home_unsafe", "op_weekly")
    weekly = a.flags[1].text
    assert "weekly" in weekly and "C=3" in weekly, weekly


def test_the_flag_and_versions_are_in_the_toml_summary(tmp_path: Path) -> None:
    path = export_of(BANK, unsafe_home(), tmp_path / "s.toml")
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert document["recommendation"]["flags"] == ["home_unsafe", "op_weekly"]
    assert "safety plan" in document["recommendation"]["flag_notes"][0]
    assert document["meta"]["model_version"] == MODEL_VERSION == "1.1"
    assert document["meta"]["bank_version"] == "1.3.0"


def test_the_flag_and_model_version_are_in_json(tmp_path: Path) -> None:
    path = export_of(BANK, unsafe_home(), tmp_path / "s.toml")
    result = invoke("score", path, "--json")
    assert_exit(result, 0)
    payload = json.loads(result.stdout)
    assert [f["code"] for f in payload["flags"]] == ["home_unsafe", "op_weekly"]
    assert payload["model_version"] == "1.1"
    assert payload["bank"]["version"] == "1.3.0"


def test_the_flag_is_on_the_result_screen(tmp_path: Path) -> None:
    path = export_of(BANK, unsafe_home(), tmp_path / "s.toml")
    result = invoke("score", path)
    assert_exit(result, 0)
    assert "Home not safe" in result.stdout
    assert "make a safety plan" in flat(result.stdout)
    assert "OP intensity: weekly sessions" in flat(result.stdout)


def test_batch_flags_and_run_summary_name_the_versions(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [unsafe_home("UH-1"), example_answers(BANK)])
    result = invoke("batch", source)
    assert_exit(result, 0)
    with (tmp_path / "in.results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["flags"] for r in rows] == ["home_unsafe;op_weekly", "op_every_1_2_weeks"]
    assert "scored with: clinical model 1.1, question bank 'triage-cli default intake' 1.3.0" in (
        result.stderr
    )


# ---------------------------------------------------------------------------------------------
# Re-scoring a summary written under model 1.0
# ---------------------------------------------------------------------------------------------


def test_a_summary_without_model_version_counts_as_1_0(tmp_path: Path) -> None:
    stored = toml_summary.read(BANK, MODEL_1_0)
    assert "model_version" not in stored.meta
    assert stored.model_version == "1.0"


def test_rescoring_a_1_0_summary_says_the_model_and_the_bank_changed() -> None:
    result = invoke("score", MODEL_1_0)
    assert_exit(result, 0)
    err = flat(result.stderr)
    assert "scored with clinical model 1.0; scoring now with model 1.1" in err
    assert "was written with question bank 'triage-cli default intake' 1.0.0" in err
    assert "the clinical model changed" in err
    assert (
        "flags: stored ['op_every_1_2_weeks'], now ['home_unsafe', 'op_weekly'] "
        "(the clinical model changed: 1.0 -> 1.1)" in err
    )
    # level, rules and ratings did not change: only the flags are named
    assert "level: stored" not in err and "rules: stored" not in err


def test_rescoring_a_1_0_summary_in_json_does_not_match(tmp_path: Path) -> None:
    result = invoke("score", MODEL_1_0, "--json")
    assert_exit(result, 0)
    assert json.loads(result.stdout)["stored_recommendation_matches"] is False


def test_a_flag_edited_by_hand_is_a_change_without_a_model_note(tmp_path: Path) -> None:
    path = export_of(BANK, example_answers(BANK), tmp_path / "s.toml")
    text = path.read_text(encoding="utf-8").replace('"op_every_1_2_weeks"', '"op_weekly"')
    path.write_text(text, encoding="utf-8")
    result = invoke("score", path)
    assert_exit(result, 0)
    err = flat(result.stderr)
    assert "flags: stored ['op_weekly'], now ['op_every_1_2_weeks']" in err
    assert "clinical model" not in err


def test_a_1_0_override_reason_keeps_its_code_and_old_label(tmp_path: Path) -> None:
    again = tmp_path / "again.toml"
    result = invoke("score", MODEL_1_0, "--export", again)
    assert_exit(result, 0)
    assert "Clinician override: Intensive outpatient (IOP) [iop], Clinical judgement" in flat(
        result.stdout
    )
    override = tomllib.loads(again.read_text(encoding="utf-8"))["override"]
    assert (override["reason"], override["reason_text"]) == (
        "clinical_judgement",
        "Clinical judgement",
    )
    meta = tomllib.loads(again.read_text(encoding="utf-8"))["meta"]
    assert meta["model_version"] == "1.1"


# ---------------------------------------------------------------------------------------------
# Override reasons
# ---------------------------------------------------------------------------------------------

PRACTICE_REASONS = [
    "service_not_available",
    "provider_judgment",
    "client_preference",
    "transportation",
    "accessibility",
    "financial",
    "preferred_to_wait",
    "language_cultural",
    "environment",
    "mental_health",
    "physical_health",
    "court_ordered",
    "other",
]


def test_the_offered_reasons_are_the_practice_codes_in_order() -> None:
    assert list(reasons.OVERRIDE_REASONS) == PRACTICE_REASONS
    assert all(label.strip() for label in reasons.OVERRIDE_REASONS.values())
    assert {"other"} == reasons.NOTE_REQUIRED


@pytest.mark.parametrize(
    "code",
    [
        "patient_preference",
        "clinical_judgement",
        "program_unavailable",
        "insurance_denial",
        "safety_concern",
    ],
)
def test_1_0_reasons_are_no_longer_offered_but_still_labelled(code: str) -> None:
    """`other` is in both versions, with the label 1.0 gave it (tested below)."""
    assert code not in reasons.OVERRIDE_REASONS
    assert reasons.reason_label(code) == reasons.OLD_OVERRIDE_REASONS[code]
    assert reasons.reason_label(code) != code


def test_other_keeps_its_1_0_label() -> None:
    assert reasons.reason_label("other") == "Other"


def test_an_answers_only_file_gets_no_model_warning(tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}), encoding="utf-8")
    result = invoke("score", path)
    assert_exit(result, 0)
    assert result.stderr == ""


def test_an_unknown_reason_is_shown_as_it_is() -> None:
    assert reasons.reason_label("county_form_7") == "county_form_7"


# ---------------------------------------------------------------------------------------------
# Client ids: a leading '-' is a formula to spreadsheets
# ---------------------------------------------------------------------------------------------


def test_a_summary_with_a_leading_dash_id_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "dash.toml"
    shutil.copy(MODEL_1_0, path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"UH-0016"', '"-A1"'), encoding="utf-8"
    )
    result = invoke("score", path)
    assert_exit(result, 1)
    assert "client_id" in result.stderr
    assert "must start with a letter or digit" in result.stderr


@pytest.mark.parametrize("client_id", ["-A1", "=1+1", "_x", ".x"])
def test_a_csv_row_with_an_id_not_starting_with_a_letter_or_digit_is_rejected(
    tmp_path: Path, client_id: str
) -> None:
    typed = example_answers(BANK) | {"client_id": client_id}
    source = write_csv(tmp_path / "in.csv", [typed, example_answers(BANK)])
    result = invoke("batch", source)
    assert_exit(result, 1)
    with (tmp_path / "in.errors.csv").open(encoding="utf-8", newline="") as handle:
        errors = list(csv.DictReader(handle))
    assert [(e["line"], e["field"]) for e in errors] == [("2", "client_id")]
    assert "must start with a letter or digit" in errors[0]["problem"]
    assert client_id not in errors[0]["client_id"]  # an invalid id is never echoed
    with (tmp_path / "in.results.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["client_id"] for r in csv.DictReader(handle)] == ["EX-0001"]
