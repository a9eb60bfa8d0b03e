"""Batch plumbing: the input stream (undecodable bytes escaped and counted), the outputs
(atomic files, or streams) committed together or not at all, and the progress bar."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from triage_cli.batch.report import ERROR_COLUMNS, BatchOptions
from triage_cli.batch.stops import WriteFailure
from triage_cli.errors import InputError, OutputError
from triage_cli.record.files import PrivateFile, check_target, open_private, where
from triage_cli.streams import Messages, closed_at_start
from triage_cli.text import shown

BAD_BYTES = "triage-cli.bad-bytes"


class Escapes:
    """How many runs of undecodable bytes batch inputs have met: a row needs the slow check
    for them only once the count has moved, so a clean file pays one comparison per row."""

    count = 0


def _escape(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that do not decode as lone surrogates (U+DC00 + byte, as surrogateescape
    does, but for any byte and any codec), and count them."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    Escapes.count += 1
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(BAD_BYTES, _escape)


@dataclass
class Source:
    """The input: its bytes (for progress), its text, and a name for messages."""

    raw: BinaryIO
    text: TextIO
    name: str

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()


def open_input(options: BatchOptions, stdin: TextIO) -> tuple[Source, int | None]:
    try:
        text_encoding = codecs.lookup(options.encoding)._is_text_encoding  # type: ignore[attr-defined]
    except LookupError:
        text_encoding = False
    if not text_encoding:
        raise InputError(f"unknown text encoding {options.encoding!r}") from None
    if options.source == "-":
        if closed_at_start(0):
            raise InputError("standard input is closed: nothing to read (give INPUT.csv)")
        raw = getattr(stdin, "buffer", None) or io.BytesIO(stdin.read().encode())
        name, size = "<stdin>", None
    else:
        path = Path(options.source)
        try:
            raw = path.open("rb")
        except IsADirectoryError:
            raise InputError(f"{path} is a folder, not a CSV file") from None
        except OSError as error:
            raise InputError(f"cannot read {path}: {error.strerror}") from None
        name, size = str(path), os.fstat(raw.fileno()).st_size
    text = io.TextIOWrapper(raw, encoding=options.encoding, errors=BAD_BYTES, newline="")  # type: ignore[arg-type]
    return Source(raw, text, name), size


def _beside(source: str, suffix: str) -> Path:
    path = Path(source)
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    return path.with_name(stem + suffix)


@dataclass
class Target:
    """Where the results go: a file (atomic, or a stream such as a FIFO), or stdout."""

    name: str
    handle: TextIO
    file: PrivateFile | None = None  # None: stdout (-o -)

    @property
    def is_stream(self) -> bool:
        return self.file is None or self.file.is_stream


PROBLEM_LIMIT = 500  # a problem's text: what was expected, and the value given (cut at 40)


class ErrorReport:
    """The error report: a CSV file (kept if rows were rejected, or if it replaces an old
    report with --force, or is a stream), or readable lines on stderr (stdin input without
    --errors)."""

    def __init__(self, path: str | None, file: PrivateFile | None, replaces: bool, lines: TextIO):
        self.path, self.file, self.replaces, self.lines = path, file, replaces, lines
        self.rows = 0
        self._writer: Any = None
        if file is not None:
            self._writer = csv.writer(file.handle, lineterminator="\n")
            self._write(ERROR_COLUMNS)

    def write(self, line: int, client_id: str, field: str, problem: str) -> None:
        self.rows += 1
        # a column name or a value quoted in a problem came from the input: shown, never obeyed
        field, problem = shown(field), shown(problem, PROBLEM_LIMIT)
        if self._writer is None:
            who = f" ({client_id})" if client_id else ""
            self.lines.write(f"line {line}{who}: {field}: {problem}\n")
        else:
            self._write((line, client_id, field, problem))

    def _write(self, fields: Sequence[object]) -> None:
        try:
            self._writer.writerow(fields)
        except OSError as error:
            raise WriteFailure(self.path or "", error) from None

    @property
    def kept(self) -> bool:
        """Whether the report file stays at the end of a complete run."""
        return self.file is not None and (bool(self.rows) or self.replaces or self.file.is_stream)

    @property
    def emptied(self) -> str | None:
        """The name of an old report replaced by a header-only one (a clean run, --force)."""
        return self.path if self.replaces and not self.rows else None


@dataclass
class Outputs:
    """The results and the error report of one run: committed together, or not at all."""

    results: Target
    errors: ErrorReport
    committed: bool = False

    def commit(self) -> None:
        errors = self.errors.file
        try:
            created = self.results.file.commit() if self.results.file else False
        except BaseException:
            if errors is not None:
                errors.discard()
            raise
        try:
            if errors is not None:
                errors.commit() if self.errors.kept else errors.discard()
        except BaseException:
            if created:  # exit 2 leaves no file: take back the results just linked
                self.results.file.undo()  # type: ignore[union-attr]
            raise
        self.committed = True

    def discard(self) -> None:
        for file in (self.results.file, self.errors.file):
            if file is not None:
                file.discard()

    def left(self) -> str:
        """What a run that stopped leaves behind (after discard())."""
        if self.committed:  # stopped in the instant after: every output is complete
            return "every output was written in full"
        sent = [name for name, stream in self._streams() if stream]
        if any(not stream for _, stream in self._streams()):
            kept = f"; output up to there went to {', '.join(sent)}" if sent else ""
            return f"no file was written (temp files removed){kept}"
        return f"output up to there went to {', '.join(sent)}"

    def _streams(self) -> Iterator[tuple[str, bool]]:
        yield self.results.name, self.results.is_stream
        if self.errors.file is not None:
            yield self.errors.file.name, self.errors.file.is_stream


def output_names(options: BatchOptions) -> tuple[str, str | None]:
    """Results and error report paths ('-': stdout or stderr lines; None: stderr lines)."""
    if options.output == "":
        raise OutputError("-o/--output is empty: give a file name, or - for stdout")
    if options.errors == "":
        raise OutputError("--errors is empty: give a file name, or - for stderr")
    from_stdin = options.source == "-"
    ext = "jsonl" if options.fmt == "jsonl" else "csv"
    output = options.output or (
        "-" if from_stdin else str(_beside(options.source, f".results.{ext}"))
    )
    errors = options.errors or (None if from_stdin else str(_beside(options.source, ".errors.csv")))
    return output, (None if errors == "-" else errors)


def _check(options: BatchOptions, output: str, errors: str | None) -> None:
    """Every reason not to start, before anything is created."""
    if output == "-" and closed_at_start(1):
        raise OutputError("standard output is closed: give -o FILE for the results")
    named = [p for p in (output, errors) if p is not None and p != "-"]
    finals = {p: where(p)[0] for p in named}
    shared = len(named) == 2 and finals[output] == finals[errors]  # type: ignore[index]
    if shared and (not finals[output].exists() or finals[output].is_file()):  # not 2 devices
        raise OutputError(f"results and error report would both go to {output}")
    for path in named:
        if options.source != "-" and finals[path] == Path(options.source).resolve():
            raise OutputError(f"{path} is the input file; choose another output")
        check_target(path, force=options.force, streams=True)


@contextlib.contextmanager
def open_outputs(options: BatchOptions, stdout: TextIO, messages: Messages) -> Iterator[Outputs]:
    """Results and error report, checked before any work; files land atomically (0600) when
    the block completes, and nothing is left if it raises (a signal, a cut pipe, exit 2)."""
    output, errors = output_names(options)
    _check(options, output, errors)
    open_file = {"force": options.force, "newline": "", "streams": True, "notify": messages.write}
    results_file = None if output == "-" else open_private(output, **open_file)  # type: ignore[arg-type]
    try:
        replaces = errors is not None and os.path.isfile(errors)
        errors_file = None if errors is None else open_private(errors, **open_file)  # type: ignore[arg-type]
    except BaseException:
        if results_file is not None:
            results_file.discard()
        raise
    results = (
        Target("<stdout>", stdout)
        if results_file is None
        else Target(output, results_file.handle, results_file)
    )
    outputs = Outputs(results, ErrorReport(errors, errors_file, replaces, messages))
    try:
        yield outputs
    except BaseException:
        outputs.discard()
        raise
    outputs.commit()


def progress_rows(
    rows: Iterable[tuple[int, Any]],
    source: Source,
    size: int | None,
    stderr: TextIO,
) -> Iterator[tuple[int, Any]]:
    """Pass rows through while a rich progress bar (on stderr) shows bytes, rows and rows/s."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (
        [TextColumn("scoring"), BarColumn(), TaskProgressColumn()]
        if size
        else [TextColumn("scoring")]
    )
    columns += [
        TextColumn("{task.fields[rows]:,} rows, {task.fields[rate]:,.0f} rows/s"),
        TimeElapsedColumn(),
    ]
    started = time.perf_counter()
    with Progress(*columns, console=Console(file=stderr), transient=True) as progress:
        task = progress.add_task("scoring", total=size, rows=0, rate=0.0)
        for count, row in enumerate(rows, 1):
            yield row
            if count % 500 == 0:
                rate = count / max(time.perf_counter() - started, 1e-9)
                done = source.raw.tell() if size else None  # a pipe cannot tell()
                progress.update(task, completed=done, rows=count, rate=rate)
