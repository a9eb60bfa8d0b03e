"""`triage interview --plain` (and TERM=dumb) in a real terminal (pexpect pty): numbered
choices, y/n, `<` back, `?` help, a wrong answer, the banner as plain lines, the result as the
chart note's text, Ctrl-C to a draft and --resume; and never a cursor move, a colour or a
box-drawing character on the screen."""

from __future__ import annotations

import os
import re
import signal
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, Question, Value
from triage_cli.batch.template import example_answers
from triage_cli.formats.chart_note import chart_note
from triage_cli.record.model import build_record
from triage_cli.scoring import assess

pexpect = pytest.importorskip("pexpect")
TRIAGE = Path(sys.executable).with_name("triage")
pytestmark = pytest.mark.skipif(not TRIAGE.exists(), reason=f"{TRIAGE} is not installed")
ESCAPE_OR_BOX = re.compile(r"[\x1b\x80-\x9f\u2500-\u259f]")  # ESC, C1 controls, boxes
CRISIS_PROMPT = "Imminent risk. Continue the interview, or go straight to the result?"


def spawn(args: list[str], cwd: Path, *, term: str = "xterm") -> Any:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env |= {"TERM": term, "XDG_STATE_HOME": str(cwd / "state")}
    return pexpect.spawn(
        str(TRIAGE), args, cwd=str(cwd), dimensions=(40, 100), env=env, encoding="utf-8",
        timeout=15,
    )  # fmt: skip


def typed_as(question: Question, value: Value) -> str:
    """The line that answers a question in plain mode."""
    if question.kind == "choice":
        return str([choice.code for choice in question.choices].index(value) + 1)
    if question.kind == "yesno":
        return "y" if value else "n"
    return str(value)


def at_prompt(child: Any, question: Question) -> None:
    """Wait for the question's text, then its prompt line."""
    child.expect_exact(question.prompt[:40])
    child.expect(r"Answer[^\n]*: ")


def answer(child: Any, bank: Bank, typed: dict[str, Value], start: int = 0) -> None:
    for qid, value in list(typed.items())[start:]:
        at_prompt(child, bank.question(qid))
        child.sendline(typed_as(bank.question(qid), value))


def finish(child: Any, *turns: tuple[str, str]) -> str:
    """Answer the prompts after the questions; the whole screen once triage has ended."""
    for prompt, line in turns:
        child.expect_exact(prompt)
        child.expect(r"Answer[^\n]*: ")
        child.sendline(line)
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


