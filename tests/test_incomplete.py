"""Dated and incomplete records: `[meta] assessed` survives re-scoring, `--assessed` dates an
[answers]-only file, and `triage score` of an incomplete record (an emergency stopped early,
one instrument) shows what is determined, lists what is not answered and exits 1."""

from __future__ import annotations

import json
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner, Result

from triage_cli import render
from triage_cli.answers import parse_answers
from triage_cli.answers.partial import parse_partial
from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.formats import toml_summary
from triage_cli.record.model import build_record
from triage_cli.scoring.partial import assessment_of

from conftest import assert_exit

runner = CliRunner()
BANK = load_bank()
ASSESSED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
# An intake stopped at the crisis banner: intent (cssrs_4) after active ideation.
EMERGENCY_SO_FAR: dict[str, Value] = {
    "client_id": "EX-0001",
    "age": 34,
    "sex_at_birth": "female",
    "cssrs_1": True,
    "cssrs_2": True,
    "cssrs_3": False,
    "cssrs_4": True,
}
PHQ9_ONLY: dict[str, Value] = {"client_id": "EHR-7", **{f"phq9_{n}": 1 for n in range(1, 10)}}


def score(*args: object) -> Result:
    return runner.invoke(app, ["score", *map(str, args)])


def write_record(
    path: Path, values: dict[str, Value], assessed: datetime | None = ASSESSED
) -> Path:
    answers = parse_partial(BANK, values)
    record = build_record(BANK, answers, assessment_of(answers), assessed=assessed)
    return toml_summary.write(path, record)


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# --- the incomplete record -------------------------------------------------------------------


def test_an_incomplete_emergency_record_says_what_is_determined_and_what_is_not(
    tmp_path: Path,
) -> None:
    doc = load(write_record(tmp_path / "early.toml", EMERGENCY_SO_FAR))
    meta = doc["meta"]
    assert meta["complete"] is False
    assert meta["assessed"] == ASSESSED
    assert meta["not_answered"][:4] == ["cssrs_5", "cssrs_6", "harm_others", "phq9_1"]
    assert "cssrs_6_recent" not in meta["not_answered"]  # skip logic: asked only if cssrs_6
    assert doc["answers"] == EMERGENCY_SO_FAR
    assert doc["scores"] == {"cssrs_risk": "high"}
    assert doc["ratings"] == {"R": 5}
    rec = doc["recommendation"]
    assert (rec["level"], rec["emergency"], rec["rules"]) == ("inpatient", True, ["S1"])
    assert rec["reasons"] == ["S1 imminent-risk: C-SSRS risk high (cssrs_4 = yes)"]
    assert "withdrawal_management" not in rec  # not answered yet
    assert doc["checklist"]["level"] == "inpatient"


def test_scoring_an_incomplete_record_leads_with_the_banner_and_exits_1(tmp_path: Path) -> None:
    result = score(write_record(tmp_path / "early.toml", EMERGENCY_SO_FAR))
    assert_exit(result, 1)
    out = result.stdout
    assert out.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    order = [
        "INCOMPLETE: ",
        "Recommended level of care: Inpatient / emergency care [inpatient]",
        "S1 imminent-risk: C-SSRS risk high (cssrs_4 = yes)",
        "F Functional status",
        "PHQ-9 (depression)",
        "Not answered yet",
    ]
    found = [out.index(text) for text in order]
    assert found == sorted(found), out
    assert out.rindex(render.CRISIS_LINES[0]) > found[-1]  # the closing banner
    not_answered = " ".join(out[out.index("Not answered yet") :].split())
    assert "cssrs_5, cssrs_6, harm_others, phq9_1" in not_answered
    assert "incomplete: " in result.stderr and "not answered" in result.stderr


def test_incomplete_json_has_the_complete_keys_less_those_not_determined(tmp_path: Path) -> None:
    result = score(write_record(tmp_path / "early.toml", EMERGENCY_SO_FAR), "--json")
    assert_exit(result, 1)
    payload = json.loads(result.stdout)
    assert payload["complete"] is False
    assert payload["emergency"] is True and payload["level"] == "inpatient"
    assert payload["scores"] == {"cssrs_risk": "high"}
    assert payload["ratings"] == {"R": 5}
    assert "composite" not in payload and "withdrawal_management" not in payload
    assert payload["not_answered"][0] == "cssrs_5"
    assert payload["assessed"] == ASSESSED.isoformat()


def test_one_instrument_alone_gives_no_level_and_no_banner(tmp_path: Path) -> None:
    path = write_record(tmp_path / "phq9.toml", PHQ9_ONLY)
    meta = load(path)["meta"]
    assert "cssrs_2" in meta["not_answered"] and "cssrs_3" not in meta["not_answered"]
    assert {"cssrs_3", "cssrs_6_recent", "home_safe"} <= set(meta["undecided"])  # wait on others
    result = score(path, "--json")
    assert_exit(result, 1)
    payload = json.loads(result.stdout)
    assert payload["scores"] == {"phq9_total": 9, "phq9_band": "mild"}
    assert [f["code"] for f in payload["flags"]] == ["phq9_item9"]
    assert not {"level", "level_name", "emergency"} & set(payload)
    screen = score(path)
    assert_exit(screen, 1)
    assert "EMERGENCY" not in screen.stdout
    assert "Recommended level of care: not determined" in screen.stdout
    assert "Program:" not in screen.stdout and "Insurance checklist" not in screen.stdout


