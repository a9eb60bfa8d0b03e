"""The plain implementation of the interview's prompts and views (`triage interview --plain`,
and whenever TERM=dumb): for screen readers, an Emacs shell buffer, a slow serial console.

Line by line: no cursor movement, no redraws, no colour, no box drawing; each line is
printed once, in reading order. A choice is answered by its number, yes/no by y or n; `<`
goes back to the previous question and `?` repeats its help. A wrong answer gets one line
saying what is expected, then the prompt again. Input is read with input() (no readline,
so nothing but the typed line reaches the terminal); Ctrl-C raises KeyboardInterrupt and
end of input EOFError, as in the questionary prompts.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from rich.console import Console

from triage_cli.formats.chart_note import (
    chart_note,
    crisis_lines,
    override_lines,
    program_lines,
    wrapped,
)
from triage_cli.interview.prompts import (
    BACK,
    FIRST,
    YES_OR_NO,
    Back,
    Position,
    Review,
    Validate,
)
from triage_cli.interview.state import say
from triage_cli.record.model import Record
from triage_cli.text import prose, shown

T = TypeVar("T")
GO_BACK, HELP = "<", "?"  # as a whole answer, commands at every prompt: never stored
NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII digits: int() refuses "²", which isdigit() takes
HOW = (
    "Plain mode: answer with the number of a choice, y or n, or the text asked for, then "
    "Enter. Type < to go back to the previous question, ? to hear a question's help again."
)
# y or n in words only: a number in plain mode picks a choice, so 1/0 are not yes/no here
YES, NO = ("y", "yes"), ("n", "no")
Check = Callable[[str], tuple[bool, Any]]


def plain_console() -> Console:
    """A console that writes text only: no colour or style codes, no markup, no emoji; a
    long line is left for the terminal to wrap (a screen reader reads it as one)."""
    return Console(
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )


def paragraphs(text: str) -> list[str]:
    """Text wrapped at 80 columns, its own line breaks kept."""
    return [line for paragraph in text.splitlines() for line in wrapped(paragraph)]


class Plain:
    """Prompts as numbered lists and prompt lines; views as plain lines."""

    def __init__(self, console: Console, read: Callable[[str], str] = input) -> None:
        self.console = console
        self.read = read  # input(): its prompt would go to stderr without readline

    # -- prompts -----------------------------------------------------------------------------

    def choose(
        self,
        message: str,
        options: Sequence[tuple[str, T]],
        default: T | None = None,
        position: Position | None = None,
    ) -> T | Back:
        """A numbered list. Enter takes the default; at a bank question without one (the
        safety questions), Enter does not answer: the number must be typed."""
        values = [value for _, value in options]
        if default is not None and default in values:
            start: int | None = values.index(default) + 1
        else:
            start = None if position is not None else 1
        lines = [prose(message)]
        lines += [f"  {n}) {shown(label, 300)}" for n, (label, _) in enumerate(options, 1)]

        def check(raw: str) -> tuple[bool, Any]:
            if not raw and start is not None:
                return True, values[start - 1]
            if NUMBER.fullmatch(raw) and 1 <= int(raw) <= len(values):
                return True, values[int(raw) - 1]
            return False, f"Expected a number from 1 to {len(values)}."

        offered = f", Enter: {start}" if start is not None else ""
        return self._ask(f"Answer (1-{len(values)}{offered}): ", position, lines, check)

    def confirm(
        self, message: str, default: bool | None = False, position: Position | None = None
    ) -> bool | Back:
        offered = "" if default is None else f", Enter: {'y' if default else 'n'}"

        def check(raw: str) -> tuple[bool, Any]:
            if not raw and default is not None:
                return True, default
            if raw.lower() in YES + NO:
                return True, raw.lower() in YES
            return False, "Expected y or n." if raw else YES_OR_NO

        return self._ask(f"Answer (y/n{offered}): ", position, [prose(message)], check)

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        position: Position | None = None,
    ) -> str | Back:
        offered = f" (Enter: {shown(default, 80)})" if default else ""

        def check(raw: str) -> tuple[bool, Any]:
            answer = raw or default
            verdict = validate(answer) if validate is not None else True
            return (True, answer) if verdict is True else (False, f"{verdict}.")

        return self._ask(f"Answer{offered}: ", position, [prose(message)], check)

    def _ask(self, prompt: str, position: Position | None, asked: list[str], check: Check) -> Any:
        """Print what goes with the prompt, once; read lines until one is an answer."""
        helped = paragraphs(position.help) if position is not None and position.help else []
        self._lines(([position.text] if position is not None else []) + helped + asked)
        while True:
            self._write(prompt)
            raw = self.read("").strip()
            if raw == GO_BACK:
                if position is not None and position.can_go_back:
                    return BACK
                self._lines([FIRST if position is not None else "< goes back only at a question."])
            elif raw == HELP:
                none = ["This question has no help."] if position is not None and not helped else []
                self._lines(helped + none + asked)
            else:
                ok, answer = check(raw)
                if ok:
                    return answer
                self._lines([str(answer)])

    def _write(self, prompt: str) -> None:
        """The prompt line on the console's stream (stdout), where the answer is echoed."""
        with contextlib.suppress(OSError):
            self.console.file.write(prompt)
            self.console.file.flush()

    def _lines(self, lines: list[str]) -> None:
        for line in lines:
            say(self.console, line)

    # -- views ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._lines(paragraphs(HOW))

    def heading(self, title: str, intro: str) -> None:
        self._lines(["", title, *(paragraphs(intro) if intro else [])])

    def crisis(self) -> None:
        self._lines([*crisis_lines(), ""])

    def result(self, record: Record) -> None:
        """The chart note's text: the banner first (an emergency), result, program, checklist."""
        self._lines(["", *chart_note(record).splitlines()])

    def override(self, record: Record) -> None:
        self._lines(["", *override_lines(record), *program_lines(record)])
        if record.assessment.emergency:
            self.crisis()

    def review(self, sections: Review) -> None:
        lines = ["", "Answers"]
        for title, answers in sections:
            lines += [title, *(f"  {name}: {label}" for name, label in answers)]
        self._lines(lines)
