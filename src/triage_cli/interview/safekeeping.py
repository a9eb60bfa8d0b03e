"""Never lose an intake: the write-ahead draft saved after every change, the folder it goes
in, hang-ups and shutdowns (SIGHUP, SIGTERM) turned into a clean stop with the terminal
restored, and, when nothing can be written at all, the answers printed as a last resort."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from triage_cli.errors import TriageError
from triage_cli.interview.state import Interview, say
from triage_cli.record.drafts import (
    drafts_folder,
    locked,
    new_draft_path,
    writable_folder,
    write_draft,
)
from triage_cli.signals import signals_stop

INTERRUPTED = 130
STOPPING = {signal.SIGHUP: ("hung_up", "Hung up"), signal.SIGTERM: ("terminated", "Terminated")}


def choose_folder(interview: Interview) -> None:
    """The per-user drafts folder, else the current one; warn before the first question
    when neither can be written (the intake goes on, but only an export will keep it)."""
    if interview.draft is not None:
        return
    for folder in (drafts_folder(), Path(".")):
        if writable_folder(folder):
            interview.draft_folder = folder
            return
    say(
        interview.console,
        f"warning: no draft can be kept: neither {drafts_folder()} nor the current folder can "
        "be written. If this interview is interrupted its answers are lost.",
        "bold red",
    )


def checkpoint(interview: Interview, state: str = "in_progress") -> bool:
    """Save the draft now (atomic, 0600): the answers, phase and override. False when it
    could not be saved (said once, the first time, and again once it works)."""
    if not interview.answers:
        return False
    if interview.draft is None:
        if interview.draft_folder is None:
            return False
        client_id = str(interview.answers.get("client_id", ""))
        try:
            interview.draft = new_draft_path(interview.draft_folder, client_id, interview.started)
        except TriageError as error:
            if not interview.draft_failed:
                say(interview.console, f"warning: could not save the draft: {error}", "red")
            interview.draft_failed = True
            return False
        with contextlib.suppress(TriageError):  # a name just taken: no other interview has it
            interview.locks.enter_context(locked(interview.draft))
    try:
        write_draft(
            interview.bank,
            interview.answers,
            interview.draft,
            phase=interview.phase,
            state=state,
            override=interview.override,
            started=interview.started,
            assessed=interview.assessed,
        )
    except TriageError as error:
        if not interview.draft_failed:
            say(interview.console, f"warning: could not save the draft: {error}", "red")
        interview.draft_failed = True
        return False
    if interview.draft_failed:
        say(interview.console, f"Draft saved again: {interview.draft}")
    interview.draft_failed = False
    return True


@contextlib.contextmanager
def holding(interview: Interview) -> Iterator[None]:
    """While the interview runs: its draft locked against a second terminal, SIGHUP and
    SIGTERM raising Stopped, and the terminal's modes saved, to be restored at the end."""
    modes = _terminal_modes()
    interview.on_terminal = modes is not None
    try:
        with signals_stop(STOPPING), interview.locks:
            if interview.draft is not None:  # resumed: refused if another terminal has it
                interview.locks.enter_context(locked(interview.draft))
            yield
    finally:
        _restore(modes)


def _terminal_modes() -> list[object] | None:
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())  # type: ignore[no-any-return]
    except Exception:  # no terminal, or no termios: nothing to restore
        return None


def _restore(modes: list[object] | None) -> None:
    """Put the terminal back as it was (echo, line editing); a hung-up terminal is let be."""
    if modes is None:
        return
    with contextlib.suppress(Exception):
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, modes)


def terminal_gone(interview: Interview) -> bool:
    """Whether the interview's terminal hung up (reads give EOF, its modes cannot be read)."""
    if not interview.on_terminal:
        return False
    try:
        import termios

        termios.tcgetattr(sys.stdin.fileno())
    except Exception:
        return True
    return False


def keep(interview: Interview, state: str, headline: str = "") -> bool:
    """At the end: save the draft with how the interview ended, and say where and how to
    continue; True when it was saved."""
    console = interview.console
    if headline:
        say(console, f"\n{headline}.")
    if not interview.answers:
        say(console, "No answers yet: nothing saved.")
        return False
    if not checkpoint(interview, state):
        return False
    say(
        console,
        f"Draft saved: {interview.draft} (mode 0600). "
        f"Continue with: triage interview --resume {interview.draft}",
    )
    return True


def last_resort(interview: Interview) -> None:
    """Nothing could be written: print the answers as TOML for the coordinator to copy."""
    import tomli_w

    answers = interview.answers
    table = {q.id: answers[q.id] for q in interview.bank.questions if q.id in answers}
    say(
        interview.console,
        "Nothing could be written: neither a draft nor the summary. Copy these answers into a "
        "file and continue later with `triage interview --resume FILE`:",
        "bold red",
    )
    with contextlib.suppress(OSError):
        interview.console.print(tomli_w.dumps({"answers": table}), markup=False, highlight=False)
