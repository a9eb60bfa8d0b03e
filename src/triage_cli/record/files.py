"""Private, atomic file writing: a 0600 temp file in the target's folder, renamed when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from triage_cli.errors import OutputError


@contextlib.contextmanager
def atomic_text(
    path: Path | str, *, force: bool = False, newline: str | None = None
) -> Iterator[TextIO]:
    """Yield a text file that replaces `path` only if the block completes; mode 0600.

    Refuses to replace an existing file unless `force`. If the block raises (or the
    process dies), the target is untouched and the temp file is removed.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name")
    if target.exists() and not target.is_file():
        raise OutputError(f"{target} is not a regular file; give a file name")
    if target.exists() and not force:
        raise OutputError(f"{target} already exists; use --force to replace it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write in {folder}: {error.strerror}") from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def write_private(path: Path | str, text: str, *, force: bool = False) -> Path:
    """Write `text` to `path` atomically with mode 0600."""
    with atomic_text(path, force=force) as handle:
        handle.write(text)
    return Path(path)


def _link_new(temp: str, target: Path) -> None:
    """Give the temp file its final name unless that name appeared meanwhile (no clobbering)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise OutputError(f"{target} already exists; use --force to replace it") from None
    except OSError:  # a filesystem without hard links: the check above must do
        os.replace(temp, target)
        return
    os.unlink(temp)
