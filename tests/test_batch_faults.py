"""`triage batch` under faults (issue 14), mostly in real processes: signals mid-run, `kill -9`
and the next run's clean-up, a cut stdout pipe, undecodable bytes, closed standard streams,
outputs that are not regular files, and a run that exits 2 leaving no file."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner, Result

from triage_cli.bank import Value, load_bank
from triage_cli.batch import BatchOptions, run_batch
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.record.files import HOST, TEMP

from strategies import as_text, refill

runner = CliRunner()
BANK = load_bank()
IDS = [q.id for q in BANK.questions]
TRIAGE = shlex.join([sys.executable, "-m", "triage_cli"])
ROWS = 100_000  # enough that a run is still going when the test signals it
ERROR_COLUMNS = ["line", "client_id", "field", "problem"]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def answers(**changes: Value) -> dict[str, Value]:
    return refill(BANK, example_answers(BANK) | changes)


S1 = {"cssrs_1": True, "cssrs_2": True, "cssrs_4": True}  # C-SSRS high: rule S1, emergency


def row(client_id: str, given: dict[str, Value] | None = None, /, **raw: str) -> list[str]:
    text = as_text((given or answers()) | {"client_id": client_id}) | raw
    return [text.get(qid, "") for qid in IDS]


def record(fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def write_rows(path: Path, *rows: Sequence[str]) -> Path:
    path.write_text("".join(map(record, (IDS, *rows))), encoding="utf-8")
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def read_errors(path: Path) -> list[tuple[int, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ERROR_COLUMNS
    return [(int(line), cid, field, problem) for line, cid, field, problem in rows[1:]]


def result_ids(text: str) -> list[str]:
    return [r["client_id"] for r in csv.DictReader(io.StringIO(text))]


def batch(*args: object, stdin: str | bytes | None = None) -> Result:
    return runner.invoke(app, ["batch", *map(str, args)], input=stdin)


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`command` in a POSIX shell, with $T the triage command of this Python."""
    return subprocess.run(
        ["sh", "-c", command],
        cwd=cwd,
        env={**os.environ, "T": TRIAGE},
        capture_output=True,
        text=True,
        check=False,
    )


def start(*args: object, cwd: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "triage_cli", "batch", *map(str, args)],
        cwd=cwd,
        stdout=popen.pop("stdout", subprocess.DEVNULL),
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def wait_for_results_temp(
    folder: Path, process: subprocess.Popen[str], results: str = "r.csv"
) -> Path:
    """Wait (polling, no deadline) until the run's results temp file holds some rows."""
    while True:
        for path in temps(folder):
            found = TEMP.fullmatch(path.name)
            try:
                if found and found["name"] == results and path.stat().st_size > 0:
                    return path
            except FileNotFoundError:
                pass
        if process.poll() is not None:
            process.communicate()
            pytest.fail(f"the run ended before the test could stop it: {process.returncode}")
        time.sleep(0.01)


def assert_clean_stderr(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Exception ignored" not in stderr, stderr


def assert_emergencies_named(stderr: str) -> None:
    """The two emergencies of the big file, in the summary's EMERGENCY format."""
    lines = stderr.splitlines()
    assert lines[0].startswith("EMERGENCY: 1 client(s) need same-day emergency evaluation")
    assert lines[0].endswith(": EM-1")
    assert lines[1].startswith("EMERGENCY: 1 rejected row(s) meet imminent risk")
    assert lines[1].endswith(": S-8 (line 3)")


def stopped_line(stderr: str) -> str:
    [line] = [line for line in stderr.splitlines() if line.startswith("stopped")]
    return line


def stopped_at(stderr: str) -> int:
    line = stopped_line(stderr)
    assert "later rows were not scored" in line
    found = re.search(r"at input line ([\d,]+)", line)
    assert found, line
    return int(found[1].replace(",", ""))


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Line 2: an emergency (EM-1); line 3: a rejected row that meets S1 (S-8); then ROWS
    valid rows."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    assert IDS[0] == "client_id"
    rest = record(row("A"))[1:]  # the example row after its client id
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(record(IDS) + record(row("EM-1", answers(**S1))))
        out.write(record(row("S-8", answers(**S1), payer="bcbs")))
        out.writelines(f"A-{n}{rest}" for n in range(ROWS))
    return path


# ---------------------------------------------------------------------------------------------
# 1. No half files: signals, kill -9 and the next run, exit 2
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGTERM, 143, "SIGTERM"),
        (signal.SIGHUP, 129, "SIGHUP"),
        (signal.SIGINT, 130, "SIGINT"),
    ],
    ids=["TERM", "HUP", "INT"],
)
def test_a_signal_mid_run_removes_the_temp_files_and_names_the_emergencies(
    big: Path, tmp_path: Path, signum: int, code: int, said: str
) -> None:
    process = start(big, "-o", "r.csv", "--errors", "e.csv", cwd=tmp_path)
    temp = wait_for_results_temp(tmp_path, process)
    assert TEMP.fullmatch(temp.name)["pid"] == str(process.pid)  # type: ignore[index]
    process.send_signal(signum)
    _, stderr = process.communicate()
    assert process.returncode == code, stderr
    assert names(tmp_path) == []
    assert_clean_stderr(stderr)
    assert_emergencies_named(stderr)
    assert said in stopped_line(stderr) and "no file was written" in stopped_line(stderr)
    assert 3 < stopped_at(stderr) < ROWS + 3


