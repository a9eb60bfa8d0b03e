"""Batch work per row, counted in machine instructions: `triage batch` against the same baseline
as bench/batch.py, each run under valgrind's callgrind.

Wall time on a shared machine swings by a third between runs; an instruction count does not
(PYTHONHASHSEED is fixed), so this shows whether a change did less work. It is not a timing:
wall-time ratios run higher (triage retires fewer instructions per cycle than the baseline).
Start-up is removed by also counting a run on a header-only file.

Usage: python bench/instructions.py [--rows 10000]   (needs valgrind; about a minute)

Against an earlier commit (what a change costs per row): install that commit, not editable, in
a venv of its own, and run its copy of this script beside this one; compare the triage rows.
    mkdir /tmp/old && git archive COMMIT | tar -x -C /tmp/old
    python3 -m venv /tmp/old-venv && /tmp/old-venv/bin/pip install /tmp/old
    cd /tmp/old && /tmp/old-venv/bin/python bench/instructions.py
The baseline row is the same code in both: how far it moves between the two venvs (a few hundred
instructions) is the noise floor of the comparison.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from batch import baseline, generate, triage

from triage_cli.bank import load_bank


def instructions(mode: str, data: Path, out: Path) -> int:
    """Instructions one child run executes (callgrind's 'Collected' count)."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", mode, str(data), str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, data, out = args.child
        if mode == "baseline":
            baseline(Path(data), Path(out))
        else:
            triage(load_bank(), Path(data), Path(out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, header = folder / "answers.csv", folder / "header.csv"
        generate(load_bank(), args.rows, data)
        header.write_text(data.read_text(encoding="utf-8").partition("\n")[0] + "\n")
        per_row = {}
        for mode in ("baseline", "triage"):
            full = instructions(mode, data, folder / "out.csv")
            start = instructions(mode, header, folder / "out.csv")
            per_row[mode] = (full - start) / args.rows
        for mode, count in per_row.items():
            print(
                f"  {mode:9} {count:9,.0f} instructions/row  "
                f"{count / per_row['baseline']:4.2f}x  ({args.rows:,} rows, start-up removed)"
            )


if __name__ == "__main__":
    main()
