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
from triage_cli.scoring.ratings import RATINGS
from triage_cli.scoring.rules import FLAGS, RULES, withdrawal_management

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
]


def assess(answers: Answers) -> Assessment:
    """Score validated answers: instruments, ratings, every rule that applies, and the level."""
    values = answers.values
    scores = score_instruments(values)
    f = Facts(values, scores)
    for letter, rate in RATINGS.items():
        value, f.why[letter] = rate(f)
        setattr(f, letter, value)
    f.composite = f.R + f.F + f.C + f.E + f.P + f.H + f.G
    fired = []
    for rule in RULES:
        if rule.when(f):
            level = rule.proposes if isinstance(rule.proposes, Level) else rule.proposes(f)
            reason = f"{rule.id} {rule.name}: {rule.because.format(f=f)}"
            fired.append(FiredRule(rule.id, rule.name, level, reason))
    f.level = max(r.level for r in fired)
    withdrawal = withdrawal_management(f)
    return Assessment(
        level=f.level,
        emergency=any(r.rule == "S1" for r in fired),
        withdrawal_management=withdrawal.code,
        withdrawal_reason=withdrawal.because,
        scores=scores,
        ratings=Ratings(f.R, f.F, f.C, f.E, f.P, f.H, f.G, why=dict(f.why)),
        composite=f.composite,
        fired=tuple(fired),
        flags=tuple(Flag(x.code, x.text.format(f=f)) for x in FLAGS if x.when(f)),
    )
