"""`triage history` and the report's history: one client's summaries in the order they were
assessed, whatever order they are given in; markers against the baseline and the previous
assessment; drafts, other clients and bad files; the chart in the terminal and the report."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import html5lib
import pytest
import tomli_w
from typer.testing import CliRunner, Result

from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.record.drafts import write_draft

from conftest import assert_exit

BANK = load_bank()
runner = CliRunner()


def items(prefix: str, values: list[int]) -> dict[str, Value]:
    return {f"{prefix}_{n}": v for n, v in enumerate(values, 1)}


# intake, 4 weeks, 8 weeks: PHQ-9 18 -> 10 -> 4, GAD-7 11 -> 7 -> 2
IMPAIRED = {"impair_work": 3, "impair_relationships": 3}
VISITS = {
    "intake": (
        "2026-10-01T10:00+00:00",
        items("phq9", [2] * 9) | items("gad7", [2, 2, 2, 2, 1, 1, 1]) | IMPAIRED,
    ),
    "week4": (
        "2026-10-29T10:00+00:00",
        items("phq9", [1, 2, 1, 1, 1, 1, 1, 1, 1]) | items("gad7", [1] * 7),
    ),
    "week8": (
        "2026-11-26T10:00+00:00",
        items("phq9", [1, 1, 1, 0, 1, 0, 0, 0, 0]) | items("gad7", [1, 1, 0, 0, 0, 0, 0]),
    ),
}


def invoke(*args: object) -> Result:
    return runner.invoke(app, [*map(str, args)])


def visit(folder: Path, name: str, client: str = "EX-0001") -> Path:
    when, changes = VISITS[name]
    answers = folder / f".{name}-{client}.answers.toml"
    answers.write_text(
        tomli_w.dumps({"answers": example_answers(BANK) | changes | {"client_id": client}}),
        encoding="utf-8",
    )
    out = folder / f"{client}-{name}.toml"
    assert_exit(invoke("score", answers, "--assessed", when, "--export", out), 0)
    answers.unlink()
    return out


@pytest.fixture
def visits(tmp_path: Path) -> dict[str, Path]:
    return {name: visit(tmp_path, name) for name in VISITS}


def test_history_orders_by_assessment_time_and_marks_the_change(visits: dict[str, Path]) -> None:
    given = [visits["week8"], visits["intake"], visits["week4"]]  # out of order
    result = invoke("history", *given, "--json")
    assert_exit(result, 0)
    rows = json.loads(result.stdout)
    assert [r["file"] for r in rows] == [visits[n].name for n in ("intake", "week4", "week8")]
    assert [r["phq9_total"] for r in rows] == [18, 10, 4]
    assert [r["gad7_total"] for r in rows] == [11, 7, 2]
    assert set(rows[0]) == {"file", "assessed", "level", "override_level", "composite",
                            "phq9_total", "gad7_total", "movement", "vs_baseline",
                            "vs_previous", "emergency"}  # fmt: skip
    assert rows[0]["vs_baseline"] is None and rows[0]["movement"] is None
    assert [r["level"] for r in rows] == ["php", "op", "op"]
    assert [r["movement"] for r in rows] == [None, "step down", "same"]
    assert [r["emergency"] for r in rows] == [False, False, False]
    last = rows[2]
    assert last["vs_baseline"]["phq9"]["remission"] is True  # 18 -> 4
    assert last["vs_previous"]["phq9"]["earlier"] == 10
    assert last["vs_previous"]["gad7"]["response"] is None  # 7: under the baseline of 10
    assert last["assessed"] == "2026-11-26T10:00:00+00:00"


def test_history_in_the_terminal_has_the_table_markers_and_a_chart(
    visits: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = invoke("history", tmp_path)
    assert_exit(result, 0)
    out = result.stdout
    assert "History of client EX-0001: 3 assessments" in out
    flat = " ".join(out.split())
    assert "#3 vs baseline: PHQ-9 18 -> 4: response, remission, reliable improvement" in flat
    assert "PHQ-9 (P) and GAD-7 (G) totals" in out
    chart = out[out.index("PHQ-9 (P)") :].splitlines()
    assert any(line.startswith(" 18 |P") for line in chart)  # intake: PHQ-9 18 at the left
    assert any(line.startswith(" 12 |G") for line in chart)  # GAD-7 11, to the nearest 2
    assert chart[-1].split()[:3] == ["1", "2", "3"]  # one mark column per assessment
    assert max(map(len, out.splitlines())) <= 80


def test_a_folder_of_several_clients_needs_client(visits: dict[str, Path], tmp_path: Path) -> None:
    visit(tmp_path, "intake", "OTHER-9")
    result = invoke("history", tmp_path)
    assert_exit(result, 2)
    assert "2 clients" in result.stderr and "OTHER-9" in result.stderr
    chosen = invoke("history", tmp_path, "--client", "EX-0001", "--json")
    assert_exit(chosen, 0)
    assert len(json.loads(chosen.stdout)) == 3
    assert "client OTHER-9, skipped" in chosen.stderr


def test_drafts_are_skipped_with_a_note_and_bad_files_are_named(
    visits: dict[str, Path], tmp_path: Path
) -> None:
    write_draft(BANK, {"client_id": "EX-0001", "age": 30}, tmp_path / "x.draft.toml")
    result = invoke("history", tmp_path, "--json")
    assert_exit(result, 0)
    assert "an interview draft, skipped" in result.stderr
    (tmp_path / "broken.toml").write_text("answers = [", encoding="utf-8")
    broken = invoke("history", tmp_path, "--json")
    assert_exit(broken, 1)
    assert "broken.toml" in broken.stderr and len(json.loads(broken.stdout)) == 3


def test_another_bank_is_a_warning_not_a_gap(visits: dict[str, Path]) -> None:
    path = visits["week4"]
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    doc["meta"]["bank_sha256"] = "0" * 64
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = invoke("history", *visits.values(), "--json")
    assert_exit(result, 0)
    assert len(json.loads(result.stdout)) == 3
    assert "was written with question bank" in result.stderr


def test_ties_in_time_go_by_file_name(tmp_path: Path) -> None:
    for name in ("b", "a"):
        path = tmp_path / f"{name}.toml"
        when = tomllib.loads("t = 2026-11-01T10:00:00Z")["t"]
        doc = {"meta": {"assessed": when}, "answers": example_answers(BANK)}
        path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    rows = json.loads(invoke("history", tmp_path / "b.toml", tmp_path / "a.toml", "--json").stdout)
    assert [r["file"] for r in rows] == ["a.toml", "b.toml"]


def test_the_report_adds_the_history_chart_and_table(
    visits: dict[str, Path], tmp_path: Path
) -> None:
    result = invoke("report", visits["week8"], "--history", tmp_path)
    assert_exit(result, 0)
    page = html5lib.parse(
        visits["week8"].with_suffix(".html").read_text(encoding="utf-8"),
        namespaceHTMLElements=False,
    )
    section = next(
        s for s in page.iter("section") if any("History of this client" in "".join(h.itertext())
                                              for h in s.iter("h2"))
    )  # fmt: skip
    lines = section.findall(".//{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2  # PHQ-9 and GAD-7
    text = " ".join(" ".join(section.itertext()).split())
    assert "PHQ-9 18 -> 4: response, remission, reliable improvement" in text
    assert text.count("2026-1") >= 3  # a row per assessment


def test_an_emergency_in_the_history_leads_with_the_banner(tmp_path: Path) -> None:
    visit(tmp_path, "intake")
    when, changes = VISITS["week4"]
    VISITS["crisis"] = (when, changes | {"harm_others": "plan_or_intent"})
    try:
        visit(tmp_path, "crisis")
    finally:
        del VISITS["crisis"]
    result = invoke("history", tmp_path)
    assert_exit(result, 0)
    assert result.stdout.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    assert "Imminent risk in assessment #2 (marked ! below)." in result.stdout
    assert any(line.startswith("2!") and "inpatient" in line for line in result.stdout.splitlines())
    as_json = invoke("history", tmp_path, "--json")
    assert "EMERGENCY: imminent risk" in as_json.stderr
    assert [r["emergency"] for r in json.loads(as_json.stdout)] == [False, True]


def test_a_symlink_loop_and_a_bad_time_are_named_not_a_traceback(
    visits: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    doc = tomllib.loads(visits["intake"].read_text(encoding="utf-8"))
    doc["meta"]["assessed"] = "2026-10-01"  # text, not a time
    visits["intake"].write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = invoke("history", tmp_path, "--json")
    assert_exit(result, 1)  # the loop is named and skipped
    assert "loop.toml" in result.stderr
    assert "[meta] assessed" in result.stderr and "has no assessment time" in result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_a_file_with_a_bad_recorded_value_is_skipped_not_the_end(
    visits: dict[str, Path], tmp_path: Path
) -> None:
    doc = tomllib.loads(visits["week4"].read_text(encoding="utf-8"))
    doc["recommendation"]["level"] = "bogus"
    visits["week4"].write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = invoke("history", tmp_path, "--json")
    assert_exit(result, 1)
    assert "recorded level bogus" in result.stderr
    assert [r["file"] for r in json.loads(result.stdout)] == [
        visits["intake"].name,
        visits["week8"].name,
    ]


@pytest.mark.parametrize("args", [("--client", "EX-9999"), ()])
def test_nothing_of_one_client_is_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    if args:
        visit(tmp_path, "intake")
    result = invoke("history", tmp_path, *args)
    assert_exit(result, 2)
    assert "no summaries of one client found" in result.stderr


def test_many_assessments_keep_the_chart_within_80_columns(tmp_path: Path) -> None:
    answers = example_answers(BANK)
    for day in range(1, 61):
        doc = {"meta": {"assessed": tomllib.loads(f"t = 2026-09-{1 + day % 30:02d}T{day % 24:02d}"
                                                  ":00:00Z")["t"]},
               "answers": answers}  # fmt: skip
        (tmp_path / f"a{day:02d}.toml").write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = invoke("history", tmp_path)
    assert_exit(result, 0)
    assert max(map(len, result.stdout.splitlines())) <= 80
    assert "(assessments 5-60)" in result.stdout  # the last 56 of 60 in the chart


def test_report_history_says_its_problems_after_the_banner(tmp_path: Path) -> None:
    visit(tmp_path, "intake")
    when, changes = VISITS["week4"]
    VISITS["crisis"] = (when, changes | {"harm_others": "plan_or_intent"})
    try:
        latest = visit(tmp_path, "crisis")
    finally:
        del VISITS["crisis"]
    (tmp_path / "broken.toml").write_text("answers = [", encoding="utf-8")
    result = invoke("report", latest, "--history", tmp_path, "-o", tmp_path / "r.html")
    assert_exit(result, 1)
    assert result.stderr.lstrip().startswith("┏━ EMERGENCY")
    assert result.stderr.index("EMERGENCY") < result.stderr.index("broken.toml")
    assert (tmp_path / "r.html").exists()  # the report is written all the same
