"""The walk through the bank's questions: in bank order, as the skip logic asks them, with
Shift-Tab back to the previous question, the position of each ("Section 3 of 9 - question 2
of 5"), and the crisis banner each time the answers come to meet rule S1."""

from __future__ import annotations

from rich.text import Text

from triage_cli.bank.model import Question
from triage_cli.interview import prompts
from triage_cli.interview.prompts import Back, Position
from triage_cli.interview.safekeeping import checkpoint
from triage_cli.interview.state import Interview
from triage_cli.scoring import imminent_risk
from triage_cli.text import prose, shown


def ask_all(interview: Interview, start: str | None = None, until: str | None = None) -> bool:
    """Ask, in bank order, the questions the skip logic asks, from `start` (by default the
    first one not answered). An answered question is asked again, its answer offered, while
    the walk has not yet passed `until` or the furthest question reached (after going back);
    past that, answers are kept and only questions not answered are asked. Every answer
    drops the answers the skip logic no longer asks and is saved in the draft. False means:
    go straight to the result (imminent risk)."""
    questions = interview.bank.questions
    index = {q.id: n for n, q in enumerate(questions)}
    first = interview.unanswered()
    at = index[start] if start else index[first.id] if first else len(questions)
    reached = max(at, index[until] + 1 if until else at)  # asked again below this
    announced: str | None = None
    counts: dict[str, int] = {}  # the count last shown for each section
    while True:
        question = _next(interview, at, reached)
        if question is None:
            return True
        if question.section != announced:
            announced = question.section
            announce(interview, question)
        read_out(interview, question)
        position = _position(interview, question, counts)
        answer = prompts.ask_question(
            interview.prompts, question, position, interview.answers.get(question.id)
        )
        if isinstance(answer, Back):
            back = _previous(interview, index[question.id])
            if back is not None:  # and the questions walked back over are asked again
                at, reached = index[back.id], max(reached, index[question.id])
                announced = None if back.section != question.section else announced
            continue
        interview.answers[question.id] = answer
        interview.prune()
        checkpoint(interview)
        at = index[question.id] + 1
        reached = max(reached, at)
        if not crisis_check(interview):
            return False


def _next(interview: Interview, at: int, reached: int) -> Question | None:
    """The next question to ask at or after `at`: asked by the skip logic, and either not
    answered or (below `reached`) to be asked again."""
    answers = interview.answers
    for n, question in enumerate(interview.bank.questions[at:], at):
        if question.asked(answers) and (n < reached or question.id not in answers):
            return question
    return interview.unanswered()  # none after `at`: any before it (never left, but be sure)


def _previous(interview: Interview, at: int) -> Question | None:
    """The question asked before the one at `at` (None at the first question)."""
    for question in reversed(interview.bank.questions[:at]):
        if question.id in interview.answers and question.asked(interview.answers):
            return question
    return None


def _position(interview: Interview, question: Question, counts: dict[str, int]) -> Position:
    """ "Section 3 of 9 - question 2 of 5": 5 counts the section's questions the answers so
    far reach; "(+1 follow-up)" says why the count grew (or shrank) since the last one."""
    bank = interview.bank
    reachable = [q for q in bank.section_questions(question.section) if q.asked(interview.answers)]
    text = (
        f"Section {_number(interview, question)} of {len(bank.sections)} - "
        f"question {reachable.index(question) + 1} of {len(reachable)}"
    )
    change = len(reachable) - counts.get(question.section, len(reachable))
    counts[question.section] = len(reachable)
    s = "s" if abs(change) > 1 else ""
    if change > 0:
        text += f" (+{change} follow-up{s})"
    elif change < 0:
        text += f" ({-change} follow-up{s} no longer asked)"
    first = _previous(interview, bank.questions.index(question)) is None
    return Position(text, question.help, can_go_back=not first)


def announce(interview: Interview, question: Question) -> None:
    """The title and intro of the question's section, as it starts (or is gone back to)."""
    bank, number = interview.bank, _number(interview, question)
    section = bank.sections[number - 1]
    title = f"Section {number} of {len(bank.sections)}: {shown(section.title)}"
    interview.prompts.heading(title, section.intro)


def _number(interview: Interview, question: Question) -> int:
    """The question's section, counted from 1 in bank order."""
    return next(n for n, s in enumerate(interview.bank.sections, 1) if s.id == question.section)


def read_out(interview: Interview, question: Question) -> None:
    """What the coordinator reads out before an instrument's first question: its stem
    (once). A question's own help is shown with its prompt, while it is asked."""
    if question.instrument and question.instrument not in interview.stem_shown:
        interview.stem_shown.add(question.instrument)
        instrument = interview.bank.instruments[question.instrument]
        text = Text(prose(f"{instrument.name}. {instrument.stem}"), style="bold")
        interview.console.print(text)


def crisis_check(interview: Interview) -> bool:
    """Each time the answers come to meet rule S1, show the crisis banner and offer to stop
    the interview there (once per time: an answer changed so that S1 no longer holds, then
    holds again, shows it again). False means: go straight to the result."""
    if not imminent_risk(interview.answers):
        interview.crisis_shown = False
        return True
    if interview.crisis_shown:
        return True
    interview.crisis_shown = True
    if not interview.banner_shown:  # a resumed draft has shown it first, a moment ago
        interview.prompts.crisis()
    interview.banner_shown = False
    return interview.prompts.choose(
        "Imminent risk. Continue the interview, or go straight to the result?",
        [("Continue the interview", True), ("Go straight to the result", False)],
    )
