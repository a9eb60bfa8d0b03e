"""The Record: one assessment as the chart holds it, built once from the bank, the answers, the
assessment, an override and an earlier summary. What applies (program card, checklist items,
answer labels, the comparison) is decided here, so that every writer only lays it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from triage_cli import __version__
from triage_cli.answers import Answers
from triage_cli.bank.model import Bank, ChecklistItem, Program, Value
from triage_cli.record.compare import Comparison, compare
from triage_cli.record.override import Override
from triage_cli.record.stored import Stored
from triage_cli.scoring import MODEL_VERSION, Assessment, Level
from triage_cli.scoring.rules import EMERGENCY_RULE, imminent_reasons


@dataclass(frozen=True)
class Meta:
    """Where a record comes from: the tool, the clinical model and the question bank."""

    tool_version: str
    model_version: str
    bank_name: str
    bank_version: str
    bank_sha256: str
    assessed: datetime | None = None  # when the answers were taken, not when a file is written


@dataclass(frozen=True)
class AnswerLine:
    """One asked question's answer, with the words the interview shows for it."""

    id: str
    section: str  # the section's title
    prompt: str
    value: Value
    label: str


@dataclass(frozen=True)
class Record:
    """What the chart holds for one assessment. `level` is the level the program card and the
    checklist are for: the override's when there is one, else the recommendation's."""

    meta: Meta
    answers: Answers
    labelled: tuple[AnswerLine, ...]  # in bank order
    assessment: Assessment
    level: str
    program: Program
    adolescent_note: str  # the program's note for a client under 18; "" otherwise
    checklist: tuple[ChecklistItem, ...]
    override: Override | None = None
    comparison: Comparison | None = None
    complete: bool = True  # every asked question answered and scored

    @property
    def client_id(self) -> str:
        return self.answers.client_id


def meta_of(bank: Bank, assessed: datetime | None = None) -> Meta:
    return Meta(__version__, MODEL_VERSION, bank.name, bank.version, bank.sha256, assessed)


def labelled(bank: Bank, answers: Mapping[str, Value]) -> tuple[AnswerLine, ...]:
    """The asked questions' answers in bank order, each with its section and label."""
    titles = {section.id: section.title for section in bank.sections}
    return tuple(
        AnswerLine(q.id, titles[q.section], q.prompt, answers[q.id], q.label(answers[q.id]))
        for q in bank.questions
        if q.id in answers
    )


def program_for(bank: Bank, level: str, answers: Mapping[str, Value]) -> tuple[Program, str]:
    """A level's program card, and its adolescent note when the client is under 18."""
    program = bank.programs[level]
    age = answers.get("age")
    adolescent = isinstance(age, int) and age < 18
    return program, program.adolescent_note if adolescent else ""


def checklist_for(
    bank: Bank, level: str, answers: Mapping[str, Value]
) -> tuple[ChecklistItem, ...]:
    """The insurance checklist items that apply to this level and these answers."""
    return tuple(item for item in bank.checklist if item.applies(level, answers))


def build_record(
    bank: Bank,
    answers: Answers,
    assessment: Assessment,
    *,
    override: Override | None = None,
    previous: Stored | None = None,
    assessed: datetime | None = None,
) -> Record:
    """The Record of one assessment; `previous` is an earlier summary of the same client."""
    level = override.level if override else assessment.level.code
    program, adolescent_note = program_for(bank, level, answers.values)
    return Record(
        meta=meta_of(bank, assessed),
        answers=answers,
        labelled=labelled(bank, answers.values),
        assessment=assessment,
        level=level,
        program=program,
        adolescent_note=adolescent_note,
        checklist=checklist_for(bank, level, answers.values),
        override=override,
        comparison=(
            compare(previous, assessment, answers.client_id) if previous is not None else None
        ),
    )


@dataclass(frozen=True)
class EarlyEmergency:
    """The result when an interview stops at imminent risk before every question is asked:
    the emergency disposition (inpatient), rule S1's reasons and the inpatient program."""

    level: Level
    reasons: tuple[str, ...]
    program: Program
    adolescent_note: str


def early_emergency(bank: Bank, answers: Mapping[str, Value]) -> EarlyEmergency:
    program, adolescent_note = program_for(bank, Level.INPATIENT.code, answers)
    reason = f"{EMERGENCY_RULE} imminent-risk: " + "; ".join(imminent_reasons(answers))
    return EarlyEmergency(Level.INPATIENT, (reason,), program, adolescent_note)
