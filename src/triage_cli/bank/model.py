"""The question bank as frozen values: questions, skip conditions, sections, program cards,
checklist items, and the Bank that holds them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

FILES = ("intake.toml", "programs.toml", "insurance.toml")
LEVELS = ("op", "iop", "php", "residential", "inpatient")
KINDS = ("choice", "yesno", "integer", "text")
OPS = ("eq", "ne", "in")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
SHORT_LIMIT = 32  # a question's short name: the interview's review screen gives it a column

Value = str | int | bool  # a typed answer: a code, an integer, yes/no as bool, or text
_OP_SIGNS = {"eq": "=", "ne": "!=", "in": "in"}


@dataclass(frozen=True)
class Condition:
    """One skip-logic test on an earlier answer; false when that question was not asked."""

    question: str
    op: str
    value: Value | frozenset[Value]

    def holds(self, answers: Mapping[str, Value]) -> bool:
        given = answers.get(self.question)
        if given is None:
            return False
        if self.op == "eq":
            return given == self.value
        if self.op == "ne":
            return given != self.value
        return given in self.value  # type: ignore[operator]

    def __str__(self) -> str:
        shown = (
            "[" + ", ".join(sorted(map(show_value, self.value))) + "]"
            if isinstance(self.value, frozenset)
            else show_value(self.value)
        )
        return f"{self.question} {_OP_SIGNS[self.op]} {shown}"


def show_value(value: Value) -> str:
    """An answer as text: yes/no for booleans, the code or number otherwise."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class Choice:
    code: str | int
    label: str
    loinc: str | None = None  # a LOINC answer code (LA...), when the instrument has one


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str
    prompt: str
    short: str = ""  # a short name for the review screen ("Wish to be dead"); "" = the id
    help: str = ""
    instrument: str | None = None
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    pattern_hint: str | None = None
    default: Value | None = None
    when: tuple[Condition, ...] = ()
    loinc: str | None = None  # the item's LOINC code, when there is one

    def short_name(self) -> str:
        """The question's short name, as the review screen shows it beside the answer."""
        return self.short or self.id

    def asked(self, answers: Mapping[str, Value]) -> bool:
        """Whether the skip logic asks this question, given the answers so far."""
        return all(condition.holds(answers) for condition in self.when)

    def label(self, value: Value) -> str:
        """The words for an answer, as the interview, review and reports show them."""
        if self.kind == "yesno" and isinstance(value, bool):
            return "Yes" if value else "No"
        for choice in self.choices:
            if choice.code == value and type(choice.code) is type(value):
                return choice.label
        return show_value(value)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    stem: str
    citation: str
    terms: str
    loinc: str | None = None  # the panel's LOINC code
    total_loinc: str | None = None  # the total's (or result's) LOINC code


@dataclass(frozen=True)
class Program:
    level: str
    name: str
    hours_per_week: str
    days_per_week: str
    hours_per_day: str
    typical_length: str
    setting: str
    focus: str
    components: tuple[str, ...]
    who_for: str
    step_down: str
    step_up: str
    asam_level: str
    telehealth: str
    adolescent_note: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    levels: frozenset[str]
    when: tuple[Condition, ...] = ()

    def applies(self, level: str, answers: Mapping[str, Value]) -> bool:
        return level in self.levels and all(c.holds(answers) for c in self.when)


@dataclass(frozen=True, eq=False)  # compared and cached by identity
class Bank:
    name: str
    version: str
    sha256: str
    directory: Path
    sections: tuple[Section, ...]
    instruments: Mapping[str, Instrument]
    questions: tuple[Question, ...]
    programs: Mapping[str, Program]
    checklist: tuple[ChecklistItem, ...] = field(default=())
    url: str = "urn:triage-cli:questionnaire:default"  # the FHIR Questionnaire's canonical URL
    code_system: str = "urn:triage-cli:codes"  # the URI of the bank's own codes

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, qid: str) -> Question:
        return self.by_id[qid]

    def section_questions(self, section_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_id)
