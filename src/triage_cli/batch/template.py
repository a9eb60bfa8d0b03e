"""The batch CSV template: every answer id in bank order, and a valid example row."""

from __future__ import annotations

import csv
from typing import TextIO

from triage_cli.bank.model import Bank, Question, Value, show_value
from triage_cli.batch.stops import CUT_PIPE
from triage_cli.errors import OutputError
from triage_cli.record.files import atomic_text
from triage_cli.streams import closed_at_start, release

# The template's example: a working adult with moderate depression, no safety concerns.
EXAMPLE: dict[str, Value] = {
    "client_id": "EX-0001",
    "age": 34,
    "sex_at_birth": "female",
    "harm_others": "none",
    **{f"phq9_{n}": v for n, v in enumerate((2, 2, 1, 2, 1, 2, 1, 1, 0), 1)},
    **{f"gad7_{n}": v for n, v in enumerate((1, 1, 1, 1, 0, 1, 0), 1)},
    "auditc_1": 1,
    "dast10_3": True,
    "withdrawal_now": "none",
    "impair_work": 2,
    "impair_relationships": 1,
    "housing": "stable",
    "home_safe": True,
    "stressors": "one",
    "support": "some",
    "recent_discharge": "none",
    "prior_treatment": "none",
    "readiness": "willing",
    "availability": "evenings",
    "transportation": True,
    "telehealth": True,
    "payer": "commercial",
    "referral": False,
}


def _example_value(question: Question) -> Value:
    if question.id in EXAMPLE:
        return EXAMPLE[question.id]
    if question.default is not None:
        return question.default
    if question.kind == "choice":
        return question.choices[0].code
    if question.kind == "integer":
        return question.min
    return False if question.kind == "yesno" else "example"


def example_answers(bank: Bank) -> dict[str, Value]:
    """A valid answer set for any bank: EXAMPLE where it applies, skip logic respected."""
    answers: dict[str, Value] = {}
    for question in bank.questions:
        if question.asked(answers):
            answers[question.id] = _example_value(question)
    return answers


def write_template(bank: Bank, out: TextIO) -> None:
    """The batch header (every answer id in bank order) and one example row."""
    answers = example_answers(bank)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(q.id for q in bank.questions)
    writer.writerow(show_value(answers[q.id]) if q.id in answers else "" for q in bank.questions)


def template_to(bank: Bank, output: str | None, force: bool, stdout: TextIO) -> int:
    """`triage template`: to stdout (None or '-') or to a file (atomic, 0600; a pipe or a
    device as a stream). Returns the exit code: 0, or 141 if stdout's reader went away."""
    if output == "":
        raise OutputError("-o/--output is empty: give a file name, or - for stdout")
    if output is not None and output != "-":
        with atomic_text(output, force=force, newline="", streams=True) as handle:
            write_template(bank, handle)
        return 0
    if closed_at_start(1):
        raise OutputError("standard output is closed: give -o FILE for the template")
    try:
        write_template(bank, stdout)
        stdout.flush()
    except BrokenPipeError:
        release(stdout)  # no "Exception ignored ... BrokenPipeError" at exit
        return CUT_PIPE
    return 0