SCORE_NO_OVERRIDE = (("Review the answers", "1"), ("Record a clinician override", "n"))


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_plain_interview_exports_what_assess_gives_and_draws_nothing(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    child = spawn(["interview", "--plain", "--export", "OUT.toml"], tmp_path)
    log: list[str] = []
    child.logfile_read = _Collect(log)
    answer(child, bank, typed)
    finish(child, *SCORE_NO_OVERRIDE)
    screen = "".join(log)
    assert child.exitstatus == 0, screen
    export = tmp_path / "OUT.toml"
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    document = load(export)
    assert document["answers"] == typed
    assert document["recommendation"]["level"] == assess(parse_answers(bank, typed)).level.code
    assert not ESCAPE_OR_BOX.search(screen), ESCAPE_OR_BOX.search(screen)
    assert screen.count("Plain mode: answer with the number") == 1
    sex = bank.question("sex_at_birth")
    assert all(f"  {n}) {c.label}" in screen for n, c in enumerate(sex.choices, 1))
    # the result is the chart note's text (every line of it: test_plain.py, in-process)
    record = build_record(bank, parse_answers(bank, typed), assess(parse_answers(bank, typed)))
    note = chart_note(record).splitlines()
    start = next(line for line in note if line.startswith("Recommended level of care"))
    assert start in screen
    assert "Insurance checklist:" in screen and "[ ] " in screen


class _Collect:
    """pexpect's logfile_read: everything the terminal was sent."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.append(text)

    def flush(self) -> None:
        pass


def test_term_dumb_chooses_plain_mode_without_the_flag(bank: Bank, tmp_path: Path) -> None:
    child = spawn(["interview"], tmp_path, term="dumb")
    log: list[str] = []
    child.logfile_read = _Collect(log)
    at_prompt(child, bank.question("client_id"))
    child.sendline("B-1")
    at_prompt(child, bank.question("age"))
    child.sendline("34")
    child.expect_exact("  1) ")  # a numbered choice: sex at birth
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    screen = "".join(log)
    assert "Plain mode: answer with the number" in screen
    assert not ESCAPE_OR_BOX.search(screen), screen


def test_back_with_less_than_changes_an_answer_and_goes_on(bank: Bank, tmp_path: Path) -> None:
    typed = example_answers(bank)
    child = spawn(["interview", "--plain", "--export", "OUT.toml"], tmp_path)
    answer(child, bank, dict(list(typed.items())[:2]))  # client id, age
    at_prompt(child, bank.question("sex_at_birth"))
    child.sendline("<")  # back to the age, asked again with its answer offered
    child.expect_exact("Section 1 of 9 - question 2 of 3")
    child.expect_exact(f"Answer (Enter: {typed['age']}): ")
    child.sendline("61")
    answer(child, bank, typed, start=2)
    screen = finish(
        child,
        ("Review the answers", "1"),
        ("Record a clinician override", "y"),
        ("Override level", ""),  # the first offered: IOP, as the recommendation is OP
        ("Reason", "3"),  # client preference
        ("Short note", "Evenings only"),
        ("Recorded by", "JD"),
    )
    assert child.exitstatus == 0
    document = load(tmp_path / "OUT.toml")
    assert document["answers"] == typed | {"age": 61}
    assert document["override"] | {"reason_text": ""} == {
        "level": "iop", "reason": "client_preference", "reason_text": "",
        "note": "Evenings only", "by": "JD",
    }  # fmt: skip
    assert "Clinician override: Intensive outpatient (IOP)" in " ".join(screen.split())


def test_a_wrong_answer_says_what_is_expected_and_asks_again(bank: Bank, tmp_path: Path) -> None:
    child = spawn(["interview", "--plain"], tmp_path)
    at_prompt(child, bank.question("client_id"))
    child.sendline("<")  # at the first question: nothing before it
    child.expect_exact("This is the first question")
    child.sendline("B-1")
    at_prompt(child, bank.question("age"))
    child.sendline("300")
    child.expect_exact("Expected a whole number 12-120.")
    child.sendline("34")
    at_prompt(child, bank.question("sex_at_birth"))
    child.sendline("9")
    child.expect_exact("Expected a number from 1 to 4.")
    child.sendline("?")  # the help and the choices again
    child.expect_exact(bank.question("sex_at_birth").help[:40])
    child.expect_exact("  4) ")
    child.sendline("1")
    at_prompt(child, bank.question("cssrs_1"))
    child.sendline("")  # no default: Enter does not answer
    child.expect_exact("answer y or n")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_banner_in_plain_lines_first_then_the_result_leads_with_it(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank) | {"cssrs_1": True, "cssrs_2": True, "cssrs_3": False}
    typed |= {"cssrs_4": True, "cssrs_5": False}
    order = [q.id for q in bank.questions if q.id in typed]
    typed = {qid: typed[qid] for qid in order}
    child = spawn(["interview", "--plain", "--export", "OUT.toml"], tmp_path)
    log: list[str] = []
    child.logfile_read = _Collect(log)
    upto = order.index("cssrs_4") + 1
    answer(child, bank, dict(list(typed.items())[:upto]))
    child.expect_exact("*** EMERGENCY: imminent risk ***")
    child.expect_exact("* 988 Suicide & Crisis Lifeline")
    child.expect_exact(CRISIS_PROMPT)
    child.sendline("1")  # continue the interview
    answer(child, bank, typed, start=upto)
    finish(child, *SCORE_NO_OVERRIDE)
    screen = "".join(log)
    assert child.exitstatus == 0, screen
    result = screen[screen.index("Review the answers") :]
    assert result.index("*** EMERGENCY: imminent risk ***") < result.index(
        "Recommended level of care: Inpatient / emergency care"
    )
    assert not ESCAPE_OR_BOX.search(screen)
    assert load(tmp_path / "OUT.toml")["recommendation"]["level"] == "inpatient"


def test_ctrl_c_keeps_a_draft_and_resume_continues_in_plain_mode(
    bank: Bank, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    child = spawn(["interview", "--plain"], tmp_path)
    answer(child, bank, dict(list(typed.items())[:5]))
    at_prompt(child, bank.question(list(typed)[5]))
    child.sendcontrol("c")
    child.expect_exact("Draft saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (draft,) = (tmp_path / "state").rglob("*.draft.toml")
    assert load(draft)["answers"] == dict(list(typed.items())[:5])

    child = spawn(
        ["interview", "--plain", "--resume", str(draft), "--export", "OUT.toml"], tmp_path
    )
    child.expect_exact("5 answers kept")
    answer(child, bank, typed, start=5)
    finish(child, *SCORE_NO_OVERRIDE)
    assert child.exitstatus == 0
    assert load(tmp_path / "OUT.toml")["answers"] == typed
    assert not draft.exists()


@pytest.mark.parametrize(
    ("signum", "code", "state"),
    [(signal.SIGHUP, 129, "hung_up"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_hang_up_or_shutdown_at_a_plain_prompt_keeps_the_draft(
    bank: Bank, tmp_path: Path, signum: int, code: int, state: str
) -> None:
    """SIGHUP (an SSH session dropped) or SIGTERM while input() waits: the answers kept."""
    typed = example_answers(bank)
    child = spawn(["interview", "--plain"], tmp_path)
    answer(child, bank, dict(list(typed.items())[:3]))
    at_prompt(child, bank.question(list(typed)[3]))
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None and child.exitstatus == code
    (draft,) = (tmp_path / "state").rglob("*.draft.toml")
    document = load(draft)
    assert document["answers"] == dict(list(typed.items())[:3])
    assert document["meta"]["state"] == state
