"""Raw answers (CSV text, TOML values, wizard input) -> typed, validated Answers, per the bank.

`parse_answers` is part of the stable Python API."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from triage_cli.answers.convert import (
    MAX_FIELD,
    NO,
    YES,
    Converter,
    converter,
    exact_spellings,
    expected,
)
from triage_cli.answers.exact import compile_exact
from triage_cli.bank.model import Bank, Condition, Question, Value, show_value
from triage_cli.errors import TriageError
from triage_cli.text import shown

__all__ = [
    "MAX_FIELD",
    "NO",
    "YES",
    "Answers",
    "AnswersError",
    "Converter",
    "PartialAnswers",
    "Problem",
    "answered_but_skipped",
    "check_answers",
    "converter",
    "exact_spellings",
    "expected",
    "parse_answers",
    "row_checker",
    "shown_answer",
    "typed_anyway",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one answer: which id, what was given, what was expected."""

    field: str
    value: str
    message: str

    @property
    def text(self) -> str:
        """The message with the value given, when it may be shown."""
        return f"{self.message} (got {self.value!r})" if self.value else self.message

    def __str__(self) -> str:
        return f"{self.field}: {self.text}"


class AnswersError(TriageError):
    """An answer set failed validation; `problems` lists every problem found."""

    exit_code = 1

    def __init__(
        self, problems: list[Problem], values: Mapping[str, Value] | None = None, source: str = ""
    ) -> None:
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}{len(problems)} problem(s) in the answers", [str(p) for p in problems]
        )
        self.problems = problems
        self.values = dict(values or {})  # the answers that were valid: safety still checks them


@dataclass(frozen=True)
class Answers:
    """Validated answers; a question the skip logic did not ask is absent. The mapping's
    order is not the bank's: list answers by iterating the bank's questions."""

    values: Mapping[str, Value]

    def __getitem__(self, qid: str) -> Value:
        return self.values[qid]

    def __contains__(self, qid: object) -> bool:
        return qid in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def get(self, qid: str, default: Value | None = None) -> Value | None:
        return self.values.get(qid, default)

    @property
    def client_id(self) -> str:
        return str(self.values.get("client_id", ""))


@dataclass(frozen=True)
class PartialAnswers(Answers):
    """Answers with some questions not answered yet. `not_answered`: the questions the skip
    logic asks, given these answers, that have none (bank order); `undecided`: those whose
    asking waits on an answer not given; `skipped`: those it surely does not ask."""

    not_answered: tuple[str, ...] = ()
    undecided: tuple[str, ...] = ()
    skipped: frozenset[str] = frozenset()


class _Step:
    """One question as the parser walks the bank: id, exact spellings, converter, conditions."""

    __slots__ = ("asked", "convert", "depends", "exact", "id", "question", "when")

    def __init__(self, question: Question) -> None:
        self.id = question.id
        self.question = question
        self.exact = exact_spellings(question)
        self.convert = converter(question)
        self.when: tuple[Condition, ...] = question.when
        self.depends = frozenset(c.question for c in question.when)
        self.asked = question.asked


class _Plan:
    """How to check one bank's answers, prepared once per bank."""

    def __init__(self, bank: Bank) -> None:
        self.steps = tuple(_Step(q) for q in bank.questions)
        self.known = frozenset(bank.by_id)
        self.exact = compile_exact(
            bank, {s.id: s.exact for s in self.steps}, {s.id: s.convert for s in self.steps}
        )

    def check(self, given: Sequence[object]) -> tuple[dict[str, Value], list[Problem]]:
        """Answers given in bank order -> typed values (not in bank order) and problems."""
        values = self.exact(given)
        return (values, []) if values is not None else self.check_each(given, [])

    def check_each(
        self, given: Sequence[object], problems: list[Problem]
    ) -> tuple[dict[str, Value], list[Problem]]:
        """The thorough path: every answer judged in bank order, every problem listed."""
        values: dict[str, Value] = {}
        unsure: set[str] = set()  # answered badly or not at all: dependants cannot be judged
        for step, value in zip(self.steps, given, strict=True):
            _judge(step, value, values, unsure, problems)
        return values, problems


