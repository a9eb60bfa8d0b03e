"""Private file writing: atomic (a 0600 temp file beside the target, fsynced, renamed when
complete, the folder fsynced), or as a stream when the target is a pipe, a device or an open
standard stream; temp files left by a killed run on this host are removed by the next one."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from triage_cli.errors import InputError, OutputError
from triage_cli.nesting import TOO_DEEP, too_deep
from triage_cli.streams import closed_at_start
from triage_cli.text import shown

# os.uname() and os.urandom, not socket and secrets: the same values, without 3.5 ms of imports
# on every command that writes a file (measured with -X importtime)
HOST = re.sub(r"[^A-Za-z0-9_-]", "-", os.uname().nodename) or "localhost"
# .NAME.HOST.PID.RANDOM.tmp: HOST has no dots, so the name is read from the right
TEMP = re.compile(r"\.(?P<name>.+)\.(?P<host>[A-Za-z0-9_-]+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")
# names of this process's open file descriptors: written to as they are
_FD = re.compile(
    r"/dev/(?P<std>stdout|stderr)|/dev/fd/(?P<fd>\d+)"
    r"|/proc/(?P<pid>self|thread-self|\d+)/fd/(?P<pfd>\d+)"
)
_STD = {"stdout": 1, "stderr": 2}
_swept: set[str] = set()  # folders already cleaned of stale temp files by this process

Notify = Callable[[str], object]


def read_document(
    path: Path,
    kind: str,
    loads: Callable[[str], Any],
    syntax: type[Exception],
    encoding: str = "utf-8",
) -> Any:
    """An input file parsed (TOML, JSON): every way reading it can fail, an InputError (exit
    2) that names the file; a document nested too deeply refused like one that cannot parse."""
    where = shown(path)
    try:
        document = loads(path.read_text(encoding=encoding))
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{where} is a folder, not a {kind} file") from None
    except OSError as error:
        raise InputError(f"cannot read {where}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{where}: not UTF-8 text ({error.reason})") from None
    except syntax as error:
        raise InputError(f"{where}: not valid {kind}: {shown(error, 300)}") from None
    except RecursionError:
        raise InputError(f"{where}: {TOO_DEEP}") from None
    if too_deep(document):
        raise InputError(f"{where}: {TOO_DEEP}")
    return document


def temp_name(target: str) -> str:
    """The temp file's name for `target`: hidden, with this host and process id."""
    return f".{target}.{HOST}.{os.getpid()}.{os.urandom(4).hex()}.tmp"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def sweep_stale(folder: Path, notify: Notify) -> list[str]:
    """Remove temp files of our naming in `folder` whose process is gone on this host (a
    `kill -9`, a power cut); say so in one line. Once per folder and process."""
    key = os.path.realpath(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        found = TEMP.fullmatch(entry.name)
        if not found or found["host"] != HOST or int(found["pid"]) == os.getpid():
            continue
        if _alive(int(found["pid"])):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.name)
    if removed:
        names = ", ".join(shown(name) for name in removed[:3]) + (
            f" and {len(removed) - 3} more" if len(removed) > 3 else ""
        )
        notify(
            f"note: removed {len(removed)} temp file(s) left in {shown(folder, 300)} by a run "
            f"that did not finish: {names}\n"
        )
    return removed


