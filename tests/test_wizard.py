"""The interview driven in-process: prompt_toolkit pipe input types into questionary's real
prompts. Answers and the export, skip logic, validation, review and edit, the crisis banner,
overrides, Ctrl-C drafts and --resume, and the refusal without a terminal."""

from __future__ import annotations

import io
import json
import re
import stat
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console
from typer.testing import CliRunner

from triage_cli import render
from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, Question, Value, load_bank, show_value
from triage_cli.batch.template import example_answers
from triage_cli.cli import app
from triage_cli.errors import InputError
from triage_cli.formats import toml_summary
from triage_cli.interview import ask, prompts, wizard
from triage_cli.interview.prompts import Back, Position, Prompts
from triage_cli.record.model import build_record
from triage_cli.record.override import OVERRIDE_REASONS
from triage_cli.scoring import Assessment, Level, assess

from conftest import EditBank

runner = CliRunner()
ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
ENTER, DOWN, CTRL_C, CTRL_D, BACKSPACE = "\r", "\x1b[B", "\x03", "\x04", "\x7f"
SHIFT_TAB = "\x1b[Z"
# After the last question: "Score now" at the review, then no override.
SCORE, NO_OVERRIDE, NO_EXPORT = ENTER, "n", "n"
CHANGE_AN_ANSWER = DOWN + ENTER
CONTINUE, STRAIGHT_TO_RESULT = ENTER, DOWN + ENTER
CRISIS_PROMPT = "Imminent risk. Continue the interview, or go straight to the result?"
EARLY_EXPORT = "Export a TOML summary of this incomplete intake (the emergency so far)?"
SAFETY_NO: dict[str, Value] = {
    "cssrs_1": False,
    "cssrs_2": False,
    "cssrs_6": False,
    "harm_others": "none",
}
# Active ideation without method, intent or plan: cssrs_3-5 asked, none of them yes.
SAFETY_YES_NO_PLAN = {"cssrs_2": True, "cssrs_3": False, "cssrs_4": False, "cssrs_5": False}
# Answers that meet rule S1 (imminent risk), in bank order, ending with the one that does.
TRIGGERS: dict[str, dict[str, Value]] = {
    "cssrs_4": {"cssrs_1": True, "cssrs_2": True, "cssrs_3": False, "cssrs_4": True},
    "cssrs_5": {
        "cssrs_1": True,
        "cssrs_2": True,
        "cssrs_3": True,
        "cssrs_4": False,
        "cssrs_5": True,
    },
    "cssrs_6_recent": {"cssrs_1": True, "cssrs_2": False, "cssrs_6": True, "cssrs_6_recent": True},
    "harm_others": {"harm_others": "plan_or_intent"},
}


# ---------------------------------------------------------------------------------------------
# Keystrokes
# ---------------------------------------------------------------------------------------------


def key_for(question: Question, value: Value, current: Value | None = None) -> str:
    """The keys answering one prompt; `current` is the answer shown when editing."""
    shown = current if current is not None else question.default
    if question.kind == "choice":
        codes = [choice.code for choice in question.choices]
        start = codes.index(shown) if shown is not None else 0  # type: ignore[arg-type]
        steps = codes.index(value) - start  # type: ignore[arg-type]
        assert steps >= 0, f"{question.id}: {value!r} is above the highlighted answer"
        return DOWN * steps + ENTER
    if question.kind == "yesno":
        return "y" if value else "n"
    prefilled = "" if shown is None else show_value(shown)
    return BACKSPACE * len(prefilled) + show_value(value) + ENTER


def answer_keys(
    bank: Bank,
    typed: Mapping[str, Value],
    *,
    given: Mapping[str, Value] | None = None,
    stop_after: str | None = None,
) -> str:
    """Keys answering, in bank order, each question the skip logic asks that `given` lacks."""
    so_far = dict(given or {})
    keys = []
    for question in bank.questions:
        if question.id in so_far or not question.asked(so_far):
            continue
        so_far[question.id] = typed[question.id]
        keys.append(key_for(question, typed[question.id]))
        if question.id == stop_after:
            break
    return "".join(keys)


def asked_ids(bank: Bank, typed: Mapping[str, Value]) -> list[str]:
    """The questions the skip logic asks for these answers, in bank order."""
    so_far: dict[str, Value] = {}
    for question in bank.questions:
        if question.asked(so_far):
            so_far[question.id] = typed[question.id]
    return list(so_far)


def up_to(typed: Mapping[str, Value], last: str) -> dict[str, Value]:
    ids = list(typed)
    return {qid: typed[qid] for qid in ids[: ids.index(last) + 1]}


def in_bank_order(bank: Bank, typed: Mapping[str, Value]) -> dict[str, Value]:
    """Typed answers reordered as the bank asks them, without answers the skip logic skips."""
    kept: dict[str, Value] = {}
    for question in bank.questions:
        if question.id in typed and question.asked(kept):
            kept[question.id] = typed[question.id]
    return kept


def with_safety(bank: Bank, safety: Mapping[str, Value]) -> dict[str, Value]:
    """The example answers with these safety answers instead of all no."""
    return in_bank_order(bank, example_answers(bank) | SAFETY_NO | dict(safety))


# ---------------------------------------------------------------------------------------------
# Running the wizard
# ---------------------------------------------------------------------------------------------


@dataclass
class Session:
    """One wizard.run: its exit code, the console text, and every prompt shown, in order."""

    code: int
    output: str
    asked: list[str] = field(default_factory=list)  # bank question ids
    prompts: list[str] = field(default_factory=list)  # every prompt's message
    positions: list[str] = field(default_factory=list)  # each bank question's position line
    screen: str = ""  # what the prompts drew, escape sequences taken out
    options: dict[str, list[str]] = field(default_factory=dict)  # select message -> labels

    @property
    def flat(self) -> str:
        return flat(self.output)


Drive = Callable[..., Session]


@pytest.fixture
def drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Drive]:
    """drive(bank, keys, **options) runs the interview in tmp_path with the keys typed ahead.

    Spies wrap (and still call) the real prompts to record what was shown. The pipe is closed
    after the keys, so a prompt the keys do not answer fails with EOFError instead of hanging.
    """
    monkeypatch.chdir(tmp_path)
    sessions: list[Session] = []
    real_question = prompts.ask_question
    real_choose, real_confirm, real_text = ask.Rich.choose, ask.Rich.confirm, ask.Rich.text

    def ask_question(
        to: Prompts, question: Question, position: Position, current: Value | None = None
    ) -> Value | Back:
        sessions[-1].asked.append(question.id)
        sessions[-1].positions.append(position.text)
        return real_question(to, question, position, current)

    def choose(self: ask.Rich, message: str, options: Any, *more: Any, **named: Any) -> Any:
        sessions[-1].prompts.append(message)
        sessions[-1].options[message] = [label for label, _ in options]
        return real_choose(self, message, options, *more, **named)

    def confirm(self: ask.Rich, message: str, *more: Any, **named: Any) -> Any:
        sessions[-1].prompts.append(message)
        return real_confirm(self, message, *more, **named)

    def text(self: ask.Rich, message: str, *more: Any, **named: Any) -> Any:
        sessions[-1].prompts.append(message)
        return real_text(self, message, *more, **named)

    monkeypatch.setattr(prompts, "ask_question", ask_question)
    for name, spy in [("choose", choose), ("confirm", confirm), ("text", text)]:
        monkeypatch.setattr(ask.Rich, name, spy)

    def run(bank: Bank, keys: str, **options: Any) -> Session:
        session = Session(code=-1, output="")
        sessions.append(session)
        out = io.StringIO()
        console = Console(file=out, width=80, no_color=True, force_terminal=False)
        settings = {"client_id": None, "resume": None, "export": None, "force": False} | options
        drawn = io.StringIO()  # what prompt_toolkit draws: the prompts, as on a terminal
        screen = Vt100_Output(drawn, lambda: Size(rows=40, columns=80), enable_cpr=False)
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=screen):
            pipe.send_text(keys)
            pipe.close()
            try:
                session.code = wizard.run(bank, console, **settings)
            finally:
                session.output = out.getvalue()
                session.screen = ESCAPES.sub("", drawn.getvalue())
        return session

    yield run


