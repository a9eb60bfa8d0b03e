"""The result screen at 80 columns: what it says and in which order, for an op, an iop with
ambulatory withdrawal management, and an emergency result; the adolescent note; plain output."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pytest
from rich.console import Console, RenderableType

from triage_cli import render
from triage_cli.answers import parse_answers
from triage_cli.answers.partial import parse_partial
from triage_cli.bank import Bank, Value
from triage_cli.batch.template import example_answers
from triage_cli.record.model import Record, build_record, checklist_for
from triage_cli.record.override import Override
from triage_cli.scoring import Assessment, assess
from triage_cli.scoring.partial import assessment_of

WIDTH = 80
HEADLINE = "Recommended level of care: "
CHECKLIST = "Insurance checklist (before the first session)"
SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR_CODES = {*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)}


def typed_case(bank: Bank, **changes: Value) -> dict[str, Value]:
    """The example answers (op) with some changed, in bank order, skip logic respected."""
    typed = example_answers(bank) | changes
    kept: dict[str, Value] = {}
    for question in bank.questions:
        if question.id in typed and question.asked(kept):
            kept[question.id] = typed[question.id]
    return kept


CASES = {
    "op": {},
    "iop_withdrawal": {"impair_work": 3, "withdrawal_now": "mild", "withdrawal_complicated": False},
    "emergency": {
        "cssrs_1": True,
        "cssrs_2": True,
        "cssrs_3": False,
        "cssrs_4": True,
        "cssrs_5": False,
    },
}


def scored(bank: Bank, case: str, **changes: Value) -> tuple[dict[str, Value], Assessment]:
    typed = typed_case(bank, **CASES[case], **changes)  # type: ignore[arg-type]
    return typed, assess(parse_answers(bank, typed))


def shown(renderable: RenderableType, **options: object) -> str:
    out = io.StringIO()
    Console(file=out, width=WIDTH, no_color=True, **options).print(renderable)  # type: ignore[arg-type]
    return out.getvalue()


def record_of(bank: Bank, answers: Mapping[str, Value], a: Assessment, **kw: object) -> Record:
    return build_record(bank, parse_answers(bank, answers), a, **kw)  # type: ignore[arg-type]


def result_screen(bank: Bank, answers: Mapping[str, Value], a: Assessment, **kw: object) -> str:
    return shown(render.result_view(record_of(bank, answers, a, **kw)))


def line_numbers(text: str, *fragments: str) -> list[int]:
    """The line each fragment is first found on, searching on from the previous fragment's
    line; fails if a fragment is missing or appears only out of order."""
    lines = text.splitlines()
    found, start = [], 0
    for fragment in fragments:
        at = next((n for n in range(start, len(lines)) if fragment in lines[n]), None)
        assert at is not None, f"{fragment!r} not found at or after line {start}:\n{text}"
        found.append(at)
        start = at
    return found


def flat(text: str) -> str:
    """Whitespace collapsed, so that text wrapped at 80 columns can be searched."""
    return " ".join(text.split())


def in_order(text: str, *fragments: str) -> None:
    start = 0
    for fragment in fragments:
        at = text.find(fragment, start)
        assert at >= 0, f"{fragment!r} not found after offset {start}:\n{text}"
        start = at + len(fragment)


# ---------------------------------------------------------------------------------------------
# The three result screens
# ---------------------------------------------------------------------------------------------


def test_op_result_reads_headline_reasons_ratings_scores_program_checklist_disclaimer(
    bank: Bank,
) -> None:
    answers, a = scored(bank, "op")
    assert a.level.code == "op"
    text = result_screen(bank, answers, a)
    lines = text.splitlines()
    assert lines[0] == "Recommended level of care: Outpatient (OP) [op]"
    line_numbers(
        text,
        "Recommended level of care: Outpatient (OP) [op]",
        "Why (rules that set the level)",
        "  - B1 composite-band: composite 13 (7-16: op)",
        "Ratings (1-5; composite 13 of 35)",
        "  R Risk of harm          #.... 1",
        "  F Functional status     ##... 2",
        "Screening scores",
        "  PHQ-9 (depression)  12/27  moderate",
        "  C-SSRS screener            risk none",
        "Flags for the clinician",
        "╭─ Program: Outpatient (OP) ",
        "│ Hours/week  1-3",
        CHECKLIST,
        "  [ ] ",
        "Decision support, not a diagnosis",
    )
    assert "EMERGENCY" not in text
    assert "Withdrawal:" not in text
    assert "Adolescent" not in text
    assert "Also considered" not in text
    assert flat(render.DISCLAIMER) in flat(text)
    items = [line for line in lines if line.startswith("  [ ] ")]
    expected = checklist_for(bank, "op", answers)
    assert len(items) == len(expected) > 0
    assert flat(text).count("[ ]") == len(expected)


def test_iop_with_mild_withdrawal_names_ambulatory_management_above_the_program(
    bank: Bank,
) -> None:
    answers, a = scored(bank, "iop_withdrawal")
    assert (a.level.code, a.withdrawal_management) == ("iop", "ambulatory")
    text = result_screen(bank, answers, a)
    headline, withdrawal, why, program = line_numbers(
        text,
        "Recommended level of care: Intensive outpatient (IOP) [iop]",
        "Withdrawal: Ambulatory withdrawal management (withdrawal_now = mild)",
        "Why (rules that set the level)",
        "Program: Intensive outpatient (IOP)",
    )
    assert headline == 0
    assert headline < withdrawal < why < program
    line_numbers(text, "  - F3 significant-impairment", "Also considered", "  - B1 composite-band")
    assert "C Co-morbidity          ###.. 3  withdrawal_now = mild" in text


def test_emergency_result_leads_with_the_crisis_banner(bank: Bank) -> None:
    answers, a = scored(bank, "emergency")
    assert a.emergency and a.level.code == "inpatient"
    text = result_screen(bank, answers, a)
    lines = text.splitlines()
    assert lines[0].startswith("┏━ EMERGENCY: imminent risk ━")
    banner = line_numbers(text, *render.CRISIS_LINES)
    assert banner == [1, 2, 3, 4]  # one line each, none wrapped
    assert lines[5].startswith("┗")
    (headline,) = line_numbers(
        text, "Recommended level of care: Inpatient / emergency care [inpatient]"
    )
    assert headline == 7
    line_numbers(
        text,
        "  - S1 imminent-risk: C-SSRS risk high (cssrs_4 = yes)",
        "  R Risk of harm          ##### 5",
        "  C-SSRS screener            risk high",
        "Program: Inpatient hospital care",
        CHECKLIST,
    )
    # once first, and once again last (issue 15: nothing shown before it can hide it)
    assert text.count("EMERGENCY") == 2
    assert lines[-6].startswith("┏━ EMERGENCY: imminent risk ━")
    assert lines[-1].startswith("┗")


def test_early_emergency_result_is_the_incomplete_record(bank: Bank) -> None:
    """The wizard's result when the coordinator goes straight to it at imminent risk."""
    so_far: dict[str, Value] = {
        "client_id": "EX-1",
        "age": 40,
        "sex_at_birth": "male",
        "harm_others": "plan_or_intent",
    }
    answers = parse_partial(bank, so_far)
    text = shown(render.result_view(build_record(bank, answers, assessment_of(answers))))
    lines = text.splitlines()
    assert lines[0].startswith("┏━ EMERGENCY: imminent risk ━")
    assert line_numbers(text, *render.CRISIS_LINES) == [1, 2, 3, 4]
    in_order(
        flat(text),
        "INCOMPLETE:",
        "not answered",
        "Recommended level of care: Inpatient / emergency care [inpatient]",
        "- S1 imminent-risk: harm_others = plan_or_intent",
        "R Risk of harm",
        "F Functional status not determined",
        "PHQ-9 (depression) not determined",
        "Program: Inpatient hospital care",
        CHECKLIST,
        "Not answered yet cssrs_1, cssrs_2, cssrs_6",
        flat(render.DISCLAIMER),
    )
    assert max(map(len, lines)) <= WIDTH


