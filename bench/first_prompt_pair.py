"""Time to first prompt of two installed `triage` commands, interleaved in one loop: a
baseline commit's and this one's, each waiting for its own first-prompt marker (the wording
may differ between commits). Interleaving cancels most of this machine's drift, which two
separate runs of first_prompt.py do not.

Usage: python bench/first_prompt_pair.py BASE_TRIAGE BASE_MARKER NEW_TRIAGE NEW_MARKER
       [--rounds 21]
e.g. a venv of b7d8247 ("(1/3)") against this tree's ("question 1 of 3").
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import pexpect


def first_prompt(triage: str, marker: str, folder: str) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        triage, ["interview"], cwd=folder, env={**os.environ, "NO_COLOR": "1"},
        dimensions=(40, 100), encoding="utf-8",
    )  # fmt: skip
    child.expect_exact(marker, timeout=20)
    elapsed = time.perf_counter() - start
    child.sendcontrol("c")
    child.expect(pexpect.EOF, timeout=20)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("base_marker")
    parser.add_argument("new")
    parser.add_argument("new_marker")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_STATE_HOME"] = folder  # the drafts of Ctrl-C go here, then away
        first_prompt(args.base, args.base_marker, folder)  # warm the disk cache
        first_prompt(args.new, args.new_marker, folder)
        base, new = [], []
        for _ in range(args.rounds):
            base.append(first_prompt(args.base, args.base_marker, folder))
            new.append(first_prompt(args.new, args.new_marker, folder))
    print(f"{args.rounds} interleaved rounds, median time to first prompt")
    print(f"  base  {statistics.median(base) * 1000:6.1f} ms  {args.base}")
    print(f"  new   {statistics.median(new) * 1000:6.1f} ms  {args.new}")


if __name__ == "__main__":
    main()