@lru_cache(maxsize=8)
def _plan(bank: Bank) -> _Plan:
    return _Plan(bank)


def shown_answer(raw: object) -> str:
    """An answer as a problem quotes it: printable, and at most 40 characters."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) and raw.isprintable() else repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def check_answers(bank: Bank, raw: Mapping[str, object]) -> tuple[dict[str, Value], list[Problem]]:
    """Typed answers and every problem found: bad values, and skip logic enforced both ways."""
    plan = _plan(bank)
    problems = [Problem(shown(k), "", "unknown answer id") for k in raw if k not in plan.known]
    given = [raw.get(step.id) for step in plan.steps]
    return plan.check_each(given, problems) if problems else plan.check(given)


def row_checker(bank: Bank) -> Callable[[Sequence[object]], tuple[dict[str, Value], list[Problem]]]:
    """check_answers for rows of values already in bank order (CSV rows), the bank bound once."""
    return _plan(bank).check


def _judge(
    step: _Step,
    given: object,
    values: dict[str, Value],
    unsure: set[str],
    problems: list[Problem],
) -> None:
    """Judge one answer: add its typed value to `values`, or its problem to `problems`."""
    value = step.exact.get(given) if type(given) is str else None
    if value is None and given is not None and given != "":
        if isinstance(given, str) and len(given) > MAX_FIELD:
            problems.append(Problem(step.id, "", f"value too long ({len(given)} characters)"))
            unsure.add(step.id)
            return
        value, error = step.convert(given)
        if error is not None:
            # free text may hold a name typed by mistake: never echo it back
            shown = "" if step.question.kind == "text" else shown_answer(given)
            problems.append(Problem(step.id, shown, error))
            unsure.add(step.id)
            return
    if step.when:
        if unsure and not unsure.isdisjoint(step.depends):
            unsure.add(step.id)
            return
        for condition in step.when:
            if not condition.holds(values):
                if value is not None:
                    problems.append(answered_but_skipped(step.id, condition, values, given))
                return
    if value is None:
        why = f" (asked because {' and '.join(map(str, step.when))})" if step.when else ""
        wanted = expected(step.question)
        problems.append(Problem(step.id, "", f"missing: expected {wanted}{why}"))
        unsure.add(step.id)
        return
    values[step.id] = value


def answered_but_skipped(
    qid: str, failed: Condition, values: Mapping[str, Value], given: object
) -> Problem:
    """An answer to a question the skip logic does not ask, given the answers before it."""
    actual = values.get(failed.question)
    state = "was not asked" if actual is None else f"is {show_value(actual)}"
    return Problem(
        qid,
        shown_answer(given),
        f"answered, but {failed.question} {state}: it is asked only when {failed}; leave it blank",
    )


def typed_anyway(bank: Bank, raw: Mapping[str, object]) -> dict[str, Value]:
    """Every answer that converts, the skip logic ignored: what a safety check must see when
    the answers have problems (cssrs_4 = yes after cssrs_2 = no still meets imminent risk)."""
    typed = {}
    for qid, given in raw.items():
        if qid in bank.by_id and isinstance(given, str | int | bool) and given != "":
            value, error = converter(bank.question(qid))(given)
            if error is None and value is not None:
                typed[qid] = value
    return typed


def parse_answers(bank: Bank, raw: Mapping[str, object], source: str = "") -> Answers:
    """Validate raw answers against the bank; raise AnswersError listing every problem (its
    values: every answer that converts, for the safety check)."""
    values, problems = check_answers(bank, raw)
    if problems:
        raise AnswersError(problems, {**typed_anyway(bank, raw), **values}, source)
    return Answers(MappingProxyType(values))
