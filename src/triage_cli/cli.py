"""The `triage` command: options in, calls out, errors to exit codes. No clinical logic here.

Start-up stays light: heavy modules (rich, questionary, the scoring) load inside the commands.
No `from __future__ import annotations` here: typer would then evaluate every annotation
string at start-up (measured: `triage --help` 1.35x -> 1.06x of a bare `import typer`).
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from triage_cli import __version__
from triage_cli.errors import TriageError
from triage_cli.text import prose, shown

if TYPE_CHECKING:
    from triage_cli.bank import Bank
    from triage_cli.outputs import Written
    from triage_cli.record.history import History
    from triage_cli.record.model import Record
    from triage_cli.record.stored import Stored

app = typer.Typer(
    name="triage",
    help="Level-of-care decision support for behavioral-health intake. "
    "Decision support, not a diagnosis: a clinician makes the decision.",
    rich_markup_mode=None,  # plain help: importing rich would double start-up time
    pretty_exceptions_show_locals=False,  # a traceback with locals could print health data
    no_args_is_help=True,
    add_completion=False,
)
questions_app = typer.Typer(help="Validate or show a question bank.", no_args_is_help=True)
app.add_typer(questions_app, name="questions")

BankDir = Annotated[
    Path | None,
    typer.Option("--questions", help="Question bank folder (default: the built-in bank)."),
]


@contextlib.contextmanager
def reporting() -> Iterator[None]:
    """Turn a TriageError into its message on stderr and its exit code: never a traceback."""
    try:
        yield
    except TriageError as error:
        typer.echo(f"error: {prose(error, limit=None)}", err=True)
        raise typer.Exit(error.exit_code) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"triage {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Level-of-care decision support for behavioral-health intake coordinators.

    Decision support, not a diagnosis: a clinician makes the decision.
    """


@questions_app.command("check")
def questions_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Bank folder (default: the built-in bank).")
    ] = None,
) -> None:
    """Validate a question bank; list every problem (exit 2) or print a one-line summary."""
    from triage_cli.bank import load_bank

    with reporting():
        bank = load_bank(directory)
    typer.echo(
        f"ok: {shown(bank.name)} {shown(bank.version)}: {len(bank.questions)} questions in "
        f"{len(bank.sections)} sections, {len(bank.programs)} program cards, "
        f"{len(bank.checklist)} checklist items ({shown(bank.directory, 300)})"
    )


@questions_app.command("list")
def questions_list(
    directory: Annotated[
        Path | None, typer.Argument(help="Bank folder (default: the built-in bank).")
    ] = None,
) -> None:
    """Show a bank's sections and questions with their codes and skip conditions."""
    from triage_cli.bank import load_bank
    from triage_cli.render import bank_listing, console

    with reporting():
        bank = load_bank(directory)
    console().print(bank_listing(bank))


