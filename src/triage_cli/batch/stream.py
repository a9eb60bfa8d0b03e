"""Batch scoring: CSV answers in (streamed row by row), results and a per-row error report out;
the result row is the batch writer (an Assessment per row: no Record on the hot path)."""

from __future__ import annotations

import csv
import itertools
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, TextIO

from triage_cli.answers import Answers, row_checker
from triage_cli.bank.model import Bank
from triage_cli.batch.io import open_input, open_outputs, progress_rows
from triage_cli.batch.report import EMERGENCY_LISTED, BatchOptions, Report, summary
from triage_cli.errors import InputError
from triage_cli.scoring import MODEL_VERSION, Assessment, assess, imminent_risk

RESULT_COLUMNS = (
    "client_id", "level", "emergency", "withdrawal_management", "composite",
    "rating_r", "rating_f", "rating_c", "rating_e", "rating_p", "rating_h", "rating_g",
    "phq9_total", "phq9_band", "gad7_total", "gad7_band", "auditc_total", "auditc_positive",
    "dast10_total", "dast10_band", "cssrs_risk", "rules", "flags",
)  # fmt: skip
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}
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


def sniff_delimiter(header_line: str) -> str:
    """The likeliest delimiter of a header line: Excel in many locales writes ';'."""
    return max(DELIMITERS, key=header_line.count) if header_line.strip() else ","


def read_rows(
    source: TextIO, bank: Bank, delimiter: str | None, report: Report
) -> Iterator[tuple[int, Sequence[str] | str]]:
    """Check the header now (InputError if unusable), then stream, per data row,
    (physical line, fields in bank order), or (line, problem) for a bad row."""
    first = source.readline()
    if not first.strip():
        raise InputError("the input is empty: expected a header line (see `triage template`)")
    reader = csv.reader(
        itertools.chain([first], source), delimiter=delimiter or sniff_delimiter(first)
    )
    header = [name.strip().lower() for name in next(reader)]
    ids = [q.id for q in bank.questions]
    if not set(ids) & set(header):
        raise InputError(
            "the first line has none of the answer ids: not a triage answers CSV "
            f"(expected a header like {','.join(ids[:4])},...; see `triage template`)"
        )
    twice = sorted({name for name in header if header.count(name) > 1 and name})
    missing = [qid for qid in ids if qid not in header]
    if twice or missing:
        raise InputError(
            "the header cannot be used",
            [f"missing column(s): {', '.join(missing)}"] * bool(missing)
            + [f"column(s) named twice: {', '.join(twice)}"] * bool(twice),
        )
    report.unknown_columns = [name for name in header if name and name not in ids]
    if header[: len(ids)] == ids:  # the template's order: one slice instead of 60 picks
        in_bank_order = itemgetter(slice(0, len(ids)))
    else:
        in_bank_order = itemgetter(*(header.index(qid) for qid in ids))
    return _rows(reader, in_bank_order, len(header))


def _rows(
    reader: Any, in_bank_order: Callable[[list[str]], Sequence[str]], width: int
) -> Iterator[tuple[int, Sequence[str] | str]]:
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a field over the csv module's size limit
            yield last + 1, f"unreadable row: {error}"
            last = reader.line_num
            continue
        line, last = last + 1, reader.line_num
        if not any(fields):
            continue  # blank lines and Excel's trailing ",,,," rows
        if (len(fields) != width and any(fields[width:])) or len(fields) < width:
            yield line, f"expected {width} fields (one per header column), found {len(fields)}"
            continue
        yield line, in_bank_order(fields)


def score_rows(
    rows: Iterable[tuple[int, Sequence[str] | str]],
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
        if isinstance(fields, str):
            report.rejected += 1
            report.problems += 1
            on_error(line, "", "(row)", fields)
            continue
        values, problems = check_row(fields)
        client_id = str(values.get("client_id", ""))
        if problems:
            report.rejected += 1
            report.problems += len(problems)
            for problem in problems:
                on_error(line, client_id, problem.field, problem.text)
            if imminent_risk(values):  # safety does not wait for the other answers to be fixed
                report.rejected_emergency.append(
                    f"{client_id} (line {line})" if client_id else f"line {line}"
                )
                on_error(line, client_id, "(safety)", REJECTED_EMERGENCY)
            continue
        assessment = assess(Answers(values))
        report.scored += 1
        report.levels[assessment.level.code] += 1
        report.withdrawal[assessment.withdrawal_management] += 1
        if assessment.emergency:
            report.emergency += 1
            if len(report.emergency_ids) < EMERGENCY_LISTED:
                report.emergency_ids.append(client_id)
        if seen.add(client_id):
            report.duplicates[client_id] += 1
        on_result(client_id, assessment)


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
    """Score a whole input; write results and errors; return the exit code (0, or 1 if any row
    was rejected). Raises InputError/OutputError (exit 2) before writing anything."""
    delimiter = DELIMITER_NAMES.get(options.delimiter or "", options.delimiter)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"--delimiter must be one character (or 'tab'), not {delimiter!r}")
    source, size = open_input(options, stdin)
    report = Report()
    try:
        with source:
            rows = read_rows(source.text, bank, delimiter, report)  # the header, before output
            with open_outputs(options, stdout, stderr) as (results, errors):
                write = result_writer(results.handle, options.fmt)
                if not options.quiet and stderr.isatty():
                    rows = progress_rows(rows, source, size, stderr)
                score_rows(rows, bank, report, write, errors.write)
    except UnicodeError as error:  # nothing was written: the outputs are atomic
        where = first_undecodable_line(options.source, options.encoding)
        reason = getattr(error, "reason", error)
        raise InputError(
            f"{source.name}: not {options.encoding} text{where}: {reason}. "
            "Save it as UTF-8, or pass --encoding (e.g. --encoding latin-1)"
        ) from None
    stderr.write(
        summary(
            report,
            results.name,
            errors.path if report.rejected else None,
            options.quiet,
            scored_with=f"clinical model {MODEL_VERSION}, question bank '{bank.name}' "
            f"{bank.version}",
        )
    )
    return 1 if report.rejected else 0


def first_undecodable_line(source: str, encoding: str) -> str:
    """' (line N)' for the first line of a file that does not decode; '' for stdin."""
    if source == "-":
        return ""
    with open(source, "rb") as raw:
        for number, line in enumerate(raw, 1):
            try:
                line.decode(encoding)
            except UnicodeError:
                return f" (line {number})"
    return ""
