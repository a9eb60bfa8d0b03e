"""The whole interview in a real terminal (pexpect pty): the installed `triage` command, the
example answers typed at each prompt (going back once with Shift-Tab, across a section), the
result, and the private export it writes."""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, Question, Value
from triage_cli.batch.template import example_answers
from triage_cli.scoring import assess

TRIAGE = Path(sys.executable).with_name("triage")
ENTER, DOWN, SHIFT_TAB = "\r", "\x1b[B", "\x1b[Z"
STYLE = r"(?:\x1b\[[0-9;]*m)*"


def keys_for(question: Question, value: Value) -> str:
    if question.kind == "choice":
        codes = [choice.code for choice in question.choices]
        start = codes.index(question.default) if question.default is not None else 0
        return DOWN * (codes.index(value) - start) + ENTER
    if question.kind == "yesno":
        return "y" if value else "n"
    return f"{value}{ENTER}"


def prompt_pattern(question: Question, section: int, position: int) -> str:
    """The prompt as first drawn: the start of its text (long prompts wrap in the terminal),
    then, on the line under it, its position (and, but at the first question, the Shift-Tab
    hint)."""
    return (
        re.escape(question.prompt[:40]) + rf".*?Section {section} of 9 - question {position} of \d+"
    )


def test_whole_interview_in_a_real_terminal(bank: Bank, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    if not TRIAGE.exists():
        pytest.skip(f"{TRIAGE} is not installed")
    typed = example_answers(bank)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    # pexpect answers no cursor-position requests: without this prompt_toolkit waits, then warns
    env |= {"NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(
        str(TRIAGE),
        ["interview", "--export", "OUT.toml"],
        cwd=str(tmp_path),
        dimensions=(40, 100),
        env=env,
        encoding="utf-8",
        timeout=10,
    )
    sections = [section.id for section in bank.sections]
    try:
        in_section: dict[str, int] = {}
        for qid, value in typed.items():
            question = bank.question(qid)
            number = sections.index(question.section) + 1
            in_section[question.section] = in_section.get(question.section, 0) + 1
            child.expect(prompt_pattern(question, number, in_section[question.section]))
            if qid == "client_id":  # nothing before it: it says so, and stays
                child.send(SHIFT_TAB)
                child.expect("This is the first question")
            if qid == "age":
                child.expect_exact("Shift-Tab: previous question")
            if qid == "cssrs_1":  # Enter without y or n: said in place
                child.send(ENTER)
                child.expect("answer y or n")
            if qid == "phq9_1":  # back across the section, to harm_others; keep it; on
                child.send(SHIFT_TAB)
                child.expect(prompt_pattern(bank.question("harm_others"), 2, 4))
                child.send(ENTER)  # its answer is offered
                child.expect(prompt_pattern(question, number, 1))
            child.send(keys_for(question, value))
        child.expect("Review the answers")
        child.send(ENTER)
        # NO_COLOR keeps bold, so styles may change inside the headline
        child.expect(rf"Recommended level of care: {STYLE}Outpatient \(OP\) \[op\]")
        child.expect("Record a clinician override")
        child.send("n")
        child.expect(r"Summary written: OUT\.toml \(mode 0600\)")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before

    export = tmp_path / "OUT.toml"
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    document = tomllib.loads(export.read_text(encoding="utf-8"))
    assert document["answers"] == typed
    assert document["recommendation"]["level"] == assess(parse_answers(bank, typed)).level.code
    assert sorted(p.name for p in tmp_path.iterdir()) == ["OUT.toml"]  # no draft left behind
