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

from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.console import Console

from triage_cli.formats.chart_note import chart_note, override_lines, program_lines, wrapped
from triage_cli.interview.prompts import BACK, Back, Position, Validate
from triage_cli.interview.state import say
from triage_cli.record.model import Record
from triage_cli.record.words import CRISIS_LINES, CRISIS_TITLE
from triage_cli.text import prose, shown

T = TypeVar("T")
GO_BACK, HELP = "<", "?"
FIRST = "This is the first question: there is none before it."
HOW = (
    "Plain mode: answer with the number of a choice, y or n, or the text asked for, then "
    "Enter. Type < to go back to the previous question, ? to hear a question's help again."
)
YES, NO = ("y", "yes"), ("n", "no")


def plain_console() -> Console:
    """A console that writes text only: no colour or style codes, no markup, no emoji."""
    return Console(
        color_system=None, force_terminal=False, highlight=False, markup=False, emoji=False
    )


class Plain:
    """Prompts as numbered lists and prompt lines; views as plain lines."""

    def __init__(self, console: Console, read: Callable[[str], str] = input) -> None:
        self.console = console
        self.read = read
        self.told = False

    # -- prompts -----------------------------------------------------------------------------

    def choose(
        self,
        message: str,
        options: Sequence[tuple[str, T]],
        default: T | None = None,
        position: Position | None = None,
    ) -> T | Back:
        values = [value for _, value in options]
        start = values.index(default) + 1 if default is not None and default in values else 1

        def shown_with() -> list[str]:
            lines = [prose(message)]
            lines += [f"  {n}) {shown(label, 300)}" for n, (label, _) in enumerate(options, 1)]
            return lines

        def check(raw: str) -> tuple[bool, object]:
            if not raw:
                return True, values[start - 1]
            if raw.isdigit() and 1 <= int(raw) <= len(values):
                return True, values[int(raw) - 1]
            return False, f"Expected a number from 1 to {len(values)}."

        return self._ask(f"Answer (1-{len(values)}, Enter: {start}): ", position, shown_with, check)

    def confirm(
        self, message: str, default: bool | None = False, position: Position | None = None
    ) -> bool | Back:
        offered = "" if default is None else f", Enter: {'y' if default else 'n'}"

        def check(raw: str) -> tuple[bool, object]:
            if not raw and default is not None:
                return True, default
            if raw.lower() in YES + NO:
                return True, raw.lower() in YES
            return False, "Expected y or n." if raw else "answer y or n"

        return self._ask(f"Answer (y/n{offered}): ", position, lambda: [prose(message)], check)

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        position: Position | None = None,
    ) -> str | Back:
        offered = f" (Enter: {shown(default, 80)})" if default else ""
        asked = [prose(message)]

        def check(raw: str) -> tuple[bool, object]:
            answer = raw or default
            verdict = validate(answer) if validate is not None else True
            return (True, answer) if verdict is True else (False, f"{verdict}.")

        return self._ask(f"Answer{offered}: ", position, lambda: asked, check)

    def _ask(
        self,
        prompt: str,
        position: Position | None,
        shown_with: Callable[[], list[str]],
        check: Callable[[str], tuple[bool, object]],
    ) -> object:
        """Print what goes with the prompt, once; read lines until one is an answer."""
        self._tell_how()
        before = [position.text] if position is not None else []
        if position is not None and position.help:
            before += wrapped(position.help)
        self._lines(before + shown_with())
        while True:
            raw = self.read(prompt).strip()
            if position is not None and raw == GO_BACK:
                if position.can_go_back:
                    return BACK
                self._lines([FIRST])
                continue
            if raw == HELP:
                self._lines(before[1:] + shown_with() if before else shown_with())
                continue
            ok, answer = check(raw)
            if ok:
                return answer
            self._lines([str(answer)])

    def _lines(self, lines: list[str]) -> None:
        for line in lines:
            say(self.console, line)

    # -- views ---------------------------------------------------------------------------------

    def _tell_how(self) -> None:
        """How to answer, once, before the first question (or its section's title)."""
        if not self.told:
            self.told = True
            self._lines(wrapped(HOW))

    def heading(self, title: str, intro: str) -> None:
        self._tell_how()
        self._lines(["", title, *(wrapped(intro) if intro else [])])

    def crisis(self) -> None:
        self._lines([f"*** {CRISIS_TITLE} ***", *(f"* {line}" for line in CRISIS_LINES), ""])

    def result(self, record: Record) -> None:
        """The chart note's text: the banner first (an emergency), result, program, checklist."""
        self._lines(["", *chart_note(record).splitlines()])

    def override(self, record: Record) -> None:
        self._lines(["", *override_lines(record), *program_lines(record)])
        if record.assessment.emergency:
            self.crisis()

    def review(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        lines = ["", "Answers"]
        for title, answers in sections:
            lines += [title, *(f"  {name}: {label}" for name, label in answers)]
        self._lines(lines)
