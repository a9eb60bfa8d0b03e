"""The one family of user-facing errors; each carries the exit code the CLI turns it into."""

from __future__ import annotations

from collections.abc import Sequence


class TriageError(Exception):
    """An error the user can act on: a message, optional detail lines, and an exit code."""

    exit_code = 2

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  - {line}" for line in self.details)])


class BankError(TriageError):
    """The question bank cannot be loaded: every problem found is listed."""


class InputError(TriageError):
    """An input file as a whole cannot be read (missing, not CSV/TOML, missing columns)."""


class OutputError(TriageError):
    """An output file cannot or may not be written."""


class DraftFile(InputError):
    """An interview draft was given where a summary was expected."""
