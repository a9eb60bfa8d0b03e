"""The chart note (`triage report --format text`): a Record as plain text for an EHR progress
note: at most 80 columns, no box drawing, every value through the plain-text gate. It lays
out the same Record as the HTML report, so the two cannot disagree."""

from __future__ import annotations

import textwrap

from triage_cli.record.model import Record
from triage_cli.record.words import (
    CRISIS_LINES,
    CRISIS_TITLE,
    DISCLAIMER,
    NOT_DETERMINED,
    composite_words,
    level_words,
    rating_lines,
    score_lines,
    withdrawal_words,
)
from triage_cli.text import local_time, prose, shown

WIDTH = 80


def wrapped(text: str, first: str = "", rest: str = "") -> list[str]:
    """One paragraph wrapped at 80 columns, gated; `first`/`rest` prefix its lines."""
    return textwrap.wrap(
        prose(text),  # cut at the prose limit: a pasted novel stays out of the chart
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest or " " * len(first),
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _items(title: str, items: list[str], mark: str = "- ") -> list[str]:
    lines = [title]
    for item in items:
        lines += wrapped(item, mark, " " * len(mark))
    return lines


def crisis_lines() -> list[str]:
    """The crisis banner (rule S1) as plain lines."""
    return [f"*** {CRISIS_TITLE} ***", *(f"* {line}" for line in CRISIS_LINES)]


def override_lines(record: Record) -> list[str]:
    """The clinician's override, when there is one."""
    if not (o := record.override):
        return []
    by = f"; by {o.by}" if o.by else ""
    note = f": {o.note}" if o.note else ""
    return wrapped(f"Clinician override: {level_words(o.level)}, {o.reason_text}{note}{by}")


def program_lines(record: Record) -> list[str]:
    """The program of the level (the override's, when there is one) and its checklist."""
    lines = []
    if record.program is not None:
        p = record.program
        lines += wrapped(
            f"Program: {p.name}: hours/week {p.hours_per_week}; days/week {p.days_per_week}; "
            f"length {p.typical_length}; setting {p.setting}"
            + (f"; {record.adolescent_note}" if record.adolescent_note else "")
        )
    if record.level is not None:
        lines += _items("Insurance checklist:", [item.text for item in record.checklist], "[ ] ")
    return lines


def chart_note(record: Record) -> str:
    a, meta = record.assessment, record.meta
    lines: list[str] = []
    if a.emergency:
        lines += [*crisis_lines(), ""]
    lines += wrapped("Level-of-care intake note (triage-cli). " + DISCLAIMER)
    assessed = local_time(meta.assessed) if meta.assessed else "not recorded"
    status = "complete" if record.complete else "INCOMPLETE (questions not answered)"
    lines += wrapped(f"Client: {shown(record.client_id)}; assessed: {assessed}; record: {status}")
    lines.append("")
    level = f"{a.level.title} ({a.level.code})" if a.level else f"{NOT_DETERMINED} (incomplete)"
    disposition = "; EMERGENCY disposition" if a.emergency else ""
    lines += wrapped(f"Recommended level of care: {level}{disposition}")
    if withdrawal := withdrawal_words(a.withdrawal_management):
        why = f" ({a.withdrawal_reason})" if a.withdrawal_reason else ""
        lines += wrapped(f"Withdrawal management: {withdrawal}{why}")
    lines += override_lines(record)
    if a.level is not None:
        lines += _items("Reasons (rules that set the level):", list(a.reasons))
        if a.also_considered:
            lines += _items("Also considered:", list(a.also_considered))
    elif a.also_considered:
        lines += _items("Rules that already apply:", list(a.also_considered))
    ratings = [
        f"{r.letter}={r.value if r.value is not None else '?'}"
        for r in rating_lines(record.ratings, {})
    ]
    composite = composite_words(record.ratings.get("composite"))
    unknown = " (? not determined)" if any(r.endswith("?") for r in ratings) else ""
    lines.append("")
    lines += wrapped(f"Ratings (1-5): {' '.join(ratings)}{unknown}; composite {composite}")
    lines += _items(
        "Screening scores:",
        [
            f"{s.name}: {' '.join(p for p in (s.score, s.band) if p)}"
            for s in score_lines(record.scores)
        ],
    )
    if a.flags:
        lines += _items("Flags for the clinician:", [f.text for f in a.flags])
    lines.append("")
    lines += program_lines(record)
    if not record.complete:
        lines += wrapped("Not answered: " + ", ".join(record.not_answered))
    if record.notes:
        lines += ["", *_items("Notes:", list(record.notes))]
    lines.append("")
    lines += wrapped(
        f"triage-cli {meta.tool_version}, clinical model {meta.model_version}, question bank "
        f"'{meta.bank_name}' {meta.bank_version} (sha256 {meta.bank_sha256[:12]})"
    )
    if a.emergency:
        lines += ["", f"*** {CRISIS_TITLE}: see the top of this note ***"]
    return "\n".join(lines) + "\n"
