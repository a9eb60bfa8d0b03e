"""The plain prompts (interview/plain.py) in-process, with a scripted reader: what a wrong
answer, `<`, `?`, Enter and non-ASCII digits do at each kind of prompt, where the prompt line
goes; and the whole interview through them (each line printed once, the banner first)."""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, Value
from triage_cli.batch.template import example_answers
from triage_cli.formats.chart_note import chart_note, crisis_lines
from triage_cli.interview import wizard
from triage_cli.interview.plain import Plain
from triage_cli.interview.prompts import BACK, Position
from triage_cli.record.model import build_record
from triage_cli.scoring import assess

AT = Position("Section 1 of 9 - question 3 of 3", "Say: at birth.", can_go_back=True)
FIRST = Position("Section 1 of 9 - question 1 of 3", can_go_back=False)
OPTIONS = [("Female", "female"), ("Male", "male"), ("Other", "other"), ("Unknown", "unknown")]


class Desk:
    """A Plain on a console in memory, reading the scripted lines (EOFError after them)."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.out = io.StringIO()
        self.console = Console(file=self.out, width=80, color_system=None, soft_wrap=True)
        self.plain = Plain(self.console, read=self.read)

    def read(self, prompt: str) -> str:
        assert prompt == "", "the prompt line is written to the console, not by input()"
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    @property
    def text(self) -> str:
        return self.out.getvalue()


@pytest.mark.parametrize("digit", ["²", "٣", "\uff13", "①", "1.0", "+1", "0", "5", "one"])
def test_a_choice_takes_ascii_numbers_in_range_only(digit: str) -> None:
    desk = Desk(digit, "2")
    assert desk.plain.choose("Sex at birth?", OPTIONS, None, AT) == "male"
    assert desk.text.count("Expected a number from 1 to 4.") == 1


def test_enter_at_a_question_without_default_is_not_an_answer() -> None:
    desk = Desk("", "3")
    assert desk.plain.choose("Harm to others?", OPTIONS, None, AT) == "other"
    assert "Enter:" not in desk.text
    assert "Expected a number from 1 to 4." in desk.text


def test_enter_takes_the_default_or_the_answer_given() -> None:
    assert Desk("").plain.choose("Sex?", OPTIONS, "other", AT) == "other"
    assert Desk("").plain.choose("Review", OPTIONS) == "female"  # not a question: the first
    assert Desk("").plain.confirm("Safe at home?", True, AT) is True
    assert Desk("").plain.text("Age?", "34", None, AT) == "34"


def test_less_than_goes_back_at_a_question_and_is_never_an_answer_elsewhere() -> None:
    assert Desk("<").plain.confirm("Any?", None, AT) is BACK
    first = Desk("<", "B-1")
    assert first.plain.text("Client id?", "", None, FIRST) == "B-1"
    assert "This is the first question" in first.text
    note = Desk("<", "Evenings only")
    assert note.plain.text("Short note (optional)") == "Evenings only"
    assert "< goes back only at a question." in note.text
    file = Desk("<", "out.toml")
    assert file.plain.text("File", "B-1.toml") == "out.toml"


def test_question_mark_repeats_the_help_and_the_choices() -> None:
    desk = Desk("?", "1")
    assert desk.plain.choose("Sex at birth?", OPTIONS, None, AT) == "female"
    assert desk.text.count("Say: at birth.") == 2
    assert desk.text.count("  4) Unknown") == 2
    assert desk.text.count(AT.text) == 1  # the position is said once
    none = Desk("?", "n")
    assert none.plain.confirm("Any?", None, FIRST) is False
    assert "This question has no help." in none.text


def test_yes_no_words_and_what_enter_says_without_a_default() -> None:
    desk = Desk("", "1", "Yes")
    assert desk.plain.confirm("Any?", None, AT) is True
    assert desk.text.count("answer y or n") == 1
    assert desk.text.count("Expected y or n.") == 1  # 1 is a choice number, not yes


def test_the_prompt_line_goes_to_the_console_stream() -> None:
    desk = Desk("34")
    desk.plain.text("How old are you?", "", None, AT)
    assert desk.text.endswith("How old are you?\nAnswer: ")


def test_a_wrong_text_answer_says_what_is_expected_in_one_line() -> None:
    desk = Desk("300", "34")
    validate = {"300": "Expected a whole number 12-120", "34": True}.get
    assert desk.plain.text("How old are you?", "", validate, AT) == "34"  # type: ignore[arg-type]
    assert "Answer: Expected a whole number 12-120.\nAnswer: " in desk.text


def test_control_characters_in_bank_text_are_shown_never_sent() -> None:
    """A center's help, prompt and labels with escape sequences: visible, not obeyed."""
    hostile = Position("Section 1 of 9 - question 3 of 3", "Say \x1b[2J this\nand \x9b31m that")
    desk = Desk("1")
    desk.plain.choose("Sex \x1b]0;pwned\x07?", [("Fem\x1b[8male", "f")], None, hostile)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", desk.text)
    assert "Say" in desk.text and "Fem" in desk.text


