"""Shared fixtures: the built-in bank, a writable copy of it, a valid answer set, and a drafts
folder of each test's own."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from triage_cli.bank import FILES, Bank, default_bank_dir, load_bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(autouse=True)
def drafts_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps interview drafts in a folder of its own, never in ~/.local/state."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state / "triage-cli" / "drafts"


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A copy of the built-in bank in tmp_path, to break or edit."""
    folder = tmp_path / "bank"
    folder.mkdir()
    for name in FILES:
        shutil.copy(default_bank_dir() / name, folder / name)
    return folder


EditBank = Callable[[str, Callable[[dict[str, Any]], None]], Path]


@pytest.fixture
def edit_bank(bank_copy: Path) -> EditBank:
    """edit_bank("intake.toml", change) applies change(data) to that file of the copy."""

    def edit(name: str, change: Callable[[dict[str, Any]], None]) -> Path:
        path = bank_copy / name
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        return bank_copy

    return edit


def assert_exit(result: Any, code: int) -> None:
    """A CliRunner result's exit code, reached on purpose: never an unhandled exception or a
    traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def question_table(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == qid)
