"""Rich renderables: the bank listing, the result screen, program card, checklist, crisis banner."""

from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from triage_cli.bank import Bank, Question


def console(*, stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and is plain when the stream is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        soft_wrap=False,
    )


def _answers_of(question: Question) -> str:
    if question.kind == "choice":
        return ", ".join(str(c.code) for c in question.choices)
    if question.kind == "yesno":
        return "yes, no"
    if question.kind == "integer":
        return f"{question.min}-{question.max}"
    return question.pattern_hint or "text"


def bank_listing(bank: Bank) -> RenderableType:
    """Every section's questions with their answer codes and skip conditions."""
    parts: list[RenderableType] = [
        Text(f"{bank.name} {bank.version}: {len(bank.questions)} questions", style="bold")
    ]
    for number, section in enumerate(bank.sections, 1):
        questions = bank.section_questions(section.id)
        parts.append(Text(f"\nSection {number} of {len(bank.sections)}: {section.title}", "bold"))
        for instrument_id in dict.fromkeys(q.instrument for q in questions if q.instrument):
            instrument = bank.instruments[instrument_id]
            parts.append(Text(f"{instrument.name}: {instrument.stem}", style="italic"))
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
        table.add_column("id", no_wrap=True)
        table.add_column("question", ratio=4)
        table.add_column("answers", ratio=2)
        table.add_column("asked when", ratio=2, min_width=10)
        for question in questions:
            table.add_row(
                question.id,
                question.prompt,
                _answers_of(question),
                " and ".join(map(str, question.when)) or "always",
            )
        parts.append(table)
    if bank.instruments:
        parts.append(Text("\nInstruments", style="bold"))
        parts.extend(Text(f"- {i.name}: {i.citation} {i.terms}") for i in bank.instruments.values())
    return Group(*parts)
