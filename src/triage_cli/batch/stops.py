"""How a batch run can end before its last row: a signal (Stopped, from signals.py), a cut
output pipe, a read or write error; and the exit code and the words for each."""

from __future__ import annotations

import signal

from triage_cli.signals import Stopped

# The signals that stop a batch run (signals.signals_stop), and how the summary names them.
SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}
if hasattr(signal, "SIGHUP"):
    SIGNAL_NAMES[signal.SIGHUP] = "a hang-up (SIGHUP)"
CUT_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe


class ReadFailure(Exception):
    """The input could not be read any further (an I/O error, bytes no codec can escape)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"cannot read {source} any further: {reason}")


class WriteFailure(Exception):
    """An output other than the results could not be written (the error report's stream)."""

    def __init__(self, target: str, error: OSError) -> None:
        super().__init__(f"cannot write {target}: {error.strerror or error}")
        self.target, self.error = target, error


def ending(stop: BaseException, results: str) -> tuple[int, str]:
    """The exit code for what stopped a run, and the words for the summary's last line."""
    if isinstance(stop, Stopped):
        return 128 + stop.signum, f"by {SIGNAL_NAMES.get(stop.signum, f'signal {stop.signum}')}"
    if isinstance(stop, KeyboardInterrupt):
        return 130, f"by {SIGNAL_NAMES[signal.SIGINT]}"
    if isinstance(stop, BrokenPipeError):
        return CUT_PIPE, f"because the reader of {results} closed it"
    if isinstance(stop, WriteFailure) and isinstance(stop.error, BrokenPipeError):
        return CUT_PIPE, f"because the reader of {stop.target} closed it"
    if isinstance(stop, ReadFailure | WriteFailure):
        return 2, f"because it {stop}"
    if isinstance(stop, OSError):
        return 2, f"because it cannot write {results}: {stop.strerror or stop}"
    return getattr(stop, "exit_code", 1), "by the error below"
