"""Never lose an intake, in a real pseudo-terminal (pexpect): a hang-up (SIGHUP) or shutdown
(SIGTERM) after 20 answers keeps a draft of 20 answers with the terminal restored, and
resuming it gives the same summary as a straight run; a failed export and folders that cannot
be written never end in exit 0 with the intake gone; two terminals cannot share one draft."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from test_interview_e2e import DOWN, ENTER, keys_for, prompt_pattern

from triage_cli.bank import Bank, Value
from triage_cli.batch.template import example_answers

pexpect = pytest.importorskip("pexpect")
TRIAGE = Path(sys.executable).with_name("triage")
pytestmark = pytest.mark.skipif(not TRIAGE.exists(), reason=f"{TRIAGE} is not installed")
AFTER_EXIT = "echo EXIT=$?; stty -a | tr '\\n' ' '; echo; echo END"


def environment(state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    # pexpect answers no cursor-position requests: without this prompt_toolkit waits, then warns
    return env | {
        "NO_COLOR": "1",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "XDG_STATE_HOME": str(state),
    }


def spawn(args: list[str], cwd: Path, state: Path, *, in_shell: bool = False) -> Any:
    """The installed triage in a 40x100 pty; in_shell: under sh, which then prints the exit
    code and the terminal's modes (`stty -a`) once triage has ended."""
    if in_shell:
        command = " ".join(f"'{a}'" for a in [str(TRIAGE), *args])
        program, argv = "/bin/sh", ["-c", f"{command}; {AFTER_EXIT}"]
    else:
        program, argv = str(TRIAGE), args
    return pexpect.spawn(
        program,
        argv,
        cwd=str(cwd),
        dimensions=(40, 100),
        env=environment(state),
        encoding="utf-8",
        timeout=15,
    )


def answer(
    child: Any, bank: Bank, typed: dict[str, Value], count: int | None = None, start: int = 0
) -> None:
    """Type answers `start` to `count` of `typed` (to the end when None) at their prompts."""
    in_section: dict[str, int] = {}
    sections = [section.id for section in bank.sections]
    for n, (qid, value) in enumerate(list(typed.items())[:count]):
        question = bank.question(qid)
        in_section[question.section] = in_section.get(question.section, 0) + 1
        if n < start:
            continue  # answered before: counted for the position of the prompts after it
        number = sections.index(question.section) + 1
        child.expect(prompt_pattern(question, number, in_section[question.section]))
        child.send(keys_for(question, value))


def converse(child: Any, *turns: tuple[str, str | None]) -> None:
    """Wait for each prompt (a pattern) and type its answer (None: only wait)."""
    for prompt, keys in turns:
        child.expect(prompt)
        if keys is not None:
            child.send(keys)


SCORE_NO_OVERRIDE = (("Review the answers", ENTER), ("Record a clinician override", "n"))


def triage_pid(shell: Any) -> int:
    """The triage process under the pexpect shell."""
    for _ in range(50):
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # pid (comm) state ppid ...: comm may hold spaces, so read after its ")"
                fields = stat_file.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == shell.pid:
                    return int(stat_file.parent.name)
        time.sleep(0.1)
    raise AssertionError("no triage process under the shell")


def wait_saved(draft_folder: Path, answers: int) -> Path:
    """The draft, once it holds `answers` answers (it is saved after each one)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for draft in draft_folder.glob("*.draft.toml"):
            with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
                if len(tomllib.loads(draft.read_text(encoding="utf-8"))["answers"]) == answers:
                    return draft
        time.sleep(0.05)
    raise AssertionError(f"no draft with {answers} answers in {draft_folder}")


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def finish(child: Any) -> tuple[int, str]:
    """Under sh: triage's exit code and the terminal modes after it."""
    child.expect(r"EXIT=(\d+)")
    code = int(child.match.group(1))
    child.expect("END")
    modes = child.before
    child.expect(pexpect.EOF)
    return code, modes


