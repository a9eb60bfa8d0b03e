"""Batch scoring: CSV answers in (streamed row by row, rows), results and a per-row error report
out; the result row is the batch writer (an Assessment per row: no Record on the hot path)."""

from __future__ import annotations

import csv
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TextIO

from triage_cli.answers import Answers, row_checker
from triage_cli.bank.model import Bank
from triage_cli.batch.io import Outputs, open_input, open_outputs, progress_rows
from triage_cli.batch.report import (
    EMERGENCY_LISTED,
    BatchOptions,
    Report,
    stop_summary,
    summary,
)
from triage_cli.batch.rows import DELIMITER_NAMES, RowFault, Rows, read_rows
from triage_cli.batch.stops import SIGNAL_NAMES, ReadFailure, WriteFailure, ending
from triage_cli.errors import InputError
from triage_cli.scoring import MODEL_VERSION, Assessment, assess, imminent_risk
from triage_cli.signals import Stopped, signals_stop
from triage_cli.streams import Messages, release

RESULT_COLUMNS = (
    "client_id", "level", "emergency", "withdrawal_management", "composite",
    "rating_r", "rating_f", "rating_c", "rating_e", "rating_p", "rating_h", "rating_g",
    "phq9_total", "phq9_band", "gad7_total", "gad7_band", "auditc_total", "auditc_positive",
    "dast10_total", "dast10_band", "cssrs_risk", "rules", "flags",
)  # fmt: skip
REJECTED_EMERGENCY = (
    "the valid answers meet imminent risk (rule S1): arrange a same-day emergency evaluation "
    "now; fix the other answers and score the row again"
)


class Spelling(NamedTuple):
    """How a result row spells yes/no and lists."""

    flag: Callable[[bool], object]
    listed: Callable[[tuple[str, ...]], object]


TYPED = Spelling(bool, list)  # JSONL
CSV_SPELLING = Spelling(("false", "true").__getitem__, ";".join)  # DESIGN.md: true/false, a;b


def result_row(client_id: str, a: Assessment, spell: Spelling = TYPED) -> list[object]:
    """One result in RESULT_COLUMNS order: typed (JSONL writes it as is) or spelled for CSV."""
    scores = a.scores
    return [
        client_id, a.level.code, spell.flag(a.emergency), a.withdrawal_management, a.composite,
        *a.ratings,
        scores.phq9_total, scores.phq9_band, scores.gad7_total, scores.gad7_band,
        scores.auditc_total, spell.flag(scores.auditc_positive),
        scores.dast10_total, scores.dast10_band, scores.cssrs_risk,
        spell.listed(a.rules), spell.listed(a.flag_codes),
    ]  # fmt: skip


class SeenIds:
    """Duplicate detection in constant-ish memory: 64-bit hashes in an open-addressing table
    (16 bytes per distinct id at worst), instead of a set of strings (~100 bytes per id)."""

    def __init__(self) -> None:
        self._table = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0

    def add(self, key: str) -> bool:
        """Record key; True if it was seen before."""
        mark = (hash(key) & 0xFFFF_FFFF_FFFF_FFFF) | 1  # 0 marks an empty slot
        table, mask = self._table, self._mask
        slot = mark & mask
        while (found := table[slot]) != 0:
            if found == mark:
                return True
            slot = (slot + 1) & mask
        table[slot] = mark
        self._count += 1
        if self._count * 2 > mask:
            self._grow()
        return False

    def _grow(self) -> None:
        old = self._table
        self._table = array("Q", bytes(16 * len(old)))
        self._mask = len(self._table) - 1
        for mark in old:
            if mark:
                slot = mark & self._mask
                while self._table[slot]:
                    slot = (slot + 1) & self._mask
                self._table[slot] = mark


def score_rows(
    rows: Iterable[tuple[int, Sequence[str] | RowFault]],
    bank: Bank,
    report: Report,
    on_result: Callable[[str, Assessment], object],
    on_error: Callable[[int, str, str, str], None],
) -> None:
    """Validate and score each row on its own; a bad row goes to on_error, never stops the run."""
    seen = SeenIds()
    check_row = row_checker(bank)
    for line, fields in rows:
        report.rows += 1
        if isinstance(fields, RowFault):
            values: dict[str, Any] = {}
            problems = list(fields.problems)
            if fields.answers is not None:
                values, found = check_row(fields.answers)
                faulty = {field for field, _ in problems}
                problems += [(p.field, p.text) for p in found if p.field not in faulty]
            reject(line, values, problems, report, on_error)
            continue
        values, found = check_row(fields)
        client_id = str(values.get("client_id", ""))
        if found:
            reject(line, values, [(p.field, p.text) for p in found], report, on_error)
            continue
        assessment = assess(Answers(values))
        if assessment.emergency:  # first: a row counted as scored has its emergency counted
            report.emergency += 1
            if len(report.emergency_ids) < EMERGENCY_LISTED:
                report.emergency_ids.append(client_id)
        report.scored += 1
        report.levels[assessment.level.code] += 1
        report.withdrawal[assessment.withdrawal_management] += 1
        if seen.add(client_id):
            report.duplicates[client_id] += 1
        on_result(client_id, assessment)