@pytest.mark.parametrize("how", ["hang-up", "ctrl-c"])
def test_in_a_terminal_a_hang_up_or_ctrl_c_during_the_progress_bar_leaves_nothing(
    big: Path, tmp_path: Path, how: str
) -> None:
    """A real pseudo-terminal: the progress bar is drawn on it, then the terminal goes away
    (its master side closed: the kernel sends SIGHUP) or Ctrl-C is typed."""
    args = ["-m", "triage_cli", "batch", str(big), "-o", "r.csv", "--errors", "e.csv"]
    child = pexpect.spawn(
        sys.executable, args, cwd=str(tmp_path), encoding="utf-8", dimensions=(24, 100)
    )
    child.expect(r"[1-9][\d,]* rows, [\d,]+ rows/s", timeout=60)  # rows scored, EM-1 first
    if how == "ctrl-c":
        child.sendintr()
        child.expect(pexpect.EOF, timeout=60)
        assert "stopped at input line" in child.before and "EM-1" in child.before
        assert "Traceback" not in child.before
    child.close()
    assert child.exitstatus == (129 if how == "hang-up" else 130)
    assert names(tmp_path) == []


def test_a_signal_while_waiting_for_stdin_exits_143_leaving_nothing(tmp_path: Path) -> None:
    process = start("-", "-o", "r.csv", cwd=tmp_path, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(record(IDS) + record(row("A-1")))
    process.stdin.flush()  # and left open: the run waits for more
    while not temps(tmp_path):
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate()
    assert process.returncode == 143, stderr
    assert names(tmp_path) == []
    assert_clean_stderr(stderr)
    assert "SIGTERM" in stopped_line(stderr)


def test_a_hang_up_ignored_by_the_parent_stays_ignored(big: Path, tmp_path: Path) -> None:
    """nohup (or `trap '' HUP`): the user asked the run to survive the hang-up."""
    command = f"trap '' HUP; exec {TRIAGE} batch {shlex.quote(str(big))} -o r.csv --errors e.csv -q"
    process = subprocess.Popen(
        ["sh", "-c", command], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    wait_for_results_temp(tmp_path, process)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate()
    assert process.returncode == 1, stderr  # the rejected row, as with no hang-up at all
    assert names(tmp_path) == ["e.csv", "r.csv"]
    with (tmp_path / "r.csv").open(encoding="utf-8") as results:
        assert sum(1 for _ in results) == 1 + 1 + ROWS  # header, EM-1, every valid row


def test_kill_9_leaves_temp_files_that_the_next_run_removes_saying_so(
    big: Path, tmp_path: Path
) -> None:
    process = start(big, "-o", "r.csv", "--errors", "e.csv", cwd=tmp_path)
    wait_for_results_temp(tmp_path, process)
    process.kill()
    process.communicate()
    left = [p.name for p in temps(tmp_path)]
    assert len(left) == 2 and names(tmp_path) == left
    for name in left:
        found = TEMP.fullmatch(name)
        assert found and (found["host"], found["pid"]) == (HOST, str(process.pid))
    assert {TEMP.fullmatch(n)["name"] for n in left} == {"r.csv", "e.csv"}  # type: ignore[index]
    write_rows(tmp_path / "small.csv", row("A-1"))
    later = sh("$T batch small.csv -o r.csv", tmp_path)
    assert later.returncode == 0, later.stderr
    [note] = [line for line in later.stderr.splitlines() if "temp file" in line]
    assert note.startswith("note: removed 2 temp file(s)") and all(n in note for n in left)
    assert names(tmp_path) == ["r.csv", "small.csv"]


def test_only_stale_temp_files_of_this_host_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    kept = [
        f".answers.results.csv.{HOST}.{os.getppid()}.0123abcd.tmp",  # a live process
        f".answers.results.csv.otherhost.{dead.pid}.0123abcd.tmp",  # another machine's
        ".answers.results.csv.x7d2k9qp.tmp",  # not of our naming
        f"answers.results.csv.{HOST}.{dead.pid}.0123abcd.tmp",  # not hidden: not ours
    ]
    stale = f".answers.errors.csv.{HOST}.{dead.pid}.0123abcd.tmp"
    for name in [*kept, stale]:
        (tmp_path / name).write_text("left over\n", encoding="utf-8")
    source = write_rows(tmp_path / "answers.csv", row("A-1"))
    result = batch(source)
    assert result.exit_code == 0, result.output
    assert names(tmp_path) == sorted([*kept, "answers.csv", "answers.results.csv"])
    [note] = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert "removed 1 temp file(s)" in note and stale in note


@pytest.mark.parametrize("appears", ["r.csv", "e.csv"])
def test_an_output_that_appears_mid_run_ends_with_exit_2_and_no_file_of_ours(
    big: Path, tmp_path: Path, appears: str
) -> None:
    """Another writer takes a name while the run goes on: exit 2, and neither output is left
    (the results, if already linked, are taken back)."""
    process = start(big, "-o", "r.csv", "--errors", "e.csv", "-q", cwd=tmp_path)
    wait_for_results_temp(tmp_path, process)
    (tmp_path / appears).write_text("another writer\n", encoding="utf-8")
    _, stderr = process.communicate()
    assert process.returncode == 2, stderr
    assert names(tmp_path) == [appears]
    assert (tmp_path / appears).read_text(encoding="utf-8") == "another writer\n"
    assert_clean_stderr(stderr)
    assert_emergencies_named(stderr)
    assert "after the last row" in stopped_line(stderr)
    assert stderr.splitlines()[-1] == f"error: {appears} already exists; use --force to replace it"


def test_exit_2_before_the_run_leaves_no_error_report(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "answers.csv", row("A-1", age="7"))
    (tmp_path / "r.csv").write_text("earlier\n", encoding="utf-8")
    result = batch(source, "-o", tmp_path / "r.csv", "--errors", tmp_path / "e.csv")
    assert result.exit_code == 2, result.output
    assert names(tmp_path) == ["answers.csv", "r.csv"]


def test_an_error_report_that_cannot_be_created_leaves_no_results(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "answers.csv", row("A-1"))
    result = batch(source, "--errors", tmp_path / "no-such-folder" / "e.csv")
    assert result.exit_code == 2, result.output
    assert "cannot write in" in result.stderr and "no-such-folder" in result.stderr
    assert names(tmp_path) == ["answers.csv"]  # the results' temp file is gone too


def test_signal_handlers_are_restored_after_a_run(tmp_path: Path) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    source = write_rows(tmp_path / "answers.csv", row("A-1"))
    assert batch(source).exit_code == 0
    assert {s: signal.getsignal(s) for s in before} == before


# ---------------------------------------------------------------------------------------------
# 2. Emergencies however a run ends: a cut pipe, a read error, a write error
# ---------------------------------------------------------------------------------------------


def test_a_cut_stdout_pipe_exits_141_and_names_the_emergencies(big: Path, tmp_path: Path) -> None:
    command = (
        f"{{ $T batch {shlex.quote(str(big))} -o - --errors e.csv 2>err.txt; echo $? >rc.txt; }}"
        " | head -2"
    )
    shown = sh(command, tmp_path)
    assert result_ids(shown.stdout) == ["EM-1"]  # the header and the first result
    assert (tmp_path / "rc.txt").read_text(encoding="utf-8") == "141\n"
    stderr = (tmp_path / "err.txt").read_text(encoding="utf-8")
    assert_clean_stderr(stderr)
    assert_emergencies_named(stderr)
    assert "the reader of <stdout> closed it" in stopped_line(stderr)
    assert 3 < stopped_at(stderr) < ROWS + 3
    assert names(tmp_path) == ["err.txt", "rc.txt"]  # no error report, no temp file


def closed_pipe() -> int:
    """The write end of a pipe whose reader is already gone: every write fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


@pytest.mark.parametrize(
    "command",
    [["batch", "IN", "-o", "-"], ["template"], ["questions", "fhir"]],
    ids=["batch", "template", "questions-fhir"],  # report/fhir -o - share questions fhir's
)
def test_stdout_without_a_reader_is_exit_141_without_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    source = write_rows(tmp_path / "answers.csv", row("EM-1", answers(**S1)), row("A-2"))
    args = [str(source) if arg == "IN" else arg for arg in command]
    write_end = closed_pipe()
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    try:
        done = subprocess.run(  # buffered: the one write, and its EPIPE, come after the rows
            [sys.executable, "-m", "triage_cli", *args],
            env=buffered,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert_clean_stderr(done.stderr)
    if command[0] == "batch":
        assert done.stderr.splitlines()[0].endswith(": EM-1")
        assert "the reader of <stdout> closed it" in stopped_line(done.stderr)
    assert names(tmp_path) == ["answers.csv"]


class FailingRead(io.RawIOBase):
    """Bytes that read until `good` of them are gone, then an I/O error (a failing disk)."""

    def __init__(self, data: bytes, good: int) -> None:
        self.data, self.good, self.at = data, good, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.at >= self.good:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        chunk = self.data[self.at : min(self.good, self.at + len(buffer))]
        buffer[: len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def test_a_read_error_mid_run_names_the_emergencies_exits_2_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    rows = [row("EM-1", answers(**S1)), row("B-2", age="7")] + [row(f"A-{n}") for n in range(2000)]
    data = "".join(map(record, (IDS, *rows))).encode()
    stdin = io.TextIOWrapper(io.BufferedReader(FailingRead(data, len(data) // 2)))
    stderr = io.StringIO()
    options = BatchOptions("-", str(tmp_path / "r.csv"), str(tmp_path / "e.csv"))
    code = run_batch(BANK, options, stdin, io.StringIO(), stderr)
    assert code == 2
    assert names(tmp_path) == []
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("EMERGENCY: 1 client(s)") and lines[0].endswith(": EM-1")
    assert "cannot read <stdin> any further: Input/output error" in stopped_line(lines[-1])
    assert 3 < stopped_at(lines[-1]) < len(rows) + 1


def test_a_full_disk_mid_run_names_the_emergencies_and_exits_2(tmp_path: Path) -> None:
    rows = [row("EM-1", answers(**S1)), row("B-2", age="7")] + [row(f"A-{n}") for n in range(300)]
    source = write_rows(tmp_path / "answers.csv", *rows)
    result = batch(source, "-o", "/dev/full")  # a device: written as a stream, and always full
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0].endswith(": EM-1")
    assert "cannot write /dev/full: No space left on device" in stopped_line(result.stderr)
    assert names(tmp_path) == ["answers.csv"]  # the error report too is gone


# ---------------------------------------------------------------------------------------------
# 3. A bad byte is a bad row
# ---------------------------------------------------------------------------------------------


def with_bytes(path: Path, line: int, old: bytes, new: bytes) -> Path:
    """Replace the first `old` on `line` (1-based) by `new`: bytes that need not decode."""
    lines = path.read_bytes().split(b"\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_bytes(b"\n".join(lines))
    return path


def test_a_bad_byte_at_line_5001_after_an_emergency_at_1001_rejects_only_its_row(
    tmp_path: Path,
) -> None:
    """The issue's case: the bytes decode in chunks; the row is found all the same."""
    rows = [row(f"A-{n}") for n in range(1, 8001)]
    rows[999] = row("EM-1000", answers(**S1))  # line 1001
    source = write_rows(tmp_path / "answers.csv", *rows)
    with_bytes(source, 5001, b",female,", b",f\xe9male,")
    result = batch(source)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0].endswith(": EM-1000")
    expected = [f"A-{n}" for n in range(1, 8001) if n != 5000]
    expected[999] = "EM-1000"
    results = (tmp_path / "answers.results.csv").read_text(encoding="utf-8")
    assert result_ids(results) == expected
    [(line, client_id, field, problem)] = read_errors(tmp_path / "answers.errors.csv")
    assert (line, client_id, field) == (5001, "A-5000", "sex_at_birth")
    assert problem.startswith("not valid UTF-8; try --encoding") and "0xe9" in problem


def test_a_bad_byte_in_the_first_row_is_found(tmp_path: Path) -> None:
    """The first row is decoded with the header, before the rows are streamed."""
    source = write_rows(tmp_path / "answers.csv", row("A-1"), row("A-2"))
    with_bytes(source, 2, b",stable,", b",st\xffble,")
    result = batch(source)
    assert result.exit_code == 1, result.output
    assert [e[:3] for e in read_errors(tmp_path / "answers.errors.csv")] == [(2, "A-1", "housing")]
    assert result_ids((tmp_path / "answers.results.csv").read_text(encoding="utf-8")) == ["A-2"]


def test_a_bad_byte_in_the_client_id_is_not_echoed(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "answers.csv", row("A-1"), row("JOSE-2"), row("A-3"))
    with_bytes(source, 3, b"JOSE-2", b"JOS\xc9-2")
    result = batch(source)
    assert result.exit_code == 1, result.output
    [(line, client_id, field, problem)] = read_errors(tmp_path / "answers.errors.csv")
    assert (line, client_id, field) == (3, "", "client_id")  # one problem, not two
    assert "JOS" not in problem and "JOS" not in result.output


def test_a_bad_byte_in_an_ignored_column_still_rejects_the_row(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        record([*IDS, "notes"]) + record([*row("A-1"), "ok"]) + record([*row("A-2"), "caf"]),
        encoding="utf-8",
    )
    with_bytes(path, 3, b",caf", b",caf\xe9")
    result = batch(path)
    assert result.exit_code == 1, result.output
    assert [e[:3] for e in read_errors(tmp_path / "answers.errors.csv")] == [(3, "A-2", "notes")]


def test_a_row_with_bad_bytes_lists_every_problem_and_still_checks_safety(
    tmp_path: Path,
) -> None:
    source = write_rows(
        tmp_path / "answers.csv", row("S-1", answers(**S1), age="7", payer="medicaid")
    )
    with_bytes(source, 2, b",female,", b",f\xe9male,")
    with_bytes(source, 2, b",medicaid,", b",m\xe9dicaid,")
    result = batch(source, "-q")
    assert result.exit_code == 1, result.output
    errors = read_errors(tmp_path / "answers.errors.csv")
    assert sorted(e[2] for e in errors) == ["(safety)", "age", "payer", "sex_at_birth"]
    assert all("not valid UTF-8" in e[3] for e in errors if e[2] in ("payer", "sex_at_birth"))
    [line] = result.stderr.splitlines()
    assert line.startswith("EMERGENCY: 1 rejected row(s)") and line.endswith(": S-1 (line 2)")


def test_a_bad_byte_in_an_answer_column_of_the_header_says_so(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "answers.csv", row("A-1"))
    with_bytes(source, 1, b",housing,", b",h\xf6using,")
    result = batch(source)
    assert result.exit_code == 2, result.output
    assert "missing column(s): housing" in result.stderr
    assert "header line is not valid UTF-8: try --encoding" in result.stderr
    assert names(tmp_path) == ["answers.csv"]


# ---------------------------------------------------------------------------------------------
# 4. Closed standard streams (in a child started by a shell)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Path:
    write_rows(tmp_path / "small.csv", row("A-1"), row("A-2"))
    return tmp_path


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("$T batch - <&-", "standard input is closed"),
        ("$T batch small.csv -o - >&-", "standard output is closed"),
        ("$T batch - < small.csv >&-", "standard output is closed"),
        ("$T batch small.csv -o /dev/stdout >&-", "/dev/stdout is closed"),
        ("$T template >&-", "standard output is closed"),
        ("$T questions fhir >&-", "standard output is closed"),
        ("$T interview <&-", "needs a terminal"),
    ],
    ids=[
        "batch-stdin",
        "batch-stdout",
        "batch-stdin-to-stdout",
        "dev-stdout",
        "template",
        "questions-fhir",
        "interview",
    ],
)
def test_a_closed_stream_that_is_needed_is_exit_2_in_one_line(
    small: Path, command: str, says: str
) -> None:
    done = sh(command, small)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("error: ") and says in line
    assert names(small) == ["small.csv"]


