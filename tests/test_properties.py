"""The invariants of CLINICAL.md section 5, proved over generated answer sets (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_cli.answers import parse_answers
from triage_cli.bank import Bank, load_bank
from triage_cli.bank.schema import IDENTIFICATION, LOGISTICS
from triage_cli.scoring import Level, assess, imminent_risk

from strategies import answer_sets, as_text, domain, refill, value_for

BANK = load_bank()
CLINICAL_IDS = [q.id for q in BANK.questions if q.id not in IDENTIFICATION | LOGISTICS]
settings.register_profile(
    "triage", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("triage")


def score(bank: Bank, answers: dict):
    return assess(parse_answers(bank, answers))


def rating_values(assessment) -> list[int]:
    return [value for _, value in assessment.ratings.items()]


@given(st.data())
def test_worse_answer_never_lowers_level_or_any_rating(data: st.DataObject) -> None:
    answers = data.draw(answer_sets(BANK))
    asked = [qid for qid in CLINICAL_IDS if qid in answers]
    qid = data.draw(st.sampled_from(asked), label="worsened")
    values = domain(BANK.question(qid))
    now = values.index(answers[qid])
    if now == len(values) - 1:
        return  # already the worst answer
    worse = data.draw(st.sampled_from(values[now + 1 :]), label="to")
    worsened = refill(BANK, {**answers, qid: worse})
    before, after = score(BANK, answers), score(BANK, worsened)
    assert after.level >= before.level, (qid, answers[qid], worse)
    for (letter, old), (_, new) in zip(before.ratings.items(), after.ratings.items(), strict=True):
        assert new >= old, (letter, qid, answers[qid], worse)


S1_PATTERNS = [
    {"cssrs_2": True, "cssrs_4": True},
    {"cssrs_2": True, "cssrs_5": True},
    {"cssrs_6": True, "cssrs_6_recent": True},
    {"harm_others": "plan_or_intent"},
]


@given(st.data(), st.sampled_from(S1_PATTERNS))
def test_imminent_risk_is_always_inpatient_and_emergency(data: st.DataObject, pattern) -> None:
    answers = data.draw(answer_sets(BANK))
    answers = refill(BANK, {**answers, **pattern})
    answers.update(pattern)  # refill keeps them; a pattern's follow-ups are asked now
    result = score(BANK, answers)
    assert result.level is Level.INPATIENT
    assert result.emergency
    assert "S1" in result.rules
    assert any(reason.startswith("S1 imminent-risk") for reason in result.reasons)


@given(st.data())
def test_no_emergency_without_imminent_risk(data: st.DataObject) -> None:
    answers = data.draw(answer_sets(BANK))
    result = score(BANK, answers)
    imminent = (
        answers.get("cssrs_4") or answers.get("cssrs_5") or answers.get("cssrs_6_recent")
    ) or answers["harm_others"] == "plan_or_intent"
    assert result.emergency == bool(imminent)


@given(st.data())
def test_logistics_insurance_and_client_id_change_nothing_clinical(data: st.DataObject) -> None:
    answers = data.draw(answer_sets(BANK))
    changed = dict(answers)
    for qid in sorted(LOGISTICS | {"client_id"}):
        changed[qid] = data.draw(value_for(BANK.question(qid)), label=qid)
    before, after = score(BANK, answers), score(BANK, changed)
    assert after.level == before.level
    assert after.ratings == before.ratings
    assert after.reasons == before.reasons
    assert after.also_considered == before.also_considered
    assert after.flags == before.flags


@given(st.data())
def test_same_answers_same_result_as_text_or_typed(data: st.DataObject) -> None:
    answers = data.draw(answer_sets(BANK))
    typed = score(BANK, answers)
    assert score(BANK, answers) == typed
    assert score(BANK, as_text(answers)) == typed


@given(st.data())
def test_every_reason_names_its_rule_and_the_level_is_the_highest_proposal(
    data: st.DataObject,
) -> None:
    result = score(BANK, data.draw(answer_sets(BANK)))
    assert result.level == max(rule.level for rule in result.fired)
    assert result.rules == tuple(sorted(r.rule for r in result.fired if r.level == result.level))
    for fired in result.fired:
        assert fired.reason.startswith(f"{fired.rule} {fired.name}: ")
    assert len(result.reasons) + len(result.also_considered) == len(result.fired)
    assert result.composite == sum(rating_values(result))


@given(st.data())
def test_the_interview_safety_check_agrees_with_rule_s1(data: st.DataObject) -> None:
    answers = data.draw(answer_sets(BANK))
    assert imminent_risk(answers) == score(BANK, answers).emergency
