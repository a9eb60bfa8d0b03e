"""The Record: one assessment as the chart holds it, built once from the bank, the answers, the
assessment, an override and an earlier summary. What applies (program card, checklist items,
answer labels, the comparison, what an incomplete record determines) is decided here, so that
every writer only lays it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from triage_cli import __version__
from triage_cli.answers import Answers, PartialAnswers
from triage_cli.bank.model import Bank, ChecklistItem, Program, Question, Value
from triage_cli.errors import InputError
from triage_cli.record.override import Override
from triage_cli.record.stored import Stored
from triage_cli.scoring import MODEL_VERSION, Assessment
from triage_cli.text import shown

if TYPE_CHECKING:
    from triage_cli.record.coding import Coded
    from triage_cli.record.compare import Comparison
    from triage_cli.record.history import HistoryRow
    from triage_cli.record.recorded import Recorded
    from triage_cli.scoring.partial import Partial


@dataclass(frozen=True)
class Meta:
    """Where a record comes from: the tool, the clinical model and the question bank."""

    tool_version: str
    model_version: str
    bank_name: str
    bank_version: str
    bank_sha256: str
    assessed: datetime | None = None  # when the answers were taken, not when a file is written
    started: datetime | None = None  # when the interview began (its draft is named for it)


@dataclass(frozen=True)
class AnswerLine:
    """One asked question's answer, with the words the interview shows for it."""

    id: str
    section: str  # the section's title
    prompt: str
    value: Value
    label: str


@dataclass(frozen=True)
class QuestionLine:
    """Every question of the bank as a record holds it: answered (with its label), not asked
    (the skip logic skipped it), or not answered (an incomplete record)."""

    id: str
    section: str
    prompt: str
    status: str  # "answered", "not asked", "not answered"
    label: str  # the answer's words; "" unless answered


@dataclass(frozen=True)
class Record:
    """What the chart holds for one assessment. `level` is the level the program card and the
    checklist are for: the override's when there is one, else the recommendation's. An
    incomplete record (an interview stopped at an emergency, a response holding one
    instrument) holds a Partial: what its answers determine; without a level (its own or an
    override's) it has no program card and no checklist."""

    meta: Meta
    answers: Answers
    labelled: tuple[AnswerLine, ...]  # in bank order
    questions: tuple[QuestionLine, ...]  # every question of the bank, in bank order
    assessment: Assessment | Partial | Recorded  # Recorded: a summary as it was stored
    level: str | None
    program: Program | None
    adolescent_note: str  # the program's note for a client under 18; "" otherwise
    checklist: tuple[ChecklistItem, ...]
    override: Override | None = None
    comparison: Comparison | None = None
    coded: Coded | None = None  # its answers and totals coded for an EHR (FHIR)
    notes: tuple[str, ...] = ()  # what a reader must know: another bank, rules that changed
    history: tuple[HistoryRow, ...] = ()  # the client's assessments, for the report (--history)

    @property
    def client_id(self) -> str:
        return self.answers.client_id

    @property
    def complete(self) -> bool:
        """Every question the skip logic asks is answered."""
        return not isinstance(self.answers, PartialAnswers)

    @property
    def not_answered(self) -> tuple[str, ...]:
        """The questions the skip logic would still ask, in bank order."""
        answers = self.answers
        return answers.not_answered if isinstance(answers, PartialAnswers) else ()

    @property
    def undecided(self) -> tuple[str, ...]:
        """The questions whose asking waits on answers not given yet, in bank order."""
        answers = self.answers
        return answers.undecided if isinstance(answers, PartialAnswers) else ()

    @property
    def scores(self) -> dict[str, Value]:
        """The instrument scores determined, by batch column name."""
        a = self.assessment
        return a.scores._asdict() if isinstance(a, Assessment) else dict(a.scores)

    @property
    def ratings(self) -> dict[str, int]:
        """The ratings determined (R-G), and the composite when it is."""
        a = self.assessment
        found = a.ratings._asdict() if isinstance(a, Assessment) else dict(a.ratings)
        return found if a.composite is None else {**found, "composite": a.composite}

    @property
    def recommendation(self) -> dict[str, Any]:
        """The recommendation as summaries store it and re-scoring compares it: what is
        determined, and nothing else (no None: TOML cannot hold it)."""
        a = self.assessment
        found: dict[str, Any] = {}
        if a.level is not None:
            found |= {"level": a.level.code, "level_name": a.level.title}
        if a.emergency is not None:
            found["emergency"] = a.emergency
        if a.withdrawal_management is not None:
            found["withdrawal_management"] = a.withdrawal_management
        return found | {
            "rules": list(a.rules),
            "reasons": list(a.reasons),
            "also_considered": list(a.also_considered),
            "flags": list(a.flag_codes),
            "flag_notes": [flag.text for flag in a.flags],
        }


