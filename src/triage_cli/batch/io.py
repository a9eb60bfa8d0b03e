"""Batch plumbing: the input stream, the atomic outputs and the progress bar."""

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
from triage_cli.errors import InputError, OutputError
from triage_cli.record.files import atomic_text


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
    text = io.TextIOWrapper(raw, encoding=options.encoding, newline="")  # type: ignore[arg-type]
    return Source(raw, text, name), size


def _beside(source: str, suffix: str) -> Path:
    path = Path(source)
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    return path.with_name(stem + suffix)


@dataclass
class Target:
    """Where one output goes: a file written atomically, or an open stream."""

    name: str
    handle: TextIO


class ErrorReport:
    """The error report: a CSV file opened on the first error only, or readable lines on a
    stream (stdin input without --errors)."""

    def __init__(
        self, path: str | None, force: bool, stack: contextlib.ExitStack, stream: TextIO
    ) -> None:
        self.path, self.force, self.stack, self.stream = path, force, stack, stream
        self.created = False
        self._writer: Any = None

    def write(self, line: int, client_id: str, field: str, problem: str) -> None:
        if self.path is None:
            who = f" ({client_id})" if client_id else ""
            self.stream.write(f"line {line}{who}: {field}: {problem}\n")
            return
        if self._writer is None:
            handle = self.stack.enter_context(atomic_text(self.path, force=self.force, newline=""))
            self._writer = csv.writer(handle, lineterminator="\n")
            self._writer.writerow(ERROR_COLUMNS)
            self.created = True
        self._writer.writerow((line, client_id, field, problem))


@contextlib.contextmanager
def open_outputs(
    options: BatchOptions, stdout: TextIO, stderr: TextIO
) -> Iterator[tuple[Target, ErrorReport]]:
    """Results and error report; files are checked before any work and land atomically (0600)."""
    from_stdin = options.source == "-"
    ext = "jsonl" if options.fmt == "jsonl" else "csv"
    output = options.output or (
        "-" if from_stdin else str(_beside(options.source, f".results.{ext}"))
    )
    errors = options.errors or (None if from_stdin else str(_beside(options.source, ".errors.csv")))
    if (
        output not in (None, "-")
        and errors not in (None, "-")
        and (
            Path(output).resolve() == Path(errors).resolve()  # type: ignore[arg-type]
        )
    ):
        raise OutputError(f"results and error report would both go to {output}")
    for path in (p for p in (output, errors) if p and p != "-"):
        if not from_stdin and Path(path).resolve() == Path(options.source).resolve():
            raise OutputError(f"{path} is the input file; choose another output")
        if Path(path).exists() and not options.force:
            raise OutputError(f"{path} already exists; use --force to replace it")
    with contextlib.ExitStack() as stack:
        if output == "-":
            results = Target("<stdout>", stdout)
        else:
            results = Target(
                output, stack.enter_context(atomic_text(output, force=options.force, newline=""))
            )
        report = ErrorReport(None if errors == "-" else errors, options.force, stack, stderr)
        yield results, report
        if report.path and not report.created and Path(report.path).exists():
            os.unlink(report.path)  # --force on a clean run: an old report describes another run


def progress_rows(
    rows: Iterable[tuple[int, Sequence[str] | str]],
    source: Source,
    size: int | None,
    stderr: TextIO,
) -> Iterator[tuple[int, Sequence[str] | str]]:
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
                progress.update(task, completed=source.raw.tell(), rows=count, rate=rate)