def _stderr_notify(text: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(text)


def open_fd(path: str) -> int | None:
    """N if `path` (or a symlink on the way from it) names this process's open fd N:
    /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on symlinks followed
        found = _FD.fullmatch(current)
        if found and found["pid"] in (None, "self", "thread-self", str(os.getpid())):
            return _STD[found["std"]] if found["std"] else int(found["fd"] or found["pfd"])
        try:
            link = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


class PrivateFile:
    """One output being written: `handle` to write to, then commit() or discard()."""

    handle: TextIO
    name: str
    is_stream = False

    def commit(self) -> bool:
        """Make the output final; True if it is a new file (so that undo() may remove it)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Give up: nothing of this output is left (a stream keeps what it was sent)."""
        raise NotImplementedError

    def undo(self) -> None:
        """Remove a file that commit() created, when a later output of the same run failed."""


class StreamFile(PrivateFile):
    """A target that is not a regular file (a pipe, a device, an open standard stream),
    written as it is: no temp file, nothing to replace."""

    is_stream = True

    def __init__(self, name: str, fd: int, newline: str | None) -> None:
        self.name = name
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline=newline)

    def commit(self) -> bool:
        self.handle.close()
        return False

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # a cut pipe fails again on close
            self.handle.close()


class AtomicFile(PrivateFile):
    """A 0600 temp file beside `final`, renamed onto it when complete."""

    def __init__(self, name: str, final: Path, force: bool, newline: str | None) -> None:
        self.name, self.final, self.force = name, final, force
        folder = final.parent
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        while True:
            self.temp = folder / temp_name(final.name)
            try:
                fd = os.open(self.temp, flags, 0o600)
                break
            except FileExistsError:
                continue
            except OSError as error:
                raise OutputError(f"cannot write in {folder}: {error.strerror}") from None
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        except BaseException:
            os.close(fd)
            self._remove_temp()
            raise
        self._new = False

    def commit(self) -> bool:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self._new = not self.final.exists()
            if self.force:
                os.replace(self.temp, self.final)
            else:
                self._link_new()
        except OSError as error:
            self.discard()
            raise OutputError(f"cannot write {self.name}: {error.strerror}") from None
        except BaseException:
            self.discard()
            raise
        _sync_folder(self.final.parent)
        return self._new

    def _link_new(self) -> None:
        """Give the temp file its final name unless that name appeared meanwhile."""
        try:
            os.link(self.temp, self.final)
        except FileExistsError:
            raise OutputError(f"{self.name} already exists; use --force to replace it") from None
        except OSError:  # a filesystem without hard links: the check before must do
            os.replace(self.temp, self.final)
            return
        self._remove_temp()

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.handle.close()
        self._remove_temp()

    def undo(self) -> None:
        if self._new:
            with contextlib.suppress(OSError):
                os.unlink(self.final)

    def _remove_temp(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


def _sync_folder(folder: Path) -> None:
    """fsync the folder, so that the rename itself survives a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse to sync a folder: the rename is done anyway
        pass
    finally:
        os.close(fd)


def where(path: Path | str) -> tuple[Path, int | None]:
    """Where writing to `path` lands: the path (a symlink's final target: the link itself is
    never replaced), and the fd if it names one of this process's open streams."""
    text = os.fspath(path)
    fd = open_fd(text)
    return Path(os.path.realpath(text)), fd


def check_target(path: Path | str, *, force: bool = False, streams: bool = False) -> None:
    """Raise OutputError if `path` may not be written (checked before any work starts)."""
    name = os.fspath(path)
    if not name:
        raise OutputError("an output file name is empty; give a file name")
    final, fd = where(path)
    if fd is not None:
        if not streams:
            raise OutputError(f"{name} is an open stream, not a file; give a file name")
        if closed_at_start(fd):
            raise OutputError(f"{name} is closed (it was closed when triage started)")
        return
    try:
        mode = os.stat(final).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"cannot write {name}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"{name} is a folder; give a file name")
    if not stat.S_ISREG(mode):
        if not streams:
            raise OutputError(f"{name} is not a regular file; give a file name")
        return
    if not force:
        raise OutputError(f"{name} already exists; use --force to replace it")


def open_private(
    path: Path | str,
    *,
    force: bool = False,
    newline: str | None = None,
    streams: bool = False,
    notify: Notify | None = None,
) -> PrivateFile:
    """Start writing `path`: an AtomicFile (a regular file, new or replaced with `force`), or
    with `streams` a StreamFile for a pipe, a device or /dev/stdout (no temp, no --force)."""
    check_target(path, force=force, streams=streams)
    name = os.fspath(path)
    final, fd = where(path)
    if fd is not None:
        try:
            return StreamFile(name, os.dup(fd), newline)
        except OSError as error:  # /dev/fd/7 when 7 is not open
            raise OutputError(f"cannot write {name}: {error.strerror}") from None
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.stat(final).st_mode):
            return StreamFile(name, _open_stream(final), newline)
    sweep_stale(final.parent, notify or _stderr_notify)
    return AtomicFile(name, final, force, newline)


def _open_stream(final: Path) -> int:
    """Open a pipe or device for writing; never create or truncate anything."""
    try:
        fd = os.open(final, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise OutputError(f"cannot write {final}: {error.strerror}") from None
    if stat.S_ISREG(os.fstat(fd).st_mode):  # it became a file since the check: refuse
        os.close(fd)
        raise OutputError(f"{final} changed while it was opened; try again")
    return fd


@contextlib.contextmanager
def atomic_text(
    path: Path | str,
    *,
    force: bool = False,
    newline: str | None = None,
    streams: bool = False,
    notify: Notify | None = None,
) -> Iterator[TextIO]:
    """Yield a text file that replaces `path` only if the block completes; mode 0600.

    Refuses to replace an existing file unless `force`. If the block raises (or a signal
    stops the process through an exception), the target is untouched and the temp file is
    removed; after a `kill -9` the next write into that folder removes it. With `streams`,
    a pipe, a device or /dev/stdout is written as it is.
    """
    output = open_private(path, force=force, newline=newline, streams=streams, notify=notify)
    try:
        yield output.handle
    except BaseException:
        output.discard()
        raise
    output.commit()


def write_private(path: Path | str, text: str, *, force: bool = False) -> Path:
    """Write `text` to `path` atomically with mode 0600."""
    with atomic_text(path, force=force) as handle:
        handle.write(text)
    return Path(path)
