"""Outcome markers between two assessments (PHQ-9, GAD-7): every boundary of the README's
definitions, the properties, and where they show (score --previous: JSON, terminal, TOML)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from triage_cli.bank import load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.record.outcomes import outcome, outcome_words, outcomes

from conftest import assert_exit

BANK = load_bank()
runner = CliRunner()


@pytest.mark.parametrize(
    ("earlier", "now", "response", "partial", "remission"),
    [
        (9, 0, None, None, None),  # baseline under 10: not applicable
        (10, 5, True, False, False),  # exactly 50%: response
        (10, 6, False, True, False),  # 60%: partial
        (20, 10, True, False, False),
        (20, 11, False, True, False),
        (20, 15, False, True, False),  # exactly 75% (a 25% drop): partial
        (20, 16, False, False, False),  # 80%: none
        (12, 9, False, True, False),  # 75% of 12 is 9
        (12, 10, False, False, False),
        (12, 4, True, False, True),  # under 5: remission
        (12, 5, True, False, False),  # 5 is not remission
        (10, 12, False, False, False),  # worse
        (11, 5, True, False, False),  # odd earlier totals: 5 <= 5.5
        (11, 6, False, True, False),  # 6 > 5.5 and 6 <= 8.25
        (13, 9, False, True, False),  # 9 <= 9.75
        (13, 10, False, False, False),  # 10 > 9.75
        (20, 5, True, False, False),  # a 75% drop: response, not remission
        (9, 4, None, None, None),  # under 10: not applicable, even at 4
        (10, 4, True, False, True),
    ],
)
def test_response_partial_response_and_remission_boundaries(
    earlier: int, now: int, response: bool | None, partial: bool | None, remission: bool | None
) -> None:
    for instrument in ("phq9", "gad7"):
        found = outcome(instrument, earlier, now)
        assert (found.response, found.partial_response, found.remission) == (
            response,
            partial,
            remission,
        )


@pytest.mark.parametrize(
    ("instrument", "change", "reliable"),
    [
        ("phq9", -5, "none"),
        ("phq9", -6, "improvement"),
        ("phq9", 5, "none"),
        ("phq9", 6, "deterioration"),
        ("gad7", -3, "none"),
        ("gad7", -4, "improvement"),
        ("gad7", 3, "none"),
        ("gad7", 4, "deterioration"),
    ],
)
def test_reliable_change_thresholds(instrument: str, change: int, reliable: str) -> None:
    assert outcome(instrument, 10, 10 + change).reliable_change == reliable
    assert outcome(instrument, 10, 10 + change).change == change


@pytest.mark.parametrize(
    ("earlier", "now", "percent"),
    [(0, 0, None), (0, 3, None), (16, 15, -6.3), (3, 4, 33.3), (18, 7, -61.1), (10, 5, -50.0)],
)
def test_percent_change_is_to_one_decimal_and_null_from_zero(
    earlier: int, now: int, percent: float | None
) -> None:
    assert outcome("phq9", earlier, now).percent_change == percent


def test_an_instrument_missing_on_either_side_is_null() -> None:
    found = outcomes({"phq9_total": 12}, {"phq9_total": 4, "gad7_total": 3})
    assert found["gad7"] is None and found["phq9"] is not None
    assert outcome_words("gad7", None) == "GAD-7: not compared (missing on one side)"


def test_the_markers_in_words() -> None:
    assert outcome_words("phq9", outcome("phq9", 18, 7)) == (
        "PHQ-9 18 -> 7: response, reliable improvement"
    )
    assert outcome_words("gad7", outcome("gad7", 6, 9)) == (
        "GAD-7 6 -> 9: not applicable (baseline under 10), no reliable change"
    )
    assert outcome_words("phq9", outcome("phq9", 12, 4)).endswith(
        "response, remission, reliable improvement"
    )


TOTALS = st.integers(0, 27)


@given(TOTALS, TOTALS, st.dictionaries(st.sampled_from(["gad7_total", "dast10_total"]), TOTALS))
def test_markers_depend_on_the_two_totals_only(x: int, y: int, other: dict[str, int]) -> None:
    plain = outcomes({"phq9_total": x}, {"phq9_total": y})["phq9"]
    noisy = outcomes({**other, "phq9_total": x}, {"phq9_total": y, **other})["phq9"]
    assert plain == noisy == outcome("phq9", x, y)


@given(st.sampled_from(["phq9", "gad7"]), TOTALS, TOTALS)
def test_swapping_earlier_and_now_swaps_improvement_and_deterioration(
    instrument: str, x: int, y: int
) -> None:
    there, back = outcome(instrument, x, y), outcome(instrument, y, x)
    assert there.change == -back.change
    swapped = {"improvement": "deterioration", "deterioration": "improvement", "none": "none"}
    assert swapped[there.reliable_change] == back.reliable_change


# --- score --previous ------------------------------------------------------------------------


def summary(tmp_path: Path, name: str, changes: dict[str, object], assessed: str) -> Path:
    path = tmp_path / f"{name}.toml"
    answers = {"answers": example_answers(BANK) | changes}
    path.write_text(tomli_w.dumps(answers), encoding="utf-8")
    out = tmp_path / f"{name}-summary.toml"
    result = runner.invoke(app, ["score", str(path), "--assessed", assessed, "--export", str(out)])
    assert_exit(result, 0)
    return out


PHQ9_18 = {f"phq9_{n}": 2 for n in range(1, 10)}  # 18
PHQ9_7 = {"phq9_1": 1, "phq9_2": 1, "phq9_3": 1, "phq9_4": 1, "phq9_5": 1, "phq9_6": 1,
          "phq9_7": 1, "phq9_8": 0, "phq9_9": 0}  # fmt: skip


def test_score_previous_json_terminal_and_toml_carry_the_markers(tmp_path: Path) -> None:
    intake = summary(tmp_path, "intake", PHQ9_18, "2026-10-01T10:00+00:00")
    later = summary(tmp_path, "week8", PHQ9_7, "2026-11-26T10:00+00:00")
    result = runner.invoke(app, ["score", str(later), "--previous", str(intake), "--json"])
    assert_exit(result, 0)
    payload = json.loads(result.stdout)
    intake_doc = tomllib.loads(intake.read_text(encoding="utf-8"))
    assert payload["previous"] == {
        "assessed": "2026-10-01T10:00:00+00:00",
        "level": intake_doc["recommendation"]["level"],
        "composite": intake_doc["ratings"]["composite"],
        "movement": "same"
        if payload["level"] == intake_doc["recommendation"]["level"]
        else ("step down" if payload["level"] == "op" else "step up"),
    }
    assert payload["outcomes"]["phq9"] == {
        "earlier": 18,
        "now": 7,
        "change": -11,
        "percent_change": -61.1,
        "response": True,
        "partial_response": False,
        "remission": False,
        "reliable_change": "improvement",
    }
    assert payload["outcomes"]["gad7"]["response"] is None  # GAD-7 baseline 5: under 10
    screen = runner.invoke(app, ["score", str(later), "--previous", str(intake)])
    assert "PHQ-9 18 -> 7: response, reliable improvement" in " ".join(screen.stdout.split())
    out = tmp_path / "with-previous.toml"
    runner.invoke(app, ["score", str(later), "--previous", str(intake), "--export", str(out)])
    stored = tomllib.loads(out.read_text(encoding="utf-8"))["previous"]["outcomes"]
    assert stored["phq9"]["percent_change"] == -61.1
    assert "response" not in stored["gad7"]  # null: left out, TOML has none


def test_a_previous_assessed_after_this_one_is_refused(tmp_path: Path) -> None:
    first = summary(tmp_path, "a", {}, "2026-11-26T10:00+00:00")
    second = summary(tmp_path, "b", {}, "2026-10-01T10:00+00:00")
    result = runner.invoke(app, ["score", str(second), "--previous", str(first)])
    assert_exit(result, 2)
    assert "after this assessment" in result.stderr


def test_without_times_the_order_given_is_trusted(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    for path in (a, b):
        path.write_text(tomli_w.dumps({"answers": example_answers(BANK)}), encoding="utf-8")
    assert_exit(runner.invoke(app, ["score", str(b), "--previous", str(a)]), 0)
