"""Hostile text: the plain-text gate (a property over any text), and the inputs that once hid
the crisis banner or echoed raw control sequences: a TOML key that clears the screen, an
override reason with an escape sequence, a 10 MB bank name, a bank's own text. The terminal
cases run in a real terminal (tmux) and read the screen as a person would see it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from triage_cli.answers import parse_answers
from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.formats import toml_summary
from triage_cli.record.drafts import read_draft
from triage_cli.record.model import build_record
from triage_cli.record.override import Override
from triage_cli.scoring import assess
from triage_cli.text import HIDDEN, prose, shown

from conftest import EditBank, question_table
from strategies import refill

runner = CliRunner()
BANK = load_bank()
CLEAR = "\x1b[2J\x1b[H\x1b[3J"  # clear the screen, home the cursor, clear the scroll-back
BANNER = "EMERGENCY: imminent risk"


def hidden(text: str, keep_newlines: bool = False) -> list[str]:
    """The characters of text that a terminal would act on or not show."""
    return [
        c for c in text if unicodedata.category(c) in HIDDEN and not (keep_newlines and c == "\n")
    ]


# ---------------------------------------------------------------------------------------------
# The gate
# ---------------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_nothing_hidden_passes_the_gate(text: str) -> None:
    out = shown(text)
    assert hidden(out) == []
    assert prose(out, limit=None) == out  # escaping twice changes nothing
    assert len(out) <= 80 * 10 + len(f"... ({len(text):,} more)")
    kept = prose(text)
    assert hidden(kept, keep_newlines=True) == []
    assert kept.count("\n") == text.count("\n")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(categories=["L", "N", "P", "S"]), max_size=80))
def test_printable_values_pass_unchanged(text: str) -> None:
    assert shown(text) == text
    assert prose(text) == text


@pytest.mark.parametrize(
    ("raw", "visible"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # ESC: C0
        ("\x9b31m", "\\x9b31m"),  # the one-byte CSI: C1
        ("\x7f", "\\x7f"),  # DEL
        ("abc\u202edef", "abc\\u202edef"),  # right-to-left override
        ("x\u2066y\u2069", "x\\u2066y\\u2069"),  # isolates
        ("z\u200bw\u200d\u2060\ufeff", "z\\u200bw\\u200d\\u2060\\ufeff"),  # zero-width, BOM
        ("line\nnext\ttab\r", "line\\x0anext\\x09tab\\x0d"),  # one line expected
        ("bad \udcff byte", "bad \\udcff byte"),  # an undecodable byte kept as a surrogate
        ("\u2028", "\\u2028"),
    ],
)
def test_control_and_invisible_characters_become_visible(raw: str, visible: str) -> None:
    assert shown(raw) == visible


def test_prose_keeps_newlines_and_escapes_the_rest() -> None:
    assert prose("one\ntwo\x1b[H") == "one\ntwo\\x1b[H"


def test_a_long_value_is_cut_with_a_count() -> None:
    assert shown("x" * 10_000_000) == "x" * 80 + "... (9,999,920 more)"
    assert shown("y" * 80) == "y" * 80


# ---------------------------------------------------------------------------------------------
# The inputs that hid the banner, through the CLI
# ---------------------------------------------------------------------------------------------


def emergency_answers() -> dict[str, Value]:
    """Active ideation with intent (cssrs_4): C-SSRS high, rule S1."""
    return refill(BANK, example_answers(BANK) | {"cssrs_1": True, "cssrs_2": True, "cssrs_4": True})


def write_toml(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def summary_of(typed: dict[str, Value], **options: Any) -> dict[str, Any]:
    answers = parse_answers(BANK, typed)
    return toml_summary.document(build_record(BANK, answers, assess(answers), **options))


def score(*args: object) -> Result:
    return runner.invoke(app, ["score", *map(str, args)])


def test_a_screen_clearing_key_in_an_emergency_summary_is_shown_escaped(tmp_path: Path) -> None:
    document = {"answers": emergency_answers() | {f"{CLEAR}all clear": "x"}}
    result = score(write_toml(tmp_path / "key.toml", document))
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stderr
    assert "\\x1b[2J\\x1b[H\\x1b[3Jall clear: unknown answer id" in result.stderr
    # the banner before the problems, and again after them
    assert result.stderr.count(BANNER) == 2
    assert result.stderr.rindex(BANNER) > result.stderr.index("unknown answer id")


def test_an_override_reason_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    override = Override("residential", f"{CLEAR}x", note=f"ok\x9b2J{CLEAR}", by="\u202eDJ")
    document = summary_of(emergency_answers(), override=override)
    result = score(write_toml(tmp_path / "ov.toml", document))
    assert result.exit_code == 0, result.output
    assert hidden(result.stdout, keep_newlines=True) == []
    assert "\\x1b[2J\\x1b[H\\x1b[3Jx" in result.stdout
    assert "ok\\x9b2J" in result.stdout
    assert result.stdout.count(BANNER) == 2
    # the result ends with the banner again, after everything that came from the file
    assert result.stdout.rindex(BANNER) > result.stdout.index("ok\\x9b2J")


def test_a_huge_bank_name_is_cut_in_the_warning(tmp_path: Path) -> None:
    document = summary_of(example_answers(BANK))
    document["meta"] |= {"bank_name": "N" * 10_000_000, "bank_sha256": "0" * 64}
    result = score(write_toml(tmp_path / "big.toml", document))
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if "question bank" in line]
    assert "N" * 80 + "... (9,999,920 more)" in warning
    assert len(warning) < 400


def test_hostile_stored_values_in_a_changed_recommendation_are_escaped(tmp_path: Path) -> None:
    document = summary_of(example_answers(BANK))
    document["recommendation"]["rules"] = [CLEAR + "B1"]
    document["meta"]["model_version"] = "\x1b]0;title\x07"
    result = score(write_toml(tmp_path / "edit.toml", document))
    assert result.exit_code == 0, result.output
    assert hidden(result.output, keep_newlines=True) == []
    assert "\\x1b]0;title\\x07" in result.stderr


def test_a_file_name_with_controls_is_escaped_in_errors(tmp_path: Path) -> None:
    result = score(tmp_path / f"{CLEAR}missing.toml")
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "\\x1b[2J" in result.output


def test_hostile_draft_keys_are_escaped_in_resume_notes(tmp_path: Path) -> None:
    draft = write_toml(tmp_path / "d.toml", {"answers": {"age": 40, f"{CLEAR}x": 1}})
    resumed = read_draft(BANK, draft)
    assert resumed.answers == {"age": 40}
    assert resumed.notes == ["\\x1b[2J\\x1b[H\\x1b[3Jx: not a question of this bank, dropped"]


def test_a_banks_own_text_is_escaped_in_the_listing(edit_bank: EditBank) -> None:
    def poison(data: dict[str, Any]) -> None:
        question_table(data, "age")["prompt"] = f"How old{CLEAR} are you?\u202e"
        data["sections"][0]["title"] = "Ident\x9b2Jification"

    folder = edit_bank("intake.toml", poison)
    result = runner.invoke(app, ["questions", "list", str(folder)])
    assert result.exit_code == 0, result.output
    assert hidden(result.output, keep_newlines=True) == []
    # the table wraps the prompt in its column: look for both halves
    assert "How old\\x1b[2J\\x1b[H\\x1b[3J" in result.output
    assert "are you?\\u202e" in result.output
    assert "Ident\\x9b2Jification" in result.output


# ---------------------------------------------------------------------------------------------
# In a real terminal: what is on the screen afterwards
# ---------------------------------------------------------------------------------------------

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(
    TMUX is None and not os.environ.get("TRIAGE_REQUIRE_TMUX"),
    reason="tmux is not installed (CI installs it and sets TRIAGE_REQUIRE_TMUX=1)",
)


def screen_after(command: list[str], cwd: Path) -> str:
    """Run command in a fresh 100x60 tmux window; the screen and its scroll-back once it has
    finished."""
    assert TMUX is not None, "TRIAGE_REQUIRE_TMUX is set but tmux is not installed"
    name = f"triage-test-{uuid.uuid4().hex[:8]}"
    shell = " ".join(f"'{part}'" for part in command) + "; echo __DONE__; sleep 60"
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(
        [TMUX, "new-session", "-d", "-s", name, "-x", "100", "-y", "60", "-c", str(cwd), shell],
        check=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            screen = subprocess.run(  # the scroll-back too: a raw ESC[3J would clear it
                [TMUX, "capture-pane", "-p", "-S", "-", "-t", name], capture_output=True, text=True
            ).stdout
            if "__DONE__" in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the command did not finish in time; screen:\n{screen}")
    finally:
        subprocess.run([TMUX, "kill-session", "-t", name], capture_output=True)


@needs_tmux
def test_in_a_terminal_a_screen_clearing_key_leaves_both_banners_on_screen(
    tmp_path: Path,
) -> None:
    write_toml(tmp_path / "key.toml", {"answers": emergency_answers() | {f"{CLEAR}all clear": 1}})
    screen = screen_after([sys.executable, "-m", "triage_cli", "score", "key.toml"], tmp_path)
    # a raw clear would have erased the first banner and everything before "all clear"
    assert screen.count(BANNER) == 2, screen
    assert "988 Suicide & Crisis Lifeline" in screen
    assert "\\x1b[2J\\x1b[H\\x1b[3Jall clear: unknown answer id" in screen


@needs_tmux
def test_in_a_terminal_an_escape_in_an_override_leaves_the_result_on_screen(
    tmp_path: Path,
) -> None:
    override = Override("residential", f"{CLEAR}x", note=f"{CLEAR}note")
    write_toml(tmp_path / "ov.toml", summary_of(emergency_answers(), override=override))
    screen = screen_after([sys.executable, "-m", "triage_cli", "score", "ov.toml"], tmp_path)
    assert BANNER in screen
    assert "988 Suicide & Crisis Lifeline" in screen
    assert "Clinician override: Residential treatment [residential]" in screen
    assert "\\x1b[2J" in screen


@needs_tmux
def test_in_a_terminal_a_hostile_csv_header_leaves_the_emergency_on_screen(
    tmp_path: Path,
) -> None:
    ids = [q.id for q in BANK.questions]
    text = {k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in
            emergency_answers().items()}  # fmt: skip
    # lower-cased as every header name is, CUP (ESC[1;1f) still homes the cursor: raw, the
    # name would overwrite the first EMERGENCY line
    header = ",".join([*ids, "notes\x1b[1;1fall clear"])
    row = ",".join([*(text.get(qid, "") for qid in ids), "x"])
    (tmp_path / "em.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    screen = screen_after([sys.executable, "-m", "triage_cli", "batch", "em.csv"], tmp_path)
    assert screen.count("EMERGENCY: 1 client(s) need same-day emergency evaluation") == 2, screen
    assert "notes\\x1b[1;1fall clear" in screen


def test_tmux_screen_capture_sees_a_raw_clear(tmp_path: Path) -> None:
    """The terminal tests can fail: printed raw, the same sequence does clear the screen."""
    if TMUX is None:
        pytest.skip("tmux is not installed")
    script = tmp_path / "raw.py"
    script.write_text(f"print({BANNER!r}); print({CLEAR!r} + 'all clear')", encoding="utf-8")
    screen = screen_after([sys.executable, str(script)], tmp_path)
    assert "all clear" in screen
    assert BANNER not in screen


def test_tomllib_reads_the_hostile_key_back(tmp_path: Path) -> None:
    """The fixture really holds the raw ESC sequence (tomli-w escapes it as \\u001b)."""
    path = write_toml(tmp_path / "k.toml", {"answers": {f"{CLEAR}all clear": 1}})
    assert "\\u001b[2J" in path.read_text(encoding="utf-8")
    assert f"{CLEAR}all clear" in tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
