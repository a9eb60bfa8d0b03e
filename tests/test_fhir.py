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
from fhir.resources.R4B.bundle import Bundle  # the test extra: no skip when it is missing
from fhir.resources.R4B.questionnaire import Questionnaire
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
    # the bank's != is false when the other question was not asked; R4's alone is true
    assert [c["operator"] for c in ITEMS["home_safe"]["enableWhen"]] == ["!=", "exists"]
    assert ITEMS["home_safe"]["enableBehavior"] == "all"


def test_scored_choices_carry_their_points_and_loinc_answers() -> None:
    option = ITEMS["phq9_1"]["answerOption"][2]
    assert option["valueCoding"] == {"system": LOINC_SYSTEM, "code": "LA6570-1",
                                     "display": "More than half the days"}  # fmt: skip
    assert option["extension"][0]["valueDecimal"] == 2
    # LOINC's own display is not ours to write: the code alone, our wording in the text
    assert ITEMS["phq9_1"]["code"][0] == {"system": LOINC_SYSTEM, "code": "44250-9"}
    assert ITEMS["phq9_1"]["text"] == BANK.question("phq9_1").prompt
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


def test_an_emergency_is_flagged_where_an_ehr_looks_first(tmp_path: Path) -> None:
    entries = [e["resource"] for e in bundle_of(tmp_path, "emergency")["entry"]]
    level = entries[-1]
    assert level["interpretation"][0]["coding"][0]["code"] == "AA"
    assert level["note"][0]["text"].startswith("EMERGENCY: imminent risk")
    assert "988" in level["note"][0]["text"]
    (tmp_path / "op").mkdir()
    plain = [e["resource"] for e in bundle_of(tmp_path / "op", "op")["entry"]]
    assert "interpretation" not in plain[-1]


def test_panels_hold_their_totals(tmp_path: Path) -> None:
    entries = bundle_of(tmp_path, "op")["entry"]
    by_url = {e["fullUrl"]: e["resource"] for e in entries}
    panels = {r["code"]["coding"][0]["code"]: r for r in by_url.values() if "hasMember" in r}
    assert set(panels) == {"44249-1", "69737-5", "72109-2", "82666-9"}
    member = by_url[panels["44249-1"]["hasMember"][0]["reference"]]
    assert member["code"]["coding"][0]["code"] == "44261-6"


def test_undated_records_of_one_client_never_share_ids_and_no_id_means_no_subject(
    tmp_path: Path,
) -> None:
    from triage_cli.answers.partial import parse_partial
    from triage_cli.record.model import build_record
    from triage_cli.scoring.partial import assessment_of

    def made(values: dict[str, Any]) -> dict[str, Any]:
        answers = parse_partial(BANK, values)
        return bundle(build_record(BANK, answers, assessment_of(answers)))

    base = dict(CASES["op"][0])
    one, other = made(base), made(base | {"phq9_1": 0})
    assert one["id"] != other["id"]
    assert made(base)["id"] == one["id"]
    nameless = made({"harm_others": "plan_or_intent"})  # an emergency before the client id
    Bundle.model_validate(nameless)
    assert all("subject" not in e["resource"] for e in nameless["entry"])


def test_control_characters_and_empty_text_never_reach_the_bundle(tmp_path: Path) -> None:
    found = bundle_of(tmp_path, "overridden")  # its note holds ESC and markup
    flat = json.dumps(found)
    assert "\\u001b" not in flat and "\\x1b[2J" in flat
    Bundle.model_validate(found)

    def empty(value: Any) -> bool:
        if isinstance(value, dict):
            return any(empty(v) for v in value.values())
        if isinstance(value, list):
            return any(empty(v) for v in value)
        return value == ""

    assert not empty(found)


def test_a_center_bank_with_its_own_uris_and_no_codes(edit_bank: EditBank) -> None:
    def own(data: dict[str, Any]) -> None:
        data["bank"]["url"] = "https://example.org/fhir/Questionnaire/intake"
        data["bank"]["code_system"] = "https://example.org/codes"
        for question in data["questions"]:
            question.pop("loinc", None)
            for choice in question.get("choices", []):
                choice.pop("loinc", None)
        for instrument in data["instruments"].values():
            instrument.pop("loinc", None)
            instrument.pop("total_loinc", None)

    bank = load_bank(edit_bank("intake.toml", own))
    found = questionnaire(bank)
    Questionnaire.model_validate(found)
    assert found["url"] == "https://example.org/fhir/Questionnaire/intake"
    systems = {c["system"] for c in codings(found)}
    assert systems == {"https://example.org/codes", LOINC_SYSTEM}  # LOINC: yes/no only


def test_a_bad_instrument_code_is_a_bank_problem(edit_bank: EditBank) -> None:
    def broken(data: dict[str, Any]) -> None:
        data["instruments"]["phq9"]["total_loinc"] = "44261-1"

    with pytest.raises(BankError, match=r"instrument 'phq9': total_loinc: .*check digit"):
        load_bank(edit_bank("intake.toml", broken))
