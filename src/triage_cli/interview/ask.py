"""The questionary implementation of the interview's prompts (prompts.Prompts).

Every prompt uses unsafe_ask(), so Ctrl-C raises KeyboardInterrupt (handled once, by the
wizard) instead of silently becoming a None answer. While a bank question is answered, its
help is shown above its prompt, and a line under it gives its position and "Shift-Tab:
previous question"; both are gone once it is answered. Shift-Tab is a key binding merged
into questionary's prompt_toolkit application that exits with BACK (questionary has no
"back" of its own).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, TypeVar

import questionary
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import is_done, to_filter
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from questionary import Choice
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from triage_cli import render
from triage_cli.interview.prompts import (
    BACK,
    FIRST,
    YES_OR_NO,
    Back,
    Position,
    Review,
    Validate,
)
from triage_cli.record.model import Record
from triage_cli.text import prose, shown

T = TypeVar("T")
STYLE = questionary.Style(
    [
        ("qmark", "bold"),
        ("highlighted", "bold"),
        ("pointer", "bold"),
        ("hint", "italic"),
        ("help", "italic"),
    ]
)
HINT = "Shift-Tab: previous question"


class Rich:
    """questionary's prompts, on the terminal of the current prompt_toolkit session, and
    rich's views on the console."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def start(self) -> None:
        pass  # the prompts say how to answer them

    def heading(self, title: str, intro: str) -> None:
        self.console.print()
        self.console.rule(Text(prose(title)), align="left")
        if intro:
            self.console.print(Text(prose(intro), style="italic"))

    def crisis(self) -> None:
        self.console.print(render.crisis_banner())

    def result(self, record: Record) -> None:
        self.console.print(render.result_view(record))

    def override(self, record: Record) -> None:
        self.console.print(render.override_view(record))

    def review(self, sections: Review) -> None:
        """At 80 columns: each section's title on its own line, then a line for each answer."""
        parts: list[RenderableType] = [Text("Answers")]
        for title, answers in sections:  # a title on its own line: long ones wrap there
            table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
            table.add_column("question", no_wrap=True, min_width=34)
            table.add_column("answer", overflow="fold")
            for name, label in answers:  # Text: bank text is never read as markup
                table.add_row(Text(f"  {name}"), Text(label))
            parts += [Text(title, style="bold"), table]
        self.console.print(Group(*parts))

    def choose(
        self,
        message: str,
        options: Sequence[tuple[str, T]],
        default: T | None = None,
        position: Position | None = None,
    ) -> T | Back:
        """Pick one of (label, value); the default (or the first option) is highlighted."""
        choices = [Choice(title=shown(label, 300), value=value) for label, value in options]
        start = next((c for c in choices if c.value == default and default is not None), choices[0])
        prompt = questionary.select(
            prose(message), choices=choices, default=start, style=STYLE, qmark=">", instruction=" "
        )
        return _run(prompt, position)

    def confirm(
        self, message: str, default: bool | None = False, position: Position | None = None
    ) -> bool | Back:
        """y or n answers at once; Enter takes the default. With no default (the bank's
        safety questions have none), Enter says "answer y or n" under the prompt, in place."""
        prompt = questionary.confirm(
            prose(message),
            default=default,  # type: ignore[arg-type]
            instruction=None if default is not None else "(y/n) ",
            style=STYLE,
            qmark=">",
        )
        return _run(prompt, position, needs_answer=default is None)

    def text(
        self,
        message: str,
        default: str = "",
        validate: Validate | None = None,
        position: Position | None = None,
    ) -> str | Back:
        prompt = questionary.text(
            prose(message), default=default, validate=validate, style=STYLE, qmark=">"
        )
        return _run(prompt, position)


def _run(
    prompt: questionary.Question, position: Position | None, needs_answer: bool = False
) -> Any:
    """Run one prompt; under a bank question, the position line and Shift-Tab."""
    if position is None and not needs_answer:
        return prompt.unsafe_ask()
    app = prompt.application
    note = {"text": ""}  # said in place, on the line under the prompt
    bindings = KeyBindings()
    if position is not None:

        @bindings.add("s-tab", eager=True)
        def _back(event: Any) -> None:
            if position.can_go_back:
                event.app.erase_when_done = True  # the question asked again replaces it
                event.app.exit(result=BACK)
            else:
                note["text"] = FIRST

    if needs_answer:

        @bindings.add("enter", eager=True)
        def _enter(event: Any) -> None:  # questionary would return None: no answer yet
            note["text"] = YES_OR_NO

    def line() -> list[tuple[str, str]]:
        """The position, then what was just said ("answer y or n"), else the hint."""
        parts = [shown(position.text, 200)] if position is not None else []
        if note["text"]:
            parts.append(note["text"])
        elif position is not None and position.can_go_back:
            parts.append(HINT)
        return [("class:hint", _wrapped("  ".join(parts), " "))]

    # ours come last, so they win over questionary's own Enter (and anything else)
    app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, bindings) if b])
    help_text = prose(position.help) if position is not None else ""
    for window in app.layout.find_all_windows():  # the lines under it stay right under it
        window.dont_extend_height = to_filter(True)
    shown_with = [
        _while_asked(lambda: [("class:help", _wrapped(help_text))]) if help_text else None,
        app.layout.container,
        _while_asked(line),
    ]
    app.layout = Layout(
        HSplit([part for part in shown_with if part is not None]),
        focused_element=app.layout.current_window,
    )
    return prompt.unsafe_ask()


def _while_asked(text: Any) -> ConditionalContainer:
    """Lines shown with the prompt while it is answered, gone from the screen after."""
    window = Window(FormattedTextControl(text), wrap_lines=True, dont_extend_height=True)
    return ConditionalContainer(window, filter=~is_done)


def _wrapped(text: str, indent: str = "") -> str:
    """Text wrapped at words to the terminal's width (prompt_toolkit would cut words); its
    own line breaks kept."""
    width = max(20, get_app().output.get_size().columns - 1)  # a full line would wrap early
    return "\n".join(
        "\n".join(textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent))
        for line in text.splitlines()
    )
