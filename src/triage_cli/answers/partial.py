"""Partial answers (an interview stopped early, an incomplete record): the answers given,
checked like complete ones, and for every other question whether the skip logic still asks it.

A question's asking is three-valued here: asked, skipped, or undecided (it depends on an
answer not given yet). CLINICAL.md section 7 reports a value only when the answers given
determine it, so scoring needs to know which unanswered questions are surely skipped."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from triage_cli.answers import (
    Answers,
    AnswersError,
    PartialAnswers,
    Problem,
    answered_but_skipped,
    converter,
    parse_answers,
    shown_answer,
    typed_anyway,
)
from triage_cli.bank.model import Bank, Question, Value
from triage_cli.text import shown

ASKED, SKIPPED, UNDECIDED = "asked", "skipped", "undecided"


def asking(question: Question, values: Mapping[str, Value], state: Mapping[str, str]) -> str:
    """Whether the skip logic asks a question, given the answers so far and what is known of
    the questions not answered: one failed condition skips it; one on an unanswered
    question that may yet be asked leaves it undecided."""
    verdict = ASKED
    for condition in question.when:
        if condition.question in values:
            if not condition.holds(values):
                return SKIPPED
        elif state.get(condition.question) == SKIPPED:
            return SKIPPED  # a condition on a question not asked is false
        else:
            verdict = UNDECIDED
    return verdict


def parse_partial(bank: Bank, raw: Mapping[str, object], source: str = "") -> Answers:
    """Validate answers that may be incomplete: every answer given is checked as in
    parse_answers (a bad value, an unknown id, an answer the skip logic would not ask are
    problems) but a missing one is not. PartialAnswers when some are missing; complete
    answers come back as plain Answers, as parse_answers gives them."""
    problems = [Problem(shown(k), "", "unknown answer id") for k in raw if k not in bank.by_id]
    values: dict[str, Value] = {}
    state: dict[str, str] = {}
    for question in bank.questions:
        given = raw.get(question.id)
        value: Value | None = None
        if given is not None and given != "":
            value, error = converter(question)(given)
            if error is not None:
                # free text may hold a name typed by mistake: never echo it back
                quoted = "" if question.kind == "text" else shown_answer(given)
                problems.append(Problem(question.id, quoted, error))
                state[question.id] = UNDECIDED  # what it should be is unknown
                continue
        verdict = asking(question, values, state)
        if verdict == SKIPPED and value is not None:
            failed = next(c for c in question.when if not c.holds(values))
            problems.append(answered_but_skipped(question.id, failed, values, given))
        elif value is not None:
            values[question.id] = value  # undecided but answered: the answer says it was asked
            continue
        state[question.id] = verdict
    if problems:
        raise AnswersError(problems, {**typed_anyway(bank, raw), **values}, source)
    not_answered = tuple(qid for qid, verdict in state.items() if verdict == ASKED)
    undecided = tuple(qid for qid, verdict in state.items() if verdict == UNDECIDED)
    if not not_answered and not undecided:
        return parse_answers(bank, values, source)
    skipped = frozenset(qid for qid, verdict in state.items() if verdict == SKIPPED)
    return PartialAnswers(MappingProxyType(values), not_answered, undecided, skipped)