def flat(text: str) -> str:
    """Whitespace collapsed, so that text wrapped at 80 columns can be searched."""
    return " ".join(text.split())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def squeezed(text: str) -> str:
    """All whitespace removed: a long path wraps anywhere at 80 columns."""
    return "".join(text.split())


def interrupted_at_age(
    bank: Bank, drive: Drive, drafts_home: Path
) -> tuple[dict[str, Value], Path, str]:
    """Ctrl-C after the client id and age: the example answers, the draft kept, and the
    keys that answer the rest."""
    typed = example_answers(bank)
    drive(bank, answer_keys(bank, typed, stop_after="age") + CTRL_C)
    return typed, only_draft(drafts_home), answer_keys(bank, typed, given=up_to(typed, "age"))


def only_draft(folder: Path) -> Path:
    """The one draft in the drafts folder (named by client id and start time)."""
    drafts = sorted(folder.glob("*.draft.toml"))
    assert len(drafts) == 1, drafts
    return drafts[0]


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def scored(bank: Bank, typed: Mapping[str, Value]) -> Assessment:
    return assess(parse_answers(bank, dict(typed)))


def positions(text: str, *fragments: str) -> list[int]:
    """Where each fragment first occurs (after the previous one); fails if one is missing."""
    found, start = [], 0
    for fragment in fragments:
        at = text.find(fragment, start)
        assert at >= 0, f"{fragment!r} missing (or out of order) after offset {start}"
        found.append(at)
        start = at + len(fragment)
    return found


# ---------------------------------------------------------------------------------------------
# The whole interview
# ---------------------------------------------------------------------------------------------


def test_example_interview_recommends_op_and_exports_the_typed_answers(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    export = tmp_path / "x.toml"

    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE, export=Path("x.toml"))

    assert run.code == 0, run.output
    assert run.asked == list(typed)  # each question once, in bank order
    assert "Recommended level of care: Outpatient (OP) [op]" in run.output
    titles = [section.title for section in bank.sections]
    positions(run.output, *(f"Section {n} of 9: {t}" for n, t in enumerate(titles, 1)))
    phq9 = bank.instruments["phq9"]
    assert run.flat.count(f"{phq9.name}. {phq9.stem}") == 1
    assert f"Program: {bank.programs['op'].name}" in run.output
    assert "[ ]" in run.output
    assert flat(render.DISCLAIMER) in run.flat
    assert "Summary written: x.toml (mode 0600)" in run.flat
    assert mode(export) == 0o600
    document = load(export)
    assert document["answers"] == typed
    assert list(document["answers"]) == list(typed)
    assert document["recommendation"]["level"] == scored(bank, typed).level.code == "op"


def test_sections_are_announced_before_their_first_question(bank: Bank, drive: Drive) -> None:
    """The header, intro and instrument stem stay on the screen, in reading order; a
    question's help is shown above its prompt while it is asked, and not kept after."""
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    safety = next(s for s in bank.sections if s.id == "safety")
    cssrs, cssrs_1 = bank.instruments["cssrs"], bank.question("cssrs_1")
    positions(
        run.flat, "Section 2 of 9: Safety", flat(safety.intro), flat(f"{cssrs.name}. {cssrs.stem}")
    )
    assert squeezed(cssrs_1.help) not in squeezed(run.output)
    # Typed ahead, prompts are drawn only as answered; the one waiting (at the end of the
    # keys) is drawn whole: its help above it, its position and the hint under it.
    waiting = drive(bank, answer_keys(bank, typed, stop_after="sex_at_birth"))
    shown = squeezed(waiting.screen[waiting.screen.rindex("assigned at birth") :])
    hint = squeezed("Section 2 of 9 - question 1 of 4  Shift-Tab: previous question")
    positions(shown, squeezed(cssrs_1.help), squeezed(cssrs_1.prompt), hint)


def test_each_question_says_its_section_and_place_among_the_questions_reached(
    bank: Bank, drive: Drive
) -> None:
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.asked == list(typed)
    assert run.positions[:3] == [f"Section 1 of 9 - question {k} of 3" for k in (1, 2, 3)]
    assert run.positions[run.asked.index("phq9_9")] == "Section 3 of 9 - question 9 of 17"
    assert run.positions[-1] == "Section 9 of 9 - question 5 of 5"
    follow_ups = [
        (qid, p) for qid, p in zip(run.asked, run.positions, strict=True) if "follow-up" in p
    ]
    assert follow_ups == [("home_safe", "Section 7 of 9 - question 2 of 4 (+1 follow-up)")]


def test_an_answer_that_opens_follow_ups_says_so_at_the_next_question(
    bank: Bank, drive: Drive
) -> None:
    """cssrs_2 = yes opens cssrs_3-5, cssrs_6 = yes opens cssrs_6_recent: the count grows
    with the reason said once, so it never jumps unexplained."""
    typed = with_safety(bank, SAFETY_YES_NO_PLAN | {"cssrs_6": True, "cssrs_6_recent": False})
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    safety = {qid: run.positions[run.asked.index(qid)] for qid in typed if qid.startswith("cssrs")}
    assert safety == {
        "cssrs_1": "Section 2 of 9 - question 1 of 4",
        "cssrs_2": "Section 2 of 9 - question 2 of 4",
        "cssrs_3": "Section 2 of 9 - question 3 of 7 (+3 follow-ups)",
        "cssrs_4": "Section 2 of 9 - question 4 of 7",
        "cssrs_5": "Section 2 of 9 - question 5 of 7",
        "cssrs_6": "Section 2 of 9 - question 6 of 7",
        "cssrs_6_recent": "Section 2 of 9 - question 7 of 8 (+1 follow-up)",
    }
    assert run.positions[run.asked.index("harm_others")] == "Section 2 of 9 - question 8 of 8"


# ---------------------------------------------------------------------------------------------
# Skip logic
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ideation", "follow_ups_asked"), [(False, False), (True, True)])
def test_cssrs_3_to_5_are_asked_only_after_active_ideation(
    bank: Bank, drive: Drive, ideation: bool, follow_ups_asked: bool
) -> None:
    safety = {"cssrs_2": ideation} | (
        {"cssrs_3": False, "cssrs_4": False, "cssrs_5": False} if ideation else {}
    )
    typed = with_safety(bank, safety)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    assert run.asked == asked_ids(bank, typed)
    for qid in ("cssrs_3", "cssrs_4", "cssrs_5"):
        assert (qid in run.asked) is follow_ups_asked
        prompt = bank.question(qid).prompt
        assert any(p.endswith(prompt) for p in run.prompts) is follow_ups_asked