@questions_app.command("fhir")
def questions_fhir(
    directory: Annotated[
        Path | None, typer.Argument(help="Bank folder (default: the built-in bank).")
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Write here (default: stdout, or -).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write the bank as a FHIR R4 Questionnaire (JSON), LOINC-coded where it has codes."""
    import json

    from triage_cli.bank import load_bank
    from triage_cli.formats.fhir_questionnaire import questionnaire
    from triage_cli.record.files import write_private

    with reporting():
        text = json.dumps(questionnaire(load_bank(directory)), indent=2, ensure_ascii=False)
        if output in (None, "-"):
            _print_document(text + "\n", "the questionnaire")
            return
        write_private(output, text + "\n", force=force)
    typer.echo(f"questionnaire written: {shown(output, 300)} (mode 0600)", err=True)


@app.command()
def fhir(
    summary: Annotated[Path, typer.Argument(help="A TOML summary (or an [answers] file).")],
    output: Annotated[
        str | None,
        typer.Option(
            "-o", "--output", help="Write here, or - (default: beside the summary, .fhir.json)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    questions: BankDir = None,
) -> None:
    """Write a summary as a FHIR R4 Bundle: its QuestionnaireResponse, LOINC-coded score
    Observations and the level-of-care recommendation, as it was recorded."""
    from triage_cli.bank import load_bank
    from triage_cli.outputs import fhir_text, write_fhir
    from triage_cli.record.recorded import as_recorded

    with reporting():
        bank = load_bank(questions)
        stored = _read_with_safety(bank, summary)
        with _emergency_kept(_emergency_of(stored)):
            record = as_recorded(bank, stored)
            if record.assessment.emergency:
                from triage_cli.render import console, crisis_banner

                console(stderr=True).print(crisis_banner())
            if output == "-":
                _print_document(fhir_text(record), "the FHIR bundle")
            else:
                target = Path(output) if output else summary.with_suffix(".fhir.json")
                write_fhir(target, record, force=force)
                typer.echo(f"FHIR bundle written: {shown(target, 300)} (mode 0600)", err=True)
    for note in record.notes:
        typer.echo(f"note: {prose(note, None)}", err=True)


@app.command()
def interview(
    questions: BankDir = None,
    export: Annotated[
        Path | None, typer.Option(help="Write the TOML summary here at the end (0600).")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the report at the end: .html (printable) or .txt (chart note)."),
    ] = None,
    fhir: Annotated[
        Path | None, typer.Option(help="Write the FHIR R4 Bundle at the end (.json, 0600).")
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            metavar="DRAFT|last",
            help="Continue an interrupted interview from its draft (last: the newest draft).",
        ),
    ] = None,
    client_id: Annotated[
        str | None, typer.Option(help="The client's opaque record id (not a name).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing export without asking.")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="Line-by-line prompts and plain text, for screen readers and dumb terminals "
            "(the default when TERM=dumb).",
        ),
    ] = False,
) -> None:
    """Interview a caller and recommend a level of care, with reasons, program and checklist.

    Needs a terminal. The draft is saved after every answer; Ctrl-C (exit 130), a hang-up
    (129) or a shutdown (143) keeps it, and --resume continues it.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        typer.echo(
            "error: `triage interview` needs a terminal (stdin and stdout). To score answers "
            "without one, use `triage batch ANSWERS.csv` or `triage score ANSWERS.toml`.",
            err=True,
        )
        raise typer.Exit(2)
    from triage_cli.bank import load_bank
    from triage_cli.interview import wizard

    with reporting():
        _check_output_names(report, fhir)  # a usage error before the first question
        bank = load_bank(questions)
        draft = _resumed(resume) if resume is not None else None
        if plain or os.environ.get("TERM") == "dumb":
            from triage_cli.interview.plain import Plain, plain_console

            shown_on, prompts = plain_console(), Plain
        else:
            from triage_cli.interview.ask import Rich
            from triage_cli.render import console

            shown_on, prompts = console(), Rich
        code = wizard.run(
            bank,
            shown_on,
            prompts=prompts(shown_on),
            client_id=client_id,
            resume=draft,
            export=export,
            report=report,
            fhir=fhir,
            force=force,
        )
    raise typer.Exit(code)


def _print_document(text: str, what: str) -> None:
    """A document on stdout (`-o -`), as `triage template` writes one: a stdout closed at start
    is refused (exit 2: it would go nowhere), a reader that goes away ends it with 141."""
    from triage_cli.batch.stops import CUT_PIPE
    from triage_cli.errors import OutputError
    from triage_cli.streams import closed_at_start, release

    if closed_at_start(1):
        raise OutputError(f"standard output is closed: give -o FILE for {what}")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        release(sys.stdout)  # no "Exception ignored ... BrokenPipeError" at exit
        raise typer.Exit(CUT_PIPE) from None


def _check_output_names(report: Path | None, fhir: Path | None) -> None:
    """--report names .html/.htm or .txt, --fhir names .json: else a usage error (exit 2)."""
    from triage_cli.outputs import fhir_name, report_format

    if report is not None:
        report_format(report)
    if fhir is not None:
        fhir_name(fhir)


def _resumed(resume: str) -> Path:
    """--resume PATH, or `last`: the newest draft in the drafts folder."""
    if resume != "last":
        return Path(resume)
    from triage_cli.errors import InputError
    from triage_cli.record.drafts import drafts_folder, list_drafts

    drafts = list_drafts()
    if not drafts:
        raise InputError(f"--resume last: no drafts in {shown(drafts_folder(), 300)}")
    return drafts[0].path


@app.command()
def drafts(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the list as JSON on stdout.")
    ] = False,
    remove: Annotated[
        list[Path] | None, typer.Option(help="Remove this draft (repeat for several).")
    ] = None,
    remove_older_than: Annotated[
        int | None,
        typer.Option(metavar="DAYS", min=0, help="Remove drafts last saved more than DAYS ago."),
    ] = None,
) -> None:
    """List saved interview drafts, newest first; remove them explicitly.

    Drafts hold health information. They live in $XDG_STATE_HOME/triage-cli/drafts
    (~/.local/state/triage-cli/drafts); a draft older than 30 days is marked stale.
    """
    from triage_cli.record.drafts import drafts_folder, list_drafts, remove_drafts

    with reporting():
        if remove or remove_older_than is not None:
            for line in remove_drafts(remove or [], remove_older_than):
                typer.echo(prose(line, None))
            return
        found = list_drafts()
    if as_json:
        import json

        typer.echo(json.dumps([d.as_json() for d in found], indent=2))
    elif not found:
        typer.echo(f"No drafts in {shown(drafts_folder(), 300)}.")
    for d in [] if as_json else found:
        typer.echo(d.line())


@app.command()
def score(
    file: Annotated[
        Path,
        typer.Argument(
            help="A TOML summary, a file with an [answers] table, or a FHIR "
            "QuestionnaireResponse (or Bundle) in JSON."
        ),
    ],
    export: Annotated[
        Path | None, typer.Option(help="Write a TOML summary of this assessment (0600).")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option(help="An earlier summary: show step up / step down since then.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the report here: .html (printable) or .txt (chart note); 0600."),
    ] = None,
    fhir: Annotated[
        Path | None, typer.Option(help="Write the FHIR R4 Bundle here (.json, 0600).")
    ] = None,
    client_id: Annotated[
        str | None,
        typer.Option(help="For a FHIR response whose subject has no usable client id."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment as JSON on stdout instead.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing export or report file.")
    ] = False,
    assessed: Annotated[
        str | None,
        typer.Option(
            metavar="DATETIME",
            help="When the answers were taken, for a file that does not say (ISO 8601; "
            "local time unless a zone is given).",
        ),
    ] = None,
    questions: BankDir = None,
) -> None:
    """Re-score a TOML summary (or [answers] file) and show the result screen.

    Exit 0 when scored (a changed recommendation is a warning), 1 when the answers are
    invalid (every problem listed), the record is incomplete (what its answers determine is
    shown) or one of several outputs could not be written, 2 when the file cannot be read.
    """
    from dataclasses import replace

    from triage_cli.bank import load_bank
    from triage_cli.formats import toml_summary
    from triage_cli.outputs import write_outputs
    from triage_cli.record.model import assessed_time, build_record
    from triage_cli.record.recorded import notes_on
    from triage_cli.record.stored import (
        bank_warning,
        differences_warning,
        model_warning,
        recommendation_changes,
        stored_differences,
    )
    from triage_cli.scoring.partial import assessment_of

    with reporting():
        bank = load_bank(questions)
        _check_output_names(report, fhir)  # a usage error before anything is read
        stored = _read_with_safety(bank, file, client_id, as_json)
        assessment = assessment_of(stored.answers)
        with _emergency_kept(bool(assessment.emergency)):  # a later failure must not hide it
            when = assessed_time(stored.assessed, assessed)
            earlier = toml_summary.read(bank, previous) if previous else None
            record = build_record(
                bank,
                stored.answers,
                assessment,
                override=stored.override,
                previous=earlier,
                assessed=when,
                started=stored.started,
            )
            record = replace(
                record, notes=tuple(notes_on(bank, stored, record, shows_recorded=False))
            )
            written = write_outputs(record, export=export, report=report, fhir=fhir, force=force)
            if len(written) == 1 and written[0].error:  # the one output asked for
                raise written[0].error
        bank_note, model_note = bank_warning(bank, stored), model_warning(stored)
        notes = [w for w in (bank_note, model_note) if w] + stored.time_warnings
        differences = stored_differences(stored, record.scores, record.ratings)
        changes = recommendation_changes(stored, record.recommendation)
    for note in [*notes, differences_warning(differences)]:
        if note:
            typer.echo(f"warning: {prose(note, limit=None)}", err=True)
    if changes:
        typer.echo(
            "warning: the stored recommendation differs from today's scoring "
            f"({_why_changed(bool(bank_note), bool(model_note))}): "
            + prose("; ".join(changes), limit=None),
            err=True,
        )
    if as_json:
        import json

        from triage_cli.formats.json_view import as_json

        payload = as_json(record)
        payload["stored_recommendation_matches"] = not changes if stored.recommendation else None
        payload["stored_differences"] = [field for field, _, _ in differences]
        typer.echo(json.dumps(payload, indent=2, default=str))
    else:
        from triage_cli.render import comparison_view, console, rescore_note, result_view

        out = console()
        out.print(result_view(record))
        if stored.recommendation:
            out.print(rescore_note(stored.recommendation, changes))
        if record.comparison is not None:
            out.print(comparison_view(record.comparison))
    _said(written, bool(record.assessment.emergency))
    if not record.complete:
        count = len(record.not_answered)
        typer.echo(
            f"incomplete: {count} question{'s' * (count != 1)} not answered (listed above); exit 1",
            err=True,
        )
        raise typer.Exit(1)


def _said(written: "list[Written]", emergency: bool) -> None:
    """Each output written, then each failure (between crisis banners for an emergency);
    exit 1 when one of several failed: the others are written."""
    for output in written:
        if output.error is None:
            typer.echo(f"{output.what} written: {shown(output.path, 300)} (mode 0600)", err=True)
    failed = [output for output in written if output.error is not None]
    if not failed:
        return
    if emergency:
        from triage_cli.render import console, crisis_banner

        console(stderr=True).print(crisis_banner())
    for output in failed:
        typer.echo(f"error: {output.what} not written: {prose(output.error, None)}", err=True)
    if emergency:
        console(stderr=True).print(crisis_banner())
    raise typer.Exit(1)


@contextlib.contextmanager
def _emergency_kept(emergency: bool) -> Iterator[None]:
    """For an emergency, an error after scoring comes between two crisis banners."""
    try:
        yield
    except TriageError as error:
        if not emergency:
            raise
        _between_banners(error)


def _between_banners(error: TriageError) -> NoReturn:
    """The error between two crisis banners (nothing in it can hide them); its exit code."""
    from triage_cli.render import console, crisis_banner

    err = console(stderr=True)
    err.print(crisis_banner())
    typer.echo(f"error: {prose(error, limit=None)}", err=True)
    err.print(crisis_banner())
    raise typer.Exit(error.exit_code) from None


def _why_changed(bank_changed: bool, model_changed: bool) -> str:
    if model_changed:
        return "the clinical model changed" + (" and so did the question bank" * bank_changed)
    return "the question bank changed" if bank_changed else "the rules or the question bank changed"


def _read_with_safety(
    bank: "Bank", file: Path, client_id: str | None = None, as_json: bool = False
) -> "Stored":
    """A TOML summary, or a FHIR QuestionnaireResponse (or a Bundle holding one), told
    apart by content; invalid answers that still meet imminent risk show the crisis banner
    before and after the list of problems: safety does not wait for a clean file."""
    from triage_cli.answers import AnswersError
    from triage_cli.formats import fhir_read, toml_summary
    from triage_cli.scoring import imminent_risk

    try:
        if not fhir_read.looks_like_json(file):
            if client_id is not None:
                typer.echo(
                    "warning: --client-id is for a FHIR response without one; a TOML file "
                    "names its client in [answers]: ignored",
                    err=True,
                )
            return toml_summary.read(bank, file)
        stored, warnings = fhir_read.read(bank, file, client_id)
        for warning in warnings:
            typer.echo(f"warning: {prose(warning, None)}", err=True)
        return stored
    except AnswersError as error:
        if not imminent_risk(error.values):
            raise
        if as_json:  # a script reads stdout: the emergency is said there too
            import json

            problems = [str(p) for p in error.problems]
            typer.echo(json.dumps({"complete": False, "emergency": True, "problems": problems}))
        _between_banners(error)


class ReportFormat(StrEnum):
    html = "html"
    text = "text"


@app.command()
def report(
    summary: Annotated[Path, typer.Argument(help="A TOML summary (or an [answers] file).")],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Write here, or - for stdout (default: beside the summary, .html or .txt).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="html: the printable report; text: the chart note (default: from -o, else html).",
        ),
    ] = None,
    history_of_client: Annotated[
        list[Path] | None,
        typer.Option(
            "--history",
            metavar="FILE|DIR",
            help="The client's other summaries (files or folders): add their history.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    questions: BankDir = None,
) -> None:
    """Write a summary's printable report (HTML) or chart note (text), as it was recorded.

    The report shows the stored recommendation, never a silent re-score: when today's rules
    or question bank would give something else, a note in it says so. Exit 0 when written,
    1 when the answers are invalid, 2 when the file cannot be read or the output exists.
    """
    from triage_cli.bank import load_bank
    from triage_cli.outputs import report_text, write_report
    from triage_cli.record.recorded import as_recorded

    with reporting():
        bank = load_bank(questions)
        chosen = _report_format(output, fmt.value if fmt else None)
        stored = _read_with_safety(bank, summary)
        with _emergency_kept(_emergency_of(stored)):
            record = as_recorded(bank, stored)
            found = None
            if history_of_client:
                record, found = _with_history(bank, record, [summary, *history_of_client])
            if output == "-":
                _print_document(report_text(record, chosen), "the report")
            else:
                target = (
                    Path(output)
                    if output
                    else summary.with_suffix(".html" if chosen == "html" else ".txt")
                )
                if record.assessment.emergency:  # first, before anything else is said
                    from triage_cli.render import console, crisis_banner

                    console(stderr=True).print(crisis_banner())
                write_report(target, record, chosen, force=force)
                typer.echo(f"report written: {shown(target, 300)} (mode 0600)", err=True)
    for note in [*record.notes, *(found.notes if found else ())]:
        typer.echo(f"note: {prose(note, None)}", err=True)
    if found and found.problems:
        for problem in found.problems:
            typer.echo(f"error: history: {prose(problem, None)}", err=True)
        raise typer.Exit(1)


def _report_format(output: str | None, given: str | None) -> str:
    """--format, else the -o file's extension (.html/.htm, .txt), else html; an extension
    that says otherwise is a usage error, never HTML in a .txt file."""
    from triage_cli.errors import OutputError
    from triage_cli.outputs import report_format

    if output in (None, "-"):
        return given or "html"
    by_name = report_format(output)  # an unknown extension: a usage error
    if given is not None and given != by_name:
        raise OutputError(f"--format {given} but {shown(output, 300)} is a {by_name} file name")
    return by_name


def _with_history(bank: "Bank", record: "Record", paths: list[Path]) -> "tuple[Record, History]":
    """The record with its client's history (this summary among them, read once); the
    notes and problems are said by the caller, after the banner."""
    from dataclasses import replace

    from triage_cli.formats.toml_summary import read_all
    from triage_cli.record.history import history_of

    found = history_of(bank, read_all(bank, paths), record.client_id)
    return replace(record, history=found.rows), found


def _emergency_of(stored: "Stored") -> bool:
    from triage_cli.scoring.partial import assessment_of

    return bool(assessment_of(stored.answers).emergency or stored.recommendation.get("emergency"))


@app.command()
def history(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE|DIR...", help="Summaries, or folders of them.")
    ],
    client: Annotated[
        str | None, typer.Option("--client", help="The client, when the files hold several.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    questions: BankDir = None,
) -> None:
    """One client's assessments in order, with step up / down and outcome markers.

    Reads the summaries given and the *.toml files in each folder given (not recursive),
    ordered by when they were assessed. Drafts and other clients' files are skipped with a
    note. Exit 0, 1 when some files could not be read (named, skipped), 2 when the files are
    of several clients and no --client is given, or none is of the client.
    """
    from triage_cli.bank import load_bank
    from triage_cli.formats.toml_summary import read_all
    from triage_cli.record.history import history_of

    with reporting():
        bank = load_bank(questions)
        found = history_of(bank, read_all(bank, paths), client)
    if found.emergencies and as_json:  # the terminal view leads with it; JSON beside it
        from triage_cli.render import console, crisis_banner

        console(stderr=True).print(crisis_banner())
    for note in found.notes:
        typer.echo(f"note: {prose(note, None)}", err=True)
    for problem in found.problems:
        typer.echo(f"error: {prose(problem, None)}", err=True)
    if not found.rows:
        typer.echo("error: no summaries of one client found", err=True)
        raise typer.Exit(2)
    if as_json:
        import json

        typer.echo(json.dumps([row.as_json() for row in found.rows], indent=2))
    else:
        from triage_cli.render import console, history_view

        console().print(history_view(found))
    raise typer.Exit(1 if found.problems else 0)


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def batch(
    source: Annotated[
        str, typer.Argument(metavar="INPUT.csv|-", help="Answers CSV, or - for stdin.")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Results file, or - for stdout (default: INPUT.results.csv, stdout for stdin).",
        ),
    ] = None,
    errors: Annotated[
        str | None,
        typer.Option(
            help="Error report CSV (default: INPUT.errors.csv, created only when rows are "
            "rejected; for stdin, problems are listed on stderr)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Results as csv or jsonl.")] = Format.csv,
    questions: BankDir = None,
    delimiter: Annotated[
        str | None, typer.Option(help="Field delimiter (default: sniffed: , ; or tab).")
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="Input encoding, e.g. latin-1 (default: UTF-8, BOM or not).")
    ] = "utf-8-sig",
    force: Annotated[bool, typer.Option("--force", help="Replace existing output files.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Score a CSV of answers, one row per client (see `triage template`).

    Every row is judged on its own: bad rows go to the error report and the run goes on.
    Exit 0 when every row was scored, 1 when some were rejected, 2 when the input cannot be read.
    """
    from triage_cli.bank import load_bank
    from triage_cli.batch import BatchOptions, run_batch

    options = BatchOptions(
        source, output, errors, fmt.value, delimiter, encoding, force=force, quiet=quiet
    )
    with reporting():
        bank = load_bank(questions)
        code = run_batch(bank, options, sys.stdin, sys.stdout, sys.stderr)
    raise typer.Exit(code)


@app.command()
def template(
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Write to this file, or - (default: stdout)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
    questions: BankDir = None,
) -> None:
    """Print the batch CSV header (every answer id, in bank order) and one example row."""
    from triage_cli.bank import load_bank
    from triage_cli.batch.template import template_to

    with reporting():
        bank = load_bank(questions)
        code = template_to(bank, output, force, sys.stdout)
    raise typer.Exit(code)


def main() -> None:
    from triage_cli.streams import reopen_closed

    reopen_closed()  # before anything opens a file: a closed fd 0, 1 or 2 must not be reused
    app()
