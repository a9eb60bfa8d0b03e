"""The interactive interview: ask the bank's questions, review, score, override, export.

Ctrl-C at any prompt saves the answers so far as a draft (0600) and exits 130;
`triage interview --resume DRAFT` continues at the first unanswered question.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from triage_cli import render
from triage_cli.answers import Answers, converter, parse_answers
from triage_cli.bank.model import Bank, show_value
from triage_cli.errors import InputError
from triage_cli.interview import ask
from triage_cli.interview.outcome import ask_override, export_summary, save_draft
from triage_cli.interview.state import Interview, say
from triage_cli.record.drafts import read_draft
from triage_cli.record.model import build_record
from triage_cli.scoring import assess, imminent_risk

INTERRUPTED = 130


def run(
    bank: Bank,
    console: Console,
    *,
    client_id: str | None = None,
    resume: Path | None = None,
    export: Path | None = None,
    force: bool = False,
) -> int:
    """The whole interview; returns the exit code (0 done, 130 interrupted)."""
    interview = Interview(bank, console, export=export)
    if resume is not None:
        interview.answers, notes, is_draft = read_draft(bank, resume)
        interview.draft = resume if is_draft else None  # never delete a chart summary
        say(console, f"Resuming {resume}: {len(interview.answers)} answers kept.")
        for note in notes:
            say(console, f"  note: {note}")
    if client_id is not None:
        value, error = converter(bank.question("client_id"))(client_id)
        if error:
            raise InputError(f"--client-id: {error}")
        kept = interview.answers.setdefault("client_id", value)  # type: ignore[arg-type]
        if kept != value:
            say(console, f"  note: --client-id {value} ignored: the draft is for {kept}")
    try:
        if not (crisis_check(interview) and ask_all(interview)):
            return finish_early(interview)
        answers = review(interview)
        if answers is None:
            return finish_early(interview)
        result = assess(answers)
        record = build_record(bank, answers, result)
        console.print(render.result_view(record))
        override = ask_override(result)
        if override:
            record = build_record(bank, answers, result, override=override)
            console.print(render.override_view(record))
        exported = export_summary(interview, record, force)
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
        save_draft(interview)
        return INTERRUPTED
    if not exported and interview.export_failed:
        save_draft(interview, interrupted=False)  # a failed export must not lose the intake
    elif not exported and interview.draft is not None:
        say(console, f"Draft {interview.draft} kept: the summary was not exported.")
    elif (
        exported
        and interview.draft is not None
        and interview.draft.exists()
        and interview.draft != exported
    ):
        interview.draft.unlink()
        say(console, f"Draft {interview.draft} removed: the summary is in {exported}.")
    return 0


def ask_all(interview: Interview) -> bool:
    """Ask every unanswered question in bank order; False to go straight to the result."""
    bank, console = interview.bank, interview.console
    shown_section = None
    while (question := interview.unanswered()) is not None:
        sections = [s.id for s in bank.sections]
        number = sections.index(question.section) + 1
        section = bank.sections[number - 1]
        if section.id != shown_section:
            shown_section = section.id
            console.print()
            console.rule(
                Text(f"Section {number} of {len(sections)}: {section.title}"), align="left"
            )
            if section.intro:
                console.print(Text(section.intro, style="italic"))
        if question.instrument and question.instrument not in interview.stem_shown:
            interview.stem_shown.add(question.instrument)
            instrument = bank.instruments[question.instrument]
            console.print(Text(f"{instrument.name}. {instrument.stem}", style="bold"))
        in_section = [
            q
            for q in bank.section_questions(section.id)
            if q.id in interview.answers or q.asked(interview.answers)
        ]
        position = in_section.index(question) + 1
        message = f"({position}/{len(in_section)}) {question.prompt}"
        if question.help:
            console.print(Text(question.help, style="dim"))
        interview.answers[question.id] = ask.ask_question(question, message)
        if not crisis_check(interview):
            return False
    return True


def crisis_check(interview: Interview) -> bool:
    """The moment the answers meet rule S1, show the crisis banner (once) and offer to stop
    the interview there. False means: go straight to the result."""
    if interview.crisis_shown or not imminent_risk(interview.answers):
        return True
    interview.crisis_shown = True
    interview.console.print(render.crisis_banner())
    return ask.choose(
        "Imminent risk. Continue the interview, or go straight to the result?",
        [("Continue the interview", True), ("Go straight to the result", False)],
    )


def finish_early(interview: Interview) -> int:
    """The emergency result from the answers so far; the draft keeps them for later."""
    interview.console.print(render.emergency_view(interview.bank, interview.answers))
    if interview.export:
        say(
            interview.console,
            f"Not exported to {interview.export}: the interview stopped before every "
            "question was asked. Resume the draft to finish it and export.",
        )
    save_draft(interview, interrupted=False)
    return 0


def review(interview: Interview) -> Answers | None:
    """Show every answer by section; let the coordinator change any before scoring.
    None means: go straight to the (emergency) result."""
    bank, console = interview.bank, interview.console
    while True:
        console.print(review_table(interview))
        action = ask.choose(
            "Review the answers",
            [("Score now", "score"), ("Change an answer", "edit")],
        )
        if action == "score":
            return parse_answers(bank, interview.answers)  # every asked question has an answer
        options = [
            (f"{q.id}: {q.label(interview.answers[q.id])}", q.id)
            for q in bank.questions
            if q.id in interview.answers
        ]
        qid = ask.choose("Which answer?", [*options, ("(back to the review)", "")])
        if not qid:
            continue
        question = bank.question(qid)
        if question.help:
            console.print(Text(question.help, style="dim"))
        interview.answers[qid] = ask.ask_question(
            question, question.prompt, current=interview.answers[qid]
        )
        interview.prune()
        if not (crisis_check(interview) and ask_all(interview)):
            return None


def review_table(interview: Interview) -> Table:
    bank = interview.bank
    table = Table(title="Answers", title_justify="left", show_header=False, expand=True)
    table.add_column("section", style="bold", no_wrap=True)
    table.add_column("answers")
    for section in bank.sections:
        shown = [
            f"{q.id}={show_value(interview.answers[q.id])}"
            for q in bank.section_questions(section.id)
            if q.id in interview.answers
        ]
        table.add_row(section.title, ", ".join(shown))
    return table