def test_a_closed_stderr_never_stops_the_results(small: Path) -> None:
    write_rows(small / "bad.csv", row("A-1"), row("B-2", age="7"))
    done = sh("$T batch small.csv -o r.csv 2>&- && $T batch bad.csv 2>&-; echo $?", small)
    assert done.stdout == "1\n"  # the second run's rejected row, as with stderr open
    assert result_ids((small / "r.csv").read_text(encoding="utf-8")) == ["A-1", "A-2"]
    assert result_ids((small / "bad.results.csv").read_text(encoding="utf-8")) == ["A-1"]
    assert [e[:3] for e in read_errors(small / "bad.errors.csv")] == [(3, "B-2", "age")]


def test_a_cut_stderr_never_stops_the_results(small: Path) -> None:
    write_end = closed_pipe()
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    try:
        done = subprocess.run(  # buffered: the failed write stays buffered until exit
            [sys.executable, "-m", "triage_cli", "batch", "small.csv", "-o", "r.csv"],
            env=buffered,
            cwd=small,
            stderr=write_end,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert result_ids((small / "r.csv").read_text(encoding="utf-8")) == ["A-1", "A-2"]


def test_every_stream_closed_still_writes_the_template_file(small: Path) -> None:
    done = sh("$T template -o t.csv <&- >&- 2>&-; echo $? >rc.txt", small)
    assert done.returncode == 0
    assert (small / "rc.txt").read_text(encoding="utf-8") == "0\n"
    assert (small / "t.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(IDS)


def test_closed_fds_are_reopened_so_no_file_takes_their_number(tmp_path: Path) -> None:
    probe = (
        "import os, sys; from triage_cli import streams; streams.reopen_closed(); "
        "fd = os.open(sys.argv[1], os.O_RDONLY); "
        "os.write(3, f'{fd} {streams.closed_at_start(0)} {streams.closed_at_start(1)} "
        "{streams.closed_at_start(2)} {sys.stdout is not None}'.encode())"
    )
    (tmp_path / "f").write_text("x", encoding="utf-8")
    done = sh(f"{shlex.quote(sys.executable)} -c {shlex.quote(probe)} f 3>&1 <&- >&-", tmp_path)
    fd, *closed = done.stdout.split()
    assert int(fd) > 3, done.stderr  # 0 and 1 are /dev/null again; 3 is the probe's own
    assert closed == ["True", "True", "False", "True"]


# ---------------------------------------------------------------------------------------------
# 5. Outputs: empty names, streams, symlinks, the --force error report
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["batch", "IN", "-o", ""], ["batch", "IN", "--errors", ""], ["template", "-o", ""]],
    ids=["batch-o", "batch-errors", "template-o"],
)
def test_an_empty_output_name_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    source = write_rows(tmp_path / "answers.csv", row("A-1", age="7"))
    result = runner.invoke(app, [str(source) if a == "IN" else a for a in args])
    assert result.exit_code == 2, result.output
    assert "is empty" in result.stderr
    assert names(tmp_path) == ["answers.csv"]


