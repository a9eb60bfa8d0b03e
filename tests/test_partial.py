"""Partial answers (CLINICAL.md section 7): what they determine, and the property that
whatever assess_partial() reports equals what assess() gives for every completion."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_cli.answers import AnswersError, parse_answers
from triage_cli.answers.partial import PartialAnswers, parse_partial
from triage_cli.bank import Bank, Value, load_bank
from triage_cli.scoring import Level, Ratings, Scores, assess, imminent_risk
from triage_cli.scoring.partial import assess_partial, reads

from strategies import answer_sets, domain, value_for

BANK = load_bank()
PHQ9 = {f"phq9_{n}": 2 for n in range(1, 10)}


def partial(values: dict[str, Value]):  # type: ignore[no-untyped-def]
    answers = parse_partial(BANK, values)
    return answers, assess_partial(answers.values, getattr(answers, "skipped", ()))


# --- what partial answers determine ----------------------------------------------------------


def test_a_phq9_alone_gives_its_total_band_and_item9_flag_and_nothing_else() -> None:
    answers, p = partial({"client_id": "A1", **PHQ9})
    assert p.scores == {"phq9_total": 18, "phq9_band": "moderately_severe"}
    assert p.ratings == {}
    assert p.level is None and p.emergency is None and p.composite is None
    assert p.flag_codes == ("phq9_item9",)
    assert p.withdrawal_management is None
    assert isinstance(answers, PartialAnswers)
    assert "age" in answers.not_answered and "gad7_1" in answers.not_answered


def test_an_instrument_with_one_item_missing_has_no_total() -> None:
    _, p = partial({k: v for k, v in PHQ9.items() if k != "phq9_4"})
    assert "phq9_total" not in p.scores and "phq9_band" not in p.scores


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"cssrs_1": True, "cssrs_2": True, "cssrs_3": False, "cssrs_4": True}, "cssrs_4 = yes"),
        ({"cssrs_6": True, "cssrs_6_recent": True}, "cssrs_6_recent = yes"),
        ({"harm_others": "plan_or_intent"}, "harm_others = plan_or_intent"),
    ],
)
def test_s1_determines_inpatient_emergency_and_r5_at_once(
    given: dict[str, Value], why: str
) -> None:
    _, p = partial({"client_id": "A1", **given})
    assert p.level is Level.INPATIENT and p.emergency is True
    assert p.ratings == {"R": 5}
    assert p.rules == ("S1",)
    (reason,) = p.reasons
    assert reason.startswith("S1 imminent-risk") and why in reason


def test_cssrs_risk_high_is_determined_but_lower_risks_need_every_asked_item() -> None:
    _, high = partial({"cssrs_1": True, "cssrs_2": True, "cssrs_3": True, "cssrs_4": True})
    assert high.scores == {"cssrs_risk": "high"}
    _, moderate = partial({"cssrs_1": True, "cssrs_2": True, "cssrs_3": True})
    assert "cssrs_risk" not in moderate.scores  # cssrs_4, 5 and 6 could still make it high
    _, low = partial({"cssrs_1": True, "cssrs_2": False, "cssrs_6": False})
    assert low.scores == {"cssrs_risk": "low"}  # cssrs_3-5 and 6_recent are skipped


def test_no_emergency_is_determined_only_by_every_s1_answer() -> None:
    no_risk = {"cssrs_1": False, "cssrs_2": False, "cssrs_6": False}
    assert partial(no_risk)[1].emergency is None  # harm_others not answered
    assert partial({**no_risk, "harm_others": "none"})[1].emergency is False
    assert partial({**no_risk, "harm_others": "none"})[1].level is None  # the rest is missing


def test_a_rating_needs_every_answer_it_reads() -> None:
    _, p = partial({"readiness": "ambivalent", "support": "some"})
    assert p.ratings == {"G": 3}  # P reads housing too
    _, p = partial({"readiness": "ambivalent", "support": "some", "housing": "stable"})
    assert p.ratings == {"P": 2, "G": 3}


def test_withdrawal_management_needs_withdrawal_complicated_when_it_is_asked() -> None:
    assert partial({"withdrawal_now": "moderate"})[1].withdrawal_management is None
    both = partial({"withdrawal_now": "moderate", "withdrawal_complicated": True})[1]
    assert both.withdrawal_management == "medically_managed"
    assert partial({"withdrawal_now": "none"})[1].withdrawal_management == "none"


def test_a_flag_needs_every_input() -> None:
    _, p = partial({"age": 15, "psychosis": True, "home_safe": False, "housing": "stable"})
    assert p.flag_codes == ("psychosis", "home_unsafe", "adolescent")
    _, p = partial({"phq9_9": 1, "cssrs_1": False, "cssrs_2": False})
    assert p.flag_codes == ("phq9_item9",)  # discordant needs cssrs_6 too


def test_skip_logic_is_known_three_ways() -> None:
    answers, _ = partial({"cssrs_2": False, "housing": "homeless"})
    assert {"cssrs_3", "cssrs_4", "cssrs_5", "home_safe"} <= answers.skipped
    assert "cssrs_6_recent" in answers.undecided  # cssrs_6 not answered yet
    assert "cssrs_6_recent" not in answers.not_answered and "cssrs_6" in answers.not_answered


def test_partial_answers_are_checked_like_complete_ones() -> None:
    with pytest.raises(AnswersError) as bad:
        parse_partial(BANK, {"phq9_1": 7, "cssrs_2": False, "cssrs_3": True, "nonsense": 1})
    problems = {p.field: p.message for p in bad.value.problems}
    assert set(problems) == {"phq9_1", "cssrs_3", "nonsense"}
    assert "asked only when cssrs_2 = yes" in problems["cssrs_3"]


def test_every_answer_given_is_plain_complete_answers() -> None:
    full = {**_baseline()}
    answers = parse_partial(BANK, full)
    assert not isinstance(answers, PartialAnswers)
    assert answers == parse_answers(BANK, full)


def _baseline() -> dict[str, Value]:
    from test_clinical_spec import BASE  # the spec tests' everyday intake

    return dict(BASE)


# --- the property: reported values hold in every completion ----------------------------------


@st.composite
def partial_with_completions(draw: st.DrawFn, bank: Bank):  # type: ignore[no-untyped-def]
    """A valid answer set cut to a prefix (an interview stopped) or a random subset (an EHR
    response), and completions of it: every answer not given at its least severe, at its most
    severe, and drawn at random, except those a given answer's asking depends on."""
    full = draw(answer_sets(bank))
    ids = [q.id for q in bank.questions if q.id in full]
    if draw(st.booleans()):
        given = ids[: draw(st.integers(0, len(ids)))]
    else:
        keep = draw(st.sampled_from((10, 50, 90)))  # percent of the answers given
        given = [qid for qid in ids if draw(st.integers(0, 99)) < keep]
    kept = {qid: full[qid] for qid in given}
    needed = {c.question for qid in kept for c in bank.question(qid).when}
    completions = []
    for pick in ("least", "most", *["drawn"] * draw(st.integers(1, 3))):
        answers: dict[str, Value] = {}
        for question in bank.questions:
            if not question.asked(answers):
                continue
            if question.id in kept:
                answers[question.id] = kept[question.id]
            elif question.id in needed:
                answers[question.id] = full[question.id]
            elif pick == "drawn" or (values := domain(question)) is None:
                answers[question.id] = draw(value_for(question))
            else:
                answers[question.id] = values[0] if pick == "least" else values[-1]
        completions.append(answers)
    return kept, completions


