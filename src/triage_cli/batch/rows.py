"""Reading a batch input: the header checked once, then the data rows streamed in bank order;
a row that cannot be read as it is (wrong width, csv error, undecodable bytes) is a RowFault."""

from __future__ import annotations

import codecs
import csv
import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TextIO

from triage_cli.bank.model import Bank
from triage_cli.batch.io import Escapes
from triage_cli.batch.report import Report
from triage_cli.batch.stops import ReadFailure
from triage_cli.errors import InputError

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}


@dataclass(frozen=True, slots=True)
class RowFault:
    """A row the reader cannot hand over as it is: its problems as (field, text), and its
    answers in bank order when they can still be judged (a bad byte blanked), so that the
    other problems are listed and safety is still checked."""

    problems: tuple[tuple[str, str], ...]
    answers: Sequence[str] | None = None


def sniff_delimiter(header_line: str) -> str:
    """The likeliest delimiter of a header line: Excel in many locales writes ';'."""
    return max(DELIMITERS, key=header_line.count) if header_line.strip() else ","


def read_rows(
    source: TextIO,
    bank: Bank,
    delimiter: str | None,
    report: Report,
    encoding: str = "utf-8",
    source_name: str = "the input",
    reopen: Callable[[], Iterator[str]] | None = None,
) -> Rows:
    """Check the header now (InputError if unusable), then stream, per data row,
    (physical line, fields in bank order), or (line, RowFault) for a bad row. `reopen` opens
    the input again from its start (a file; None for stdin), for a look back on a bad row."""
    clean = Escapes.count  # before the first bytes are decoded: the header's chunk holds rows
    try:
        first = source.readline()
    except OSError as error:
        raise InputError(f"cannot read {source_name}: {error.strerror}") from None
    if not first.strip():
        raise InputError("the input is empty: expected a header line (see `triage template`)")
    delimiter = delimiter or sniff_delimiter(first)
    lines = Lines(itertools.chain([first], source), reopen, delimiter)
    reader = csv.reader(lines.lines, delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    ids = [q.id for q in bank.questions]
    known, given = set(ids), set(header)
    if not known & given:
        raise InputError(
            "the first line has none of the answer ids: not a triage answers CSV "
            f"(expected a header like {','.join(ids[:4])},...; see `triage template`)"
        )
    # linear in the header's width (a header of 100,000 columns is checked at once); only a
    # repeated answer column rejects the file: a repeated unknown one is ignored like any other
    counts = Counter(name for name in header if name in known)
    twice = sorted(name for name, n in counts.items() if n > 1)
    missing = [qid for qid in ids if qid not in given]
    if twice or missing:
        raise InputError(
            "the header cannot be used",
            [f"missing column(s): {', '.join(missing)}"] * bool(missing)
            + [f"column(s) named twice: {', '.join(twice)}"] * bool(twice)
            + [f"the header line is not valid {_label(encoding)}: try --encoding"]
            * any(_undecodable(name) for name in header),
        )
    report.unknown_columns = list(dict.fromkeys(n for n in header if n and n not in known))
    if header[: len(ids)] == ids:  # the template's order: one slice instead of 60 picks
        in_bank_order = itemgetter(slice(0, len(ids)))
    else:
        position = {name: n for n, name in reversed(list(enumerate(header)))}  # first one
        in_bank_order = itemgetter(*(position[qid] for qid in ids))
    return Rows(reader, lines, in_bank_order, header, (encoding, source_name, clean))


# Where a scan of CSV text stands, as the csv module's default dialect reads it.
START, IN_FIELD, IN_QUOTES, AFTER_QUOTE = range(4)


def scan(text: str, state: int, delimiter: str) -> int:
    """The state after `text`: quoting opens only at a field's start, `""` inside quotes is a
    quote, a quote closes quoting; a newline outside quotes ends the record (state START).
    Quoted text is skipped with str.find, so a long quoted field costs little."""
    i, end = 0, len(text)
    while i < end:
        if state == IN_QUOTES:
            j = text.find('"', i)
            if j < 0:
                return IN_QUOTES
            state, i = AFTER_QUOTE, j + 1
            continue
        char = text[i]
        if char == delimiter or char in "\r\n":
            state = START
        elif state in (AFTER_QUOTE, START):
            state = IN_QUOTES if char == '"' else IN_FIELD
        i += 1
    return state


class Lines:
    """The input's physical lines as the csv reader takes them, and a look back at them.

    After a field over the csv module's size limit the reader starts afresh on the next line,
    so a quoted field's remaining lines would be read as rows of their own.
    `skip_rest_of_record` reads the record's lines again as the csv module reads them
    (`scan`) and, when the reader stopped inside quotes, reads on, keeping nothing, to the
    quote that closes the field. The look back costs the rows nothing: a file is opened again
    and read alongside, only once such an error happens; a stream read once (stdin) is kept by
    `tee` until passed (`catch_up`, every few thousand lines). A generator counting each
    line's quotes cost 1% of batch's work.
    """

    EVERY = 4096  # stdin: how many lines the look back may keep

    def __init__(
        self, source: Iterator[str], reopen: Callable[[], Iterator[str]] | None, delimiter: str
    ) -> None:
        if reopen is None:
            self.lines, behind = itertools.tee(source)
            self._reopen: Callable[[], Iterator[str]] = lambda: behind
        else:
            self.lines, self._reopen = source, reopen
        self.delimiter = delimiter
        self._behind: Iterator[str] | None = None
        self._at = 0  # physical lines the look back has passed
        self.skipped = 0  # lines read past the reader's back
        self.keeps = reopen is None  # whether catch_up must let go of lines

    def _pass(self, line: int) -> Iterator[str]:
        """Move the look back to just after physical `line`, giving the lines passed."""
        if self._behind is None:
            self._behind = self._reopen()
        count, self._at = max(0, line - self._at), max(self._at, line)
        return itertools.islice(self._behind, count)

    def catch_up(self, line: int) -> None:
        """Let go of the lines up to physical `line` (the end of a record), for stdin."""
        if self.keeps and line - self._at > self.EVERY:
            deque(self._pass(line), maxlen=0)

    def skip_rest_of_record(self, record_start: int, now: int) -> int:
        """The reader stopped at physical line `now` inside the record that began after line
        `record_start`: read on to the record's end. Returns the record's last line."""
        deque(self._pass(record_start), maxlen=0)
        state = START
        for text in self._pass(now):
            state = scan(text, state, self.delimiter)
        last = now
        while state == IN_QUOTES:  # inside a quoted field: read on to its closing quote
            line = next(self.lines, None)
            if line is None:
                break
            self.skipped += 1  # taken past the reader: not in its line_num
            deque(self._pass(self._at + 1), maxlen=0)  # the look back keeps in step
            state, last = scan(line, state, self.delimiter), last + 1
        return last


class Rows:
    """An input's data rows, streamed; `line` is the last physical line read (where a run
    that stops stopped)."""

    def __init__(
        self,
        reader: Any,
        lines: Lines,
        in_bank_order: Callable[[list[str]], Sequence[str]],
        header: list[str],
        source: tuple[str, str, int],  # encoding, name, Escapes.count before reading
    ) -> None:
        self._reader, self._lines = reader, lines
        self._in_bank_order, self._header = in_bank_order, header
        self._encoding, self._name, self._clean = source

    @property
    def line(self) -> int:
        return int(self._reader.line_num) + self._lines.skipped

    def __iter__(self) -> Iterator[tuple[int, Sequence[str] | RowFault]]:
        reader, in_bank_order, width = self._reader, self._in_bank_order, len(self._header)
        clean, lines = self._clean, self._lines
        last = self.line
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # e.g. a field over the csv module's size limit
                # the whole record is the one rejected row
                ended = lines.skip_rest_of_record(last, reader.line_num + lines.skipped)
                span = f" (lines {last + 1:,}-{ended:,})" if ended > last + 1 else ""
                yield last + 1, RowFault((("(row)", f"unreadable row{span}: {error}"),))
                last = self.line
                continue
            except (OSError, UnicodeError) as error:  # no row to blame: the input stops here
                reason = getattr(error, "strerror", None) or str(error)
                raise ReadFailure(self._name, reason) from None
            line, last = last + 1, reader.line_num + lines.skipped
            if not line & 4095:  # now and then: stdin's look back keeps what it has not passed
                lines.catch_up(last)
            if not any(fields):
                continue  # blank lines and Excel's trailing ",,,," rows
            if (len(fields) != width and any(fields[width:])) or len(fields) < width:
                found = f"expected {width} fields (one per header column), found {len(fields)}"
                yield line, RowFault((("(row)", found),))
                continue
            if Escapes.count != clean and (fault := self._bad_bytes(fields)):  # the slow path
                yield line, fault
                continue
            yield line, in_bank_order(fields)

    def _bad_bytes(self, fields: list[str]) -> RowFault | None:
        """The row's fields holding bytes that did not decode (escaped as lone surrogates),
        each a problem; the answers with those fields blanked, to judge the rest."""
        if not _undecodable("".join(fields)):  # one check for the row, not one per field
            return None
        label = _label(self._encoding)
        problems, cleaned = [], list(fields)
        for index, text in enumerate(fields):
            if _undecodable(text):
                name = self._header[index] if index < len(self._header) else ""
                problems.append(
                    (
                        name or f"column {index + 1}",
                        f"not valid {label}; try --encoding, e.g. cp1252 for an older Excel "
                        f"export{_first_bad_byte(text)}",
                    )
                )
                cleaned[index] = ""
        return RowFault(tuple(problems), self._in_bank_order(cleaned))


def _undecodable(text: str) -> bool:
    """True if `text` holds an escaped undecodable byte (a lone surrogate)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _first_bad_byte(text: str) -> str:
    """' (byte 0xe9)' for the first escaped byte of `text` (no more: it may be a name)."""
    escaped = next((c for c in text if "\udc00" <= c <= "\udcff"), None)
    return "" if escaped is None else f" (byte 0x{ord(escaped) - 0xDC00:02x})"


def _label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "UTF-8" if name.startswith("utf-8") else name
