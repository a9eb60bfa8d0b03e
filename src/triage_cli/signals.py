"""Signals turned into an exception (Stopped), so that a run that is told to stop (SIGTERM at
a shutdown, SIGHUP when a terminal or SSH session goes away) cleans up on the way out: batch
removes its temp files, the interview marks its draft and restores the terminal."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator


class Stopped(BaseException):
    """A signal asked the run to stop; a BaseException like KeyboardInterrupt, so that no
    `except Exception` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_stop(numbers: Iterable[int]) -> Iterator[None]:
    """While the block runs, these signals raise Stopped (once: a second signal during the
    clean-up is ignored, so that the clean-up finishes); a signal the parent set to be ignored
    stays ignored. Only in the main thread, where Python runs signal handlers; the previous
    handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = []

    def stop(signum: int, _frame: object) -> None:
        if not stopping:
            stopping.append(signum)
            raise Stopped(signum)

    previous = {
        number: signal.signal(number, stop)
        for number in numbers
        if signal.getsignal(number) is not signal.SIG_IGN  # nohup, or `&` in a script: as asked
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
