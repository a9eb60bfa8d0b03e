"""FHIR R4 in: `triage score FILE.json` of a QuestionnaireResponse or a Bundle holding one.
US Core's PHQ-9 example, partial responses scored as CLINICAL.md section 7 says, the round
trip summary -> Bundle -> score, and bad input named, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from reports import BANK, CASES, write_case
from typer.testing import CliRunner, Result

from triage_cli.answers import parse_answers
from triage_cli.cli import app
from triage_cli.formats import fhir_read
from triage_cli.formats.fhir_bundle import bundle
from triage_cli.record.model import build_record
from triage_cli.scoring import assess

from conftest import assert_exit
from strategies import answer_sets

runner = CliRunner()
US_CORE = (
    Path(__file__).parent / "data" / "fhir" / "us-core-QuestionnaireResponse-phq-9-example.json"
)


def score(*args: object) -> Result:
    return runner.invoke(app, ["score", *map(str, args)])


def response(items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items} | extra


def item(link: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {"linkId": link, "answer": [answer]}


def write(tmp_path: Path, document: Any, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


LOINC = "http://loinc.org"


def test_us_core_phq9_example_is_phq9_12_moderate_and_incomplete() -> None:
    result = score(US_CORE)
    assert_exit(result, 1)
    assert "PHQ-9 (depression)  12/27  moderate" in result.stdout
    assert "Not answered yet" in result.stdout and "client_id" in result.stdout  # no identifier
    assert result.stderr.count("/69722-7") == 1  # the difficulty item, named once
    assert "ignored: /69722-7" in result.stderr
    payload = json.loads(score(US_CORE, "--json").stdout)
    assert payload["complete"] is False
    assert payload["scores"] == {"phq9_total": 12, "phq9_band": "moderate"}
    assert payload["assessed"] == "2022-11-29T20:50:32+00:00"
    assert "level" not in payload and "emergency" not in payload


@pytest.mark.parametrize("case", list(CASES))
def test_a_bundle_from_triage_fhir_scores_as_its_summary(tmp_path: Path, case: str) -> None:
    summary = write_case(tmp_path, case)
    assert_exit(runner.invoke(app, ["fhir", str(summary)]), 0)
    original = json.loads(score(summary, "--json").stdout)
    again = json.loads(score(summary.with_suffix(".fhir.json"), "--json").stdout)
    for key in ("complete", "level", "emergency", "withdrawal_management", "composite",
                "ratings", "scores", "rules", "reasons", "flags", "not_answered"):  # fmt: skip
        assert again.get(key) == original.get(key), key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(BANK))
def test_round_trip_summary_bundle_score_gives_the_same_result(values: dict[str, Any]) -> None:
    import tempfile

    answers = parse_answers(BANK, values)
    record = build_record(BANK, answers, assess(answers))
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), bundle(record))
        stored, warnings = fhir_read.read(BANK, path)
    assert warnings == []
    assert stored.answers == answers
    a, b = assess(stored.answers), record.assessment
    assert (a.level, a.ratings, a.scores, a.flag_codes, a.rules) == (
        b.level, b.ratings, b.scores, b.flag_codes, b.rules,
    )  # fmt: skip


def test_the_client_id_comes_from_the_subject_or_the_option(tmp_path: Path) -> None:
    items = [item("/44260-8", {"valueCoding": {"system": LOINC, "code": "LA6569-3"}})]
    subject = {"subject": {"identifier": {"system": "urn:x", "value": "EHR-7"}}}
    with_id = json.loads(score(write(tmp_path, response(items, **subject)), "--json").stdout)
    assert with_id["client_id"] == "EHR-7" and "client_id" not in with_id["not_answered"]
    named = {"subject": {"identifier": {"value": "Jane Doe"}}}  # not a valid id: not used
    path = write(tmp_path, response(items, **named), "named.json")
    payload = json.loads(score(path, "--json", "--client-id", "C-1").stdout)
    assert payload["client_id"] == "C-1"
    missing = json.loads(score(path, "--json").stdout)
    assert "client_id" in missing["not_answered"]
    other = score(write(tmp_path, response(items, **subject), "s.json"), "--client-id", "C-1")
    assert "--client-id C-1 ignored: the response names its client (EHR-7)" in other.stderr
    toml = tmp_path / "a.toml"
    toml.write_text('[answers]\nclient_id = "A1"\n', encoding="utf-8")
    assert "--client-id is for a FHIR response" in score(toml, "--client-id", "C-1").stderr
    assert [f["code"] for f in with_id["flags"]] == ["phq9_item9"]  # item 9 > 0, alone


def test_answers_that_meet_s1_give_the_banner_whatever_is_missing(tmp_path: Path) -> None:
    yes = {"valueCoding": {"system": LOINC, "code": "LA33-6"}}
    items = [item("cssrs_1", yes), item("/93247-5", yes), item("cssrs_3", {"valueBoolean": False}),
             item("/93249-1", yes)]  # fmt: skip
    result = score(write(tmp_path, response(items)))
    assert_exit(result, 1)
    assert result.stdout.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    payload = json.loads(score(write(tmp_path, response(items)), "--json").stdout)
    assert payload["emergency"] is True and payload["level"] == "inpatient"


def test_values_as_integers_whole_decimals_booleans_and_bank_codes(tmp_path: Path) -> None:
    items = [
        item("age", {"valueDecimal": 34.0}),
        item("impair_work", {"valueInteger": 2}),
        item("psychosis", {"valueBoolean": False}),
        item("housing", {"valueCoding": {"system": BANK.code_system, "code": "housing.stable"}}),
    ]
    stored, _ = fhir_read.read(BANK, write(tmp_path, response(items)))
    given = {k: stored.answers.values[k] for k in ("age", "impair_work", "psychosis", "housing")}
    assert given == {"age": 34, "impair_work": 2, "psychosis": False, "housing": "stable"}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([item("/44250-9", {"valueCoding": {"system": LOINC, "code": "LA9999-9"}})],
         "code LA9999-9 is not an answer of this question"),
        ([item("age", {"valueDecimal": 34.5})], "valueDecimal 34.5 is not a whole number"),
        ([item("housing", {"valueString": "castle"})], "housing: expected one of"),
        ([{"answer": []}], "item #1: an item needs a linkId"),
    ],
)  # fmt: skip
def test_bad_answers_are_named_problems_exit_1(
    tmp_path: Path, items: list[dict[str, Any]], message: str
) -> None:
    result = score(write(tmp_path, response(items)))
    assert_exit(result, 1)
    assert message in result.stderr


def test_a_stated_total_that_disagrees_with_its_items_is_a_problem(tmp_path: Path) -> None:
    document = json.loads(US_CORE.read_text(encoding="utf-8"))
    total = next(i for i in document["item"] if i["linkId"] == "/44261-6")
    total["answer"] = [{"valueDecimal": 13}]
    result = score(write(tmp_path, document))
    assert_exit(result, 1)
    assert "the stated total (/44261-6) is not the items' total 12" in result.stderr


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "not a FHIR resource"),
        ({"resourceType": "Patient"}, "a FHIR Patient, not a QuestionnaireResponse"),
        ({"resourceType": "QuestionnaireResponse", "item": {"linkId": "x"}}, "must be a list"),
        ({"resourceType": "Bundle", "entry": []}, "holding 0 QuestionnaireResponses"),
    ],
)
def test_a_file_that_is_not_a_response_exits_2(tmp_path: Path, document: Any, message: str) -> None:
    result = score(write(tmp_path, document))
    assert_exit(result, 2)
    assert message in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Questionn', "not valid JSON"),
        ('{"a": ' * 40 + "1" + "}" * 40, "nested more than"),
        ('{"item": [' + "9" * 5000 + "]}", "not valid JSON"),  # past int's digit limit
    ],
    ids=["broken", "deep", "long-number"],
)
def test_json_that_cannot_be_read_exits_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    result = score(path)
    assert_exit(result, 2)
    assert message in result.stderr


YES = {"valueCoding": {"system": LOINC, "code": "LA33-6"}}
NO = {"valueCoding": {"system": LOINC, "code": "LA32-8"}}


@pytest.mark.parametrize(
    "items",
    [
        # intent said twice, differently (and once by its LOINC code): the yes counts
        [item("cssrs_2", YES), item("cssrs_4", YES), item("/93249-1", NO)],
        # a badly shaped item elsewhere
        [item("cssrs_2", YES), item("cssrs_4", YES), {"linkId": "phq9_1", "answer": {"x": 1}}],
        [item("cssrs_2", YES), item("cssrs_4", YES), {"linkId": 7}],
        # yes to intent after no to active thoughts: the skip logic would not ask it
        [item("cssrs_2", NO), item("cssrs_4", YES)],
        # one answer holding two values
        [item("cssrs_6", YES), item("cssrs_6_recent", NO | {"valueBoolean": True})],
    ],
)
def test_s1_answers_show_the_banner_even_beside_problems(
    tmp_path: Path, items: list[dict[str, Any]]
) -> None:
    path = write(tmp_path, response(items))
    result = score(path)
    assert_exit(result, 1)
    assert result.stderr.count("EMERGENCY: imminent risk") == 2
    payload = json.loads(score(path, "--json").stdout)  # a script sees it on stdout too
    assert payload["emergency"] is True and payload["problems"]


def test_a_toml_file_that_opens_with_a_table_is_still_toml(tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text('[answers]\nclient_id = "A1"\nharm_others = "plan_or_intent"\n')
    result = score(path)
    assert "not valid JSON" not in result.stderr
    assert result.stderr.count("EMERGENCY: imminent risk") == 2  # its problems, between banners


def test_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_text("\ufeff" + US_CORE.read_text(encoding="utf-8"), encoding="utf-8")
    assert "12/27" in score(bom).stdout
