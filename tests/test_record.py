"""The Record decides once what every writer lays out: the level its program card and
checklist are for (the override's when there is one), the answers with their labels in bank
order, the adolescent note, the comparison with the same client's earlier summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_cli.answers import parse_answers
from triage_cli.answers.partial import parse_partial
from triage_cli.bank import Value, load_bank
from triage_cli.batch.template import example_answers
from triage_cli.errors import InputError
from triage_cli.formats import toml_summary
from triage_cli.record.model import build_record, checklist_for
from triage_cli.record.override import Override
from triage_cli.scoring import assess
from triage_cli.scoring.partial import assessment_of

from strategies import refill

BANK = load_bank()


def record_of(typed: dict[str, Value], **options: object):  # type: ignore[no-untyped-def]
    answers = parse_answers(BANK, typed)
    return build_record(BANK, answers, assess(answers), **options)  # type: ignore[arg-type]


def test_without_an_override_the_card_and_checklist_are_the_recommendations() -> None:
    record = record_of(example_answers(BANK))
    assert record.level == record.assessment.level.code == "op"
    assert record.program == BANK.programs["op"]
    assert record.checklist == checklist_for(BANK, "op", record.answers.values)
    assert "prior_auth" not in {item.id for item in record.checklist}


def test_an_override_moves_the_card_and_checklist_not_the_recommendation() -> None:
    record = record_of(example_answers(BANK), override=Override("iop", "client_preference"))
    assert record.assessment.level.code == "op"
    assert record.level == "iop"
    assert record.program == BANK.programs["iop"]
    assert "prior_auth" in {item.id for item in record.checklist}  # iop and above


def test_answers_are_labelled_in_bank_order() -> None:
    record = record_of(example_answers(BANK))
    assert [line.id for line in record.labelled] == [
        q.id for q in BANK.questions if q.id in record.answers
    ]
    housing = next(line for line in record.labelled if line.id == "housing")
    assert (housing.value, housing.section) == ("stable", "Home and support")
    assert housing.label == BANK.question("housing").label("stable") != "stable"
    cssrs = next(line for line in record.labelled if line.id == "cssrs_1")
    assert (cssrs.value, cssrs.label) == (False, "No")


@pytest.mark.parametrize(("age", "note"), [(16, True), (17, True), (18, False)])
def test_the_adolescent_note_is_for_clients_under_18(age: int, note: bool) -> None:
    record = record_of(refill(BANK, example_answers(BANK) | {"age": age}))
    assert record.adolescent_note == (record.program.adolescent_note if note else "")


def test_the_meta_names_model_and_bank() -> None:
    meta = record_of(example_answers(BANK)).meta
    assert (meta.model_version, meta.bank_version, meta.bank_sha256) == (
        "1.1",
        BANK.version,
        BANK.sha256,
    )
    assert meta.assessed is None


def test_the_comparison_rescores_the_earlier_answers(tmp_path: Path) -> None:
    earlier_typed = refill(BANK, example_answers(BANK) | {"impair_work": 3})
    path = toml_summary.write(tmp_path / "old.toml", record_of(earlier_typed))
    record = record_of(example_answers(BANK), previous=toml_summary.read(BANK, path))
    comparison = record.comparison
    assert comparison is not None
    assert comparison.movement == "step down: iop -> op"
    assert comparison.source == "old.toml"
    assert comparison.rows[0].what == "Level"
    assert (comparison.rows[0].earlier, comparison.rows[0].now) == ("iop", "op")


def test_another_clients_summary_is_refused(tmp_path: Path) -> None:
    other = refill(BANK, example_answers(BANK) | {"client_id": "OTHER-1"})
    path = toml_summary.write(tmp_path / "other.toml", record_of(other))
    with pytest.raises(InputError, match="is client OTHER-1, not EX-0001"):
        record_of(example_answers(BANK), previous=toml_summary.read(BANK, path))


def test_an_early_emergency_is_an_incomplete_inpatient_record_with_s1s_reasons() -> None:
    answers = parse_partial(BANK, {"client_id": "X", "age": 40, "harm_others": "plan_or_intent"})
    record = build_record(BANK, answers, assessment_of(answers))
    assert not record.complete
    assert record.level == "inpatient" and record.assessment.emergency is True
    assert record.assessment.reasons == ("S1 imminent-risk: harm_others = plan_or_intent",)
    assert record.program == BANK.programs["inpatient"]
    assert record.not_answered[:3] == ("sex_at_birth", "cssrs_1", "cssrs_2")
    assert record.recommendation["level"] == "inpatient" and "withdrawal_management" not in (
        record.recommendation
    )
    assert record.ratings == {"R": 5}