@pytest.mark.parametrize(("signum", "code", "state"), [
    (signal.SIGHUP, 129, "hung_up"),
    (signal.SIGTERM, 143, "terminated"),
])  # fmt: skip
def test_a_signal_after_20_answers_keeps_them_and_restores_the_terminal(
    bank: Bank, tmp_path: Path, signum: int, code: int, state: str
) -> None:
    typed = example_answers(bank)
    folder = tmp_path / "state" / "triage-cli" / "drafts"
    child = spawn(["interview"], tmp_path, tmp_path / "state", in_shell=True)
    try:
        answer(child, bank, typed, 20)
        wait_saved(folder, 20)
        os.kill(triage_pid(child), signum)
        exit_code, modes = finish(child)
    finally:
        child.close()
    assert exit_code == code
    # echo and line editing back on (prompt_toolkit had turned both off)
    assert " -echo " not in f" {modes} " and " echo " in f" {modes} "
    assert " -icanon " not in f" {modes} " and " icanon " in f" {modes} "
    (draft,) = folder.glob("*.draft.toml")
    document = load(draft)
    assert document["answers"] == dict(list(typed.items())[:20])
    assert document["meta"]["state"] == state
    assert not list(folder.glob(".*.lock"))  # the lock went with the interview


def test_resume_last_after_a_shutdown_gives_the_straight_runs_summary(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    state = tmp_path / "state"
    child = spawn(["interview"], tmp_path, state, in_shell=True)
    try:
        answer(child, bank, typed, 20)
        wait_saved(state / "triage-cli" / "drafts", 20)
        os.kill(triage_pid(child), signal.SIGTERM)
        assert finish(child)[0] == 143
    finally:
        child.close()

    resumed = spawn(["interview", "--resume", "last", "--export", "resumed.toml"], tmp_path, state)
    straight = spawn(["interview", "--export", "straight.toml"], tmp_path, state)
    for child, given in ((resumed, 20), (straight, 0)):
        try:
            answer(child, bank, typed, start=given)
            converse(child, *SCORE_NO_OVERRIDE)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 0, child.before
    after, whole = load(tmp_path / "resumed.toml"), load(tmp_path / "straight.toml")
    for table in ("answers", "scores", "ratings", "recommendation", "program", "checklist"):
        assert after[table] == whole[table], table
    assert not list((state / "triage-cli" / "drafts").glob("*.draft.toml"))  # both removed


def test_an_export_that_cannot_be_written_keeps_the_draft_and_exits_1(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    state = tmp_path / "state"
    child = spawn(["interview", "--export", "/proc/x.toml"], tmp_path, state)
    try:
        answer(child, bank, typed)
        child.expect("Review the answers")
        child.send(ENTER)
        child.expect("Record a clinician override")
        child.send("n")
        child.expect("Not exported")
        child.expect("Export to another file")
        child.send("n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 1
    (draft,) = (state / "triage-cli" / "drafts").glob("*.draft.toml")
    assert load(draft)["answers"] == typed
    assert load(draft)["meta"]["state"] == "export_failed"


def test_with_nowhere_to_write_it_warns_first_and_prints_the_answers_last(
    bank: Bank, tmp_path: Path
) -> None:
    """/proc takes no new files, even from root: no draft folder, no current folder, no
    export. The intake goes on; at the end its answers are printed, and the exit is 1."""
    typed = example_answers(bank)
    child = spawn(["interview", "--export", "/proc/x.toml"], Path("/proc"), Path("/proc/nope"))
    try:
        child.expect("warning: no draft can be kept")
        answer(child, bank, typed)
        child.expect("Review the answers")
        child.send(ENTER)
        child.expect("Record a clinician override")
        child.send("n")
        child.expect("Export to another file")
        child.send("n")
        child.expect("Nothing could be written")
        child.expect(r"\[answers\]")
        child.expect(pexpect.EOF)
        printed = child.before
    finally:
        child.close()
    assert child.exitstatus == 1
    assert 'client_id = "EX-0001"' in printed
    assert "phq9_1 = 2" in printed


def test_ctrl_c_with_nowhere_to_write_prints_the_answers(bank: Bank, tmp_path: Path) -> None:
    typed = example_answers(bank)
    child = spawn(["interview"], Path("/proc"), Path("/proc/nope"))
    try:
        child.expect("warning: no draft can be kept")
        answer(child, bank, typed, 3)
        child.sendcontrol("c")
        child.expect("Nothing could be written")
        child.expect(pexpect.EOF)
        printed = child.before
    finally:
        child.close()
    assert child.exitstatus == 130
    assert 'client_id = "EX-0001"' in printed and "age = 34" in printed


def test_a_draft_in_use_cannot_be_resumed_from_another_terminal(bank: Bank, tmp_path: Path) -> None:
    typed = example_answers(bank)
    state = tmp_path / "state"
    folder = state / "triage-cli" / "drafts"
    first = spawn(["interview"], tmp_path, state)
    try:
        answer(first, bank, typed, 3)
        draft = wait_saved(folder, 3)
        second = spawn(["interview", "--resume", str(draft)], tmp_path, state)
        try:
            second.expect(pexpect.EOF)
            said = second.before
        finally:
            second.close()
        assert second.exitstatus == 2
        assert "is in use by a live interview" in said
        assert f"process {first.pid}" in " ".join(said.split())
        listing = subprocess.run(
            [str(TRIAGE), "drafts"], capture_output=True, text=True, env=environment(state)
        ).stdout
        assert f"in progress (process {first.pid})" in listing
    finally:
        first.sendcontrol("c")
        first.expect(pexpect.EOF)
        first.close()
    assert first.exitstatus == 130
    assert load(draft)["answers"] == dict(list(typed.items())[:3])


def test_a_terminal_that_goes_away_keeps_the_answers_and_exits_129(
    bank: Bank, tmp_path: Path
) -> None:
    """The real hang-up, not a signal sent by hand: the pty's master side is closed, as when
    a terminal window is closed; the kernel hangs up the session (SIGHUP, then EOF on reads)."""
    typed = example_answers(bank)
    folder = tmp_path / "state" / "triage-cli" / "drafts"
    child = spawn(["interview"], tmp_path, tmp_path / "state")
    answer(child, bank, typed, 5)
    wait_saved(folder, 5)
    os.close(child.child_fd)  # the terminal goes away
    _, status = os.waitpid(child.pid, 0)
    child.closed = True  # pexpect: the fd is already closed
    assert os.waitstatus_to_exitcode(status) == 129
    (draft,) = folder.glob("*.draft.toml")
    assert load(draft)["answers"] == dict(list(typed.items())[:5])
    assert load(draft)["meta"]["state"] == "hung_up"


def test_an_emergency_stopped_early_is_exported_incomplete_and_resume_finishes_it(
    bank: Bank, tmp_path: Path
) -> None:
    """Intent (cssrs_4) after cssrs_2: the banner, straight to the result, export; `score`
    of that file shows the emergency and exits 1; --resume of it finishes the intake."""
    typed = example_answers(bank) | {"cssrs_1": True, "cssrs_2": True, "cssrs_3": False}
    typed = {**typed, "cssrs_4": True, "cssrs_5": False}
    typed = {q.id: typed[q.id] for q in bank.questions if q.id in typed}  # bank order
    upto = list(typed).index("cssrs_4") + 1
    state = tmp_path / "state"
    child = spawn(["interview"], tmp_path, state)
    try:
        answer(child, bank, typed, upto)
        converse(
            child,
            ("EMERGENCY: imminent risk", None),
            ("go straight to the result", DOWN + ENTER),
            ("INCOMPLETE", None),
            ("Export a TOML summary of this incomplete intake", "y"),
            ("File", ENTER),
            ("Summary written: EX-0001.incomplete.toml", None),
            ("Draft saved", None),
        )
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    record = tmp_path / "EX-0001.incomplete.toml"
    assert load(record)["meta"]["complete"] is False

    scored = subprocess.run(
        [str(TRIAGE), "score", str(record)], capture_output=True, text=True, env=environment(state)
    )
    assert scored.returncode == 1
    assert scored.stdout.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    assert "Not answered yet" in scored.stdout and "cssrs_5" in scored.stdout

    resumed = spawn(["interview", "--resume", str(record)], tmp_path, state)
    try:
        # the banner first, then again with the choice, before going on
        converse(
            resumed,
            ("EMERGENCY: imminent risk", None),
            ("continuing its draft", None),
            ("go straight to the result", ENTER),
        )
        answer(resumed, bank, typed, start=upto)
        converse(
            resumed,
            *SCORE_NO_OVERRIDE,
            ("Export a TOML summary of this intake", "y"),
            ("File", ENTER),
        )
        resumed.expect(pexpect.EOF)
    finally:
        resumed.close()
    assert resumed.exitstatus == 0, resumed.before
    complete = load(tmp_path / "EX-0001.toml")
    assert complete["meta"]["complete"] is True and complete["answers"] == typed
    assert load(record)["meta"]["complete"] is False  # beside it, not over it
    assert not list((state / "triage-cli" / "drafts").glob("*.draft.toml"))
