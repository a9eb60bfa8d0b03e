"""`triage questions fhir`: the question bank as a FHIR R4 Questionnaire (JSON, standard
library only): one group per section; each question with its answer id as linkId, its code
(LOINC where the bank gives one), type, required, coded answer options (the ordinalValue
extension for scored choices) and its skip logic as enableWhen."""

from __future__ import annotations

from typing import Any

from triage_cli.bank.codes import LOINC_SYSTEM
from triage_cli.bank.model import Bank, Condition, Question
from triage_cli.errors import BankError
from triage_cli.record.coding import answer_codings, item_coding

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TYPES = {"choice": "choice", "yesno": "choice", "integer": "integer", "text": "string"}
OPERATORS = {"eq": "=", "ne": "!="}


def questionnaire(bank: Bank) -> dict[str, Any]:
    """The Questionnaire; BankError naming each condition R4 cannot express."""
    problems: list[str] = [
        f"question '{q.id}' has the id of a section: every linkId must be unique"
        for q in bank.questions
        if q.id in {s.id for s in bank.sections}
    ]
    groups = []
    for section in bank.sections:
        items = [_item(bank, question, problems) for question in bank.section_questions(section.id)]
        groups.append({"linkId": section.id, "type": "group", "text": section.title, "item": items})
    if problems:
        raise BankError("the question bank cannot be written as a FHIR R4 Questionnaire", problems)
    return {
        "resourceType": "Questionnaire",
        "url": bank.url,
        "version": bank.version,
        "name": _name(bank.name),
        "title": bank.name,
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }


def _name(title: str) -> str:
    """A computable name (FHIR's rule: an upper-case ASCII letter, then letters, digits, _)."""
    name = "".join(c for c in title.title() if c.isascii() and c.isalnum())[:64]
    return name if name[:1].isalpha() else f"Intake{name}"[:64]


def _item(bank: Bank, question: Question, problems: list[str]) -> dict[str, Any]:
    code = item_coding(bank, question).as_json()
    if code["system"] == LOINC_SYSTEM:
        del code["display"]  # LOINC's display is LOINC's own; the item's text is ours
    item: dict[str, Any] = {
        "linkId": question.id,
        "code": [code],
        "text": question.prompt,
        "type": TYPES[question.kind],
        "required": True,  # every question the skip logic asks must be answered
    }
    if question.kind in ("choice", "yesno"):
        item["answerOption"] = [
            _option(code, coding.as_json(), question)
            for code, coding in answer_codings(bank, question)
        ]
    only = question.when[0] if len(question.when) == 1 else None
    if only is not None and only.op == "in":  # "any of": one = condition per code (answered)
        assert isinstance(only.value, frozenset)
        item["enableWhen"] = [
            _enable_when(bank, question, Condition(only.question, "eq", v), problems)
            for v in sorted(only.value, key=str)
        ]
        item["enableBehavior"] = "any"
    elif question.when:
        item["enableWhen"] = [
            found for c in question.when for found in _condition(bank, question, c, problems)
        ]
        if len(item["enableWhen"]) > 1:
            item["enableBehavior"] = "all"
    return item


def _condition(
    bank: Bank, question: Question, condition: Condition, problems: list[str]
) -> list[dict[str, Any]]:
    """One bank condition as R4 enableWhen: R4's != also holds when the other question has
    no answer, where the bank's is false when it was not asked, so it comes with exists."""
    found = [_enable_when(bank, question, condition, problems)]
    if condition.op == "ne":
        found.append({"question": condition.question, "operator": "exists", "answerBoolean": True})
    return found


def _option(code: object, coding: dict[str, str], question: Question) -> dict[str, Any]:
    option: dict[str, Any] = {"valueCoding": coding}
    if question.kind == "choice" and isinstance(code, int):  # a scored choice: its points
        option["extension"] = [{"url": ORDINAL, "valueDecimal": code}]
    return option


def _enable_when(
    bank: Bank, question: Question, condition: Condition, problems: list[str]
) -> dict[str, Any]:
    target = bank.question(condition.question)
    found: dict[str, Any] = {"question": target.id}
    if condition.op not in OPERATORS:
        # 'in' is "any of": R4 says it only as enableBehavior "any" over all of a question's
        # conditions, so not beside another condition (all of them must hold)
        problems.append(
            f"{question.id}: asked when {condition} and another condition: R4 enableWhen "
            "cannot say 'any of' within 'all of'"
        )
        return found | {"operator": "exists", "answerBoolean": True}
    found["operator"] = OPERATORS[condition.op]
    coding = next((c for code, c in answer_codings(bank, target) if code == condition.value), None)
    if coding is not None:
        return found | {"answerCoding": coding.as_json()}
    if isinstance(condition.value, int) and not isinstance(condition.value, bool):
        return found | {"answerInteger": condition.value}
    return found | {"answerString": str(condition.value)}