@settings(max_examples=1000, deadline=None)
@given(partial_with_completions(BANK))
def test_what_partial_answers_report_holds_for_every_completion(case) -> None:  # type: ignore[no-untyped-def]
    kept, completions = case
    answers, p = partial(kept)
    if not isinstance(answers, PartialAnswers):  # nothing missing: assess() itself
        assert len(completions) and all(parse_answers(BANK, c) == answers for c in completions)
        return
    for completion in completions:
        a = assess(parse_answers(BANK, completion))
        for key, value in p.scores.items():
            assert a.scores._asdict()[key] == value, key
        for letter, value in p.ratings.items():
            assert getattr(a.ratings, letter) == value, letter
        if p.composite is not None:
            assert a.composite == p.composite
        if p.emergency is not None:
            assert a.emergency is p.emergency
        if p.level is not None:
            assert a.level is p.level
        if p.withdrawal_management is not None:
            assert a.withdrawal_management == p.withdrawal_management
        assert set(p.flag_codes) <= set(a.flag_codes)
        assert {(r.rule, r.level) for r in p.fired} <= set(a.proposals)
        assert set(p.rules) <= set(a.rules)
    # and nothing determined is left out: safety at once, every value whose inputs are known
    if imminent_risk(kept):
        assert p.emergency is True and p.level is Level.INPATIENT
        assert p.ratings.get("R") == 5 and "S1" in p.rules
    for name in (*Scores._fields, *Ratings._fields, "composite"):
        if reads(name) <= p.known:
            reported = p.composite if name == "composite" else {**p.scores, **p.ratings}.get(name)
            assert reported is not None, name
        # the questions said to be still asked are asked; those said skipped are not
        assert all(qid in completion for qid in answers.not_answered)
        assert not any(qid in completion for qid in answers.skipped)
