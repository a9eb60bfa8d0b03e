"""What a batch run is asked to do (BatchOptions), what it saw (Report), and the end-of-run
summary that tells it, emergencies first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ERROR_COLUMNS = ("line", "client_id", "field", "problem")
EMERGENCY_LISTED = 20  # client ids named in the summary; the rest are counted


@dataclass(frozen=True)
class BatchOptions:
    source: str  # a path, or "-" for stdin
    output: str | None = None  # None: beside the input (stdout when the input is stdin)
    errors: str | None = None  # None: beside the input (stderr when the input is stdin)
    fmt: str = "csv"
    delimiter: str | None = None  # None: sniffed from the header
    encoding: str = "utf-8-sig"
    force: bool = False
    quiet: bool = False


@dataclass
class Report:
    """What a run saw, for the summary; counts only, plus the few ids the summary names."""

    rows: int = 0
    scored: int = 0
    rejected: int = 0
    problems: int = 0
    emergency: int = 0
    emergency_ids: list[str] = field(default_factory=list)
    rejected_emergency: list[str] = field(default_factory=list)  # rejected rows that meet S1
    levels: Counter[str] = field(default_factory=Counter)
    withdrawal: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    unknown_columns: list[str] = field(default_factory=list)


def summary(
    report: Report,
    results: str,
    errors: str | None,
    quiet: bool = False,
    scored_with: str = "",
) -> str:
    """The end-of-run summary: emergencies first (even with --quiet), then counts, warnings
    and where things went."""
    lines = []
    if report.emergency:
        more = report.emergency - len(report.emergency_ids)
        named = ", ".join(report.emergency_ids) + (f" and {more} more" if more > 0 else "")
        lines.append(
            f"EMERGENCY: {report.emergency} client(s) need same-day emergency evaluation "
            f"(988 Suicide & Crisis Lifeline; 911 for immediate danger): {named}"
        )
    if report.rejected_emergency:
        shown = report.rejected_emergency[:EMERGENCY_LISTED]
        more = len(report.rejected_emergency) - len(shown)
        lines.append(
            f"EMERGENCY: {len(report.rejected_emergency)} rejected row(s) meet imminent risk in "
            "their valid answers: same-day emergency evaluation, then fix and re-score: "
            + ", ".join(shown)
            + (f" and {more} more" if more > 0 else "")
        )
    if quiet:
        return "".join(line + "\n" for line in lines)
    lines.append(
        f"{report.rows:,} rows read: {report.scored:,} scored, {report.rejected:,} rejected"
    )
    if report.scored:
        levels = ("op", "iop", "php", "residential", "inpatient")
        lines.append("levels: " + ", ".join(f"{lv} {report.levels[lv]:,}" for lv in levels))
        kinds = ("ambulatory", "medically_monitored", "medically_managed")
        lines.append(
            "withdrawal management: "
            + ", ".join(f"{k} {report.withdrawal[k]:,}" for k in kinds)
            + f" (none {report.withdrawal['none']:,})"
        )
    if report.duplicates:
        shown = ", ".join(f"{cid} ({n + 1} rows)" for cid, n in report.duplicates.most_common(10))
        extra = len(report.duplicates) - 10
        lines.append(
            f"warning: {len(report.duplicates)} client id(s) appear more than once, all scored: "
            + shown
            + (f" and {extra} more" if extra > 0 else "")
        )
    if report.unknown_columns:
        lines.append(f"warning: ignored unknown column(s): {', '.join(report.unknown_columns)}")
    if report.rejected:
        lines.append(
            f"errors: {report.problems:,} problem(s) in {report.rejected:,} row(s): "
            f"{errors or 'listed above'}"
        )
    lines.append(f"results: {results}")
    if scored_with:
        lines.append(f"scored with: {scored_with}")
    return "\n".join(lines) + "\n"
