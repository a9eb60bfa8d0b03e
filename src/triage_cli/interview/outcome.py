"""The end of an interview: a clinician's override, and the export of the summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from triage_cli.errors import OutputError, TriageError
from triage_cli.formats import toml_summary
from triage_cli.interview.prompts import Prompts
from triage_cli.interview.state import Interview, say
from triage_cli.record.model import Record
from triage_cli.record.override import NOTE_REQUIRED, OVERRIDE_REASONS, Override
from triage_cli.scoring import Assessment, Level


def ask_override(ask: Prompts, result: Assessment) -> Override | None:
    """A clinician may record a different level, with a reason; the recommendation stays."""
    if not ask.confirm("Record a clinician override of the level?", default=False):
        return None
    levels = [(f"{level.title} [{level.code}]", level) for level in Level if level != result.level]
    level = ask.choose("Override level", [*levels, ("(cancel: no override)", None)])
    if level is None:
        return None
    if result.emergency and level < result.level:
        warning = (
            f"The recommendation is an EMERGENCY disposition ({result.level.code}). "
            f"Record the lower level {level.code} anyway?"
        )
        if not ask.confirm(warning, default=False):
            return None
    reason = ask.choose("Reason", [(text, code) for code, text in OVERRIDE_REASONS.items()])
    if reason in NOTE_REQUIRED:
        note = ask.text("Note (required for this reason)", validate=_needed).strip()
    else:
        note = ask.text("Short note (optional)").strip()
    by = ask.text("Recorded by (staff initials or id, optional)").strip()
    return Override(level.code, reason, note, by)


def _needed(raw: str) -> bool | str:
    return bool(raw.strip()) or "A note is needed: say why"


def export_summary(interview: Interview, record: Record, force: bool) -> Path | None:
    """Write the TOML summary to --export, or where the coordinator says when offered.
    Returns the path written, or None (then the caller keeps a draft)."""
    console, path, ask = interview.console, apart(interview.export, record), interview.prompts
    what = "this intake" if record.complete else "this incomplete intake (the emergency so far)"
    if path is None and not ask.confirm(f"Export a TOML summary of {what}?", default=False):
        return None
    # an incomplete record is named apart, so that the finished intake never lands on it
    default = f"{record.client_id or 'intake'}{'' if record.complete else '.incomplete'}.toml"
    while True:
        if path is None:
            path = Path(ask.text("File", default, _writable_name).strip())
        replace = force
        if path.exists() and not force:
            replace = ask.confirm(f"{path} exists. Replace it?", default=False)
        if not path.exists() or replace:
            try:
                toml_summary.write(path, record, force=replace)
            except OutputError as error:
                interview.export_failed = True
                say(console, f"Not exported: {error}", "red")
            else:
                say(console, f"Summary written: {path} (mode 0600)")
                return path
        if not ask.confirm("Export to another file?", default=True):
            console.print("Not exported.")
            return None
        path, force = None, False


def write_report_file(interview: Interview, record: Record, force: bool) -> bool:
    """Write --report (the printable report or the chart note) of this record; False when it
    was asked for and not written (the caller keeps the draft)."""
    from triage_cli.outputs import report_format, write_report  # only with --report

    path = apart(interview.report, record)
    return path is None or _written(
        interview,
        "Report",
        path,
        lambda p, f: write_report(p, record, report_format(p), force=f),
        force,
    )


def write_fhir_file(interview: Interview, record: Record, force: bool) -> bool:
    """Write --fhir (the FHIR R4 Bundle) of this record; False when asked for and not written."""
    from triage_cli.outputs import write_fhir  # only with --fhir

    path = apart(interview.fhir, record)
    return path is None or _written(
        interview, "FHIR bundle", path, lambda p, f: write_fhir(p, record, force=f), force
    )


def _written(
    interview: Interview,
    what: str,
    path: Path,
    write: Callable[[Path, bool], object],
    force: bool,
) -> bool:
    """One output of the interview: an existing file replaced only when confirmed or forced."""
    if path.exists() and not force:
        if not interview.prompts.confirm(f"{path} exists. Replace it?", default=False):
            say(interview.console, f"{what} not written: {path} exists.", "red")
            return False
        force = True
    try:
        write(path, force)
    except TriageError as error:
        say(interview.console, f"{what} not written: {error}", "red")
        return False
    say(interview.console, f"{what} written: {path} (mode 0600)")
    return True


def apart(path: Path | None, record: Record) -> Path | None:
    """Where an output goes: an incomplete record's beside the one --export or --report
    names (NAME.incomplete.toml), so that the finished intake is never written over it."""
    if path is None or record.complete or path.stem.endswith(".incomplete"):
        return path
    return path.with_name(f"{path.stem}.incomplete{path.suffix}")


def _writable_name(raw: str) -> bool | str:
    name = raw.strip()
    if not name:
        return "A file name is needed"
    if Path(name).is_dir():
        return f"{name} is a folder; give a file name"
    if not Path(name).parent.is_dir():
        return f"no folder {Path(name).parent}"
    return True
