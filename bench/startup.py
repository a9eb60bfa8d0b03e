"""Start-up time: `triage --help` (and `batch --help`) against a bare `import typer`.

Runs the commands interleaved, N rounds, and prints the median of each and the ratio.
Also checks, with -X importtime, that help never imports questionary or rich.
Usage: python bench/startup.py [--rounds 15]   (run it with the venv's python)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TRIAGE = [sys.executable, "-m", "triage_cli"]
SCRIPT = Path(sys.executable).with_name("triage")
COMMANDS = {
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "triage --help": [str(SCRIPT), "--help"],
    "triage batch --help": [str(SCRIPT), "batch", "--help"],
    "triage --version": [str(SCRIPT), "--version"],
}


def elapsed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_imports(args: list[str]) -> list[str]:
    run = subprocess.run(
        [*TRIAGE[:1], "-X", "importtime", *TRIAGE[1:], *args],
        capture_output=True,
        text=True,
        check=True,
    )
    names = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    return sorted(n for n in names if n.split(".")[0] in {"questionary", "rich", "prompt_toolkit"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the disk cache
        elapsed(command)
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(elapsed(command))
    baseline = statistics.median(times["python -c 'import typer'"])
    print(f"{rounds} interleaved rounds, median wall time")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:28} {median * 1000:6.1f} ms  {median / baseline:4.2f}x")
    for args in (["--help"], ["batch", "--help"]):
        found = heavy_imports(args)
        print(f"  heavy imports for {' '.join(args)}: {', '.join(found) or 'none'}")


if __name__ == "__main__":
    main()
