"""The review before scoring: every answer in words (a short name for the question, the
answer's label), section by section, and a section or a single question to change."""

from __future__ import annotations

from triage_cli.answers import Answers, parse_answers
from triage_cli.interview.prompts import Review
from triage_cli.interview.safekeeping import checkpoint
from triage_cli.interview.state import Interview
from triage_cli.interview.walk import ask_all
from triage_cli.text import shown

SCORE, WHOLE_SECTION, BACK_TO_REVIEW = object(), object(), object()  # never an answer id
REVIEW_PROMPT = "Review the answers"


def review(interview: Interview) -> Answers | None:
    """Show the answers; change any before scoring. None means: go straight to the
    (emergency) result."""
    bank = interview.bank
    interview.phase = "review"
    checkpoint(interview)
    while True:
        interview.prompts.review(review_sections(interview))
        numbered = list(enumerate(bank.sections, 1))
        options = [("Score now", SCORE)] + [
            (f"Change section {n}: {section.title}", section.id)
            for n, section in numbered
            if any(q.id in interview.answers for q in bank.section_questions(section.id))
        ]
        section = interview.prompts.choose(REVIEW_PROMPT, options)
        if section == SCORE:
            return parse_answers(bank, interview.answers)  # every asked question has an answer
        answered = [q for q in bank.section_questions(section) if q.id in interview.answers]
        words = [(f"{q.short_name()}: {q.label(interview.answers[q.id])}", q.id) for q in answered]
        pick = interview.prompts.choose(
            "Change which answer?",
            [
                ("All of this section, question by question", WHOLE_SECTION),
                *words,
                ("(back to the review)", BACK_TO_REVIEW),
            ],
        )
        if pick == BACK_TO_REVIEW:
            continue
        if pick == WHOLE_SECTION:
            start, until = answered[0].id, answered[-1].id
        else:
            start = until = pick
        if not ask_all(interview, start=start, until=until):
            return None
        interview.phase = "review"
        checkpoint(interview)


def review_sections(interview: Interview) -> Review:
    """The answers in words: a section's number and title, then (short name, label) of
    each answer in it, through the text gate."""
    bank, sections = interview.bank, []
    for number, section in enumerate(bank.sections, 1):
        answered = [q for q in bank.section_questions(section.id) if q.id in interview.answers]
        if answered:
            words = [
                (shown(q.short_name(), 32), shown(q.label(interview.answers[q.id]), 200))
                for q in answered
            ]
            sections.append((f"{number} {shown(section.title, 60)}", words))
    return sections