def test_homeless_caller_is_not_asked_about_home_safety(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = in_bank_order(bank, example_answers(bank) | {"housing": "homeless"})
    export = tmp_path / "x.toml"
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE, export=export)
    assert run.code == 0, run.output
    assert "home_safe" not in run.asked
    answers = load(export)["answers"]
    assert answers["housing"] == "homeless"
    assert "home_safe" not in answers
    assert answers == typed


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "refused", "accepted", "stored"),
    [
        ("age", "7", "40", 40),
        ("age", "11", "12", 12),
        ("age", "121", "120", 120),
        ("age", "forty", "40", 40),
        ("age", " ", "40", 40),
        ("client_id", "Jane Doe", "EX-0002", "EX-0002"),
    ],
)
def test_invalid_typed_answer_is_refused_and_the_prompt_stays(
    bank: Bank,
    drive: Drive,
    tmp_path: Path,
    qid: str,
    refused: str,
    accepted: str,
    stored: Value,
) -> None:
    typed = example_answers(bank) | {qid: stored}
    earlier = list(typed)[: list(typed).index(qid)]
    keys = answer_keys(bank, typed, stop_after=earlier[-1]) if earlier else ""
    keys += refused + ENTER + BACKSPACE * len(refused) + accepted + ENTER
    keys += answer_keys(bank, typed, given=up_to(typed, qid))

    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))

    assert run.code == 0, run.output
    assert run.asked.count(qid) == 1
    assert load(tmp_path / "x.toml")["answers"][qid] == stored


# ---------------------------------------------------------------------------------------------
# Review and edit
# ---------------------------------------------------------------------------------------------


def edit_keys(bank: Bank, typed: Mapping[str, Value], qid: str, value: Value) -> str:
    """At the review: pick `qid`'s section, then `qid` in it, and give it `value`."""
    question = bank.question(qid)
    section = [s.id for s in bank.sections].index(question.section) + 1  # below "Score now"
    answered = [q.id for q in bank.section_questions(question.section) if q.id in typed]
    at = answered.index(qid) + 1  # below "All of this section"
    return DOWN * section + ENTER + DOWN * at + ENTER + key_for(question, value, typed[qid])


