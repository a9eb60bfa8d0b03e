"""The interactive interview: ask the bank's questions, review, score, override, export.

The draft is saved after every answer (safekeeping.py), so Ctrl-C (130), a hang-up (129) or a
shutdown (143) loses at most the answer being typed; `triage interview --resume DRAFT` lands
where it stopped.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from triage_cli.answers import converter, parse_answers
from triage_cli.bank.model import Bank
from triage_cli.errors import InputError
from triage_cli.interview.outcome import (
    ask_override,
    export_summary,
    write_fhir_file,
    write_report_file,
)
from triage_cli.interview.prompts import Prompts
from triage_cli.interview.safekeeping import (
    INTERRUPTED,
    STOPPING,
    checkpoint,
    choose_folder,
    holding,
    keep,
    last_resort,
    terminal_gone,
)
from triage_cli.interview.state import Interview, say
from triage_cli.interview.walk import ask_all, crisis_check
from triage_cli.record.drafts import find_draft, read_draft
from triage_cli.record.model import build_record
from triage_cli.scoring import assess
from triage_cli.signals import Stopped

__all__ = ["INTERRUPTED", "run"]
EXPORT_FAILED = 1


def run(
    bank: Bank,
    console: Console,
    *,
    prompts: Prompts | None = None,
    client_id: str | None = None,
    resume: Path | None = None,
    export: Path | None = None,
    report: Path | None = None,
    fhir: Path | None = None,
    force: bool = False,
) -> int:
    """The whole interview; returns the exit code: 0 done (exported, or kept as a draft),
    1 the summary or the report could not be written, 129 hung up, 130 interrupted, 143
    terminated."""
    if prompts is None:
        from triage_cli.interview.ask import Rich

        prompts = Rich(console)
    interview = Interview(bank, console, prompts, export=export, report=report, fhir=fhir)
    if resume is not None:
        resumed = read_draft(bank, resume)
        if resumed.imminent:  # first, before anything that may refuse (a draft in use)
            prompts.crisis()
            interview.banner_shown = True
        draft = None if resumed.is_draft else find_draft(resumed)
        if draft is not None:  # an incomplete record: its interview goes on in its draft
            say(console, f"{resume} was written before the interview ended: continuing its draft.")
            resume, resumed = draft, read_draft(bank, draft)
        elif resumed.incomplete:
            say(
                console,
                f"{resume} was written before the interview ended; its draft was not found "
                "(finished, or removed): this interview keeps a new one.",
            )
        interview.answers = resumed.answers
        if resumed.is_draft:
            interview.draft = resume
            interview.phase, interview.override = resumed.phase, resumed.override
            interview.started = resumed.started or interview.started
            interview.assessed = resumed.assessed
        # a chart summary resumed from is never the draft (so never deleted): a new draft is made
        say(console, f"Resuming {resume}: {len(interview.answers)} answers kept.")
        for note in resumed.notes:
            say(console, f"  note: {note}")
    if client_id is not None:
        value, error = converter(bank.question("client_id"))(client_id)
        if error:
            raise InputError(f"--client-id: {error}")
        kept = interview.answers.setdefault("client_id", value)  # type: ignore[arg-type]
        if kept != value:
            say(console, f"  note: --client-id {value} ignored: the draft is for {kept}")
    prompts.start()
    choose_folder(interview)
    with holding(interview):
        try:
            return steps(interview, force)
        except Stopped as stop:
            state, headline = STOPPING[stop.signum]
            keep(interview, state, headline)
            return 128 + stop.signum
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            if terminal_gone(interview):  # the EOF of a terminal that hung up
                keep(interview, "hung_up", "Hung up")
                return 129
            if not keep(interview, "interrupted", "Interrupted") and interview.answers:
                last_resort(interview)
            return INTERRUPTED


def steps(interview: Interview, force: bool) -> int:
    """Questions, review, result, override and export, from the phase the draft is in."""
    bank = interview.bank
    if interview.phase in ("override", "export") and interview.unanswered() is None:
        answers = parse_answers(bank, interview.answers)  # reviewed before it stopped
    else:
        interview.phase = "questions"
        if not (crisis_check(interview) and ask_all(interview)):
            return finish_early(interview, force)
        from triage_cli.interview.review import review  # after the last question

        answers = review(interview)
        if answers is None:
            return finish_early(interview, force)
    result = assess(answers)
    times = {"assessed": interview.assessed, "started": interview.started}
    if interview.phase == "export":  # resumed at the export: the override was recorded
        record = build_record(bank, answers, result, override=interview.override, **times)
        interview.prompts.result(record)
    else:
        interview.phase, interview.override = "override", None
        interview.assessed = times["assessed"] = datetime.now(UTC)  # scored now
        checkpoint(interview)
        interview.prompts.result(build_record(bank, answers, result, **times))
        interview.override = ask_override(interview.prompts, result)
        interview.phase = "export"
        checkpoint(interview)
        record = build_record(bank, answers, result, override=interview.override, **times)
        if interview.override:
            interview.prompts.override(record)
    exported = export_summary(interview, record, force)
    reported = write_report_file(interview, record, force)
    reported = write_fhir_file(interview, record, force) and reported
    return finish(interview, exported, reported)


def finish(interview: Interview, exported: Path | None, reported: bool = True) -> int:
    """After the export: remove the draft once the summary (and the report asked for) is
    safely written (never when the summary is the draft itself), else keep it; 1 when the
    export or the report failed."""
    console, draft = interview.console, interview.draft
    if not reported:
        if not keep(interview, "export_failed"):
            last_resort(interview)
        return EXPORT_FAILED
    if exported is not None:
        if draft is not None and draft.exists() and not _same_file(draft, exported):
            try:
                draft.unlink()
            except OSError as error:
                say(console, f"Draft {draft} kept (it could not be removed: {error.strerror}).")
            else:
                say(console, f"Draft {draft} removed: the summary is in {exported}.")
        return 0
    state = "export_failed" if interview.export_failed else "not_exported"
    if keep(interview, state):
        return EXPORT_FAILED if interview.export_failed else 0
    last_resort(interview)
    return EXPORT_FAILED


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def finish_early(interview: Interview, force: bool) -> int:
    """The emergency result from the answers so far, as an incomplete record that can be
    exported; the draft keeps the interview until it is finished."""
    from triage_cli.answers.partial import parse_partial  # the emergency path only
    from triage_cli.scoring.partial import assessment_of

    answers = parse_partial(interview.bank, interview.answers)
    record = build_record(
        interview.bank,
        answers,
        assessment_of(answers),
        assessed=datetime.now(UTC),
        started=interview.started,
    )
    interview.prompts.result(record)
    export_summary(interview, record, force)
    reported = write_report_file(interview, record, force)
    reported = write_fhir_file(interview, record, force) and reported
    if keep(interview, "emergency"):
        return EXPORT_FAILED if interview.export_failed or not reported else 0
    last_resort(interview)
    return EXPORT_FAILED
