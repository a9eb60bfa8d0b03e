"""The one adapter to questionary: a bank question in, a typed answer out.

Every prompt uses unsafe_ask(), so Ctrl-C raises KeyboardInterrupt (handled once, by the
wizard) instead of silently becoming a None answer. Validation calls the same converter
that batch and score use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import questionary
from questionary import Choice

from triage_cli.answers import converter, expected
from triage_cli.bank import Question, Value
from triage_cli.text import prose, shown

T = TypeVar("T")
STYLE = questionary.Style([("qmark", "bold"), ("highlighted", "bold"), ("pointer", "bold")])


def choose(message: str, options: Sequence[tuple[str, T]], default: T | None = None) -> T:
    """Pick one of (label, value); the default (or the first option) is highlighted."""
    choices = [Choice(title=shown(label, 300), value=value) for label, value in options]
    start = next((c for c in choices if c.value == default and default is not None), choices[0])
    return questionary.select(
        prose(message), choices=choices, default=start, style=STYLE, qmark=">", instruction=" "
    ).unsafe_ask()


def confirm(message: str, default: bool | None = False) -> bool:
    """y or n answers at once; Enter takes the default. With no default (the bank's safety
    questions have none), Enter does not answer: the question is asked until y or n."""
    while True:
        answer = questionary.confirm(
            prose(message),
            default=default,  # type: ignore[arg-type]
            instruction=None if default is not None else "(y/n) ",
            style=STYLE,
            qmark=">",
        ).unsafe_ask()
        if answer is not None:
            return bool(answer)


def text(message: str, default: str = "", validate: Any = None) -> str:
    return questionary.text(
        prose(message), default=default, validate=validate, style=STYLE, qmark=">"
    ).unsafe_ask()


def ask_question(question: Question, message: str, current: Value | None = None) -> Value:
    """Ask one bank question; return its typed answer. `current` (when editing) is the default."""
    default = current if current is not None else question.default
    if question.kind == "choice":
        options = [(choice.label, choice.code) for choice in question.choices]
        return choose(message, options, default)
    if question.kind == "yesno":
        return confirm(message, default=None if default is None else bool(default))
    convert = converter(question)

    def validate(raw: str) -> bool | str:
        if not raw.strip():
            return f"An answer is needed: {expected(question)}"
        value, error = convert(raw)
        return True if value is not None and error is None else f"Expected {expected(question)}"

    raw = text(message, "" if default is None else str(default), validate)
    value, _ = convert(raw)
    assert value is not None  # the validator accepted it
    return value