def test_review_shows_answers_in_words_by_section_at_80_columns(bank: Bank, drive: Drive) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "client_id", "EX-0001")
    run = drive(bank, keys + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    sections = [f"Change section {n}: {s.title}" for n, s in enumerate(bank.sections, 1)]
    assert run.options["Review the answers"] == ["Score now", *sections]
    first, *listed, back = run.options["Change which answer?"]
    assert (first, back) == ("All of this section, question by question", "(back to the review)")
    identification = bank.section_questions("identification")
    assert listed == [f"{q.short_name()}: {q.label(typed[q.id])}" for q in identification]
    start = run.output.index("Answers")
    review = run.output[start : run.output.index("Section 1 of 9", start)]
    for q in bank.questions:  # each answer on one line, beside its short name, unfolded
        if q.id in typed:
            assert any(q.short in line and q.label(typed[q.id]) in line for line in
                       review.splitlines()), q.id  # fmt: skip
    for number, section in enumerate(bank.sections, 1):
        assert f"{number} {section.title}" in review
    housing, phq9_1 = bank.question("housing"), bank.question("phq9_1")
    assert re.search(rf"{re.escape(housing.short)}\s+{re.escape(housing.label('stable'))}", review)
    label = phq9_1.label(typed["phq9_1"])
    assert re.search(rf"{re.escape(phq9_1.short)}\s+{re.escape(label)}", review)
    assert "housing=stable" not in run.output and "phq9_1=" not in run.output  # no codes
    positions(review, f"1 {bank.sections[0].title}", "Client id", "Age", "2 Safety")


def review_of(run: Session) -> str:
    start = run.output.index("Answers")
    return run.output[start : run.output.index("Recommended level of care", start)]


def test_bank_text_in_the_review_is_shown_as_written_never_as_markup(
    edit_bank: EditBank, drive: Drive
) -> None:
    """A center's short name or label with rich markup in it: shown as typed, no crash."""
    label = "[link=http://evil.example]Stable[/link] [blink]housing"

    def change(data: dict[str, Any]) -> None:
        questions = {q["id"]: q for q in data["questions"]}
        questions["age"]["short"] = "Age [/]"
        questions["housing"]["choices"][0]["label"] = label

    hostile = load_bank(edit_bank("intake.toml", change))
    typed = example_answers(hostile)
    run = drive(hostile, answer_keys(hostile, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    review = review_of(run)
    assert re.search(r"Age \[/\]\s+34", review)
    assert label in flat(review)


def test_a_long_section_title_keeps_each_answer_on_its_line(
    edit_bank: EditBank, drive: Drive
) -> None:
    title = "Identification of the caller and of the referral, as the county form asks"

    def change(data: dict[str, Any]) -> None:
        data["sections"][0]["title"] = title

    long = load_bank(edit_bank("intake.toml", change))
    typed = example_answers(long)
    run = drive(long, answer_keys(long, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    lines = review_of(run).splitlines()
    assert any(re.fullmatch(r"\s*Client id\s+EX-0001\s*", line) for line in lines), lines[:8]


def test_shift_tab_at_a_follow_up_opened_at_the_review_goes_back_one_question(
    edit_bank: EditBank, drive: Drive, tmp_path: Path
) -> None:
    """A center's extra question after home_safe, asked when housing is not stable: opened
    by an edit at the review, Shift-Tab there goes back to home_safe, not nowhere."""

    def change(data: dict[str, Any]) -> None:
        at = next(n for n, q in enumerate(data["questions"]) if q["id"] == "home_safe") + 1
        data["questions"].insert(at, {
            "id": "moving_soon", "section": "home_support", "kind": "yesno",
            "prompt": "Moving in the next month?",
            "when": [{"question": "housing", "op": "ne", "value": "stable"}],
        })  # fmt: skip

    center = load_bank(edit_bank("intake.toml", change))
    typed = example_answers(center)
    keys = answer_keys(center, typed) + edit_keys(center, typed, "housing", "unstable")
    keys += SHIFT_TAB + "y" + "n"  # at moving_soon: back to home_safe (yes), moving_soon no
    run = drive(center, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.asked[len(typed) :] == ["housing", "moving_soon", "home_safe", "moving_soon"]
    answers = load(tmp_path / "x.toml")["answers"]
    assert (answers["housing"], answers["home_safe"], answers["moving_soon"]) == (
        "unstable", True, False
    )  # fmt: skip


def test_changing_housing_to_homeless_drops_home_safe(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    assert typed["home_safe"] is True
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "housing", "homeless")

    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=export)

    assert run.code == 0, run.output
    assert run.asked == [*typed, "housing"]
    answers = load(export)["answers"]
    assert answers["housing"] == "homeless"
    assert "home_safe" not in answers
    expected = in_bank_order(bank, typed | {"housing": "homeless"})
    assert answers == expected
    assert load(export)["recommendation"]["level"] == scored(bank, expected).level.code


def test_changing_withdrawal_to_mild_asks_whether_it_is_complicated(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    assert "withdrawal_complicated" not in typed
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "withdrawal_now", "mild") + "n"

    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=export)

    assert run.code == 0, run.output
    assert run.asked == [*typed, "withdrawal_now", "withdrawal_complicated"]
    document = load(export)
    assert document["answers"]["withdrawal_now"] == "mild"
    assert document["answers"]["withdrawal_complicated"] is False
    expected = in_bank_order(
        bank, typed | {"withdrawal_now": "mild", "withdrawal_complicated": False}
    )
    assert document["answers"] == expected
    assert document["recommendation"]["withdrawal_management"] == "ambulatory"


def test_changing_a_typed_answer_starts_from_the_current_one(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    """The edit prompt is prefilled with the answer given: backspaces clear it."""
    typed = example_answers(bank)
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "age", 61)
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=export)
    assert run.code == 0, run.output
    assert load(export)["answers"]["age"] == 61


# ---------------------------------------------------------------------------------------------
# Going back (Shift-Tab) and the prompts' line
# ---------------------------------------------------------------------------------------------


def back_to(bank: Bank, typed: Mapping[str, Value], qid: str, value: Value) -> str:
    """The keys answering `qid` again, asked with its answer in `typed` offered."""
    return key_for(bank.question(qid), value, typed[qid])


def test_shift_tab_goes_back_to_the_previous_question_and_on_from_there(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed, stop_after="age") + SHIFT_TAB + back_to(bank, typed, "age", 61)
    keys += answer_keys(bank, typed, given=up_to(typed, "age"))
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.asked[:5] == ["client_id", "age", "sex_at_birth", "age", "sex_at_birth"]
    assert run.asked[5:] == list(typed)[3:]  # then on, each question once
    assert load(tmp_path / "x.toml")["answers"] == typed | {"age": 61}
    # the hint under a waiting prompt (the last one: typed ahead, the others are not drawn)
    waiting = drive(bank, answer_keys(bank, typed, stop_after="client_id"))
    assert "Section 1 of 9 - question 2 of 3  Shift-Tab: previous question" in waiting.screen
    first = drive(bank, "")
    assert "Section 1 of 9 - question 1 of 3" in first.screen
    assert "Shift-Tab" not in first.screen  # nothing before the first question


def test_going_back_across_a_section_announces_the_earlier_section_again(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed, stop_after="sex_at_birth") + SHIFT_TAB
    keys += back_to(bank, typed, "sex_at_birth", "male")
    keys += answer_keys(bank, typed, given=up_to(typed, "sex_at_birth"))
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.asked[2:6] == ["sex_at_birth", "cssrs_1", "sex_at_birth", "cssrs_1"]
    positions(run.output, "Section 1 of 9", "Section 2 of 9", "Section 1 of 9", "Section 2 of 9")
    assert load(tmp_path / "x.toml")["answers"]["sex_at_birth"] == "male"


def test_shift_tab_at_the_first_question_stays_there_and_says_why(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    run = drive(
        bank, SHIFT_TAB + answer_keys(bank, typed) + SCORE + NO_OVERRIDE, export=Path("x.toml")
    )
    assert run.code == 0, run.output
    assert run.asked == list(typed)  # the first question was not left, nor asked twice
    # what it says there ("This is the first question") is checked in a real terminal, in
    # test_interview_e2e: typed ahead through a pipe, the prompt is not drawn again
    assert load(tmp_path / "x.toml")["answers"] == typed


def test_going_back_to_a_changed_skip_condition_drops_the_follow_ups(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    """At cssrs_6, back four questions to cssrs_2 and answer no: cssrs_3-5 are no longer
    asked, their answers dropped, and the count says so."""
    typed = with_safety(bank, SAFETY_YES_NO_PLAN)
    keys = answer_keys(bank, typed, stop_after="cssrs_5") + SHIFT_TAB * 4 + "n"
    changed = with_safety(bank, {"cssrs_2": False})
    keys += answer_keys(bank, changed, given=up_to(changed, "cssrs_2"))
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    walked = ["cssrs_6", "cssrs_5", "cssrs_4", "cssrs_3", "cssrs_2", "cssrs_6"]
    at = run.asked.index("cssrs_6")
    assert run.asked[at : at + 6] == walked
    assert (
        run.positions[at + 5] == "Section 2 of 9 - question 3 of 4 (3 follow-ups no longer asked)"
    )
    answers = load(tmp_path / "x.toml")["answers"]
    assert answers == changed
    assert not {"cssrs_3", "cssrs_4", "cssrs_5"} & answers.keys()


def test_going_back_to_open_a_follow_up_asks_it_then_goes_on(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = with_safety(bank, {})  # cssrs_6 no: cssrs_6_recent not asked
    keys = answer_keys(bank, typed, stop_after="cssrs_6") + SHIFT_TAB + "y" + "n"
    changed = with_safety(bank, {"cssrs_6": True, "cssrs_6_recent": False})
    keys += answer_keys(bank, changed, given=up_to(changed, "cssrs_6_recent"))
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    at = run.asked.index("harm_others")
    assert run.asked[at : at + 4] == ["harm_others", "cssrs_6", "cssrs_6_recent", "harm_others"]
    assert run.positions[at + 2] == "Section 2 of 9 - question 4 of 5 (+1 follow-up)"
    assert load(tmp_path / "x.toml")["answers"] == changed


def test_the_draft_follows_an_answer_changed_by_going_back(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    typed = with_safety(bank, SAFETY_YES_NO_PLAN)
    keys = answer_keys(bank, typed, stop_after="cssrs_5") + SHIFT_TAB * 4 + "n"
    run = drive(bank, keys + CTRL_C)  # at cssrs_6, asked again
    assert run.code == 130
    assert load(only_draft(drafts_home))["answers"] == up_to(typed, "cssrs_2") | {"cssrs_2": False}


def test_going_back_into_and_out_of_imminent_risk_shows_the_banner_each_time(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    """cssrs_4 yes meets S1 (banner); back to it, no (S1 no longer met); back to it again,
    yes: S1 met again, the banner again."""
    typed = with_safety(bank, TRIGGERS["cssrs_4"] | {"cssrs_5": False})
    keys = answer_keys(bank, typed, stop_after="cssrs_4") + CONTINUE
    keys += SHIFT_TAB + "n" + "n"  # at cssrs_5: back to cssrs_4, no; cssrs_5 no
    keys += SHIFT_TAB * 2 + "y" + CONTINUE + "n"  # at cssrs_6: back to cssrs_4, yes; cssrs_5
    keys += answer_keys(bank, typed, given=up_to(typed, "cssrs_4") | {"cssrs_5": False})
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.prompts.count(CRISIS_PROMPT) == 2
    assert run.output.count("EMERGENCY: imminent risk") == 4  # twice mid-interview, result x2
    document = load(tmp_path / "x.toml")
    assert document["answers"] == typed
    assert document["recommendation"]["level"] == "inpatient"


def test_enter_on_a_yes_no_without_default_says_answer_y_or_n_in_place(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed, stop_after="sex_at_birth") + ENTER + ENTER
    keys += answer_keys(bank, typed, given=up_to(typed, "sex_at_birth"))
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.asked == list(typed)
    assert run.prompts.count(bank.question("cssrs_1").prompt) == 1  # never asked again
    # Typed ahead, a prompt is drawn again only when it waits: Enter last, then it says so
    waiting = drive(bank, answer_keys(bank, typed, stop_after="sex_at_birth") + ENTER)
    assert ask.YES_OR_NO in waiting.screen
    assert load(tmp_path / "x.toml")["answers"]["cssrs_1"] is False


def test_the_line_under_a_prompt_with_follow_ups_fits_one_line_at_80_columns(
    bank: Bank, drive: Drive
) -> None:
    typed = with_safety(bank, SAFETY_YES_NO_PLAN)
    waiting = drive(bank, answer_keys(bank, typed, stop_after="cssrs_2"))  # at cssrs_3
    line = " Section 2 of 9 - question 3 of 7 (+3 follow-ups)  Shift-Tab: previous question"
    assert len(line) < 80
    assert line in waiting.screen.splitlines() or line + "\r" in waiting.screen.splitlines()


def test_a_help_keeps_its_own_line_breaks_above_the_prompt(
    edit_bank: EditBank, drive: Drive
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["questions"][0]["help"] = "Ask for:\n1. the record number\n2. nothing else"

    steps = load_bank(edit_bank("intake.toml", change))
    waiting = drive(steps, "")  # at the first question
    lines = [line.rstrip("\r") for line in waiting.screen.splitlines()]
    at = lines.index("Ask for:")
    assert lines[at : at + 3] == ["Ask for:", "1. the record number", "2. nothing else"]


def test_changing_a_whole_section_at_the_review_walks_it_with_the_answers_offered(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = with_safety(bank, {})
    safety = [q.id for q in bank.section_questions("safety") if q.id in typed]
    keys = answer_keys(bank, typed) + DOWN * 2 + ENTER + ENTER  # section 2, all of it
    keys += "n" + "y" + "n" + "n" + "n" + "n" + ENTER  # cssrs_2 now yes: 3-5 asked
    run = drive(bank, keys + SCORE + NO_OVERRIDE, export=Path("x.toml"))
    assert run.code == 0, run.output
    assert run.asked[len(typed) :] == ["cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5",
                                       "cssrs_6", "harm_others"]  # fmt: skip
    assert safety == ["cssrs_1", "cssrs_2", "cssrs_6", "harm_others"]
    assert load(tmp_path / "x.toml")["answers"] == with_safety(bank, SAFETY_YES_NO_PLAN)


# ---------------------------------------------------------------------------------------------
# Imminent risk
# ---------------------------------------------------------------------------------------------


BANNER_LINES = ("EMERGENCY", "Do not leave the person alone", "988", "911")


def test_crisis_banner_shows_the_moment_risk_is_imminent_then_leads_the_result(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = with_safety(bank, TRIGGERS["cssrs_4"] | {"cssrs_5": False})
    export = tmp_path / "x.toml"
    stop = answer_keys(bank, typed, stop_after="cssrs_4")
    rest = answer_keys(bank, typed, given=up_to(typed, "cssrs_4"))

    run = drive(bank, stop + CONTINUE + rest + SCORE + NO_OVERRIDE, export=export)

    assert run.code == 0, run.output
    assert run.options[CRISIS_PROMPT] == ["Continue the interview", "Go straight to the result"]
    # Right after the cssrs_4 answer: before cssrs_5 and the PHQ-9 are asked.
    assert (
        run.prompts.index(CRISIS_PROMPT)
        == run.prompts.index(
            next(p for p in run.prompts if p.endswith(bank.question("cssrs_4").prompt))
        )
        + 1
    )
    phq9 = bank.instruments["phq9"]
    positions(run.flat, *BANNER_LINES, "Section 3 of 9", flat(phq9.stem))
    # Shown once mid-interview, then leading and closing the result.
    assert run.output.count("EMERGENCY: imminent risk") == 3
    result = run.output[run.output.index("Section 9 of 9") :]
    positions(result, "EMERGENCY: imminent risk", *BANNER_LINES[1:], "Recommended level of care")
    assert "Recommended level of care: Inpatient / emergency care [inpatient]" in result
    recommendation = load(export)["recommendation"]
    assert recommendation["level"] == "inpatient"
    assert recommendation["emergency"] is True
    assert "S1" in recommendation["rules"]


def test_crisis_prompt_is_offered_only_once(bank: Bank, drive: Drive) -> None:
    """cssrs_4 and then cssrs_5 and harm_others all meet S1: one banner mid-interview."""
    typed = with_safety(
        bank, TRIGGERS["cssrs_4"] | {"cssrs_5": True, "harm_others": "plan_or_intent"}
    )
    stop = answer_keys(bank, typed, stop_after="cssrs_4")
    rest = answer_keys(bank, typed, given=up_to(typed, "cssrs_4"))
    run = drive(bank, stop + CONTINUE + rest + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    assert run.prompts.count(CRISIS_PROMPT) == 1
    assert run.output.count("EMERGENCY: imminent risk") == 3  # mid-interview, result x2


def test_no_crisis_banner_without_imminent_risk(bank: Bank, drive: Drive) -> None:
    """Passive ideation, a past attempt and thoughts of harming others are not S1."""
    typed = with_safety(
        bank,
        {"cssrs_1": True, "cssrs_2": False, "cssrs_6": True, "cssrs_6_recent": False}
        | {"harm_others": "thoughts"},
    )
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    assert CRISIS_PROMPT not in run.prompts
    assert "EMERGENCY" not in run.output
    assert scored(bank, typed).emergency is False


@pytest.mark.parametrize("trigger", list(TRIGGERS))
def test_going_straight_to_the_result_gives_inpatient_and_keeps_a_draft(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path, trigger: str
) -> None:
    typed = with_safety(bank, TRIGGERS[trigger])
    given = up_to(typed, trigger)

    keys = answer_keys(bank, typed, stop_after=trigger) + STRAIGHT_TO_RESULT + NO_EXPORT
    run = drive(bank, keys)

    assert run.code == 0, run.output
    assert run.asked == list(given)
    assert run.prompts[-2:] == [CRISIS_PROMPT, EARLY_EXPORT]  # no review or override
    positions(
        run.flat,
        "EMERGENCY: imminent risk",
        "Do not leave the person alone",
        "INCOMPLETE:",
        "Recommended level of care: Inpatient / emergency care [inpatient]",
        f"S1 imminent-risk: {trigger} = {show_value(typed[trigger])}"
        if trigger == "harm_others"
        else f"S1 imminent-risk: C-SSRS risk high ({trigger} = yes)",
        f"Program: {bank.programs['inpatient'].name}",
        "Not answered yet",
        flat(render.DISCLAIMER),
    )
    # The banner is printed three times: mid-interview, leading and closing the early result.
    assert run.output.count("EMERGENCY: imminent risk") == 3
    draft = only_draft(drafts_home)
    assert squeezed(f"Draft saved: {draft}") in squeezed(run.output)
    assert mode(draft) == 0o600
    assert load(draft)["answers"] == given
    assert load(draft)["meta"]["state"] == "emergency"
    assert list(tmp_path.iterdir()) == []  # nothing in the current folder


def test_ctrl_c_at_the_early_export_offer_keeps_the_draft(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = with_safety(bank, TRIGGERS["harm_others"])
    keys = answer_keys(bank, typed, stop_after="harm_others") + STRAIGHT_TO_RESULT + CTRL_C
    run = drive(bank, keys)
    assert run.code == 130, run.output
    assert run.prompts[-1] == EARLY_EXPORT
    draft = only_draft(drafts_home)
    assert load(draft)["answers"] == up_to(typed, "harm_others")
    assert load(draft)["meta"]["state"] == "interrupted"
    assert list(tmp_path.iterdir()) == []  # no half-written record


def test_the_emergency_so_far_is_exported_as_an_incomplete_record_and_resume_finishes_it(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    """Intent (cssrs_4) after active ideation: banner, straight to the result, export; the
    record is incomplete, the draft stays, and --resume of the record finishes the intake
    beside it."""
    typed = with_safety(bank, TRIGGERS["cssrs_4"] | {"cssrs_5": False})
    given = up_to(typed, "cssrs_4")
    keys = answer_keys(bank, typed, stop_after="cssrs_4") + STRAIGHT_TO_RESULT + "y" + ENTER
    early = drive(bank, keys)
    assert early.code == 0, early.output
    record = tmp_path / "EX-0001.incomplete.toml"
    assert squeezed(f"Summary written: {record.name}") in squeezed(early.output)
    assert mode(record) == 0o600
    stored = load(record)
    assert stored["meta"]["complete"] is False
    assert stored["meta"]["not_answered"][:2] == ["cssrs_5", "cssrs_6"]
    assert "cssrs_6_recent" not in stored["meta"]["not_answered"]  # asked only if cssrs_6 = yes
    assert stored["meta"]["assessed"].tzinfo is not None
    assert stored["answers"] == given
    assert stored["recommendation"]["level"] == "inpatient"
    assert stored["recommendation"]["emergency"] is True
    assert stored["recommendation"]["rules"] == ["S1"]
    assert stored["scores"] == {"cssrs_risk": "high"} and stored["ratings"] == {"R": 5}
    draft = only_draft(drafts_home)
    assert load(draft)["meta"]["state"] == "emergency"  # kept until the intake is finished

    rest = answer_keys(bank, typed, given=given)
    finished = drive(bank, CONTINUE + rest + SCORE + NO_OVERRIDE + "y" + ENTER, resume=record)
    assert finished.code == 0, finished.output
    assert "continuing its draft" in finished.flat
    assert finished.asked == [qid for qid in typed if qid not in given]
    complete = load(tmp_path / "EX-0001.toml")
    assert complete["meta"]["complete"] is True and complete["answers"] == typed
    assert load(record) == stored  # never written over
    assert not draft.exists()  # the interview is finished: its draft goes


def test_going_straight_to_the_result_after_an_edit_at_the_review(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "cssrs_2", True)
    keys += "n" + "y"  # cssrs_3 no, cssrs_4 yes: imminent risk
    run = drive(bank, keys + STRAIGHT_TO_RESULT + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    assert CRISIS_PROMPT in run.prompts
    assert "problem(s) in the answers" not in run.output
    assert "Recommended level of care: Inpatient / emergency care [inpatient]" in run.output


def test_straight_to_the_result_with_every_answer_given_is_a_complete_record(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    """harm_others changed at the review has no follow-up: nothing is left to ask."""
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "harm_others", "plan_or_intent")
    run = drive(bank, keys + STRAIGHT_TO_RESULT + "y" + ENTER)
    assert run.code == 0, run.output
    assert "INCOMPLETE" not in run.output
    stored = load(tmp_path / "EX-0001.toml")  # the finished intake's own name
    assert stored["meta"]["complete"] is True and "not_answered" not in stored["meta"]
    assert stored["recommendation"]["level"] == "inpatient"
    assert stored["recommendation"]["emergency"] is True


def test_an_early_stop_with_export_writes_the_incomplete_record_beside_that_name(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = with_safety(bank, TRIGGERS["harm_others"])
    keys = answer_keys(bank, typed, stop_after="harm_others") + STRAIGHT_TO_RESULT
    run = drive(bank, keys, export=tmp_path / "out.toml")
    assert run.code == 0, run.output
    assert not (tmp_path / "out.toml").exists()  # kept for the finished intake
    assert load(tmp_path / "out.incomplete.toml")["meta"]["complete"] is False


def test_resuming_a_record_whose_answers_meet_s1_shows_the_banner_first(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    """An EHR-style record: intent (cssrs_4) given without cssrs_2. The interview drops it
    (asked only after cssrs_2) and asks again, but the banner comes first."""
    record = tmp_path / "ehr.toml"
    answers = {"client_id": "EHR-1", "cssrs_4": True}
    record.write_text(tomli_w.dumps({"meta": {"complete": False}, "answers": answers}))
    run = drive(bank, "", resume=record)
    assert run.output.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    assert "cssrs_4: not asked given the other answers, dropped" in run.flat


# ---------------------------------------------------------------------------------------------
# Clinician override
# ---------------------------------------------------------------------------------------------


def override_keys(levels_offered: list[Level], level: Level, reason: str, note: str) -> str:
    reasons = list(OVERRIDE_REASONS)
    return (
        "y"
        + DOWN * levels_offered.index(level)
        + ENTER
        + DOWN * reasons.index(reason)
        + ENTER
        + note
        + ENTER
        + "JD"
        + ENTER
    )


def test_override_is_kept_beside_an_unchanged_recommendation(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    answers = parse_answers(bank, typed)
    a = assess(answers)
    offered = [level for level in Level if level != a.level]
    note = "Seen by the psychiatrist today"
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed) + SCORE
    keys += override_keys(offered, Level.PHP, "provider_judgment", note)

    run = drive(bank, keys, export=export)

    assert run.code == 0, run.output
    assert run.options["Override level"] == [
        *(f"{level.title} [{level.code}]" for level in offered),
        "(cancel: no override)",
    ]
    assert run.options["Reason"] == list(OVERRIDE_REASONS.values())
    assert (
        f"Clinician override: Partial hospitalization (PHP) [php], Provider judgment: {note}"
        in run.flat
    )
    document = load(export)
    assert document["override"] == {
        "level": "php",
        "reason": "provider_judgment",
        "note": note,
        "by": "JD",
        "reason_text": "Provider judgment",
    }
    unchanged = toml_summary.document(build_record(bank, answers, a))["recommendation"]
    assert document["recommendation"] == unchanged
    assert document["recommendation"]["level"] == "op"
    assert document["checklist"]["level"] == "php"
    assert document["program"]["name"] == bank.programs["php"].name


def test_override_reason_other_requires_a_note(bank: Bank, drive: Drive, tmp_path: Path) -> None:
    typed = example_answers(bank)
    a = assess(parse_answers(bank, typed))
    offered = [level for level in Level if level != a.level]
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed) + SCORE
    # an empty note is refused; the note typed next is kept
    keys += override_keys(offered, Level.IOP, "other", ENTER + "court date moved")

    run = drive(bank, keys, export=export)

    assert run.code == 0, run.output
    assert "Note (required for this reason)" in run.prompts
    document = load(export)
    assert document["override"]["reason"] == "other"
    # the empty Enter did not answer the note (else the note would be empty and by wrong)
    assert document["override"]["note"] == "court date moved"
    assert document["override"]["by"] == "JD"
    assert document["override"]["reason_text"] == "Other"


@pytest.mark.parametrize("confirmed", [False, True])
def test_overriding_an_emergency_to_a_lower_level_asks_again(
    bank: Bank, drive: Drive, tmp_path: Path, confirmed: bool
) -> None:
    typed = with_safety(bank, TRIGGERS["harm_others"])
    stop = answer_keys(bank, typed, stop_after="harm_others")
    rest = answer_keys(bank, typed, given=up_to(typed, "harm_others"))
    export = tmp_path / "x.toml"
    keys = stop + CONTINUE + rest + SCORE + "y" + ENTER + ("y" if confirmed else "n")
    if confirmed:
        keys += ENTER + "" + ENTER + "" + ENTER  # first reason, no note, no initials

    run = drive(bank, keys, export=export)

    assert run.code == 0, run.output
    warning = (
        "The recommendation is an EMERGENCY disposition (inpatient). Record the lower level op "
        "anyway?"
    )
    assert warning in run.prompts
    assert run.options["Override level"][0] == "Outpatient (OP) [op]"
    document = load(export)
    assert document["recommendation"]["level"] == "inpatient"
    assert document["recommendation"]["emergency"] is True
    if confirmed:
        assert document["override"] == {
            "level": "op",
            "reason": "service_not_available",
            "reason_text": "Service not available",
        }
        assert document["checklist"]["level"] == "op"
    else:
        assert "override" not in document
        assert "Clinician override" not in run.output
        assert "Reason" not in run.prompts
        assert document["checklist"]["level"] == "inpatient"


# ---------------------------------------------------------------------------------------------
# Exporting
# ---------------------------------------------------------------------------------------------


def test_export_offer_writes_the_client_id_file_by_default(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + "y" + ENTER)
    assert run.code == 0, run.output
    assert "Export a TOML summary of this intake?" in run.prompts
    written = tmp_path / "EX-0001.toml"
    assert mode(written) == 0o600
    assert load(written)["answers"] == typed


def test_declining_the_export_offer_writes_nothing(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT)
    assert run.code == 0, run.output
    assert list(tmp_path.iterdir()) == []
    assert "Summary written" not in run.output


def test_report_is_written_beside_the_export_and_the_draft_goes(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + SCORE + NO_OVERRIDE
    run = drive(bank, keys, export=tmp_path / "s.toml", report=tmp_path / "note.txt")
    assert run.code == 0, run.output
    note = (tmp_path / "note.txt").read_text(encoding="utf-8")
    assert note.startswith("Level-of-care intake note") and "Outpatient (OP) (op)" in note
    assert mode(tmp_path / "note.txt") == 0o600 and load(tmp_path / "s.toml")["answers"] == typed
    assert "Report written" in run.output
    assert not list(drafts_home.rglob("*.draft.toml"))


def test_the_fhir_bundle_is_written_at_the_end(bank: Bank, drive: Drive, tmp_path: Path) -> None:
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE + NO_EXPORT,
                fhir=tmp_path / "b.json")  # fmt: skip
    assert run.code == 0, run.output
    found = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    response = found["entry"][0]["resource"]
    assert response["status"] == "completed" and "FHIR bundle written" in run.output
    answered = [i["linkId"] for g in response["item"] for i in g["item"]]
    assert answered == list(typed)


def test_a_report_that_cannot_be_written_keeps_the_draft_and_exits_1(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + SCORE + NO_OVERRIDE
    run = drive(bank, keys, export=tmp_path / "s.toml", report=Path("/proc/r.html"))
    assert run.code == 1, run.output
    assert load(tmp_path / "s.toml")["answers"] == typed  # the other output is written
    assert "Report not written" in run.output
    draft = only_draft(drafts_home)
    assert load(draft)["answers"] == typed and load(draft)["meta"]["state"] == "export_failed"


def test_the_emergency_stopped_early_gets_its_report_too(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = with_safety(bank, TRIGGERS["harm_others"])
    keys = answer_keys(bank, typed, stop_after="harm_others") + STRAIGHT_TO_RESULT + NO_EXPORT
    run = drive(bank, keys, report=tmp_path / "early.html")
    assert run.code == 0, run.output
    assert not (tmp_path / "early.html").exists()  # kept for the finished intake's report
    page = (tmp_path / "early.incomplete.html").read_text(encoding="utf-8")
    assert "EMERGENCY: imminent risk" in page and "incomplete" in page


@pytest.mark.parametrize(("replace", "force"), [("n", False), ("y", False), ("", True)])
def test_existing_export_is_replaced_only_when_confirmed_or_forced(
    bank: Bank, drive: Drive, tmp_path: Path, replace: str, force: bool
) -> None:
    typed = example_answers(bank)
    export = tmp_path / "x.toml"
    export.write_text("kept = true\n", encoding="utf-8")
    keys = answer_keys(bank, typed) + SCORE + NO_OVERRIDE + replace
    if replace == "n":
        keys += "n"  # "Export to another file?"
    run = drive(bank, keys, export=export, force=force)
    assert run.code == 0, run.output
    asked_to_replace = f"{export} exists. Replace it?" in run.prompts
    assert asked_to_replace is not force
    if replace == "n":
        assert export.read_text(encoding="utf-8") == "kept = true\n"
        assert "Not exported." in run.output
    else:
        assert load(export)["answers"] == typed
        assert mode(export) == 0o600


def test_failed_export_offers_another_file_and_keeps_a_draft(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + SCORE + NO_OVERRIDE + "n"  # no other file
    run = drive(bank, keys, export=Path("gone/x.toml"))
    assert run.code == 1, run.output  # the summary asked for was not written
    assert "Not exported: cannot write in" in run.flat
    assert "gone: No such file or directory" in run.flat
    assert "Export to another file?" in run.prompts
    draft = only_draft(drafts_home)
    assert load(draft)["answers"] == typed
    assert load(draft)["meta"]["state"] == "export_failed"


def test_failed_export_can_go_to_another_file(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + SCORE + NO_OVERRIDE + "y" + "\x7f" * 20 + "saved.toml\r"
    run = drive(bank, keys, export=Path("gone/x.toml"))
    assert run.code == 0, run.output
    assert load(tmp_path / "saved.toml")["answers"] == typed
    assert not list(drafts_home.glob("*.draft.toml"))  # removed once the summary was written


# ---------------------------------------------------------------------------------------------
# Ctrl-C, drafts and --resume
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "last_answered",
    [
        "client_id",  # interrupted at an integer prompt
        "cssrs_1",  # at a yes/no
        "gad7_3",  # at a choice, mid-instrument
        "referral",  # at the review
    ],
)
def test_ctrl_c_saves_a_draft_that_resume_completes(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path, last_answered: str
) -> None:
    typed = example_answers(bank)
    given = up_to(typed, last_answered)

    stopped = drive(bank, answer_keys(bank, typed, stop_after=last_answered) + CTRL_C)

    assert stopped.code == wizard.INTERRUPTED == 130
    draft = only_draft(drafts_home)
    assert re.fullmatch(r"EX-0001-\d{8}-\d{6}\.draft\.toml", draft.name)
    assert mode(draft) == 0o600
    assert load(draft)["answers"] == given
    assert load(draft)["meta"]["state"] == "interrupted"
    assert squeezed(f"Continue with: triage interview --resume {draft}") in squeezed(stopped.output)

    rest = answer_keys(bank, typed, given=given)
    resumed = drive(bank, rest + SCORE + NO_OVERRIDE, resume=draft, export=Path("resumed.toml"))
    assert resumed.code == 0, resumed.output
    assert squeezed(f"Resuming {draft}: {len(given)} answers kept.") in squeezed(resumed.output)
    assert resumed.asked == [qid for qid in typed if qid not in given]
    assert not draft.exists()
    assert squeezed(f"Draft {draft} removed: the summary is in") in squeezed(resumed.output)

    whole = drive(
        bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE, export=tmp_path / "whole.toml"
    )
    assert whole.code == 0, whole.output
    after_resume, uninterrupted = load(tmp_path / "resumed.toml"), load(tmp_path / "whole.toml")
    for table in ("answers", "recommendation", "ratings", "scores"):
        assert after_resume[table] == uninterrupted[table], table
    assert after_resume["answers"] == typed


def test_a_resumed_draft_is_kept_when_the_summary_is_not_exported(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    typed, draft, rest = interrupted_at_age(bank, drive, drafts_home)
    run = drive(bank, rest + SCORE + NO_OVERRIDE + NO_EXPORT, resume=draft)
    assert run.code == 0, run.output
    assert draft.exists()
    assert load(draft)["answers"] == typed
    assert load(draft)["meta"]["state"] == "not_exported"
    assert squeezed(f"Draft saved: {draft}") in squeezed(run.output)


def test_resuming_from_a_chart_summary_never_deletes_it(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank)
    chart = tmp_path / "chart.toml"
    drive(bank, answer_keys(bank, typed) + SCORE + NO_OVERRIDE, export=chart)
    before = chart.read_bytes()
    run = drive(bank, SCORE + NO_OVERRIDE, resume=chart, export=tmp_path / "again.toml")
    assert run.code == 0, run.output
    assert chart.read_bytes() == before
    assert load(tmp_path / "again.toml")["answers"] == typed


def test_an_edit_that_makes_risk_imminent_shows_the_banner_at_once(
    bank: Bank, drive: Drive
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed) + edit_keys(bank, typed, "harm_others", "plan_or_intent")
    run = drive(bank, keys + STRAIGHT_TO_RESULT + NO_EXPORT)
    assert run.code == 0, run.output
    assert CRISIS_PROMPT in run.prompts
    assert "S1 imminent-risk: harm_others = plan_or_intent" in run.flat


def test_second_interruption_updates_the_same_draft(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    first = up_to(typed, "age")
    drive(bank, answer_keys(bank, typed, stop_after="age") + CTRL_C)
    draft = only_draft(drafts_home)

    run = drive(
        bank,
        answer_keys(bank, typed, given=first, stop_after="cssrs_2") + CTRL_C,
        resume=draft,
    )

    assert run.code == 130
    assert only_draft(drafts_home) == draft
    assert load(draft)["answers"] == up_to(typed, "cssrs_2")


def test_drafts_go_in_a_private_per_user_folder_and_never_clobber(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    keys = answer_keys(bank, typed, stop_after="age") + CTRL_C
    folder = tmp_path / "charts"
    folder.mkdir()
    drive(bank, keys, export=folder / "x.toml")
    drive(bank, keys, export=folder / "x.toml")
    assert stat.S_IMODE(drafts_home.stat().st_mode) == 0o700
    drafts = sorted(drafts_home.glob("*.draft.toml"))
    assert len(drafts) == 2  # the same start second gets a "-2"
    for draft in drafts:
        assert re.fullmatch(r"EX-0001-\d{8}-\d{6}(-2)?\.draft\.toml", draft.name)
        assert load(draft)["answers"] == up_to(typed, "age")
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob("*.toml"))


def test_drafts_fall_back_to_the_current_folder(
    bank: Bank, drive: Drive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "state-file"
    blocked.write_text("", encoding="utf-8")  # a file where the folder should be
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    typed = example_answers(bank)
    run = drive(bank, answer_keys(bank, typed, stop_after="age") + CTRL_C)
    assert run.code == 130
    (draft,) = tmp_path.glob("EX-0001-*.draft.toml")
    assert load(draft)["answers"] == up_to(typed, "age")
    assert "no draft can be kept" not in run.output


def test_ctrl_c_at_the_first_prompt_writes_nothing(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    run = drive(bank, CTRL_C, export=tmp_path / "x.toml")
    assert run.code == 130
    assert run.asked == ["client_id"]
    assert "No answers yet: nothing saved." in run.output
    assert list(tmp_path.iterdir()) == []
    assert list(drafts_home.iterdir()) == []


def test_client_id_option_answers_the_first_question(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    typed = example_answers(bank) | {"client_id": "EX-0042"}
    export = tmp_path / "x.toml"
    keys = answer_keys(bank, typed, given={"client_id": "EX-0042"})
    run = drive(bank, keys + SCORE + NO_OVERRIDE, client_id="EX-0042", export=export)
    assert run.code == 0, run.output
    assert "client_id" not in run.asked
    assert load(export)["answers"]["client_id"] == "EX-0042"


def test_client_id_option_is_validated_like_the_question(bank: Bank, drive: Drive) -> None:
    with pytest.raises(InputError, match="--client-id"):
        drive(bank, "", client_id="Jane Doe")


def test_ctrl_d_at_a_text_prompt_keeps_the_answers_like_ctrl_c(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    run = drive(bank, "EX-0009" + ENTER + CTRL_D)
    assert run.code == 130
    assert load(only_draft(drafts_home))["answers"] == {"client_id": "EX-0009"}


# ---------------------------------------------------------------------------------------------
# Without a terminal
# ---------------------------------------------------------------------------------------------


def test_interview_without_a_terminal_refuses_and_points_to_batch_and_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["interview", "--export", "x.toml"], input="EX-0001\n")
    assert result.exit_code == 2, result.output
    assert "needs a terminal" in result.output
    assert "`triage batch" in result.output
    assert "`triage score" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_draft_text_that_looks_like_markup_is_shown_as_written(
    bank: Bank, drive: Drive, tmp_path: Path
) -> None:
    draft = tmp_path / "odd.toml"
    draft.write_text('[answers]\nclient_id = "EX-0001"\n"[/x]" = 1\n', encoding="utf-8")
    run = drive(bank, CTRL_C, resume=Path(draft.name))
    assert run.code == 130, run.output
    assert "[/x]: not a question of this bank, dropped" in run.output


def test_enter_alone_never_answers_a_safety_question(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    """The bank gives C-SSRS items no default: a stray Enter must not record "no"."""
    keys = "EX-0001" + ENTER + "40" + ENTER + ENTER + ENTER + ENTER + CTRL_C
    run = drive(bank, keys)
    assert run.code == 130
    answers = load(only_draft(drafts_home))["answers"]
    assert "cssrs_1" not in answers
    assert answers["sex_at_birth"] == "female"


# ---------------------------------------------------------------------------------------------
# The write-ahead draft: phases, the override, the same file
# ---------------------------------------------------------------------------------------------


def test_the_draft_is_saved_after_every_answer(
    bank: Bank, drive: Drive, drafts_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each answer is on disk before the next question is asked."""
    typed = example_answers(bank)
    seen: list[int] = []
    real = prompts.ask_question

    def spy(to: Prompts, question: Question, *position_current: Any) -> Value | Back:
        drafts = list(drafts_home.glob("*.draft.toml"))
        seen.append(len(load(drafts[0])["answers"]) if drafts else 0)
        return real(to, question, *position_current)

    monkeypatch.setattr(prompts, "ask_question", spy)
    drive(bank, answer_keys(bank, typed, stop_after="phq9_2") + CTRL_C)
    assert seen == list(range(len(up_to(typed, "phq9_2")) + 1))


def test_an_override_before_ctrl_c_is_kept_and_resume_lands_at_the_export(
    bank: Bank, drive: Drive, tmp_path: Path, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    a = assess(parse_answers(bank, typed))
    offered = [level for level in Level if level != a.level]
    keys = answer_keys(bank, typed) + SCORE
    keys += override_keys(offered, Level.IOP, "client_preference", "Evenings only")
    stopped = drive(bank, keys + CTRL_C)  # at "Export a TOML summary of this intake?"
    assert stopped.code == 130
    draft = only_draft(drafts_home)
    document = load(draft)
    assert document["meta"]["phase"] == "export"
    assert document["override"] == {
        "level": "iop",
        "reason": "client_preference",
        "note": "Evenings only",
        "by": "JD",
    }

    resumed = drive(bank, "y" + ENTER, resume=draft)  # export: yes, to the name offered
    assert resumed.code == 0, resumed.output
    assert "Record a clinician override of the level?" not in resumed.prompts
    assert "Review the answers" not in resumed.prompts
    summary = load(tmp_path / "EX-0001.toml")
    assert summary["override"]["level"] == "iop"
    assert summary["override"]["note"] == "Evenings only"
    assert summary["recommendation"]["level"] == a.level.code
    assert not draft.exists()


def test_ctrl_c_at_the_override_prompt_resumes_at_the_override(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    typed = example_answers(bank)
    drive(bank, answer_keys(bank, typed) + SCORE + CTRL_C)
    draft = only_draft(drafts_home)
    assert load(draft)["meta"]["phase"] == "override"
    resumed = drive(bank, NO_OVERRIDE + NO_EXPORT, resume=draft)
    assert resumed.code == 0, resumed.output
    assert "Review the answers" not in resumed.prompts
    assert resumed.prompts[0] == "Record a clinician override of the level?"


def test_exporting_onto_the_resumed_draft_itself_keeps_the_summary(
    bank: Bank, drive: Drive, drafts_home: Path
) -> None:
    """The same file under another spelling: written as the summary, then never deleted."""
    typed, draft, rest = interrupted_at_age(bank, drive, drafts_home)
    same = drafts_home / ".." / drafts_home.name / draft.name
    run = drive(bank, rest + SCORE + NO_OVERRIDE, resume=draft, export=same, force=True)
    assert run.code == 0, run.output
    assert draft.exists()
    document = load(draft)
    assert "kind" not in document["meta"]  # a summary now, not a draft
    assert document["answers"] == typed
    assert "removed" not in run.output
