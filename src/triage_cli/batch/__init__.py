"""Batch mode: a CSV of answers scored row by row (stream), its inputs and outputs (io), what a
run saw (report), and the template of its input (template)."""

from triage_cli.batch.report import BatchOptions
from triage_cli.batch.stream import run_batch

__all__ = ["BatchOptions", "run_batch"]
