"""One intake in progress: its answers, phase and override, where its draft is kept, what the
coordinator has been shown, and how to say things on its console."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from triage_cli.bank.model import Bank, Question, Value
from triage_cli.interview.prompts import Prompts
from triage_cli.record.override import Override
from triage_cli.text import prose


@dataclass
class Interview:
    """One intake in progress and what the coordinator has been shown."""

    bank: Bank
    console: Console
    prompts: Prompts  # questionary's (ask.Rich) or the plain line prompts (plain.Plain)
    answers: dict[str, Value] = field(default_factory=dict)
    export: Path | None = None
    report: Path | None = None  # --report: the printable report or chart note, by extension
    fhir: Path | None = None  # --fhir: the FHIR R4 Bundle
    phase: str = "questions"  # questions, review, override, export (record.drafts.PHASES)
    override: Override | None = None
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    assessed: datetime | None = None  # when the answers were scored
    draft: Path | None = None  # the write-ahead draft (resumed, or made at the first answer)
    draft_folder: Path | None = None  # where a new draft goes; None: nowhere can be written
    draft_failed: bool = False  # the last save of the draft failed (said once)
    crisis_shown: bool = False  # the answers meet S1, and the banner and choice were shown
    banner_shown: bool = False  # the banner was just shown (first, on resuming such a draft)
    export_failed: bool = False
    stem_shown: set[str] = field(default_factory=set)
    locks: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)  # draft locks
    on_terminal: bool = False  # stdin was a terminal when the interview began

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
    """Print plain text: paths, ids and draft contents are never read as rich markup, and
    control characters in them are shown, never obeyed. A terminal that hung up is let be."""
    with contextlib.suppress(OSError):
        console.print(Text(prose(message, None), style=style))
