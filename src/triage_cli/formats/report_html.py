"""The printable report (`triage report`): a Record as one self-contained HTML page for the
chart, from a Jinja2 template with autoescaping on. Inline CSS with print rules, the ratings
as inline SVG, no script, nothing fetched: it prints the same on an offline ward PC."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from triage_cli.record.model import Record
from triage_cli.record.outcomes import outcomes_words
from triage_cli.record.words import (
    CRISIS_LINES,
    CRISIS_TITLE,
    DISCLAIMER,
    composite_words,
    level_words,
    rating_lines,
    score_lines,
    withdrawal_words,
)
from triage_cli.text import local_time, prose

if TYPE_CHECKING:
    import jinja2

BAR_UNIT, CHART_LEFT, ROW = 56, 150, 19  # SVG: px per rating point, label column, row height


class Bar(NamedTuple):
    label: str
    value: int | None
    y: int
    width: int


def _chart(record: Record) -> dict[str, Any]:
    lines = rating_lines(record.ratings, {})
    bars = [
        Bar(f"{r.letter} {r.name}", r.value, 16 + n * ROW, (r.value or 0) * BAR_UNIT)
        for n, r in enumerate(lines)
    ]
    ticks = [{"x": CHART_LEFT + v * BAR_UNIT, "value": v} for v in range(1, 6)]
    width = CHART_LEFT + 5 * BAR_UNIT + 20
    return {"bars": bars, "ticks": ticks, "left": CHART_LEFT, "width": width,
            "height": 18 + len(bars) * ROW}  # fmt: skip


def _history_chart(record: Record) -> dict[str, Any] | None:
    """PHQ-9 (solid line, circles) and GAD-7 (dashed line, squares) over the assessments."""
    rows = record.history
    if len(rows) < 2:
        return None
    left, top, width, height = 34, 10, 420, 150
    step = width / (len(rows) - 1)

    def y(total: int) -> float:
        return round(top + height - total * height / 27, 1)

    series = []
    for name, field, dash in (("PHQ-9", "phq9_total", ""), ("GAD-7", "gad7_total", "5,3")):
        points = [
            {"x": round(left + n * step, 1), "y": y(v), "value": v}
            for n, row in enumerate(rows)
            if (v := getattr(row, field)) is not None
        ]
        series.append({"name": name, "points": points, "dash": dash,
                       "path": " ".join(f"{p['x']},{p['y']}" for p in points)})  # fmt: skip
    ticks = [{"y": y(v), "value": v} for v in (0, 5, 10, 15, 20, 27)]
    labels = [{"x": round(left + n * step, 1), "text": f"#{n + 1}"} for n in range(len(rows))]
    return {"series": series, "ticks": ticks, "labels": labels, "left": left, "top": top,
            "right": left + width, "bottom": top + height, "width": left + width + 120,
            "height": top + height + 30}  # fmt: skip


def _gate(value: object) -> object:
    """Every value shown passes the plain-text gate: control characters made visible, and
    free text cut at the prose limit with a count."""
    return prose(value) if isinstance(value, str) else value


def _css_string(value: object) -> object:
    """A value inside a CSS string of the <style> element (where HTML escapes do not apply):
    every character but letters, digits, space, '.', '_' and '-' as a CSS hex escape."""
    from markupsafe import Markup

    text = str(value)
    safe = "".join(
        c if c.isascii() and (c.isalnum() or c in " ._-") else f"\\{ord(c):x} " for c in text
    )
    return Markup(safe)


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("triage_cli.formats", "templates"),
        autoescape=True,  # every value is text, never markup
        finalize=_gate,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css_string"] = _css_string
    return environment


def report_html(record: Record) -> str:
    a, program = record.assessment, record.program
    program_rows: list[tuple[tuple[str, str], ...]] = []
    if program is not None:  # short values two to a row, long ones alone
        program_rows = [
            (("Hours/week", program.hours_per_week), ("Days/week", program.days_per_week)),
            (("Hours/day", program.hours_per_day), ("Length", program.typical_length)),
            (("Setting", program.setting),),
            (("Focus", program.focus),),
            (("Includes", "; ".join(program.components)),),
            (("For", program.who_for),),
            (("Step down", program.step_down), ("Step up", program.step_up)),
            (("Telehealth", program.telehealth), ("Like ASAM", program.asam_level)),
        ]
    sections: dict[str, list[Any]] = {}
    for line in record.questions:
        sections.setdefault(line.section, []).append(line)
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=record,
        a=a,
        assessed=local_time(record.meta.assessed) if record.meta.assessed else "not recorded",
        withdrawal=withdrawal_words(a.withdrawal_management),
        override_level=level_words(record.override.level) if record.override else "",
        ratings=rating_lines(record.ratings, a.rating_why),
        composite=composite_words(record.ratings.get("composite")),
        chart=_chart(record),
        scores=score_lines(record.scores),
        program_rows=program_rows,
        appendix=list(sections.items()),
        history_chart=_history_chart(record),
        history=[
            {
                "row": row,
                "assessed": local_time(row.assessed) if row.assessed else row.file,
                "vs_baseline": outcomes_words(row.vs_baseline) if row.vs_baseline else "baseline",
            }
            for row in record.history
        ],
        crisis_title=CRISIS_TITLE,
        crisis_lines=CRISIS_LINES,
        disclaimer=DISCLAIMER,
    )