def reject(
    line: int,
    values: dict[str, Any],
    problems: list[tuple[str, str]],
    report: Report,
    on_error: Callable[[int, str, str, str], None],
) -> None:
    """A rejected row: each problem to the error report, and the safety line if its valid
    answers meet imminent risk (safety does not wait for the other answers to be fixed)."""
    client_id = str(values.get("client_id", ""))
    at_risk = bool(values) and imminent_risk(values)
    if at_risk:  # first: a row counted as rejected has its emergency counted
        report.rejected_emergency.append(
            f"{client_id} (line {line})" if client_id else f"line {line}"
        )
    report.rejected += 1
    report.problems += len(problems)
    for field, text in problems:
        on_error(line, client_id, field, text)
    if at_risk:
        on_error(line, client_id, "(safety)", REJECTED_EMERGENCY)


def result_writer(out: TextIO, fmt: str) -> Callable[[str, Assessment], object]:
    """A function that writes one result to `out` as CSV (header first) or JSON lines."""
    if fmt == "jsonl":
        return lambda client_id, a: out.write(
            json.dumps(dict(zip(RESULT_COLUMNS, result_row(client_id, a), strict=True))) + "\n"
        )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writerow = writer.writerow
    return lambda client_id, a: writerow(result_row(client_id, a, CSV_SPELLING))


def run_batch(
    bank: Bank, options: BatchOptions, stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> int:
    """Score a whole input; write results and errors; return the exit code: 0, 1 if any row
    was rejected, or for a run stopped part-way 128 + the signal (SIGINT 130, SIGHUP 129,
    SIGTERM 143), 141 for a cut output pipe, 2 for a read or write error; every emergency
    scored by then is named on stderr. Raises InputError/OutputError (exit 2) before
    writing anything; a run that ends with exit 2 leaves no file."""
    messages = Messages(stderr)  # a closed or cut stderr never stops the results
    report = Report()
    rows: Rows | None = None
    outputs: Outputs | None = None
    finished = False
    with signals_stop(SIGNAL_NAMES):
        try:
            delimiter = DELIMITER_NAMES.get(options.delimiter or "", options.delimiter)
            if delimiter is not None and len(delimiter) != 1:
                raise InputError(f"--delimiter must be one character (or 'tab'), not {delimiter!r}")
            source, size = open_input(options, stdin)
            with source:
                rows = read_rows(
                    source.text,
                    bank,
                    delimiter,
                    report,
                    options.encoding,
                    source.name,
                    reopen=None if options.source == "-" else _reopen(options),
                )
                with open_outputs(options, stdout, messages) as outputs:
                    write = result_writer(outputs.results.handle, options.fmt)
                    scored: Iterable[tuple[int, Sequence[str] | RowFault]] = rows
                    if not options.quiet and messages.isatty():
                        scored = progress_rows(rows, source, size, messages)  # type: ignore[arg-type]
                    score_rows(scored, bank, report, write, outputs.errors.write)
                    finished = True
                    outputs.results.handle.flush()  # a cut pipe shows here, not at exit
        except BaseException as stop:
            if outputs is None and not isinstance(stop, Stopped | KeyboardInterrupt):
                raise  # nothing started: the usual exit-2 message
            return _stopped(stop, report, rows, outputs, finished, stdout, messages)
    messages.write(
        summary(
            report,
            outputs.results.name,
            outputs.errors.path if report.rejected else None,
            options.quiet,
            scored_with=f"clinical model {MODEL_VERSION}, question bank '{bank.name}' "
            f"{bank.version}",
            emptied=outputs.errors.emptied,
        )
    )
    return 1 if report.rejected else 0


def _stopped(
    stop: BaseException,
    report: Report,
    rows: Rows | None,
    outputs: Outputs | None,
    finished: bool,
    stdout: TextIO,
    messages: Messages,
) -> int:
    """Say what a run that did not reach its end scored and left; its exit code."""
    results = outputs.results.name if outputs else "<stdout>"
    if isinstance(stop, BrokenPipeError) and outputs and outputs.results.file is None:
        release(stdout)  # the reader of stdout is gone: no "Exception ignored" at exit
    code, why = ending(stop, results)
    known = isinstance(stop, Stopped | KeyboardInterrupt | OSError | ReadFailure | WriteFailure)
    line = None if finished or rows is None else rows.line
    left = outputs.left() if outputs else "nothing was written"
    if rows is None or outputs is None:
        messages.write(f"stopped {why} before any row was scored; {left}\n")
    else:
        messages.write(stop_summary(report, why, line, left))
    if not known:
        raise stop  # a TriageError (exit 2 with its message) or a bug: not a silent end
    return code


def _reopen(options: BatchOptions) -> Callable[[], Iterator[str]]:
    """The input file read again from its start, split into lines as the first reading is
    (undecodable bytes replaced: only its quote characters are counted)."""

    def lines() -> Iterator[str]:
        with open(options.source, encoding=options.encoding, errors="replace", newline="") as f:
            yield from f

    return lines
