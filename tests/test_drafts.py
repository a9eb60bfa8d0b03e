"""`triage drafts`: the saved interview drafts, newest first, with their state; stale ones
marked; removal only when asked; `--resume last`; a draft held by a live interview."""

from __future__ import annotations

import json
import os
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner, Result

from triage_cli.bank import Bank
from triage_cli.batch.template import example_answers
from triage_cli.cli import _resumed as resumed
from triage_cli.cli import app
from triage_cli.errors import InputError
from triage_cli.record.drafts import list_drafts, lock_holder, locked, write_draft

runner = CliRunner()


def drafts(*args: str) -> Result:
    return runner.invoke(app, ["drafts", *args])


def make(bank: Bank, folder: Path, name: str, answers: int, state: str, saved: datetime) -> Path:
    """A draft with the first `answers` answers of the example, saved at `saved`."""
    folder.mkdir(parents=True, exist_ok=True)
    typed = dict(list(example_answers(bank).items())[:answers])
    path = write_draft(bank, typed, folder / name, phase="questions", state=state)
    text = path.read_text(encoding="utf-8")
    document = tomllib.loads(text)
    document["meta"]["saved"] = saved.replace(microsecond=0)
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def test_no_drafts_says_so(drafts_home: Path) -> None:
    result = drafts()
    assert result.exit_code == 0, result.output
    assert f"No drafts in {drafts_home}" in result.output


def test_drafts_are_listed_newest_first_with_their_state(bank: Bank, drafts_home: Path) -> None:
    now = datetime.now(UTC)
    old = make(bank, drafts_home, "A-1.draft.toml", 20, "hung_up", now - timedelta(hours=2))
    new = make(bank, drafts_home, "A-2.draft.toml", 3, "export_failed", now - timedelta(minutes=1))
    killed = make(bank, drafts_home, "A-3.draft.toml", 5, "in_progress", now - timedelta(hours=1))
    result = drafts("--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["path"] for row in rows] == [str(new), str(killed), str(old)]
    assert [set(row) for row in rows] == [
        {"path", "client_id", "answers", "phase", "saved", "state"}
    ] * 3
    assert [(r["client_id"], r["answers"], r["state"]) for r in rows] == [
        ("EX-0001", 3, "export_failed"),
        ("EX-0001", 5, "interrupted"),  # in progress, but no live interview holds it: killed
        ("EX-0001", 20, "hung_up"),
    ]
    text = drafts().stdout
    assert text.index("A-2") < text.index("A-3") < text.index("A-1")
    assert "20 answers  questions" in text and "hung up" in text


def test_a_draft_held_by_a_live_interview_is_in_progress(bank: Bank, drafts_home: Path) -> None:
    path = make(bank, drafts_home, "L.draft.toml", 4, "in_progress", datetime.now(UTC))
    with locked(path):
        assert lock_holder(path) == str(os.getpid())
        (row,) = json.loads(drafts("--json").stdout)
        assert row["state"] == "in_progress"
        assert f"in progress (process {os.getpid()})" in drafts().stdout
        refused = drafts("--remove", str(path))
        assert refused.exit_code == 2
        assert "in use by a live interview" in refused.output
        assert path.exists()
    assert lock_holder(path) is None


def test_drafts_older_than_30_days_are_marked_stale(bank: Bank, drafts_home: Path) -> None:
    now = datetime.now(UTC)
    make(bank, drafts_home, "OLD.draft.toml", 2, "interrupted", now - timedelta(days=31))
    make(bank, drafts_home, "NEW.draft.toml", 2, "interrupted", now - timedelta(days=29))
    lines = drafts().stdout.splitlines()
    (old,) = [line for line in lines if "OLD" in line]
    (new,) = [line for line in lines if "NEW" in line]
    assert "stale" in old and "stale" not in new


def test_remove_takes_only_the_draft_named(bank: Bank, drafts_home: Path) -> None:
    now = datetime.now(UTC)
    gone = make(bank, drafts_home, "G.draft.toml", 2, "interrupted", now)
    kept = make(bank, drafts_home, "K.draft.toml", 2, "interrupted", now)
    result = drafts("--remove", str(gone))
    assert result.exit_code == 0, result.output
    assert f"removed {gone}" in result.output
    assert not gone.exists() and kept.exists()


def test_remove_refuses_a_file_that_is_not_a_draft(tmp_path: Path) -> None:
    chart = tmp_path / "chart.toml"
    chart.write_text('[answers]\nclient_id = "X"\n', encoding="utf-8")
    result = drafts("--remove", str(chart))
    assert result.exit_code == 2
    assert "is not an interview draft" in result.output
    assert chart.exists()


def test_remove_older_than_days(bank: Bank, drafts_home: Path) -> None:
    now = datetime.now(UTC)
    old = make(bank, drafts_home, "O.draft.toml", 2, "interrupted", now - timedelta(days=10))
    new = make(bank, drafts_home, "N.draft.toml", 2, "interrupted", now - timedelta(days=2))
    result = drafts("--remove-older-than", "7")
    assert result.exit_code == 0, result.output
    assert not old.exists() and new.exists()
    assert drafts("--remove-older-than", "7").output.strip() == "No drafts removed."


def test_list_drafts_skips_unreadable_files(drafts_home: Path, bank: Bank) -> None:
    drafts_home.mkdir(parents=True)
    (drafts_home / "bad.draft.toml").write_text("not toml [", encoding="utf-8")
    good = make(bank, drafts_home, "ok.draft.toml", 1, "interrupted", datetime.now(UTC))
    assert [d.path for d in list_drafts()] == [good]


def test_resume_last_picks_the_newest_draft(bank: Bank, drafts_home: Path) -> None:
    with pytest.raises(InputError, match="--resume last: no drafts in"):
        resumed("last")
    now = datetime.now(UTC)
    make(bank, drafts_home, "OLDER.draft.toml", 2, "interrupted", now - timedelta(hours=1))
    newest = make(bank, drafts_home, "NEWER.draft.toml", 2, "hung_up", now)
    assert resumed("last") == newest
    assert resumed("some/file.toml") == Path("some/file.toml")


def test_a_summary_named_like_a_draft_is_neither_listed_nor_removed(
    bank: Bank, drafts_home: Path
) -> None:
    """An export written onto a draft's file is a chart summary now: never a draft to remove."""
    drafts_home.mkdir(parents=True)
    chart = drafts_home / "X-1.draft.toml"
    chart.write_text('[meta]\ntool = "triage-cli"\n[answers]\nclient_id = "X-1"\n', "utf-8")
    assert list_drafts() == []
    refused = drafts("--remove", str(chart))
    assert refused.exit_code == 2 and "is not an interview draft" in refused.output
    old = datetime.now(UTC) - timedelta(days=90)
    os.utime(chart, (old.timestamp(), old.timestamp()))
    assert drafts("--remove-older-than", "1").output.strip() == "No drafts removed."
    assert chart.exists()


def test_hostile_text_in_a_draft_is_shown_escaped_in_the_listing(
    bank: Bank, drafts_home: Path
) -> None:
    path = make(bank, drafts_home, "E.draft.toml", 1, "interrupted", datetime.now(UTC))
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document["meta"]["phase"] = "\x1b[2J\x1b[Hall clear"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    assert "\\x1b[2J\\x1b[Hall clear" in drafts().stdout
