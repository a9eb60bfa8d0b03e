"""The question bank (questions/*.toml): loaded with tomllib, validated once, frozen.

`load_bank` is part of the stable Python API; the values it returns are in bank/model.py.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from triage_cli.bank.check import build_bank
from triage_cli.bank.model import (
    FILES,
    KINDS,
    LEVELS,
    OPS,
    Bank,
    ChecklistItem,
    Choice,
    Condition,
    Instrument,
    Program,
    Question,
    Section,
    Value,
    show_value,
)
from triage_cli.bank.schema import Asked, bank_problems
from triage_cli.errors import BankError
from triage_cli.nesting import TOO_DEEP, too_deep
from triage_cli.text import shown

__all__ = [
    "FILES",
    "KINDS",
    "LEVELS",
    "OPS",
    "Bank",
    "ChecklistItem",
    "Choice",
    "Condition",
    "Instrument",
    "Program",
    "Question",
    "Section",
    "Value",
    "default_bank_dir",
    "load_bank",
    "show_value",
]


def default_bank_dir() -> Path:
    """The built-in bank: inside the installed package, or questions/ beside src/ in a checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "questions"
    if (packaged / FILES[0]).is_file():
        return packaged
    return package.parents[1] / "questions"


def load_bank(directory: Path | str | None = None) -> Bank:
    """Load a bank folder and validate it; raise BankError listing every problem found."""
    folder = Path(directory) if directory is not None else default_bank_dir()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "not found"
        raise BankError(f"question bank folder {what}: {shown(folder, 300)}")
    raw: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    digest = hashlib.sha256()
    for name in FILES:
        path = folder / name
        try:
            data = path.read_bytes()
            raw[name] = tomllib.loads(data.decode("utf-8"))
        except FileNotFoundError:
            problems.append(f"{name}: file missing from {folder}")
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            problems.append(f"{name}: cannot read it: {shown(error, 300)}")
            continue
        except RecursionError:
            problems.append(f"{name}: {TOO_DEEP}")
            continue
        if too_deep(raw[name]):
            problems.append(f"{name}: {TOO_DEEP}")
            continue
        digest.update(name.encode() + b"\0" + data + b"\0")
    if not problems:
        bank, problems = build_bank(raw, folder, digest.hexdigest())
        if not problems:
            problems = [f"{FILES[0]}: {p}" for p in bank_problems(_scoring_view(bank))]
        if not problems:
            return bank
    raise BankError(f"invalid question bank in {folder} ({len(problems)} problem(s))", problems)


def _scoring_view(bank: Bank) -> dict[str, Asked]:
    return {
        q.id: Asked(
            q.kind,
            tuple(c.code for c in q.choices),
            " and ".join(map(str, q.when)),
            q.pattern or "",
        )
        for q in bank.questions
    }