def test_an_incomplete_record_round_trips_through_score_export(tmp_path: Path) -> None:
    first = write_record(tmp_path / "early.toml", EMERGENCY_SO_FAR)
    again = tmp_path / "again.toml"
    assert_exit(score(first, "--export", again), 1)
    before, after = load(first), load(again)
    assert after["meta"]["created"] >= before["meta"]["created"]
    for table in ("answers", "scores", "ratings", "recommendation", "checklist", "program"):
        assert after[table] == before[table], table
    for key in ("complete", "not_answered", "assessed"):
        assert after["meta"][key] == before["meta"][key], key


def test_a_record_marked_incomplete_with_every_answer_is_scored_whole(tmp_path: Path) -> None:
    typed = example_answers(BANK)
    path = tmp_path / "done.toml"
    path.write_text(tomli_w.dumps({"meta": {"complete": False}, "answers": typed}))
    result = score(path, "--json")
    assert_exit(result, 0)
    assert json.loads(result.stdout)["complete"] is True


def test_a_file_not_marked_incomplete_must_have_every_answer(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text(tomli_w.dumps({"answers": PHQ9_ONLY}))
    result = score(path)
    assert_exit(result, 1)
    assert "missing: expected" in result.output


def test_an_incomplete_record_is_compared_as_far_as_it_is_determined(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.toml"
    earlier.write_text(tomli_w.dumps({"answers": example_answers(BANK)}))
    early = write_record(tmp_path / "early.toml", EMERGENCY_SO_FAR)
    result = score(early, "--previous", earlier, "--json")
    assert_exit(result, 1)  # still incomplete
    payload = json.loads(result.stdout)
    assert payload["previous"]["movement"] == "step up"  # op -> inpatient: S1 determines it
    assert payload["outcomes"] == {"phq9": None, "gad7": None}  # not answered yet
    screen = score(early, "--previous", earlier)
    assert "PHQ-9: not compared (missing on one side)" in screen.stdout


# --- the assessment time ---------------------------------------------------------------------


def complete_summary(path: Path, assessed: datetime | None) -> Path:
    answers = parse_answers(BANK, example_answers(BANK))
    record = build_record(BANK, answers, assessment_of(answers), assessed=assessed)
    return toml_summary.write(path, record, created=assessed)


def test_a_rescored_summary_keeps_when_it_was_assessed(tmp_path: Path) -> None:
    out = tmp_path / "rescored.toml"
    assert_exit(score(complete_summary(tmp_path / "s.toml", ASSESSED), "--export", out), 0)
    meta = load(out)["meta"]
    assert meta["assessed"] == ASSESSED
    assert meta["created"] > ASSESSED  # the file is new; the assessment is not
    assert meta["complete"] is True


def test_an_answers_only_file_has_no_assessment_time_unless_given(tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}))
    out = tmp_path / "out.toml"
    assert_exit(score(path, "--export", out), 0)
    assert "assessed" not in load(out)["meta"]
    dated = tmp_path / "dated.toml"
    assert_exit(score(path, "--export", dated, "--assessed", "2026-11-30T09:15:00+00:00"), 0)
    assert load(dated)["meta"]["assessed"] == ASSESSED


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_assessed_without_a_zone_is_local_and_shown_in_local_time(
    tmp_path: Path, new_york: None
) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}))
    out = tmp_path / "out.toml"
    result = score(path, "--export", out, "--assessed", "2026-11-30T04:15")
    assert_exit(result, 0)
    assert load(out)["meta"]["assessed"] == ASSESSED  # 04:15 EST is 09:15 UTC
    assert "Assessed 2026-11-30 04:15 EST" in result.stdout


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("yesterday", "expected a date and time such as 2026-12-02T14:30"),
        ((datetime.now(UTC) + timedelta(days=2)).isoformat(), "is in the future"),
    ],
)
def test_a_bad_assessed_time_is_refused(tmp_path: Path, given: str, message: str) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}))
    result = score(path, "--assessed", given)
    assert_exit(result, 2)
    assert message in result.stderr


def test_assessed_cannot_rewrite_the_time_a_record_holds(tmp_path: Path) -> None:
    result = score(complete_summary(tmp_path / "s.toml", ASSESSED), "--assessed", "2026-11-01")
    assert_exit(result, 2)
    assert "already says it was assessed 2026-11-30T09:15:00+00:00" in result.stderr


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "2026-11-30T09:15:00",
        "2099-01-01T00:00:00Z",
    ],
)
def test_a_stored_time_that_cannot_be_used_is_left_out_and_the_banner_still_shows(
    tmp_path: Path, moment: str
) -> None:
    path = tmp_path / "odd.toml"
    text = tomli_w.dumps({"meta": {"complete": False}, "answers": EMERGENCY_SO_FAR})
    path.write_text(text.replace("[meta]\n", f"[meta]\nassessed = {moment}\n"), encoding="utf-8")
    out = tmp_path / "out.toml"
    result = score(path, "--export", out)
    assert_exit(result, 1)
    assert result.stdout.count("EMERGENCY: imminent risk") == 2
    assert "[meta] assessed" in result.stderr and "left out" in result.stderr
    assert "assessed" not in load(out)["meta"]


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # east of UTC: year 1 local is before year 1 UTC
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("given", ["0001-01-01T00:00+05:00", "0001-01-01"])
def test_an_assessed_time_out_of_range_is_refused_without_a_traceback(
    tmp_path: Path, given: str, tokyo: None
) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}))
    result = score(path, "--assessed", given)
    assert_exit(result, 2)
    assert "out of the range of dates" in result.stderr
