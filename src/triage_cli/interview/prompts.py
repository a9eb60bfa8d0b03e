"""The one adapter the interview asks through: a bank question in, a typed answer (or BACK)
out. Two implementations keep to it: ask.Rich (questionary's full-screen prompts) and
plain.Plain (line-by-line prompts for screen readers and dumb terminals); the wizard never
knows which one it has.

Validation calls the same converter that batch and score use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from triage_cli.answers import converter, expected
from triage_cli.bank import Question, Value

if TYPE_CHECKING:
    from triage_cli.record.model import Record

T = TypeVar("T")
Validate = Callable[[str], "bool | str"]
FIRST = "This is the first question: there is none before it."
YES_OR_NO = "answer y or n"  # Enter at a yes/no question with no default


class Back:
    """The answer "go back to the previous question" (Shift-Tab, or `<` in plain mode)."""

    def __repr__(self) -> str:
        return "BACK"


BACK = Back()


@dataclass(frozen=True)
class Position:
    """What is shown with a bank question while it is asked: where it stands ("Section 3 of
    9 - question 2 of 5"), its help, and whether there is a question to go back to."""

    text: str
    help: str = ""
    can_go_back: bool = True


# A review: each section's title, and (short name, label) of each answer in it.
Review = Sequence[tuple[str, Sequence[tuple[str, str]]]]


class Prompts(Protocol):
    """Every prompt of the interview, and the views that the two faces lay out apart. With
    a Position (a bank question), the answer may be BACK; Ctrl-C raises KeyboardInterrupt,
    and end of input EOFError."""

    def start(self) -> None:
        """The interview begins (after the banner, when a resumed draft has met S1)."""

    def heading(self, title: str, intro: str) -> None:
        """A section starts (or is gone back to)."""

    def crisis(self) -> None:
        """The crisis banner (rule S1)."""

    def result(self, record: Record) -> None:
        """The result: level, reasons, ratings, scores, flags, program, checklist."""

    def override(self, record: Record) -> None:
        """After an override: it, and the program and checklist of its level."""

    def review(self, sections: Review) -> None:
        """Every answer in words, section by section."""

    def choose(
        self,
        message: str,
        options: Sequence[tuple[str, T]],
        default: T | None = None,
        position: Position | None = None,
    ) -> T | Back: ...

    def confirm(
        self, message: str, default: bool | None = False, position: Position | None = None
    ) -> bool | Back: ...

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        position: Position | None = None,
    ) -> str | Back: ...


def ask_question(
    prompts: Prompts, question: Question, position: Position, current: Value | None = None
) -> Value | Back:
    """Ask one bank question; its typed answer, or BACK. `current` (the answer already
    given, when going back or editing) is offered first, else the bank's default."""
    default = current if current is not None else question.default
    if question.kind == "choice":
        options = [(choice.label, choice.code) for choice in question.choices]
        return prompts.choose(question.prompt, options, default, position)
    if question.kind == "yesno":
        return prompts.confirm(
            question.prompt, None if default is None else bool(default), position
        )
    convert = converter(question)

    def validate(raw: str) -> bool | str:
        if not raw.strip():
            return f"An answer is needed: {expected(question)}"
        value, error = convert(raw)
        return True if value is not None and error is None else f"Expected {expected(question)}"

    raw = prompts.text(question.prompt, "" if default is None else str(default), validate, position)
    if isinstance(raw, Back):
        return raw
    value, _ = convert(raw)
    assert value is not None  # the validator accepted it
    return value
