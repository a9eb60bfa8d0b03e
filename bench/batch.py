"""Batch throughput and memory: `triage batch` against a bare csv.DictReader baseline.

Generates N rows of valid, varied answers (seeded), then, interleaved over several rounds in
this one process:
  (a) baseline: csv.DictReader reads the file, sums the numeric answers, writes one line per row;
  (b) triage: the same code path as `triage batch FILE -o OUT` (run_batch), parse + assess + write.
Then runs the real `triage batch` command as a child process for its wall time and peak RSS
(also at --rss-rows, default 1,000,000, to show memory stays flat).

Usage: python bench/batch.py [--rows 100000] [--rounds 5] [--rss-rows 1000000]
The ratio is given for the medians and for the fastest runs: on a shared machine the two differ.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from triage_cli.bank import Bank, load_bank
from triage_cli.batch import BatchOptions, run_batch


def generate(bank: Bank, rows: int, path: Path, seed: int = 7) -> None:
    """Valid answer rows respecting skip logic, skewed toward milder answers as real intakes are."""
    rng = random.Random(seed)
    ids = [q.id for q in bank.questions]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ids)
        for n in range(rows):
            answers: dict[str, object] = {}
            for q in bank.questions:
                if not q.asked(answers):
                    continue
                if q.kind == "text":
                    answers[q.id] = f"C{n:07d}"
                elif q.kind == "integer":
                    answers[q.id] = rng.randint(q.min, min(q.max, 80))
                elif q.kind == "yesno":
                    answers[q.id] = rng.random() < 0.2
                else:
                    codes = [c.code for c in q.choices]
                    weights = [0.55 / (i + 1) for i in range(len(codes))]
                    answers[q.id] = rng.choices(codes, weights)[0]
            writer.writerow(
                ("yes" if answers[i] else "no")
                if isinstance(answers.get(i), bool)
                else answers.get(i, "")
                for i in ids
            )


def baseline(path: Path, out_path: Path) -> None:
    with path.open(newline="", encoding="utf-8-sig") as src, out_path.open("w") as out:
        for row in csv.DictReader(src):
            total = sum(int(v) for v in row.values() if v.isdigit())
            out.write(f"{row['client_id']},{total}\n")


def triage(bank: Bank, path: Path, out_path: Path) -> None:
    options = BatchOptions(str(path), str(out_path), force=True, quiet=True)
    code = run_batch(bank, options, sys.stdin, io.StringIO(), io.StringIO())
    assert code == 0, code


def child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, command
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rss-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "answers.csv"
        generate(bank, args.rows, data)
        print(f"{args.rows:,} rows, {data.stat().st_size / 2**20:.1f} MiB")
        times: dict[str, list[float]] = {"baseline": [], "triage": []}
        for _ in range(args.rounds):
            for name in times:
                start = time.perf_counter()
                if name == "baseline":
                    baseline(data, folder / "baseline.out")
                else:
                    triage(bank, data, folder / "results.csv")
                times[name].append(time.perf_counter() - start)
        base = statistics.median(times["baseline"])
        fastest = min(times["baseline"])
        for name, samples in times.items():
            median = statistics.median(samples)
            print(
                f"  {name:9} median {median:6.2f} s  {args.rows / median:9,.0f} rows/s  "
                f"{median / base:4.2f}x (fastest runs: {min(samples) / fastest:4.2f}x)  "
                f"runs: {', '.join(f'{s:.2f}' for s in samples)}"
            )
        script = Path(sys.executable).with_name("triage")
        sizes = [(args.rows, data)]
        if args.rss_rows != args.rows:
            sizes.append((args.rss_rows, folder / "big.csv"))
            generate(bank, args.rss_rows, sizes[1][1])
        for rows, path in sizes:
            wall, rss = child(
                [str(script), "batch", str(path), "-o", str(folder / "o.csv"), "--force"]
            )
            print(
                f"  triage batch (command) {rows:>9,} rows: {wall:6.2f} s, peak RSS {rss:5.1f} MiB"
            )


if __name__ == "__main__":
    main()
