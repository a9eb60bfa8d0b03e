"""The package layout's promises: the small stable Python API, and imports that stay light
(the layer contract itself is checked by lint-imports in .ci/run)."""

from __future__ import annotations

import subprocess
import sys

from triage_cli.answers import parse_answers
from triage_cli.bank import load_bank
from triage_cli.batch.template import example_answers
from triage_cli.scoring import assess


def test_the_stable_api_scores_the_template_example() -> None:
    bank = load_bank()
    assessment = assess(parse_answers(bank, example_answers(bank)))
    assert (assessment.level.code, assessment.composite) == ("op", 13)
    assert assessment.rules == ("B1",)


def loaded_after(statement: str) -> set[str]:
    """The top-level modules a fresh interpreter has loaded after running `statement`."""
    listing = "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    code = f"{statement}\nimport sys\n{listing}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_interview_package_loads_no_prompt_or_terminal_library() -> None:
    loaded = loaded_after("import triage_cli.interview")
    assert "triage_cli" in loaded
    assert not loaded & {"questionary", "prompt_toolkit", "rich"}


def test_the_cli_module_loads_neither_questionary_nor_rich() -> None:
    loaded = loaded_after("import triage_cli.cli")
    assert "typer" in loaded
    assert not loaded & {"questionary", "prompt_toolkit", "rich"}


def test_the_wizard_module_does_load_questionary() -> None:
    """The check above can fail: the module that asks does import the prompt library."""
    assert "questionary" in loaded_after("import triage_cli.interview.ask")


def test_plain_mode_loads_neither_questionary_nor_prompt_toolkit() -> None:
    """`--plain` is for terminals where full-screen prompts break: the wizard and the plain
    prompts never need the prompt library."""
    loaded = loaded_after("import triage_cli.interview.wizard, triage_cli.interview.plain")
    assert "triage_cli" in loaded
    assert not loaded & {"questionary", "prompt_toolkit"}
