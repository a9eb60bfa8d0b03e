"""What partial answers determine (CLINICAL.md section 7): a value is reported only when the
answers given fix it, whatever the unanswered questions turn out to be.

The same tables decide as in assess(): the answers given, with a stand-in for every one not
given, are scored as usual; then only what reads nothing but given answers is kept. Which
answers a score, rating, rule or flag reads is taken from the tables themselves, so the two
cannot drift apart. Rule S1 (and with it R = 5, C-SSRS risk high, the level and the
emergency) is the exception the spec makes: answers that meet it determine it at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType

from triage_cli.answers import Answers
from triage_cli.answers.partial import PartialAnswers
from triage_cli.bank.model import Value
from triage_cli.bank.schema import SCORED, YES_NO
from triage_cli.scoring import RULES_BY_ID, assess
from triage_cli.scoring.decision import names_read
from triage_cli.scoring.facts import DERIVED, NOT_ASKED
from triage_cli.scoring.instruments import SCORE_INPUTS
from triage_cli.scoring.model import Assessment, FiredRule, Flag, Level, Ratings
from triage_cli.scoring.ratings import RATINGS, inputs
from triage_cli.scoring.rules import EMERGENCY_RULE, FLAGS, imminent_risk, withdrawal_management

LEVEL = "level"  # the fact only rule S1 determines from partial answers


@cache
def reads(name: str) -> frozenset[str]:
    """The answer ids a fact (an answer, a score, a derived fact, a rating, the composite)
    is computed from; `level` reads every answer the scoring reads."""
    if name in SCORED:
        return frozenset({name})
    if name in SCORE_INPUTS:
        return frozenset(SCORE_INPUTS[name])
    if name in DERIVED:
        return _reading(DERIVED[name])
    if name in RATINGS:
        rating = RATINGS[name]
        if callable(rating):
            return frozenset(inputs(rating))
        return frozenset().union(*(_reading(t.test) for _, terms in rating for t in terms))
    if name == "composite":
        return frozenset().union(*map(reads, Ratings._fields))
    if name == LEVEL:
        return frozenset().union(*(reads(f) for f in ("composite", *SCORE_INPUTS)))
    return frozenset()  # a helper or a constant: max, OP, composite_band


def _reading(expression: str) -> frozenset[str]:
    return frozenset().union(*map(reads, names_read(expression)))


def _stand_in(qid: str) -> Value:
    """Any valid value for an answer not given: what it is does not matter, as nothing
    computed from it is kept."""
    need = SCORED[qid]
    if need.kind == YES_NO:
        return False
    if need.codes:
        return need.codes[0]
    return 0 if need.kind == "integer" else ""


@dataclass(frozen=True)
class Partial:
    """What partial answers determine, with the attributes of an Assessment: a value not
    determined is None (level, emergency, composite, withdrawal_management) or absent
    (scores, ratings); rules and flags are those the answers already make apply."""

    known: frozenset[str]  # the answers given, and the questions surely not asked
    emergency: bool | None
    stand_in: Assessment  # the scoring of the given answers with stand-ins: read it masked

    def _determined(self, name: str) -> bool:
        return reads(name) <= self.known

    @property
    def level(self) -> Level | None:
        return Level.INPATIENT if self.emergency else None

    @cached_property
    def scores(self) -> dict[str, Value]:
        found = self.stand_in.scores._asdict()
        kept = {k: v for k, v in found.items() if self._determined(k)}
        if self.emergency and found["cssrs_risk"] == "high":
            kept["cssrs_risk"] = "high"  # more answers can never lower it
        return {k: kept[k] for k in found if k in kept}

    @cached_property
    def ratings(self) -> dict[str, int]:
        found = self.stand_in.ratings._asdict()
        kept = {k: v for k, v in found.items() if self._determined(k)}
        if self.emergency:
            kept["R"] = 5  # R = 5 is rule S1's own test
        return {k: kept[k] for k in found if k in kept}

    @property
    def composite(self) -> int | None:
        return self.stand_in.composite if self._determined("composite") else None

    @property
    def withdrawal_management(self) -> str | None:
        needed = inputs(withdrawal_management)
        return self.stand_in.withdrawal_management if self.known.issuperset(needed) else None

    @property
    def withdrawal_reason(self) -> str:
        return self.stand_in.withdrawal_reason

    @cached_property
    def fired(self) -> tuple[FiredRule, ...]:
        """The rules the answers given already make apply."""
        return tuple(
            rule
            for rule in self.stand_in.fired
            if (rule.rule == EMERGENCY_RULE and self.emergency)
            or _rule_reads(rule.rule) <= self.known
        )

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted(r.rule for r in self.fired if r.level == self.level))

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.fired if r.level == self.level)

    @property
    def also_considered(self) -> tuple[str, ...]:
        """Rules that apply and propose a lower level (all of them while no level is)."""
        return tuple(r.reason for r in self.fired if self.level is None or r.level < self.level)

    @cached_property
    def flag_codes(self) -> tuple[str, ...]:
        known = self.known | ({LEVEL} if self.level is not None else set())
        return tuple(code for code in self.stand_in.flag_codes if _flag_reads(code) <= known)

    @cached_property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.stand_in.flags if f.code in self.flag_codes)

    @cached_property
    def rating_why(self) -> dict[str, str]:
        return {k: v for k, v in self.stand_in.rating_why.items() if k in self.ratings}


@cache
def _rule_reads(rule_id: str) -> frozenset[str]:
    rule = RULES_BY_ID[rule_id]
    proposes = rule.proposes if isinstance(rule.proposes, str) else "OP"
    return _reading(rule.when) | _reading(proposes)


@cache
def _flag_reads(code: str) -> frozenset[str]:
    names = names_read(next(f.when for f in FLAGS if f.code == code))
    return frozenset().union(*(reads(n) if n != LEVEL else {LEVEL} for n in names))


def assess_partial(values: Mapping[str, Value], skipped: Collection[str] = ()) -> Partial:
    """What the answers given determine; `skipped`: questions the skip logic surely does
    not ask given them (they take their not-asked value, as in assess())."""
    not_asked = {qid: NOT_ASKED[qid] for qid in skipped if qid in NOT_ASKED}
    known = frozenset(values) | frozenset(not_asked)
    filled = {qid: _stand_in(qid) for qid in SCORED if qid not in known and qid not in NOT_ASKED}
    filled.update(values)
    stand_in = assess(Answers(MappingProxyType(filled)))
    if imminent_risk(values):
        emergency: bool | None = True
    elif _rule_reads(EMERGENCY_RULE) <= known:
        emergency = False
    else:
        emergency = None
    return Partial(known, emergency, stand_in)


def assessment_of(answers: Answers) -> Assessment | Partial:
    """Complete answers assessed; partial ones (PartialAnswers), what they determine."""
    if isinstance(answers, PartialAnswers):
        return assess_partial(answers.values, answers.skipped)
    return assess(answers)
