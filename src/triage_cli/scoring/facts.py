"""Facts: what a rating, rule or flag may look at, named like the spec, and the reason texts.

decision.py compiles the tables' tests into one function for speed; the texts are written here,
from a Facts object built only when a reason is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import CodeType

from triage_cli.bank.model import Value, show_value
from triage_cli.scoring import ratings, rules
from triage_cli.scoring.instruments import cssrs_high_answers
from triage_cli.scoring.model import Level, Ratings, Scores

# A question the skip logic did not ask takes its not-asked value here.
NOT_ASKED: dict[str, Value | None] = {
    "cssrs_3": False,
    "cssrs_4": False,
    "cssrs_5": False,
    "cssrs_6_recent": False,
    "withdrawal_complicated": False,
    "home_safe": None,  # not asked when homeless: neither safe nor unsafe
}
IMPAIRMENTS = ("impair_work", "impair_relationships", "impair_selfcare")

# Facts computed from the answers, before the ratings; in order (a later one may use an earlier).
DERIVED = {
    "impair_sum": "impair_work + impair_relationships + impair_selfcare",
    "impair_max": "max(impair_work, impair_relationships, impair_selfcare)",
    "impair_fours": "(impair_work == 4) + (impair_relationships == 4) + (impair_selfcare == 4)",
    "cssrs_all_no": "not (cssrs_1 or cssrs_2 or cssrs_3 or cssrs_4 or cssrs_5 or cssrs_6"
    " or cssrs_6_recent)",
}
# Functions and constants a test may name, besides the facts; nothing else, not even builtins.
HELPERS = {
    "max": max,
    "is_imminent": rules.is_imminent,
    "composite_band": rules.composite_band,
    **{level.name: level for level in Level},
}
_EVAL_GLOBALS = {"__builtins__": {}, **HELPERS}


@cache
def compiled(expression: str) -> CodeType:
    return compile(expression, "<clinical test>", "eval")


class Facts:
    """Answers (every CLINICAL.md id), instrument scores, DERIVED, ratings, composite and level.

    Reason texts are format strings over it, e.g. "{f.phq9_9}", "{f.rated_R}".
    """

    R: int
    F: int
    C: int
    E: int
    P: int
    H: int
    G: int
    composite: int
    level: Level
    impair_max: int

    def __init__(
        self,
        answers: Mapping[str, Value],
        scores: Scores,
        rated: Ratings,
        composite: int,
        level: Level,
    ) -> None:
        facts = self.__dict__
        facts.update(NOT_ASKED)
        facts.update(answers)
        facts.update(zip(Scores._fields, scores, strict=True))
        for name, expression in DERIVED.items():
            facts[name] = self.evaluate(expression)
        facts.update(zip(Ratings._fields, rated, strict=True))
        self.composite = composite
        self.level = level

    def evaluate(self, expression: str) -> Value:
        """The value of an expression over these facts (a term's test, a rule's level)."""
        return eval(compiled(expression), _EVAL_GLOBALS, self.__dict__)

    # Texts used only when a reason is written, so computed on demand.
    @property
    def impair_at_max(self) -> str:
        return ", ".join(f"{i} = {self.__dict__[i]}" for i in IMPAIRMENTS if self.__dict__[i] == 4)

    @property
    def impair_worst(self) -> str:
        return ", ".join(
            f"{i} = {self.__dict__[i]}" for i in IMPAIRMENTS if self.__dict__[i] == self.impair_max
        )

    @property
    def cssrs_high_items(self) -> str:
        return cssrs_high_answers(self.__dict__)

    def rated(self, *letters: str) -> str:
        """'R=3 (cssrs_2 = yes), F=3 (...)': ratings with the answers that set them."""
        return ", ".join(f"{x}={getattr(self, x)} ({self.why(x)})" for x in letters)

    def why(self, letter: str) -> str:
        """The answers behind one rating: the matched terms of its table's deciding row, or
        the answers its function reads."""
        rating = ratings.RATINGS[letter]
        if callable(rating):
            given = ((qid, self.__dict__[qid]) for qid in ratings.inputs(rating))
            return ", ".join(f"{qid} = {show_value(v)}" for qid, v in given if v is not None)
        for _, terms in rating:
            matched = [term.text.format(f=self) for term in terms if self.evaluate(term.test)]
            if matched:
                return "; ".join(matched)
        return "no higher row applies"

    @property
    def rated_R(self) -> str:
        return self.rated("R")

    @property
    def rated_F(self) -> str:
        return self.rated("F")

    @property
    def rated_C(self) -> str:
        return self.rated("C")

    @property
    def extreme(self) -> str:
        return self.rated(*(x for x in "RFC" if getattr(self, x) == 5))

    @property
    def serious(self) -> str:
        return self.rated(*(x for x in "FC" if getattr(self, x) == 4))

    @property
    def imminent(self) -> str:
        return "; ".join(rules.imminent_reasons(self.__dict__))

    @property
    def band(self) -> str:
        return rules.band_text(self.composite)

    @property
    def withdrawal(self) -> rules.Withdrawal:
        return rules.withdrawal_management(self.withdrawal_now, self.withdrawal_complicated)

    def _listed(self, *parts: tuple[bool, str]) -> str:
        return " and ".join(text for holds, text in parts if holds)

    @property
    def op_weekly_because(self) -> str:
        """Why an OP recommendation is seen weekly rather than every 1-2 weeks."""
        parts = [(self.composite >= 14, f"composite {self.composite} >= 14")]
        parts += [(getattr(self, x) >= 3, self.rated(x)) for x in "RC"]
        return self._listed(*parts)

    @property
    def mood_at_15(self) -> str:
        return self._listed(
            (self.phq9_total >= 15, f"PHQ-9 {self.phq9_total} >= 15"),
            (self.gad7_total >= 15, f"GAD-7 {self.gad7_total} >= 15"),
        )

    @property
    def mood_at_10(self) -> str:
        return self._listed(
            (self.phq9_total >= 10, f"PHQ-9 {self.phq9_total} >= 10"),
            (self.gad7_total >= 10, f"GAD-7 {self.gad7_total} >= 10"),
        )

    @property
    def heavy_use(self) -> str:
        return self._listed(
            (self.auditc_high, f"AUDIT-C {self.auditc_total} >= 8"),
            (self.dast10_total >= 6, f"DAST-10 {self.dast10_total} >= 6"),
        )

    @property
    def any_use(self) -> str:
        return self._listed(
            (self.auditc_positive, f"AUDIT-C {self.auditc_total} positive"),
            (self.dast10_total >= 1, f"DAST-10 {self.dast10_total} >= 1"),
        )
