"""The terminal writer: rich renderables for the bank listing and for a Record (result screen,
program card, checklist, comparison), and the crisis banner. It lays out; it decides nothing."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triage_cli.bank.model import Bank, ChecklistItem, Program, Question
from triage_cli.record.model import Record
from triage_cli.record.override import Override
from triage_cli.record.words import (
    CRISIS_LINES,
    DISCLAIMER,
    NOT_DETERMINED,
    level_words,
    not_answered_words,
    rating_lines,
    score_lines,
)
from triage_cli.scoring import WITHDRAWAL_TEXT
from triage_cli.text import local_time, prose, shown

if TYPE_CHECKING:  # only named in annotations: not imported before the first prompt
    from triage_cli.record.compare import Comparison
    from triage_cli.record.history import History
    from triage_cli.scoring import Assessment
    from triage_cli.scoring.partial import Partial


def console(*, stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and is plain when the stream is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")),  # no-color.org: an empty value is unset
        highlight=False,
        markup=False,  # bank text, answers and paths are shown as written, never as markup
        soft_wrap=False,
    )


def _answers_of(question: Question) -> str:
    if question.kind == "choice":
        return ", ".join(shown(c.code) for c in question.choices)
    if question.kind == "yesno":
        return "yes, no"
    if question.kind == "integer":
        return f"{question.min}-{question.max}"
    return prose(question.pattern_hint or "text")


def bank_listing(bank: Bank) -> RenderableType:
    """Every section's questions with their answer codes and skip conditions."""
    parts: list[RenderableType] = [
        Text(f"{shown(bank.name)} {shown(bank.version)}: {len(bank.questions)} questions", "bold")
    ]
    for number, section in enumerate(bank.sections, 1):
        questions = bank.section_questions(section.id)
        title = shown(section.title)
        parts.append(Text(f"\nSection {number} of {len(bank.sections)}: {title}", "bold"))
        for instrument_id in dict.fromkeys(q.instrument for q in questions if q.instrument):
            instrument = bank.instruments[instrument_id]
            parts.append(Text(prose(f"{instrument.name}: {instrument.stem}"), style="italic"))
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
        table.add_column("id", no_wrap=True)
        table.add_column("question", ratio=4)
        table.add_column("answers", ratio=2)
        table.add_column("asked when", ratio=2, min_width=10)
        for question in questions:
            table.add_row(
                shown(question.id),
                prose(question.prompt),
                _answers_of(question),
                shown(" and ".join(map(str, question.when)) or "always", 300),
            )
        parts.append(table)
    if bank.instruments:
        parts.append(Text("\nInstruments", style="bold"))
        parts.extend(
            Text(prose(f"- {i.name}: {i.citation} {i.terms}")) for i in bank.instruments.values()
        )
    return Group(*parts)


def crisis_banner() -> RenderableType:
    """The emergency banner (rule S1): shown at once in the interview and first in every result."""
    body = Text("\n".join(f"* {line}" for line in CRISIS_LINES), style="bold")
    return Panel(
        body,
        title="EMERGENCY: imminent risk",
        title_align="left",
        border_style="bold red",
        box=box.HEAVY,
    )


def _bar(value: int) -> str:
    return "#" * value + "." * (5 - value)


def result_view(record: Record) -> RenderableType:
    """The whole result screen, in the order a coordinator reads it out. An incomplete
    record shows what its answers determine, and which questions are still to be asked."""
    a, override = record.assessment, record.override
    parts: list[RenderableType] = []
    if a.emergency:
        parts.append(crisis_banner())
    if not record.complete:
        parts.append(_incomplete_note(record))
    level = (
        (f"{a.level.title} [{a.level.code}]", "bold cyan")
        if a.level is not None
        else ("not determined: the answers so far do not fix it", "bold yellow")
    )
    parts.append(Text.assemble(("Recommended level of care: ", "bold"), level))
    if record.meta.assessed is not None:
        parts.append(Text(f"Assessed {local_time(record.meta.assessed)}", style="dim"))
    if override:
        parts.append(override_line(override))
    if a.withdrawal_management not in (None, "none"):
        parts.append(
            Text(
                f"Withdrawal: {WITHDRAWAL_TEXT[a.withdrawal_management]} ({a.withdrawal_reason})",
                style="bold magenta",
            )
        )
    parts.append(_reasons(a))
    parts.append(_ratings(record))
    parts.append(_scores(record))
    if a.flags:
        parts.append(
            Group(
                Text("Flags for the clinician", style="bold"),
                *(_item("!", f.text) for f in a.flags),
            )
        )
    if record.program is not None:
        parts.append(program_card(record.program, record.adolescent_note))
    if record.level is not None:
        parts.append(checklist_view(record.checklist))
    if not record.complete:
        listed = ", ".join(record.not_answered) or "none"
        parts.append(
            Group(
                Text("Not answered yet", style="bold"),
                Padding(Text(listed, style="yellow"), (0, 0, 0, 2)),
            )
        )
    parts.append(Text(DISCLAIMER, style="italic"))
    if a.emergency:  # again, last: the screen ends with it, whatever came before
        parts.append(crisis_banner())
    return Group(*_spaced(parts))


