"""The command's front: version, help, template, question listing, and the installed bank."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from triage_cli import __version__
from triage_cli.answers import parse_answers
from triage_cli.bank import Bank
from triage_cli.cli import app

runner = CliRunner()
TRIAGE = Path(sys.executable).with_name("triage")


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"triage {__version__}\n"


def test_help_lists_every_command_and_says_decision_support() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for command in ("interview", "score", "batch", "template", "questions"):
        assert command in result.output
    assert "not a diagnosis" in result.output


def test_template_round_trips_through_csv_and_validates(bank: Bank) -> None:
    result = runner.invoke(app, ["template"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert len(rows) == 2
    header, example = rows
    assert header == [q.id for q in bank.questions] and len(header) == 59
    answers = parse_answers(bank, dict(zip(header, example, strict=True)))
    assert answers.client_id == "EX-0001"


def test_template_to_file_is_private_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "template.csv"
    assert runner.invoke(app, ["template", "-o", str(target)]).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["template", "-o", str(target)])
    assert again.exit_code == 2
    assert "already exists; use --force" in again.output
    assert runner.invoke(app, ["template", "-o", str(target), "--force"]).exit_code == 0


def test_questions_list_fits_80_columns() -> None:
    result = runner.invoke(app, ["questions", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Section 2 of 9: Safety" in result.output
    assert any("cssrs_3" in line and "cssrs_2 = yes" in line for line in lines)


def run_installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [str(TRIAGE), *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def test_installed_command_finds_its_bank_from_another_folder(tmp_path: Path) -> None:
    result = run_installed("questions", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "59 questions in 9 sections" in result.stdout


def test_python_dash_m_works_the_same(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "triage_cli", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == f"triage {__version__}\n"


def test_help_does_not_import_questionary_or_rich(tmp_path: Path) -> None:
    for args in (["--help"], ["batch", "--help"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "triage_cli", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
        assert "triage_cli.cli" in imported
        assert not {"questionary", "rich", "prompt_toolkit"} & imported, args


README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_command_is_in_the_readme_and_has_help() -> None:
    text = README.read_text(encoding="utf-8")
    commands = ("interview", "score", "report", "batch", "template", "drafts", "questions check",
                "questions list")  # fmt: skip
    for command in commands:
        assert f"triage {command}" in text, command
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, result.output
        assert len(result.output.splitlines()) > 3, command


def test_readme_example_summary_rescores_to_its_recommendation(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    example = text.split("Example summary")[1].split("```toml\n")[1].split("```")[0]
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert '"stored_recommendation_matches": true' in result.output
    # the file the README's tour runs `triage score ... --report` on is this example
    example_file = README.parent / "examples" / "later-summary.toml"
    assert example_file.read_text(encoding="utf-8") == example
