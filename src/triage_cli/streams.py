"""The standard streams as this process found them: a closed fd 0, 1 or 2 is reopened on
/dev/null at start (and remembered), messages never stop the work, and stdout is let go after
its reader went away."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

_closed_at_start: set[int] = set()


def reopen_closed() -> None:
    """Reopen a closed fd 0, 1 or 2 on /dev/null, so that no file opened later takes its number
    (a results file must not become stdout), and give Python a stream for it again."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        mode = os.O_RDONLY if fd == 0 else os.O_WRONLY
        try:
            os.fstat(fd)
        except OSError:
            _closed_at_start.add(fd)
            spare = os.open(os.devnull, mode)
            if spare != fd:  # the lowest free number is taken, so only if fd was reused
                os.dup2(spare, fd)
                os.close(spare)
        if getattr(sys, name) is None:  # Python found it closed at start-up
            errors = "backslashreplace" if fd == 2 else "strict"
            kind = "r" if fd == 0 else "w"
            setattr(sys, name, open(fd, kind, encoding="utf-8", errors=errors, closefd=False))  # noqa: SIM115


def closed_at_start(fd: int) -> bool:
    """True if fd 0, 1 or 2 was closed when the process started (it now reads or writes
    /dev/null): reading stdin or writing results to stdout would then be silently empty."""
    return fd in _closed_at_start


class Messages:
    """A message stream (stderr) whose failures are dropped: a closed, cut or hung-up stderr
    never stops the work, and the results and the exit code stay as they would be."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self.lost = stream is None

    def write(self, text: str) -> int:
        if not self.lost:
            try:
                self._stream.write(text)  # type: ignore[union-attr]
            except (OSError, ValueError):  # EPIPE, EIO of a hung-up terminal, a closed file
                self._lose()
        return len(text)

    def flush(self) -> None:
        if not self.lost:
            try:
                self._stream.flush()  # type: ignore[union-attr]
            except (OSError, ValueError):
                self._lose()

    def _lose(self) -> None:
        self.lost = True
        release(self._stream)  # what is still buffered must not fail at exit (exit 120)

    def isatty(self) -> bool:
        try:
            return not self.lost and bool(self._stream.isatty())  # type: ignore[union-attr]
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, ... for rich's Console
        return getattr(self._stream, name)


def release(stream: TextIO | None) -> None:
    """After a cut pipe: point the stream's fd at /dev/null, so that the interpreter's last
    flush does not fail ("Exception ignored ... BrokenPipeError"), as Python's documentation
    on SIGPIPE recommends. A stream without an fd (a test's buffer) is left as it is."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