def _incomplete_note(record: Record) -> Text:
    return Text(
        f"INCOMPLETE: {not_answered_words(record)}. Only what the answers given determine "
        "is shown; finish the intake for the rest.",
        style="bold yellow",
    )


def override_line(override: Override) -> Text:
    reason = shown(override.reason_text)
    note = f": {prose(override.note, 500)}" if override.note else ""
    return Text(f"Clinician override: {level_words(override.level)}, {reason}{note}", "bold yellow")


def override_view(record: Record) -> RenderableType:
    """After an override: the line, and the program card and checklist of the chosen level."""
    assert record.override is not None
    parts: list[RenderableType] = [
        override_line(record.override),
        Text(""),
        program_card(record.program, record.adolescent_note),
        checklist_view(record.checklist),
    ]
    if record.assessment.emergency:  # again, last: after the note typed for the override
        parts += [Text(""), crisis_banner()]
    return Group(*parts)


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    spaced: list[RenderableType] = []
    for part in parts:
        spaced.extend((part, Text("")))
    return spaced[:-1]


def _item(mark: str, text: str) -> Table:
    """A hanging-indent list item: wrapped lines align under the text, not the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(f"  {mark}", text)
    return grid


def _reasons(a: Assessment | Partial) -> RenderableType:
    if a.level is None:  # incomplete: no level, but rules may already apply
        lines: list[RenderableType] = [Text("Rules that already apply", style="bold")]
        lines.extend(_item("-", reason) for reason in a.also_considered)
        return Group(*lines) if a.also_considered else Text("No rule applies yet.", "dim")
    lines = [Text("Why (rules that set the level)", style="bold")]
    lines.extend(_item("-", reason) for reason in a.reasons)
    if a.also_considered:
        lines.append(Text("Also considered (proposed a lower level)", style="bold"))
        lines.extend(_item("-", reason) for reason in a.also_considered)
    return Group(*lines)


def _ratings(record: Record) -> RenderableType:
    """A small bar chart: name, bar, value, then (wrapped) the answers that set it."""
    table = Table.grid(padding=(0, 2))  # a grid lays out the same on every rich version
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(style="dim", ratio=1)
    for line in rating_lines(record.ratings, record.assessment.rating_why):
        shown_value = NOT_DETERMINED if line.value is None else f"{_bar(line.value)} {line.value}"
        table.add_row(f"  {line.letter} {line.name}", shown_value, prose(line.why))
    composite = record.ratings.get("composite")
    total = NOT_DETERMINED if composite is None else f"{composite} of 35"
    title = Text(f"Ratings (1-5; composite {total})", style="bold")
    return Group(title, table)


def _scores(record: Record) -> RenderableType:
    table = Table(box=None, pad_edge=False, show_header=False, padding=(0, 1))
    for _ in range(3):
        table.add_column(no_wrap=True)
    for line in score_lines(record.scores):
        table.add_row(f"  {line.name}", line.score, prose(line.band))
    return Group(Text("Screening scores", style="bold"), table)


def program_card(program: Program, adolescent_note: str = "") -> RenderableType:
    """The program summary card for a level, from programs.toml."""
    table = Table(box=None, pad_edge=False, show_header=False, padding=(0, 1))
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    rows = [
        ("Hours/week", program.hours_per_week),
        ("Days/week", program.days_per_week),
        ("Hours/day", program.hours_per_day),
        ("Length", program.typical_length),
        ("Setting", program.setting),
        ("Focus", program.focus),
        ("Includes", "; ".join(program.components)),
        ("For", program.who_for),
        ("Step down", program.step_down),
        ("Step up", program.step_up),
        ("Telehealth", program.telehealth),
        ("Like ASAM", program.asam_level),
    ]
    if adolescent_note:
        rows.insert(0, ("Adolescent", adolescent_note))
    for label, value in rows:
        table.add_row(label, prose(value))
    title = f"Program: {shown(program.name)}"
    return Panel(table, title=title, title_align="left", box=box.ROUNDED)


def checklist_view(items: tuple[ChecklistItem, ...]) -> RenderableType:
    lines: list[RenderableType] = [
        Text("Insurance checklist (before the first session)", style="bold")
    ]
    lines.extend(_item("[ ]", prose(item.text)) for item in items)
    return Group(*lines)


def rescore_note(stored: Mapping[str, object], changes: list[str]) -> RenderableType:
    """Whether re-scoring a summary gave the recommendation it recorded."""
    if not changes:
        return Text(
            f"Re-scored: same recommendation as stored ({shown(stored.get('level'))}).",
            style="green",
        )
    lines = [Text("Re-scored: the recommendation differs from the stored one:", style="bold red")]
    lines.extend(_item("-", prose(change, None)) for change in changes)
    return Group(*lines)


def comparison_view(comparison: Comparison) -> RenderableType:
    """Earlier vs current, side by side, with the level-of-care movement in words."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("")
    table.add_column(f"earlier ({shown(comparison.when)})", justify="right")
    table.add_column("now", justify="right")
    table.add_column("")
    for row in comparison.rows:
        table.add_row(row.what, row.earlier, row.now, row.direction)
    from triage_cli.record.outcomes import outcome_words  # not needed before the first prompt

    title = Text(f"Since the earlier assessment: {comparison.movement}", style="bold")
    markers = [
        _item("-", outcome_words(instrument, found))
        for instrument, found in comparison.outcomes.items()
    ]
    return Group(title, table, Text("Outcome markers", style="bold"), *markers)


