"""Facts: what a rating, rule or flag may look at, as attributes named like the spec."""

from __future__ import annotations

from collections.abc import Mapping

from triage_cli.bank import Value
from triage_cli.scoring.instruments import cssrs_high_answers
from triage_cli.scoring.model import Level, Scores

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
CSSRS_ITEMS = ("cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6", "cssrs_6_recent")


class Facts:
    """Answers (every CLINICAL.md id), instrument scores, then ratings and level as they are set.

    Attributes are read by the tables in ratings.py and rules.py, e.g. `f.phq9_9`, `f.R`.
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

    def __init__(self, answers: Mapping[str, Value], scores: Scores) -> None:
        facts = self.__dict__
        facts.update(NOT_ASKED)
        facts.update(answers)
        facts.update(zip(Scores._fields, scores, strict=True))
        items = [answers[item] for item in IMPAIRMENTS]
        self.impair_sum = sum(items)
        self.impair_max = max(items)
        self.impair_fours = items.count(4)

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

    @property
    def cssrs_all_no(self) -> bool:
        return not any(self.__dict__[i] for i in CSSRS_ITEMS)

    def rated(self, *letters: str) -> str:
        """'R=3 (cssrs_2 = yes), F=3 (...)': ratings with the answers that set them."""
        from triage_cli.scoring.ratings import why

        return ", ".join(f"{x}={getattr(self, x)} ({why(x, self)})" for x in letters)

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
        from triage_cli.scoring.rules import imminent_reasons

        return "; ".join(imminent_reasons(self.__dict__))

    @property
    def band(self) -> str:
        from triage_cli.scoring.rules import band_text

        return band_text(self.composite)

    def _listed(self, *parts: tuple[bool, str]) -> str:
        return " and ".join(text for holds, text in parts if holds)

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
