"""The clinical core: validated Answers -> Assessment. Pure: no terminal, files or prompts."""

from __future__ import annotations

from functools import cached_property

from triage_cli.answers import Answers
from triage_cli.scoring.decision import Decision, decide
from triage_cli.scoring.facts import Facts
from triage_cli.scoring.instruments import score_instruments
from triage_cli.scoring.model import (
    MODEL_VERSION,
    RATING_NAMES,
    WITHDRAWAL_TEXT,
    Assessment,
    FiredRule,
    Flag,
    Level,
    Ratings,
    Scores,
)
from triage_cli.scoring.rules import FLAGS, RULES, imminent_risk

__all__ = [
    "MODEL_VERSION",
    "RATING_NAMES",
    "WITHDRAWAL_TEXT",
    "Assessment",
    "FiredRule",
    "Flag",
    "Level",
    "Ratings",
    "Scores",
    "assess",
    "imminent_risk",
]


_new = object.__new__
_set = object.__setattr__


def assess(answers: Answers) -> Assessment:
    """Score validated answers: instruments, ratings, every rule that applies, and the level."""
    values = answers.values
    scores = score_instruments(values)
    decision = decide(values, scores)
    # A frozen dataclass's __init__ sets each field with object.__setattr__, one call apiece;
    # batch builds an Assessment per row, so its fields are set in one step: the same object,
    # built in 0.8 us instead of 2.2 (measured). tests/test_compiled.py holds it to the
    # constructor's result and to what this relies on: every field passed, no defaults, no
    # __post_init__.
    assessment = _new(Assessment)
    _set(assessment, "__dict__", {
        "level": decision.level,
        "emergency": decision.emergency,
        "withdrawal_management": decision.withdrawal_management,
        "scores": scores,
        "ratings": decision.ratings,
        "composite": decision.composite,
        "proposals": decision.proposals,
        "rules": decision.rules,
        "flag_codes": decision.flag_codes,
        "explain": _Explainer(answers, scores, decision),
    })  # fmt: skip
    return assessment


class _Explainer:
    """The texts of one assessment, written from its facts when first asked for."""

    def __init__(self, answers: Answers, scores: Scores, decision: Decision) -> None:
        self.made_from = answers, scores, decision

    @cached_property
    def facts(self) -> Facts:
        answers, scores, decision = self.made_from
        return Facts(answers.values, scores, decision.ratings, decision.composite, decision.level)

    def fired(self, rule_id: str, level: Level) -> FiredRule:
        rule = RULES_BY_ID[rule_id]
        return FiredRule(
            rule.id, rule.name, level, f"{rule.id} {rule.name}: {rule.because.format(f=self.facts)}"
        )

    def flag(self, code: str) -> str:
        return FLAGS_BY_CODE[code].text.format(f=self.facts)

    def rating(self, letter: str) -> str:
        return self.facts.why(letter)

    def withdrawal(self) -> str:
        return self.facts.withdrawal.because


RULES_BY_ID = {rule.id: rule for rule in RULES}
FLAGS_BY_CODE = {flag.code: flag for flag in FLAGS}
