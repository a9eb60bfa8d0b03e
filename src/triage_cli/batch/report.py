"""What a batch run is asked to do (BatchOptions), what it saw (Report), and the end-of-run
summary that tells it, emergencies first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from triage_cli.text import shown

ERROR_COLUMNS = ("line", "client_id", "field", "problem")
EMERGENCY_LISTED = 20  # client ids named in the summary; the rest are counted
UNKNOWN_LISTED = 10  # unknown column names named in the warning; the rest are counted


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


def emergency_lines(report: Report) -> list[str]:
    """The EMERGENCY lines: scored rows at imminent risk, then rejected rows that meet it."""
    lines = []
    if report.emergency:
        more = report.emergency - len(report.emergency_ids)
        named = ", ".join(report.emergency_ids) + (f" and {more} more" if more > 0 else "")
        lines.append(
            f"EMERGENCY: {report.emergency} client(s) need same-day emergency evaluation "
            f"(988 Suicide & Crisis Lifeline; 911 for immediate danger): {named}"
        )
    if report.rejected_emergency:
        rows = report.rejected_emergency[:EMERGENCY_LISTED]
        more = len(report.rejected_emergency) - len(rows)
        lines.append(
            f"EMERGENCY: {len(report.rejected_emergency)} rejected row(s) meet imminent risk in "
            "their valid answers: same-day emergency evaluation, then fix and re-score: "
            + ", ".join(rows)
            + (f" and {more} more" if more > 0 else "")
        )
    return lines


def counted(report: Report) -> str:
    """'5,000 rows read: 4,990 scored, 10 rejected'."""
    return f"{report.rows:,} rows read: {report.scored:,} scored, {report.rejected:,} rejected"


def summary(
    report: Report,
    results: str,
    errors: str | None,
    quiet: bool = False,
    scored_with: str = "",
    emptied: str | None = None,
) -> str:
    """The end-of-run summary: emergencies first (even with --quiet), then counts, warnings
    and where things went (`emptied`: an old error report now holding only its header)."""
    lines = emergency_lines(report)
    if quiet:
        return "".join(line + "\n" for line in lines)
    lines.append(counted(report))
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
        repeated = ", ".join(
            f"{cid} ({n + 1} rows)" for cid, n in report.duplicates.most_common(10)
        )
        extra = len(report.duplicates) - 10
        lines.append(
            f"warning: {len(report.duplicates)} client id(s) appear more than once, all scored: "
            + repeated
            + (f" and {extra} more" if extra > 0 else "")
        )
    if report.unknown_columns:
        names = report.unknown_columns
        more = f" and {len(names) - UNKNOWN_LISTED:,} more" if len(names) > UNKNOWN_LISTED else ""
        listed = ", ".join(shown(name) for name in names[:UNKNOWN_LISTED])
        lines.append(f"warning: ignored unknown column(s): {listed}{more}")
    if report.rejected:
        lines.append(
            f"errors: {report.problems:,} problem(s) in {report.rejected:,} row(s): "
            f"{shown(errors, 300) if errors else 'listed above'}"
        )
    elif emptied:
        lines.append(f"errors: none ({shown(emptied, 300)} now holds only the header line)")
    lines.append(f"results: {shown(results, 300)}")
    if scored_with:
        lines.append(f"scored with: {shown(scored_with, 300)}")
    if report.unknown_columns and (emergency := emergency_lines(report)):
        lines += emergency  # again, last: after the column names the input gave
    return "\n".join(lines) + "\n"


def stop_summary(report: Report, why: str, line: int | None, left: str) -> str:
    """What a run that did not reach its end says, --quiet or not: the emergencies scored by
    then, where it stopped (`line`: the last input line read; None once every row was read),
    that later rows were not scored, and what is left (`left`)."""
    lines = emergency_lines(report)
    if line is None:
        lines.append(f"stopped after the last row {why} ({counted(report)}); {left}")
    else:
        lines.append(
            f"stopped at input line {line:,} {why}: later rows were not scored "
            f"({counted(report)}); {left}"
        )
    return "".join(text + "\n" for text in lines)
