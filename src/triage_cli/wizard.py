"""The interactive interview: ask the bank's questions, review, score, override, export.

Ctrl-C at any prompt saves the answers so far as a draft (0600) and exits 130;
`triage interview --resume DRAFT` continues at the first unanswered question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from triage_cli import ask, render, summary
from triage_cli.answers import Answers, converter, parse_answers
from triage_cli.bank import Bank, Question, Value, show_value
from triage_cli.errors import InputError, OutputError, TriageError
from triage_cli.scoring import Assessment, Level, assess, imminent_risk

INTERRUPTED = 130


@dataclass
class Interview:
    """One intake in progress: the answers so far and what the coordinator has been shown."""

    bank: Bank
    console: Console
    answers: dict[str, Value] = field(default_factory=dict)
    export: Path | None = None
    draft: Path | None = None  # the draft this interview resumed from, if any
    crisis_shown: bool = False
    export_failed: bool = False
    stem_shown: set[str] = field(default_factory=set)

    def unanswered(self) -> Question | None:
        """The first question the skip logic asks that has no answer yet."""
        for question in self.bank.questions:
            if question.id not in self.answers and question.asked(self.answers):
                return question
        return None

    def prune(self) -> None:
        """Drop answers to questions the skip logic no longer asks (after an edit)."""
        kept: dict[str, Value] = {}
        for question in self.bank.questions:
            if question.id in self.answers and question.asked(kept):
                kept[question.id] = self.answers[question.id]
        self.answers = kept


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
        interview.answers, notes, is_draft = summary.read_draft(bank, resume)
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
        console.print(render.result_view(bank, answers.values, result))
        override = ask_override(result)
        if override:
            console.print(render.override_view(bank, answers.values, override))
        exported = export_summary(interview, answers, result, override, force)
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


def say(console: Console, message: str, style: str = "") -> None:
    """Print plain text: paths, ids and draft contents are never read as rich markup."""
    console.print(Text(message, style=style))


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


def ask_override(result: Assessment) -> summary.Override | None:
    """A clinician may record a different level, with a reason; the recommendation stays."""
    if not ask.confirm("Record a clinician override of the level?", default=False):
        return None
    levels = [(f"{level.title} [{level.code}]", level) for level in Level if level != result.level]
    level = ask.choose("Override level", [*levels, ("(cancel: no override)", None)])
    if level is None:
        return None
    if result.emergency and level < result.level:
        warning = (
            f"The recommendation is an EMERGENCY disposition ({result.level.code}). "
            f"Record the lower level {level.code} anyway?"
        )
        if not ask.confirm(warning, default=False):
            return None
    reason = ask.choose("Reason", [(text, code) for code, text in summary.OVERRIDE_REASONS.items()])
    if reason in summary.NOTE_REQUIRED:
        note = ask.text("Note (required for this reason)", validate=_needed).strip()
    else:
        note = ask.text("Short note (optional)").strip()
    by = ask.text("Recorded by (staff initials or id, optional)").strip()
    return summary.Override(level.code, reason, note, by)


def _needed(raw: str) -> bool | str:
    return bool(raw.strip()) or "A note is needed: say why"


def export_summary(
    interview: Interview,
    answers: Answers,
    result: Assessment,
    override: summary.Override | None,
    force: bool,
) -> Path | None:
    """Write the TOML summary to --export, or where the coordinator says when offered.
    Returns the path written, or None (then the caller keeps a draft)."""
    console, path = interview.console, interview.export
    if path is None and not ask.confirm("Export a TOML summary of this intake?", default=False):
        return None
    document = summary.build(interview.bank, answers, result, override=override)
    while True:
        if path is None:
            path = Path(ask.text("File", f"{answers.client_id}.toml", _writable_name).strip())
        replace = force
        if path.exists() and not force:
            replace = ask.confirm(f"{path} exists. Replace it?", default=False)
        if not path.exists() or replace:
            try:
                summary.write(path, document, force=replace)
            except OutputError as error:
                interview.export_failed = True
                say(console, f"Not exported: {error}", "red")
            else:
                say(console, f"Summary written: {path} (mode 0600)")
                return path
        if not ask.confirm("Export to another file?", default=True):
            console.print("Not exported.")
            return None
        path, force = None, False


def _writable_name(raw: str) -> bool | str:
    name = raw.strip()
    if not name:
        return "A file name is needed"
    if Path(name).is_dir():
        return f"{name} is a folder; give a file name"
    if not Path(name).parent.is_dir():
        return f"no folder {Path(name).parent}"
    return True


def save_draft(interview: Interview, *, interrupted: bool = True) -> None:
    """Keep the answers so far (0600, atomic) and say where; nothing to keep, nothing written."""
    console = interview.console
    if interrupted:
        console.print("\nInterrupted.")
    if not interview.answers:
        console.print("No answers yet: nothing saved.")
        return
    path = interview.draft or draft_path(interview)
    try:
        summary.write_draft(interview.bank, interview.answers, path, force=True)
    except TriageError as error:
        say(console, f"Could not save the draft: {error}", "red")
        return
    say(
        console, f"Draft saved: {path} (mode 0600). Continue with: triage interview --resume {path}"
    )


def draft_path(interview: Interview) -> Path:
    """Beside the export if one was asked for, else in the current folder; never clobbers."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = str(interview.answers.get("client_id") or "intake")
    export = interview.export
    folder = export.parent if export and export.parent.is_dir() else Path(".")
    path = folder / f"{name}.draft.toml"
    return path if not path.exists() else folder / f"{name}.draft-{stamp}.toml"