def test_dev_stdout_redirected_to_a_file_is_written_as_a_stream(small: Path) -> None:
    (small / "out.txt").write_text("earlier line\n", encoding="utf-8")
    done = sh("$T batch small.csv -o /dev/stdout -q >>out.txt", small)
    assert done.returncode == 0, done.stderr
    earlier, results = (small / "out.txt").read_text(encoding="utf-8").split("\n", 1)
    assert earlier == "earlier line" and result_ids(results) == ["A-1", "A-2"]
    assert names(small) == ["out.txt", "small.csv"]


def test_force_on_a_symlink_to_stdout_keeps_the_link(small: Path) -> None:
    (small / "link.csv").symlink_to("/proc/self/fd/1")
    done = sh("$T batch small.csv -o link.csv --force -q >out.txt", small)
    assert done.returncode == 0, done.stderr
    assert (small / "link.csv").is_symlink()
    assert os.readlink(small / "link.csv") == "/proc/self/fd/1"
    assert result_ids((small / "out.txt").read_text(encoding="utf-8")) == ["A-1", "A-2"]


def test_a_symlink_to_a_file_is_written_through_never_replaced(small: Path) -> None:
    (small / "runs").mkdir()
    (small / "runs" / "may.csv").write_text("earlier\n", encoding="utf-8")
    (small / "latest.csv").symlink_to("runs/may.csv")
    refused = batch(small / "small.csv", "-o", small / "latest.csv")
    assert refused.exit_code == 2 and "already exists; use --force" in refused.stderr
    assert (small / "runs" / "may.csv").read_text(encoding="utf-8") == "earlier\n"
    forced = batch(small / "small.csv", "-o", small / "latest.csv", "--force")
    assert forced.exit_code == 0, forced.output
    assert os.readlink(small / "latest.csv") == "runs/may.csv"
    target = small / "runs" / "may.csv"
    assert result_ids(target.read_text(encoding="utf-8")) == ["A-1", "A-2"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert names(small / "runs") == ["may.csv"]


def test_a_dangling_symlink_gets_its_target_created(small: Path) -> None:
    (small / "out.csv").symlink_to("made.csv")
    result = batch(small / "small.csv", "-o", small / "out.csv")
    assert result.exit_code == 0, result.output
    assert (small / "out.csv").is_symlink()
    assert result_ids((small / "made.csv").read_text(encoding="utf-8")) == ["A-1", "A-2"]


def read_fifo(path: Path, into: list[str]) -> threading.Thread:
    def read() -> None:
        with path.open(encoding="utf-8") as fifo:
            into.append(fifo.read())

    reader = threading.Thread(target=read)
    reader.start()
    return reader


def release_fifo(path: Path, reader: threading.Thread) -> None:
    """Let a reader the run never wrote to see the end (so a failing test cannot hang)."""
    with contextlib.suppress(OSError):  # ENXIO: no reader left, it read to the end
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    reader.join()


def test_fifos_are_written_as_streams_and_a_clean_run_sends_a_header_only_report(
    small: Path,
) -> None:
    os.mkfifo(small / "results.fifo")
    os.mkfifo(small / "errors.fifo")
    got: list[str] = []
    got_errors: list[str] = []
    results, errors = small / "results.fifo", small / "errors.fifo"
    readers = [read_fifo(results, got), read_fifo(errors, got_errors)]
    result = batch(small / "small.csv", "-o", results, "--errors", errors)
    for path, reader in zip((results, errors), readers, strict=True):
        release_fifo(path, reader)
    assert result.exit_code == 0, result.output
    assert result_ids(got[0]) == ["A-1", "A-2"]
    assert got_errors == [",".join(ERROR_COLUMNS) + "\n"]  # the reader is not left waiting
    assert names(small) == ["errors.fifo", "results.fifo", "small.csv"]


def test_force_with_a_named_error_report_and_no_rejected_rows_leaves_its_header(
    small: Path,
) -> None:
    (small / "e.csv").write_text("line,client_id,field,problem\n9,X-1,age,old\n", encoding="utf-8")
    result = batch(small / "small.csv", "--errors", small / "e.csv", "--force")
    assert result.exit_code == 0, result.output
    assert read_errors(small / "e.csv") == []
    assert "errors: none" in result.stderr


def test_the_stale_temp_file_note_shows_hostile_names_escaped(tmp_path: Path) -> None:
    """A temp file of our naming, of a process gone on this host: removed, and its name
    (which any program could have chosen) shown escaped."""
    gone = 4_194_303  # above any pid this machine hands out (pid_max is at most 2**22)
    stale = tmp_path / f".\x1b[2Jx.{HOST}.{gone}.deadbeef.tmp"
    stale.write_text("half a file", encoding="utf-8")
    bank = load_bank()
    ids = [q.id for q in bank.questions]
    text = as_text(example_answers(bank))
    source = tmp_path / "in.csv"
    source.write_text(",".join(ids) + "\n" + ",".join(text.get(i, "") for i in ids) + "\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "triage_cli", "batch", str(source)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert not stale.exists()
    assert "\x1b" not in done.stderr
    assert ".\\x1b[2Jx." in done.stderr