def meta_of(bank: Bank, assessed: datetime | None = None, started: datetime | None = None) -> Meta:
    """The record's origin; its times in UTC, to the second, for every writer alike."""
    assessed, started = (
        t.astimezone(UTC).replace(microsecond=0) if t else None for t in (assessed, started)
    )
    return Meta(__version__, MODEL_VERSION, bank.name, bank.version, bank.sha256, assessed, started)


def labelled(bank: Bank, answers: Mapping[str, Value]) -> tuple[AnswerLine, ...]:
    """The asked questions' answers in bank order, each with its section and label."""
    titles = {section.id: section.title for section in bank.sections}
    return tuple(
        AnswerLine(q.id, titles[q.section], q.prompt, answers[q.id], q.label(answers[q.id]))
        for q in bank.questions
        if q.id in answers
    )


def question_lines(bank: Bank, answers: Answers) -> tuple[QuestionLine, ...]:
    titles = {section.id: section.title for section in bank.sections}
    pending = (
        set(answers.not_answered) | set(answers.undecided)
        if isinstance(answers, PartialAnswers)
        else set()
    )

    def line(q: Question) -> QuestionLine:
        if q.id in answers:
            return QuestionLine(
                q.id, titles[q.section], q.prompt, "answered", q.label(answers[q.id])
            )
        status = "not answered" if q.id in pending else "not asked"
        return QuestionLine(q.id, titles[q.section], q.prompt, status, "")

    return tuple(line(q) for q in bank.questions)


def program_for(
    bank: Bank, level: str | None, answers: Mapping[str, Value]
) -> tuple[Program | None, str]:
    """A level's program card, and its adolescent note when the client is under 18."""
    if level is None:
        return None, ""
    program = bank.programs[level]
    age = answers.get("age")
    adolescent = isinstance(age, int) and age < 18
    return program, program.adolescent_note if adolescent else ""


def checklist_for(
    bank: Bank, level: str | None, answers: Mapping[str, Value]
) -> tuple[ChecklistItem, ...]:
    """The insurance checklist items that apply to this level and these answers."""
    return tuple(item for item in bank.checklist if item.applies(level, answers))


def build_record(
    bank: Bank,
    answers: Answers,
    assessment: Assessment | Partial | Recorded,
    *,
    override: Override | None = None,
    previous: Stored | None = None,
    assessed: datetime | None = None,
    started: datetime | None = None,
    notes: tuple[str, ...] = (),
) -> Record:
    """The Record of one assessment; `previous` is an earlier summary of the same client."""
    recommended = assessment.level.code if assessment.level is not None else None
    level = override.level if override else recommended
    program, adolescent_note = program_for(bank, level, answers.values)
    meta = meta_of(bank, assessed, started)
    from triage_cli.record.coding import coded  # here: the first prompt does not need it

    comparison = None
    if previous is not None:  # imported here: the interview's first prompt does not need it
        from triage_cli.record.compare import compare

        comparison = compare(previous, assessment, answers.client_id, meta.assessed)
    return Record(
        meta=meta,
        answers=answers,
        labelled=labelled(bank, answers.values),
        questions=question_lines(bank, answers),
        assessment=assessment,
        level=level,
        program=program,
        adolescent_note=adolescent_note,
        checklist=checklist_for(bank, level, answers.values),
        override=override,
        comparison=comparison,
        coded=coded(bank, answers.values),
        notes=notes,
    )


def assessed_time(
    stored: datetime | None, given: str | None, now: datetime | None = None
) -> datetime | None:
    """When the answers were taken: the record's own time, else one given as ISO 8601 (a
    time without a zone is local), never in the future. A record that has a time keeps it."""
    if given is None:
        return stored
    try:
        moment = datetime.fromisoformat(given.strip())
    except ValueError:
        raise InputError(
            f"--assessed {shown(given)}: expected a date and time such as 2026-12-02T14:30 "
            "(local time) or 2026-12-02T14:30+00:00"
        ) from None
    try:
        local = moment if moment.utcoffset() is not None else moment.astimezone()
        moment = local.astimezone(UTC)
        moment.astimezone()  # it is shown in local time
    except (OverflowError, ValueError, OSError):
        raise InputError(f"--assessed {shown(given)}: out of the range of dates") from None
    if moment > (now or datetime.now(UTC)) + timedelta(minutes=1):
        raise InputError(f"--assessed {shown(given)} is in the future")
    if stored is not None and stored != moment:
        raise InputError(
            f"--assessed {shown(given)}: the record already says it was assessed "
            f"{stored.isoformat()}; --assessed is for a file without [meta] assessed"
        )
    return moment
