"""The clinical core: validated Answers -> Assessment. Pure: no terminal, files or prompts."""

from __future__ import annotations

from triage_cli.answers import Answers
from triage_cli.scoring.facts import Facts
from triage_cli.scoring.instruments import score_instruments
from triage_cli.scoring.model import (
    RATING_NAMES,
    WITHDRAWAL_TEXT,
    Assessment,
    FiredRule,
    Flag,
    Level,
    Ratings,
    Scores,
)
from triage_cli.scoring.ratings import RATINGS, why
from triage_cli.scoring.rules import FLAGS, RULES, imminent_risk, withdrawal_management

__all__ = [
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


def assess(answers: Answers) -> Assessment:
    """Score validated answers: instruments, ratings, every rule that applies, and the level."""
    values = answers.values
    scores = score_instruments(values)
    f = Facts(values, scores)
    f.R, f.F, f.C, f.E, f.P, f.H, f.G = [rate(f) for rate in RATINGS.values()]
    f.composite = f.R + f.F + f.C + f.E + f.P + f.H + f.G
    proposals = []
    for rule in RULES:
        if rule.when(f):
            level = rule.proposes if isinstance(rule.proposes, Level) else rule.proposes(f)
            proposals.append((rule.id, level))
    f.level = max(level for _, level in proposals)
    return Assessment(
        level=f.level,
        emergency=any(rule == "S1" for rule, _ in proposals),
        withdrawal_management=withdrawal_management(f).code,
        scores=scores,
        ratings=Ratings(f.R, f.F, f.C, f.E, f.P, f.H, f.G),
        composite=f.composite,
        proposals=tuple(proposals),
        flag_codes=tuple(flag.code for flag in FLAGS if flag.when(f)),
        explain=_Explainer(f),
    )


class _Explainer:
    """The texts of one assessment, written from its facts when first asked for."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def fired(self, rule_id: str, level: Level) -> FiredRule:
        rule = RULES_BY_ID[rule_id]
        return FiredRule(
            rule.id, rule.name, level, f"{rule.id} {rule.name}: {rule.because.format(f=self.facts)}"
        )

    def flag(self, code: str) -> str:
        return FLAGS_BY_CODE[code].text.format(f=self.facts)

    def rating(self, letter: str) -> str:
        return why(letter, self.facts)

    def withdrawal(self) -> str:
        return withdrawal_management(self.facts).because


RULES_BY_ID = {rule.id: rule for rule in RULES}
FLAGS_BY_CODE = {flag.code: flag for flag in FLAGS}
