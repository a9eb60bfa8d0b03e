"""The five summaries the report tests print: an op, an iop with withdrawal management, an
emergency, an overridden and an incomplete emergency summary (written as the tool writes
them), with the note a hostile hand might type into an override."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from test_incomplete import EMERGENCY_SO_FAR

from triage_cli.answers.partial import parse_partial
from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.formats import toml_summary
from triage_cli.record.model import build_record
from triage_cli.record.override import Override
from triage_cli.scoring.partial import assessment_of

BANK = load_bank()
ASSESSED = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
HOSTILE_NOTE = "<script>alert(1)</script> & \x1b[2J cleared?"
EXAMPLE = example_answers(BANK)
CASES: dict[str, tuple[dict[str, Value], Override | None]] = {
    "op": (EXAMPLE, None),
    "iop_withdrawal": (
        EXAMPLE | {"withdrawal_now": "mild", "withdrawal_complicated": False},
        None,
    ),
    "emergency": (EXAMPLE | {"harm_others": "plan_or_intent"}, None),
    "overridden": (
        EXAMPLE,
        Override("iop", "client_preference", HOSTILE_NOTE, "JD"),
    ),
    "incomplete_emergency": (EMERGENCY_SO_FAR, None),
}


def write_case(folder: Path, case: str) -> Path:
    values, override = CASES[case]
    answers = parse_partial(BANK, values)
    record = build_record(
        BANK, answers, assessment_of(answers), override=override, assessed=ASSESSED
    )
    return toml_summary.write(folder / f"{case}.toml", record)