# ---------------------------------------------------------------------------------------------
# Plain output at 80 columns
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_result_fits_80_columns(bank: Bank, case: str) -> None:
    answers, a = scored(bank, case)
    text = result_screen(bank, answers, a)
    too_long = [line for line in text.splitlines() if len(line) > WIDTH]
    assert too_long == []
    assert "\x1b" not in text  # not a terminal: plain text, no escape sequences


@pytest.mark.parametrize("case", list(CASES))
def test_no_color_terminal_output_has_no_colour_codes(bank: Bank, case: str) -> None:
    """NO_COLOR on a terminal: bold and italic may stay, colour may not (not even the red
    banner border)."""
    answers, a = scored(bank, case)
    out = shown(
        render.result_view(record_of(bank, answers, a)),
        force_terminal=True,
        color_system="truecolor",
    )
    codes = [code for params in SGR.findall(out) for code in params.split(";") if code]
    assert codes, "expected some styling on a terminal"
    assert COLOUR_CODES.isdisjoint(int(code) for code in codes)
    assert {"38", "48"}.isdisjoint(codes)


def test_colour_terminal_output_has_colour_codes(bank: Bank) -> None:
    """The check above can fail: without no_color the same screen is coloured."""
    answers, a = scored(bank, "emergency")
    out = io.StringIO()
    Console(file=out, width=WIDTH, force_terminal=True, color_system="standard").print(
        render.result_view(record_of(bank, answers, a))
    )
    codes = {int(c) for params in SGR.findall(out.getvalue()) for c in params.split(";") if c}
    assert codes & COLOUR_CODES


# ---------------------------------------------------------------------------------------------
# Adolescents and overrides
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "note_shown"), [(12, True), (17, True), (18, False), (40, False)])
def test_adolescent_iop_note_heads_the_program_card_under_18(
    bank: Bank, age: int, note_shown: bool
) -> None:
    answers, a = scored(bank, "op", age=age, impair_work=3)
    assert a.level.code == "iop"
    note = bank.programs["iop"].adolescent_note
    assert note
    text = result_screen(bank, answers, a)
    assert (f"│ Adolescent  {note}" in text) is note_shown
    if note_shown:
        card, adolescent, hours = line_numbers(
            text, "Program: Intensive outpatient (IOP)", "Adolescent", "Hours/week"
        )
        assert adolescent == card + 1 and hours == card + 2


def test_override_line_follows_the_headline_and_the_card_is_the_chosen_level(bank: Bank) -> None:
    answers, a = scored(bank, "op")
    override = Override("php", "patient_preference", "Prefers days", "JD")
    text = result_screen(bank, answers, a, override=override)
    in_order(
        flat(text),
        "Recommended level of care: Outpatient (OP) [op]",
        "Clinician override: Partial hospitalization (PHP) [php], Patient preference: Prefers days",
        "Why (rules that set the level)",
        f"Program: {bank.programs['php'].name}",
        CHECKLIST,
    )
    assert f"Program: {bank.programs['op'].name}" not in text
    assert max(map(len, text.splitlines())) <= WIDTH
