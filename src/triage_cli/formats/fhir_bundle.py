"""`triage fhir`: a Record as a FHIR R4 Bundle (type collection, JSON, standard library only):
the QuestionnaireResponse of its answers, an Observation per instrument total or result
(LOINC-coded where the bank gives the code), and one Observation for the level-of-care
recommendation in the bank's own code system (LOINC has no code for a level of care).
Resource ids are uuid5 of the client id and the assessment time: one summary, one Bundle."""

from __future__ import annotations

import uuid
from typing import Any

from triage_cli.record.coding import TOTALS, Coded, Coding
from triage_cli.record.model import Record
from triage_cli.record.words import score_lines

SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
SCORE_UNIT = {"unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}
NAMES = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "auditc": "AUDIT-C",
    "dast10": "DAST-10",
    "cssrs": "C-SSRS",
}


def bundle(record: Record) -> dict[str, Any]:
    coded = record.coded
    assert coded is not None, "a Record built without its bank's codes"
    when = record.meta.assessed.isoformat() if record.meta.assessed else None
    seed = f"{coded.code_system}|{record.client_id}|{when or 'not dated'}"

    def urn(kind: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}|{kind}')}"

    subject = {"identifier": {"system": coded.code_system, "value": record.client_id}}
    response = _response(record, coded, subject, when)
    resources = [(urn("QuestionnaireResponse"), response)]
    dated = {"effectiveDateTime": when} if when else {}
    common = {"status": "final" if record.complete else "preliminary", "subject": subject}
    derived = {"derivedFrom": [{"reference": resources[0][0]}]}
    for instrument, observation in _scores(record, coded):
        resources.append((urn(instrument), observation | common | dated | derived))
    resources.append((urn("level-of-care"), _level(record, coded) | common | dated | derived))
    for full_url, resource in resources:
        resource["id"] = full_url.removeprefix("urn:uuid:")
    return {
        "resourceType": "Bundle",
        "id": urn("Bundle").removeprefix("urn:uuid:"),
        "type": "collection",
        "entry": [{"fullUrl": full_url, "resource": r} for full_url, r in resources],
    }


def _response(
    record: Record, coded: Coded, subject: dict[str, Any], when: str | None
) -> dict[str, Any]:
    groups = []
    for section_id, title in coded.sections:
        items = [
            _answer(a.id, a.item, a.answer, a.value)
            for a in coded.answers
            if a.section == section_id
        ]
        if items:
            groups.append({"linkId": section_id, "text": title, "item": items})
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": coded.questionnaire,
        "status": "completed" if record.complete else "in-progress",
        "subject": subject,
        "item": groups,
    }
    if when:
        response["authored"] = when
    return response


def _answer(qid: str, item: Coding, answer: Coding | None, value: object) -> dict[str, Any]:
    if answer is not None:
        shown: dict[str, Any] = {"valueCoding": answer.as_json()}
    elif isinstance(value, int) and not isinstance(value, bool):
        shown = {"valueInteger": value}
    else:
        shown = {"valueString": str(value)}
    return {"linkId": qid, "text": item.display, "answer": [shown]}


def _scores(record: Record, coded: Coded) -> list[tuple[str, dict[str, Any]]]:
    """An Observation per instrument whose total (or, for the C-SSRS, risk) is determined."""
    scores = record.scores
    bands = {line.name.split(" ")[0]: line.band for line in score_lines(scores)}
    found = []
    for instrument, field in TOTALS.items():
        if field not in scores:
            continue
        code = coded.totals[instrument]
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "category": [SURVEY],
            "code": {"coding": [code.as_json()], "text": code.display},
        }
        if instrument == "cssrs":
            risk = str(scores[field])
            coding = Coding(coded.code_system, f"cssrs_risk.{risk}", f"C-SSRS risk {risk}")
            observation["valueCodeableConcept"] = {"coding": [coding.as_json()], "text": risk}
        else:
            observation["valueQuantity"] = {"value": scores[field]} | SCORE_UNIT
            observation["interpretation"] = [{"text": bands[NAMES[instrument]]}]
        found.append((instrument, observation))
    return found


def _component(code: str, display: str, coded: Coded, value: dict[str, Any]) -> dict[str, Any]:
    return {"code": {"coding": [Coding(coded.code_system, code, display).as_json()]}} | value


def _concept(coded: Coded, code: str, display: str) -> dict[str, Any]:
    return {
        "valueCodeableConcept": {
            "coding": [Coding(coded.code_system, code, display).as_json()],
            "text": display,
        }
    }


def _level(record: Record, coded: Coded) -> dict[str, Any]:
    """The recommendation: level, ratings, composite, emergency, withdrawal, flags, override."""
    a, ratings = record.assessment, record.ratings
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "category": [SURVEY],
        "code": {
            "coding": [
                Coding(coded.code_system, "level-of-care", "Recommended level of care").as_json()
            ],
            "text": "Recommended level of care (decision support, not a diagnosis)",
        },
    }
    if a.level is not None:
        observation |= _concept(coded, f"level.{a.level.code}", a.level.title)
    else:
        observation["dataAbsentReason"] = {"text": "not determined: the record is incomplete"}
    components = [
        _component(f"rating.{letter}", f"Rating {letter}", coded, {"valueInteger": value})
        for letter, value in ratings.items()
        if letter != "composite"
    ]
    if "composite" in ratings:
        components.append(
            _component("composite", "Composite", coded, {"valueInteger": ratings["composite"]})
        )
    if a.emergency is not None:
        components.append(
            _component(
                "emergency", "Emergency disposition", coded, {"valueBoolean": bool(a.emergency)}
            )
        )
    if a.withdrawal_management is not None:
        components.append(
            _component(
                "withdrawal-management",
                "Withdrawal management",
                coded,
                _concept(coded, f"withdrawal.{a.withdrawal_management}", a.withdrawal_management),
            )
        )
    for flag in a.flags:
        components.append(
            _component(
                f"flag.{flag.code}", "Flag for the clinician", coded, {"valueString": flag.text}
            )
        )
    if record.override:
        o = record.override
        components.append(
            _component(
                "override.level",
                "Clinician override: level",
                coded,
                _concept(coded, f"level.{o.level}", o.level),
            )
        )
        components.append(
            _component(
                "override.reason",
                "Clinician override: reason",
                coded,
                {"valueString": o.reason_text},
            )
        )
        for key, value in (("note", o.note), ("by", o.by)):
            if value:
                components.append(
                    _component(
                        f"override.{key}",
                        f"Clinician override: {key}",
                        coded,
                        {"valueString": value},
                    )
                )
    observation["component"] = components
    observation["note"] = [{"text": reason} for reason in a.reasons] or [
        {"text": "no rule has set a level yet"}
    ]
    return observation
