"""One intake in progress: its answers, what the coordinator has been shown, and how to say
things on its console."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from triage_cli.bank.model import Bank, Question, Value


@dataclass
class Interview:
    """One intake in progress: the answers so far and what the coordinator has been shown."""

    bank: Bank
    console: Console
    answers: dict[str, Value] = field(default_factory=dict)
    export: Path | None = None
    draft: Path | None = None  # the draft this interview resumed from, if any
    crisis_shown: bool = False
    export_failed: bool = False
    stem_shown: set[str] = field(default_factory=set)

    def unanswered(self) -> Question | None:
        """The first question the skip logic asks that has no answer yet."""
        for question in self.bank.questions:
            if question.id not in self.answers and question.asked(self.answers):
                return question
        return None

    def prune(self) -> None:
        """Drop answers to questions the skip logic no longer asks (after an edit)."""
        kept: dict[str, Value] = {}
        for question in self.bank.questions:
            if question.id in self.answers and question.asked(kept):
                kept[question.id] = self.answers[question.id]
        self.answers = kept


def say(console: Console, message: str, style: str = "") -> None:
    """Print plain text: paths, ids and draft contents are never read as rich markup."""
    console.print(Text(message, style=style))
