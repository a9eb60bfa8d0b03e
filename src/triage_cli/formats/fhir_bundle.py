"""`triage fhir`: a Record as a FHIR R4 Bundle (type collection, JSON, standard library only):
the QuestionnaireResponse of its answers, an Observation per instrument total or result
(LOINC-coded where the bank gives the code), and one Observation for the level-of-care
recommendation in the bank's own code system (LOINC has no code for a level of care).
Resource ids are uuid5 of the client id and the assessment time: one summary, one Bundle."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from triage_cli.bank.codes import LOINC_SYSTEM
from triage_cli.record.coding import TOTALS, Coded, Coding
from triage_cli.record.model import Record
from triage_cli.record.words import CRISIS_LINES, CRISIS_TITLE, NOT_DETERMINED, score_lines
from triage_cli.text import prose

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
# An emergency is flagged where an EHR looks first: a critical interpretation, with the words.
CRITICAL = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": "AA",
            "display": "Critical abnormal",
        }
    ],
    "text": f"{CRISIS_TITLE}: " + " ".join(CRISIS_LINES),
}


def text(value: object) -> str:
    """Free text as FHIR may hold it: control characters shown as escapes (FHIR strings may
    not hold them), cut at the prose limit."""
    return prose(str(value))


def _coding(coding: Coding) -> dict[str, str]:
    """A Coding; LOINC's own display is not ours to write, so a LOINC code goes without one
    (our wording goes in the concept's text)."""
    found = coding.as_json()
    if coding.system == LOINC_SYSTEM and not coding.code.startswith("LA"):
        del found["display"]
    return found


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
    # the same summary, the same ids; two undated files of one client with other answers
    # (or another recommendation) never share them
    content = json.dumps(
        [(a.id, a.value) for a in coded.answers] + [record.recommendation],
        default=str,
        sort_keys=True,
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    seed = f"{coded.code_system}|{record.client_id}|{when or 'not dated'}|{digest}"

    def urn(kind: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}|{kind}')}"

    subject = (
        {"subject": {"identifier": {"system": coded.code_system, "value": record.client_id}}}
        if record.client_id
        else {}
    )
    response = _response(record, coded, subject, when)
    resources = [(urn("QuestionnaireResponse"), response)]
    dated = {"effectiveDateTime": when} if when else {}
    common = {"status": "final" if record.complete else "preliminary"} | subject
    derived = {"derivedFrom": [{"reference": resources[0][0]}]}
    for instrument, observation in _scores(record, coded):
        resources.append((urn(instrument), observation | common | dated | derived))
        if (panel := coded.panels.get(instrument)) is not None:
            member = {"hasMember": [{"reference": resources[-1][0]}]}
            panel_observation = {
                "resourceType": "Observation",
                "category": [SURVEY],
                "code": {"coding": [_coding(panel)], "text": panel.display},
            }
            resources.append(
                (urn(f"{instrument}-panel"), panel_observation | common | dated | derived | member)
            )
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
    """The answers, grouped by section as in the Questionnaire."""
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
        **subject,
        "item": groups,
    }
    if when:
        response["authored"] = when
    return response


def _answer(qid: str, item: Coding, answer: Coding | None, value: object) -> dict[str, Any]:
    if answer is not None:
        shown: dict[str, Any] = {"valueCoding": _coding(answer)}
    elif isinstance(value, int) and not isinstance(value, bool):
        shown = {"valueInteger": value}
    else:
        shown = {"valueString": text(value)}
    return {"linkId": qid, "text": text(item.display), "answer": [shown]}


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
            "code": {"coding": [_coding(code)], "text": code.display},
        }
        if instrument == "cssrs":
            risk = text(scores[field]) or NOT_DETERMINED
            coding = Coding(coded.code_system, f"cssrs_risk.{risk}", f"C-SSRS risk {risk}")
            observation["valueCodeableConcept"] = {"coding": [coding.as_json()], "text": risk}
            if risk == "high":
                observation["interpretation"] = [CRITICAL]
        else:
            observation["valueQuantity"] = {"value": scores[field]} | SCORE_UNIT
            band = bands[NAMES[instrument]]
            if band and band != NOT_DETERMINED:
                observation["interpretation"] = [{"text": text(band)}]
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
                f"flag.{flag.code}",
                "Flag for the clinician",
                coded,
                {"valueString": text(flag.text) or flag.code},
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
                {"valueString": text(o.reason_text) or o.reason},
            )
        )
        for key, value in (("note", text(o.note)), ("by", text(o.by))):
            if value:  # FHIR strings may not be empty
                components.append(
                    _component(
                        f"override.{key}",
                        f"Clinician override: {key}",
                        coded,
                        {"valueString": value},
                    )
                )
    observation["component"] = components
    notes = [text(reason) for reason in a.reasons] or ["no rule has set a level yet"]
    notes += [text(note) for note in record.notes]  # another bank, a recommendation that changed
    if a.emergency:  # first: the words an EHR shows
        observation["interpretation"] = [CRITICAL]
        notes.insert(0, CRITICAL["text"])
    observation["note"] = [{"text": note} for note in notes if note]
    return observation