# ---------------------------------------------------------------------------------------------
# The whole interview through the plain prompts
# ---------------------------------------------------------------------------------------------


def lines_for(bank: Bank, typed: dict[str, Value]) -> list[str]:
    out = []
    for qid, value in typed.items():
        question = bank.question(qid)
        if question.kind == "choice":
            out.append(str([c.code for c in question.choices].index(value) + 1))
        elif question.kind == "yesno":
            out.append("y" if value else "n")
        else:
            out.append(str(value))
    return out


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def run(bank: Bank, *lines: str, **options: Any) -> tuple[int, str]:
    desk = Desk(*lines)
    code = wizard.run(bank, desk.console, prompts=desk.plain, **options)
    return code, desk.text


def test_plain_interview_prints_each_question_once_and_the_chart_note(
    bank: Bank, here: Path
) -> None:
    typed = example_answers(bank)
    code, text = run(bank, *lines_for(bank, typed), "1", "n", export=Path("x.toml"))
    assert code == 0, text
    document = tomllib.loads((here / "x.toml").read_text(encoding="utf-8"))
    answers = parse_answers(bank, typed)
    assert document["answers"] == typed
    assert document["recommendation"]["level"] == assess(answers).level.code
    shown = text.splitlines()
    for qid in typed:  # each question's text once, on a line of its own: nothing twice
        assert shown.count(bank.question(qid).prompt) == 1, qid
    assert text.count("Plain mode: answer with the number") == 1
    note = chart_note(build_record(bank, answers, assess(answers))).splitlines()
    for line in note:  # the result is the chart note, but for when it was assessed
        if not line.startswith("Client:"):
            assert line in shown, line
    assert not re.search(r"[\x1b\x80-\x9f\u2500-\u259f]", text)


def test_resuming_an_imminent_draft_shows_the_banner_once_then_the_choice(
    bank: Bank, here: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank) | {"cssrs_1": True, "cssrs_2": True, "cssrs_3": False}
    typed |= {"cssrs_4": True, "cssrs_5": False}
    typed = {q.id: typed[q.id] for q in bank.questions if q.id in typed}
    upto = list(typed).index("cssrs_4") + 1
    code, text = run(bank, *lines_for(bank, typed)[:upto])  # then end of input: the draft
    assert code == 130, text
    assert text.count(crisis_lines()[0]) == 1
    (draft,) = drafts_home.glob("*.draft.toml")

    rest = lines_for(bank, typed)[upto:]
    code, text = run(bank, "1", *rest, "1", "n", resume=draft, export=Path("x.toml"))
    assert code == 0, text
    before_choice = text[: text.index("Imminent risk. Continue the interview")]
    assert before_choice.count(crisis_lines()[0]) == 1  # first, and not again before it
    assert text.index(crisis_lines()[0]) < text.index("Resuming")
