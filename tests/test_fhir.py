"""FHIR R4 out: the bank as a Questionnaire and a summary as a Bundle. Every resource parses
with fhir.resources (R4B models), and, beyond what that library checks, every linkId is the
Questionnaire's, every answer code is among its item's options, every enableWhen names an
earlier item, and every LOINC code passes its check digit. Golden files hold two Bundles."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from reports import BANK, CASES, write_case
from typer.testing import CliRunner

from triage_cli.bank import load_bank
from triage_cli.bank.codes import LOINC_SYSTEM, check_digit, loinc_problem
from triage_cli.cli import app
from triage_cli.errors import BankError
from triage_cli.formats import toml_summary
from triage_cli.formats.fhir_bundle import bundle
from triage_cli.formats.fhir_questionnaire import questionnaire
from triage_cli.record.recorded import as_recorded

from conftest import EditBank, assert_exit, question_table

fhir_resources = pytest.importorskip("fhir.resources.R4B.bundle")
from fhir.resources.R4B.bundle import Bundle  # noqa: E402
from fhir.resources.R4B.questionnaire import Questionnaire  # noqa: E402

runner = CliRunner()
GOLDEN = Path(__file__).parent / "data" / "fhir"
QUESTIONNAIRE = questionnaire(BANK)
ITEMS = {item["linkId"]: item for group in QUESTIONNAIRE["item"] for item in group["item"]}
# Totals (and the C-SSRS result) by LOINC code, confirmed from loinc.org / HL7 IGs (README).
TOTAL_CODES = {"44261-6": "PHQ-9", "70274-6": "GAD-7", "75626-2": "AUDIT-C",
               "82667-7": "DAST-10", "93374-7": "C-SSRS"}  # fmt: skip


def bundle_of(tmp_path: Path, case: str) -> dict[str, Any]:
    return bundle(as_recorded(BANK, toml_summary.read(BANK, write_case(tmp_path, case))))


def codings(value: Any) -> list[dict[str, Any]]:
    """Every Coding anywhere in a resource."""
    if isinstance(value, dict):
        found = [value] if {"system", "code"} <= value.keys() else []
        return found + [c for v in value.values() for c in codings(v)]
    if isinstance(value, list):
        return [c for v in value for c in codings(v)]
    return []


# --- the Questionnaire -----------------------------------------------------------------------


def test_the_questionnaire_parses_and_carries_the_bank(tmp_path: Path) -> None:
    Questionnaire.model_validate(QUESTIONNAIRE)
    assert QUESTIONNAIRE["url"] == BANK.url and QUESTIONNAIRE["version"] == BANK.version
    assert [g["linkId"] for g in QUESTIONNAIRE["item"]] == [s.id for s in BANK.sections]
    assert list(ITEMS) == [q.id for q in BANK.questions]


def test_enable_when_names_an_earlier_item_and_one_of_its_answers() -> None:
    seen: list[str] = []
    for link_id, item in ITEMS.items():
        for condition in item.get("enableWhen", []):
            assert condition["question"] in seen, link_id
            target = ITEMS[condition["question"]]
            if "answerCoding" in condition:
                options = [o["valueCoding"] for o in target["answerOption"]]
                assert condition["answerCoding"] in options, link_id
        seen.append(link_id)
    assert ITEMS["cssrs_3"]["enableWhen"][0]["answerCoding"]["code"] == "LA33-6"  # = yes
    assert ITEMS["home_safe"]["enableWhen"][0]["operator"] == "!="


def test_scored_choices_carry_their_points_and_loinc_answers() -> None:
    option = ITEMS["phq9_1"]["answerOption"][2]
    assert option["valueCoding"] == {"system": LOINC_SYSTEM, "code": "LA6570-1",
                                     "display": "More than half the days"}  # fmt: skip
    assert option["extension"][0]["valueDecimal"] == 2
    assert ITEMS["phq9_1"]["code"][0] == {"system": LOINC_SYSTEM, "code": "44250-9",
                                          "display": BANK.question("phq9_1").prompt}  # fmt: skip
    assert ITEMS["housing"]["answerOption"][0]["valueCoding"]["system"] == BANK.code_system


def test_every_loinc_code_passes_its_check_digit() -> None:
    found = {c["code"] for c in codings(QUESTIONNAIRE) if c["system"] == LOINC_SYSTEM}
    assert len(found) >= 30
    for code in found:
        assert loinc_problem(code, answer=code.startswith("LA")) is None, code
    assert check_digit("44261") == 6 and loinc_problem("44261-7") is not None


def test_a_bad_loinc_code_or_url_is_a_bank_problem(edit_bank: EditBank) -> None:
    def broken(data: dict[str, Any]) -> None:
        question_table(data, "phq9_1")["loinc"] = "44250-8"  # wrong check digit
        data["bank"]["url"] = "not a uri"

    with pytest.raises(BankError) as error:
        load_bank(edit_bank("intake.toml", broken))
    text = str(error.value)
    assert "phq9_1" in text and "fails its check digit" in text and "is not a URI" in text


# --- the Bundle ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_every_bundle_parses_and_answers_only_what_the_questionnaire_asks(
    tmp_path: Path, case: str
) -> None:
    found = bundle_of(tmp_path, case)
    Bundle.model_validate(found)
    (response, *observations) = [e["resource"] for e in found["entry"]]
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["questionnaire"] == f"{BANK.url}|{BANK.version}"
    assert response["subject"]["identifier"] == {"system": BANK.code_system, "value": "EX-0001"}
    assert response["status"] == ("in-progress" if case.startswith("incomplete") else "completed")
    for group in response["item"]:
        for item in group["item"]:
            assert item["linkId"] in ITEMS
            answer = item["answer"][0]
            if "valueCoding" in answer:
                options = [o["valueCoding"] for o in ITEMS[item["linkId"]]["answerOption"]]
                assert answer["valueCoding"] in options, item["linkId"]
    for observation in observations:
        assert observation["derivedFrom"] == [{"reference": found["entry"][0]["fullUrl"]}]
    for code in codings(found):
        if code["system"] == LOINC_SYSTEM:
            assert loinc_problem(code["code"], answer=code["code"].startswith("LA")) is None


def test_the_totals_are_loinc_coded_and_the_level_is_the_bank_s_own(tmp_path: Path) -> None:
    found = bundle_of(tmp_path, "iop_withdrawal")
    observations = [e["resource"] for e in found["entry"][1:]]
    totals = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert set(TOTAL_CODES) <= set(totals)
    phq9 = totals["44261-6"]
    assert (
        phq9["valueQuantity"]["unit"] == "{score}"
        and phq9["category"][0]["coding"][0]["code"] == "survey"
    )
    level = totals["level-of-care"]
    assert level["code"]["coding"][0]["system"] == BANK.code_system  # no LOINC code exists
    assert level["valueCodeableConcept"]["coding"][0]["code"] == "level.iop"
    components = {c["code"]["coding"][0]["code"]: c for c in level["component"]}
    assert {f"rating.{x}" for x in "RFCEPHG"} | {"composite", "emergency"} <= set(components)
    assert (
        components["withdrawal-management"]["valueCodeableConcept"]["coding"][0]["code"]
        == "withdrawal.ambulatory"
    )
    assert any("F4" in note["text"] for note in level["note"])


def test_an_emergency_and_an_override_are_in_the_level_observation(tmp_path: Path) -> None:
    emergency = bundle_of(tmp_path, "emergency")["entry"][-1]["resource"]
    components = {c["code"]["coding"][0]["code"]: c for c in emergency["component"]}
    assert components["emergency"]["valueBoolean"] is True
    overridden = bundle_of(tmp_path, "overridden")["entry"][-1]["resource"]
    components = {c["code"]["coding"][0]["code"]: c for c in overridden["component"]}
    assert components["override.level"]["valueCodeableConcept"]["coding"][0]["code"] == "level.iop"
    assert components["override.by"]["valueString"] == "JD"


def test_the_same_summary_gives_the_same_bundle(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, again = bundle_of(tmp_path / "a", "op"), bundle_of(tmp_path / "b", "op")
    assert first == again
    assert re.fullmatch(r"[0-9a-f-]{36}", first["id"])


@pytest.mark.parametrize("case", ["op", "emergency"])
def test_golden_bundles(tmp_path: Path, case: str) -> None:
    """After a deliberate change, regenerate with `python tests/test_fhir.py` and review
    the diff."""
    found = bundle_of(tmp_path, case)
    golden = json.loads((GOLDEN / f"{case}.bundle.json").read_text(encoding="utf-8"))
    assert found == golden


# --- the commands ----------------------------------------------------------------------------


def test_fhir_writes_beside_the_summary_and_questions_fhir_prints(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "op")
    result = runner.invoke(app, ["fhir", str(summary)])
    assert_exit(result, 0)
    written = summary.with_suffix(".fhir.json")
    assert written.stat().st_mode & 0o777 == 0o600
    Bundle.model_validate(json.loads(written.read_text(encoding="utf-8")))
    assert_exit(runner.invoke(app, ["fhir", str(summary)]), 2)  # never over it without --force
    printed = runner.invoke(app, ["questions", "fhir"])
    assert_exit(printed, 0)
    Questionnaire.model_validate(json.loads(printed.stdout))


def test_score_fhir_and_its_extension(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "emergency")
    result = runner.invoke(app, ["score", str(summary), "--fhir", str(tmp_path / "b.json")])
    assert_exit(result, 0)
    assert "FHIR bundle written" in result.stderr
    bad = runner.invoke(app, ["score", str(summary), "--fhir", str(tmp_path / "b.xml")])
    assert_exit(bad, 2)  # a usage error, before anything is read
    assert "a FHIR Bundle is written as .json" in bad.stderr


if __name__ == "__main__":  # regenerate the golden files
    import tempfile

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name in ("op", "emergency"):
            text = json.dumps(bundle_of(Path(folder), name), indent=2, ensure_ascii=False)
            (GOLDEN / f"{name}.bundle.json").write_text(text + "\n", encoding="utf-8")


def _extra(qid: str, when: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    def edit(data: dict[str, Any]) -> None:
        extra = {"id": qid, "section": "logistics_insurance", "kind": "yesno"}
        data["questions"].append(extra | {"prompt": "Extra?", "when": when})

    return edit


def test_any_of_is_enable_behavior_any_and_any_of_within_all_of_is_named(
    edit_bank: EditBank,
) -> None:
    any_of = {"question": "payer", "op": "in", "value": ["medicaid", "medicare"]}
    bank = load_bank(edit_bank("intake.toml", _extra("x_extra", [any_of])))
    item = next(
        i for g in questionnaire(bank)["item"] for i in g["item"] if i["linkId"] == "x_extra"
    )
    assert item["enableBehavior"] == "any" and len(item["enableWhen"]) == 2
    both = [any_of, {"question": "referral", "op": "eq", "value": "yes"}]
    bank = load_bank(edit_bank("intake.toml", _extra("x_both", both)))
    with pytest.raises(BankError) as error:
        questionnaire(bank)
    assert "x_both" in str(error.value) and "cannot say 'any of' within 'all of'" in str(
        error.value
    )
