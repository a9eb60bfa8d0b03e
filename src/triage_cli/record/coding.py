"""How a record's answers and scores are coded for an EHR: LOINC where the bank gives a code
(items, answers, instrument totals), else the bank's own code system. Decided once, here, for
the FHIR Questionnaire and Bundle alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from triage_cli.bank.codes import LOINC_NO, LOINC_SYSTEM, LOINC_YES
from triage_cli.bank.model import Bank, Question, Value

# The score each instrument's total (or result) is, by batch column name.
TOTALS = {
    "phq9": "phq9_total",
    "gad7": "gad7_total",
    "auditc": "auditc_total",
    "dast10": "dast10_total",
    "cssrs": "cssrs_risk",
}


class Coding(NamedTuple):
    system: str
    code: str
    display: str

    def as_json(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


def item_coding(bank: Bank, question: Question) -> Coding:
    """The question's code: its LOINC item code, else its id in the bank's code system."""
    if question.loinc:
        return Coding(LOINC_SYSTEM, question.loinc, question.prompt)
    return Coding(bank.code_system, question.id, question.prompt)


def answer_codings(bank: Bank, question: Question) -> list[tuple[Value, Coding]]:
    """Each answer a choice or yes/no question takes, with its coding: the choice's LOINC
    answer code (yes/no: LOINC's own), else `id.code` in the bank's code system."""
    if question.kind == "yesno":
        return [
            (True, Coding(LOINC_SYSTEM, LOINC_YES, "Yes")),
            (False, Coding(LOINC_SYSTEM, LOINC_NO, "No")),
        ]
    return [
        (
            choice.code,
            Coding(LOINC_SYSTEM, choice.loinc, choice.label)
            if choice.loinc
            else Coding(bank.code_system, f"{question.id}.{choice.code}", choice.label),
        )
        for choice in question.choices
    ]


def answer_coding(bank: Bank, question: Question, value: Value) -> Coding | None:
    """The coding of one answer; None for integers and text (sent as values, not codes)."""
    for code, coding in answer_codings(bank, question):
        if code == value and type(code) is type(value):
            return coding
    return None


def total_coding(bank: Bank, instrument: str) -> Coding:
    """An instrument total's code: LOINC when the bank gives it, else the bank's own."""
    found = bank.instruments.get(instrument)
    name = found.name if found else instrument
    if found and found.total_loinc:
        return Coding(LOINC_SYSTEM, found.total_loinc, f"{name}: total")
    return Coding(bank.code_system, TOTALS[instrument], f"{name}: total")


class CodedAnswer(NamedTuple):
    id: str
    section: str  # the section's id
    item: Coding
    answer: Coding | None  # None: an integer or text, sent as a value
    value: Value


class Coded(NamedTuple):
    """What an EHR exchange needs of a record: the Questionnaire it answers, the bank's code
    system, the sections, each answer coded, and each instrument total's code."""

    questionnaire: str  # url|version
    code_system: str
    sections: tuple[tuple[str, str], ...]  # (id, title), in bank order
    answers: tuple[CodedAnswer, ...]  # in bank order
    totals: dict[str, Coding]  # instrument id -> its total's code
    panels: dict[str, Coding]  # instrument id -> its panel's LOINC code, where the bank has one


def coded(bank: Bank, values: Mapping[str, Value]) -> Coded:
    """The codings of a record's answers (those given, in bank order)."""
    answers = tuple(
        CodedAnswer(
            q.id,
            q.section,
            item_coding(bank, q),
            answer_coding(bank, q, values[q.id]),
            values[q.id],
        )
        for q in bank.questions
        if q.id in values
    )
    return Coded(
        questionnaire=f"{bank.url}|{bank.version}",
        code_system=bank.code_system,
        sections=tuple((s.id, s.title) for s in bank.sections),
        answers=answers,
        totals={instrument: total_coding(bank, instrument) for instrument in TOTALS},
        panels={
            key: Coding(LOINC_SYSTEM, instrument.loinc, instrument.name)
            for key, instrument in bank.instruments.items()
            if instrument.loinc and key in TOTALS
        },
    )