def history_view(history: History) -> RenderableType:
    """One client's assessments in order: the table, the markers in words, and a chart of
    PHQ-9 and GAD-7 over time (letters, not colours, tell the series apart)."""
    from triage_cli.record.outcomes import outcomes_words

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in ("#", "assessed", "level", "comp.", "PHQ-9", "GAD-7", "since before"):
        table.add_column(name)
    for n, row in enumerate(history.rows, 1):
        level = row.level.code if row.level else "?"
        if row.override_level:
            level += f" (override {row.override_level})"
        table.add_row(
            f"{n}!" if row.emergency else str(n),  # ! imminent risk: said above the table
            local_time(row.assessed) if row.assessed else shown(row.file, 30),
            level,
            "?" if row.composite is None else str(row.composite),
            "?" if row.phq9_total is None else str(row.phq9_total),
            "?" if row.gad7_total is None else str(row.gad7_total),
            row.movement or "",
        )
    title = Text(
        f"History of client {shown(history.client_id)}: {len(history.rows)} assessment"
        + "s" * (len(history.rows) != 1),
        style="bold",
    )
    parts: list[RenderableType] = []
    if history.emergencies:  # first: imminent risk in any assessment shown
        listed = ", ".join(f"#{n}" for n in history.emergencies)
        parts += [
            crisis_banner(),
            Text(f"Imminent risk in assessment {listed} (marked ! below).", "bold red"),
        ]
    parts += [title, table]
    for n, row in enumerate(history.rows, 1):
        for label, found in (("vs baseline", row.vs_baseline), ("vs previous", row.vs_previous)):
            if found is None or (label == "vs previous" and n == 2):
                continue  # the second row's previous is the baseline: said once
            parts.append(_item(f"#{n}", f"{label}: {outcomes_words(found)}"))
    if len(history.rows) > 1:
        parts += [Text(""), history_chart(history)]
    return Group(*parts)


CHART_STEP, CHART_ROWS = 2, 14  # 0-28 in steps of 2
CHART_COLUMNS = 56  # assessments across, at most: with the axis and labels, under 80


def history_chart(history: History) -> Text:
    """PHQ-9 (P) and GAD-7 (G) totals over the assessments, * where both fall on one mark."""
    rows = history.rows[-CHART_COLUMNS:]  # the last ones, when more than 80 columns hold
    count = len(rows)
    step = max(1, min(12, (CHART_COLUMNS - 1) // max(1, count - 1)))
    width = step * (count - 1) + 1
    grid = [[" "] * width for _ in range(CHART_ROWS + 1)]
    for n, row in enumerate(rows):
        for total, mark in ((row.phq9_total, "P"), (row.gad7_total, "G")):
            if total is None:
                continue
            cell = grid[CHART_ROWS - round(total / CHART_STEP)]
            x = n * step
            cell[x] = "*" if cell[x] not in (" ", mark) else mark
    first = len(history.rows) - count + 1
    shown_rows = f" (assessments {first}-{len(history.rows)})" if first > 1 else ""
    lines = [f"PHQ-9 (P) and GAD-7 (G) totals; * both{shown_rows}"]
    for y, cells in enumerate(grid):
        value = (CHART_ROWS - y) * CHART_STEP
        lines.append(f"{value:>3} |" + "".join(cells))
    lines.append("    +" + "-" * width)
    axis = [" "] * (width + 4)
    free = 0  # the first column a label may start at: labels never run into each other
    for n in range(count):
        label, x = str(first + n), n * step
        if x >= free:
            axis[x : x + len(label)] = label
            free = x + len(label) + 1
    lines.append("     " + "".join(axis).rstrip() + "  (assessment #)")
    return Text("\n".join(lines))
