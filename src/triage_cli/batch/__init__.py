"""Batch mode: a CSV of answers read row by row (rows) and scored (stream), its inputs and
outputs (io), what a run saw (report), how a run can stop early (stops), and the template of
its input (template).

`run_batch` is loaded on first use: `triage template` needs only the template, not the scoring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage_cli.batch.report import BatchOptions

if TYPE_CHECKING:
    from triage_cli.batch.stream import run_batch

__all__ = ["BatchOptions", "run_batch"]


def __getattr__(name: str) -> Any:
    if name == "run_batch":
        from triage_cli.batch.stream import run_batch

        return run_batch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
