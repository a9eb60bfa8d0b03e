"""Hypothesis strategies: valid answer sets for a bank, respecting its skip logic."""

from __future__ import annotations

from hypothesis import strategies as st

from triage_cli.bank import Bank, Question, Value

REVERSED = {"home_safe", "dast10_3"}  # "no" is the worse answer (CLINICAL.md section 5)


def domain(question: Question) -> list[Value] | None:
    """Every value of a question, least severe first; None for free text."""
    if question.kind == "choice":
        return [c.code for c in question.choices]
    if question.kind == "yesno":
        return [True, False] if question.id in REVERSED else [False, True]
    if question.kind == "integer":
        return list(range(question.min, question.max + 1))
    return None


CLIENT_ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True)


def value_for(question: Question) -> st.SearchStrategy[Value]:
    values = domain(question)
    return CLIENT_ID if values is None else st.sampled_from(values)


@st.composite
def answer_sets(draw: st.DrawFn, bank: Bank) -> dict[str, Value]:
    """A valid typed answer set: each question the skip logic asks, and only those."""
    answers: dict[str, Value] = {}
    for question in bank.questions:
        if question.asked(answers):
            answers[question.id] = draw(value_for(question))
    return answers


def refill(bank: Bank, answers: dict[str, Value]) -> dict[str, Value]:
    """Re-apply the skip logic: keep answers still asked, drop the rest, and fill newly
    asked questions with their least severe value."""
    result: dict[str, Value] = {}
    for question in bank.questions:
        if not question.asked(result):
            continue
        if question.id in answers:
            result[question.id] = answers[question.id]
        else:
            values = domain(question)
            result[question.id] = values[0] if values else "x"
    return result


def as_text(answers: dict[str, Value]) -> dict[str, str]:
    """The same answers as a CSV row would carry them."""
    return {
        k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in answers.items()
    }
