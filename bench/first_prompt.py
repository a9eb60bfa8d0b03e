"""Time to first prompt: from starting `triage interview` to the first question on screen.

Runs the installed command in a real pseudo-terminal (pexpect) N times, interleaved with a
baseline that only imports what the wizard needs (typer, rich, questionary) and exits,
and prints the medians. Usage: python bench/first_prompt.py [--rounds 11]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

TRIAGE = str(Path(sys.executable).with_name("triage"))
FIRST_PROMPT = "question 1 of 3"


def first_prompt(folder: str) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        TRIAGE, ["interview"], cwd=folder, env={**os.environ, "NO_COLOR": "1"},
        dimensions=(40, 100), encoding="utf-8",
    )  # fmt: skip
    child.expect_exact(FIRST_PROMPT, timeout=20)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF, timeout=20)
    return elapsed


def imports_only() -> float:
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-c", "import typer, rich.console, questionary"])
    child.expect(pexpect.EOF, timeout=20)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=11)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        first_prompt(folder)  # warm the disk cache
        prompt, baseline = [], []
        for _ in range(rounds):
            prompt.append(first_prompt(folder))
            baseline.append(imports_only())
    print(f"{rounds} interleaved rounds, median")
    print(f"  import typer, rich, questionary  {statistics.median(baseline) * 1000:6.1f} ms")
    print(f"  triage interview, first prompt   {statistics.median(prompt) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
