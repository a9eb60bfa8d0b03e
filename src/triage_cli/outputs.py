"""The files one run writes from a Record: the TOML summary (--export) and the report
(--report: the HTML page or the chart note, by its extension). Each is written on its own:
one that fails never stops the others, and the failures come back named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from triage_cli.errors import OutputError, TriageError
from triage_cli.record.files import write_private
from triage_cli.record.model import Record
from triage_cli.text import shown

REPORT_FORMATS = {".html": "html", ".htm": "html", ".txt": "text"}


def report_format(path: Path | str, given: str | None = None) -> str:
    """html or text: `given`, else from the extension; any other extension is a usage error."""
    if given is not None:
        return given
    suffix = Path(path).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise OutputError(
            f"{shown(path, 300)}: a report is .html (or .htm) for the printable report, or "
            ".txt for the chart note"
        )
    return REPORT_FORMATS[suffix]


def report_text(record: Record, fmt: str) -> str:
    if fmt == "text":
        from triage_cli.formats.chart_note import chart_note

        return chart_note(record)
    from triage_cli.formats.report_html import report_html

    return report_html(record)


def write_report(path: Path | str, record: Record, fmt: str, *, force: bool = False) -> Path:
    """The report, atomically with mode 0600; an existing file only replaced with force."""
    return write_private(path, report_text(record, fmt), force=force)


class Written(NamedTuple):
    what: str  # "summary", "report"
    path: Path
    error: TriageError | None  # None: written


def write_outputs(
    record: Record,
    *,
    export: Path | None = None,
    report: Path | None = None,
    force: bool = False,
) -> list[Written]:
    """Write each output asked for; one that fails leaves the others written."""
    from triage_cli.formats import toml_summary

    jobs: list[tuple[str, Path, Callable[[], object]]] = []
    if export is not None:
        jobs.append(("summary", export, lambda: toml_summary.write(export, record, force=force)))
    if report is not None:
        fmt = report_format(report)
        jobs.append(("report", report, lambda: write_report(report, record, fmt, force=force)))
    done = []
    for what, path, write in jobs:
        try:
            write()
        except TriageError as error:
            done.append(Written(what, path, error))
        else:
            done.append(Written(what, path, None))
    return done
