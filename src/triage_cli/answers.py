"""Raw answers (CSV text, TOML values, wizard input) -> typed, validated Answers, per the bank."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from triage_cli.bank import Bank, Condition, Question, Value, show_value
from triage_cli.errors import TriageError

MAX_FIELD = 256  # longer raw values are rejected without being echoed back
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
_INTEGER = re.compile(r"[+-]?\d{1,9}\Z")


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


# A converter returns (typed value or None when blank, problem message or None).
Converter = Callable[[object], tuple[Value | None, str | None]]


def expected(question: Question) -> str:
    """What a valid answer to this question looks like, in words."""
    if question.kind == "yesno":
        return "yes or no"
    if question.kind == "integer":
        return f"a whole number {question.min}-{question.max}"
    if question.kind == "choice":
        return "one of: " + ", ".join(str(c.code) for c in question.choices)
    return question.pattern_hint or (
        f"text matching {question.pattern}" if question.pattern else "text"
    )


def converter(question: Question) -> Converter:
    """Build the function that turns one raw value into this question's typed answer."""
    wanted = expected(question)
    fail = "expected " + wanted

    def text_of(raw: object) -> str | None:
        return raw.strip() if isinstance(raw, str) else None

    if question.kind == "yesno":

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, bool):
                return raw, None
            if isinstance(raw, int):
                raw = str(raw)
            word = text_of(raw)
            if word is None:
                return None, fail
            word = word.lower()
            if word in YES:
                return True, None
            if word in NO:
                return False, None
            return (None, None) if not word else (None, fail)

    elif question.kind == "choice":
        integer_codes = isinstance(question.choices[0].code, int)
        lookup = {str(c.code).lower(): c.code for c in question.choices}

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, int) and not isinstance(raw, bool) and integer_codes:
                raw = str(raw)
            word = text_of(raw)
            if word is None:
                return None, fail
            code = lookup.get(word.lower())
            if code is not None:
                return code, None
            return (None, None) if not word else (None, fail)

    elif question.kind == "integer":
        low, high = question.min, question.max

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, int) and not isinstance(raw, bool):
                number = raw
            else:
                word = text_of(raw)
                if word is None or (word and not _INTEGER.match(word)):
                    return None, fail
                if not word:
                    return None, None
                number = int(word)
            return (number, None) if low <= number <= high else (None, fail)

    else:
        pattern = re.compile(question.pattern) if question.pattern else None

        def convert(raw: object) -> tuple[Value | None, str | None]:
            word = text_of(raw)
            if word is None:
                return None, fail
            if not word:
                return None, None
            if pattern is not None and not pattern.fullmatch(word):
                return None, fail
            return word, None

    return convert


def exact_spellings(question: Question) -> dict[str, Value]:
    """The common exact spellings of valid answers (a CSV's hot path): one dict lookup
    instead of trimming, lower-casing and converting. Empty for free text and wide ranges;
    anything not in it goes through the converter, which accepts every spelling allowed."""
    if question.kind == "yesno":
        words = {word: True for word in YES} | {word: False for word in NO}
        return {v: t for w, t in words.items() for v in (w, w.upper(), w.capitalize())}
    if question.kind == "choice":
        return {
            spelling: c.code
            for c in question.choices
            for spelling in {str(c.code), str(c.code).upper(), str(c.code).capitalize()}
        }
    if question.kind == "integer" and question.max - question.min <= 1000:
        return {str(n): n for n in range(question.min, question.max + 1)}
    return {}


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
        from triage_cli.answers_exact import compile_exact  # it builds on this module

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


def _shown(raw: object) -> str:
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) and raw.isprintable() else repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def check_answers(bank: Bank, raw: Mapping[str, object]) -> tuple[dict[str, Value], list[Problem]]:
    """Typed answers and every problem found: bad values, and skip logic enforced both ways."""
    plan = _plan(bank)
    problems = [Problem(k, "", "unknown answer id") for k in raw if k not in plan.known]
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
            shown = "" if step.question.kind == "text" else _shown(given)
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
                    problems.append(_answered_but_skipped(step, condition, values, given))
                return
    if value is None:
        why = f" (asked because {' and '.join(map(str, step.when))})" if step.when else ""
        wanted = expected(step.question)
        problems.append(Problem(step.id, "", f"missing: expected {wanted}{why}"))
        unsure.add(step.id)
        return
    values[step.id] = value


def _answered_but_skipped(
    step: _Step, failed: Condition, values: Mapping[str, Value], given: object
) -> Problem:
    actual = values.get(failed.question)
    state = "was not asked" if actual is None else f"is {show_value(actual)}"
    return Problem(
        step.id,
        _shown(given),
        f"answered, but {failed.question} {state}: it is asked only when {failed}; leave it blank",
    )


def parse_answers(bank: Bank, raw: Mapping[str, object], source: str = "") -> Answers:
    """Validate raw answers against the bank; raise AnswersError listing every problem."""
    values, problems = check_answers(bank, raw)
    if problems:
        raise AnswersError(problems, values, source)
    return Answers(MappingProxyType(values))
