"""The files one run writes from a Record: the TOML summary (--export), the report
(--report: the HTML page or the chart note, by its extension) and the FHIR Bundle (--fhir).
Each is written on its own: one that fails never stops the others; failures come back named."""

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


def fhir_text(record: Record) -> str:
    """The record as a FHIR R4 Bundle, JSON."""
    import json

    from triage_cli.formats.fhir_bundle import bundle

    return json.dumps(bundle(record), indent=2, ensure_ascii=False) + "\n"


def fhir_name(path: Path | str) -> None:
    """A FHIR Bundle's file is .json; any other name is a usage error."""
    if Path(path).suffix.lower() != ".json":
        raise OutputError(f"{shown(path, 300)}: a FHIR Bundle is written as .json")


def write_fhir(path: Path | str, record: Record, *, force: bool = False) -> Path:
    """The FHIR Bundle, atomically with mode 0600; never over a file without force."""
    fhir_name(path)
    return write_private(path, fhir_text(record), force=force)


class Written(NamedTuple):
    what: str  # "summary", "report"
    path: Path
    error: TriageError | None  # None: written


def write_outputs(
    record: Record,
    *,
    export: Path | None = None,
    report: Path | None = None,
    fhir: Path | None = None,
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
    if fhir is not None:
        jobs.append(("FHIR bundle", fhir, lambda: write_fhir(fhir, record, force=force)))
    done = []
    for what, path, write in jobs:
        try:
            write()
        except TriageError as error:
            done.append(Written(what, path, error))
        else:
            done.append(Written(what, path, None))
    return done
