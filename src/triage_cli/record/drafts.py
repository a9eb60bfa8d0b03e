"""Interview drafts: the write-ahead record of an intake in progress (its answers, phase and
override, saved after every change), where drafts live, the lock a live interview holds on
its draft, and reading drafts back to list or resume them."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from triage_cli import __version__
from triage_cli.answers import converter
from triage_cli.bank.model import LEVELS, Bank, Value
from triage_cli.errors import InputError, OutputError
from triage_cli.record.files import read_document, write_private
from triage_cli.record.override import Override
from triage_cli.record.stored import past_time
from triage_cli.scoring import MODEL_VERSION, imminent_risk
from triage_cli.text import local_time, shown

HEADER = "# triage-cli interview draft (unfinished). Contains health information.\n"
SUFFIX = ".draft.toml"
PHASES = ("questions", "review", "override", "export")
# What became of the interview that wrote it; "in_progress" while it runs (and is locked).
STATES = {
    "in_progress": "in progress",
    "interrupted": "interrupted",
    "hung_up": "hung up",
    "terminated": "terminated",
    "emergency": "emergency",
    "export_failed": "export failed",
    "not_exported": "not exported",
}
STALE_AFTER = timedelta(days=30)


def drafts_folder() -> Path:
    """The per-user drafts folder: $XDG_STATE_HOME/triage-cli/drafts (~/.local/state/...)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "triage-cli" / "drafts"


def writable_folder(folder: Path) -> bool:
    """Create the folder (0700) if need be; whether a file can be written in it (tried:
    access() says yes to root everywhere, even in /proc)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".triage-probe.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def new_draft_path(folder: Path, client_id: str, started: datetime) -> Path:
    """Named by client id and start time, and taken (created empty, 0600, O_EXCL) so that two
    interviews started in the same second never share one; OutputError if none can be."""
    stem = f"{client_id or 'intake'}-{started.strftime('%Y%m%d-%H%M%S')}"
    for number in range(1, 1000):
        path = folder / (f"{stem}{SUFFIX}" if number == 1 else f"{stem}-{number}{SUFFIX}")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(f"cannot write in {shown(folder, 300)}: {error.strerror}") from None
        return path
    raise OutputError(f"no free draft name for {shown(stem)} in {shown(folder, 300)}")


def write_draft(
    bank: Bank,
    answers: Mapping[str, Value],
    path: Path | str,
    *,
    phase: str = "questions",
    state: str = "in_progress",
    override: Override | None = None,
    started: datetime | None = None,
    assessed: datetime | None = None,
) -> Path:
    """Save the draft, replacing the one before: atomically, with mode 0600. `assessed`:
    when the answers were scored, once they were."""
    import tomli_w

    now = datetime.now(UTC).replace(microsecond=0)
    document: dict[str, Any] = {
        "meta": {
            "kind": "draft",
            "tool_version": __version__,
            "model_version": MODEL_VERSION,
            "bank_name": bank.name,
            "bank_sha256": bank.sha256,
            "phase": phase,
            "state": state,
            "started": (started or now).replace(microsecond=0),
            "saved": now,
            "created": now,  # the time this file was written, as in a summary
            **({"assessed": assessed.replace(microsecond=0)} if assessed else {}),
        },
        "answers": {q.id: answers[q.id] for q in bank.questions if q.id in answers},
    }
    if override is not None:
        document["override"] = {k: v for k, v in vars(override).items() if v != ""}
    return write_private(path, HEADER + tomli_w.dumps(document), force=True)


@dataclass(frozen=True)
class Resumed:
    """A draft (or summary) read back to continue an interview."""

    answers: dict[str, Value]  # the usable answers, checked as the interview would ask them
    notes: list[str]  # one for each answer dropped
    is_draft: bool  # a draft, not a chart summary (which is never deleted)
    phase: str
    override: Override | None
    started: datetime | None
    assessed: datetime | None = None
    incomplete: bool = False  # a summary written before its interview ended
    imminent: bool = False  # the file's answers, dropped ones too, meet rule S1


def _load(path: Path) -> dict[str, Any]:
    return read_document(path, "TOML", tomllib.loads, tomllib.TOMLDecodeError)  # type: ignore[no-any-return]


def read_draft(bank: Bank, path: Path | str) -> Resumed:
    """Lenient where a summary's reader is strict: a draft is unfinished, so only answered
    questions are kept, each checked against the bank and the skip logic as the interview
    would ask it."""
    path = Path(path)
    try:
        document = _load(path)
    except InputError as error:
        raise InputError(f"cannot resume: {error.message}") from None
    raw = document.get("answers", {})
    if not isinstance(raw, dict):
        raise InputError(f"cannot resume from {shown(path, 300)}: no [answers] table")
    unknown = [key for key in raw if key not in bank.by_id]
    notes = [f"{shown(key)}: not a question of this bank, dropped" for key in unknown]
    kept: dict[str, Value] = {}
    readable: dict[str, Value] = {}  # every answer that converts, kept or not: for safety
    for question in bank.questions:
        if question.id not in raw:
            continue
        value, error = converter(question)(raw[question.id])
        if error or value is None:
            notes.append(f"{question.id}: {error or 'blank'}, dropped: it will be asked again")
            continue
        readable[question.id] = value
        if not question.asked(kept):
            notes.append(f"{question.id}: not asked given the other answers, dropped")
        else:
            kept[question.id] = value
    meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
    is_draft = meta.get("kind") == "draft"
    phase = meta.get("phase") if meta.get("phase") in PHASES else "questions"
    started, assessed = (past_time(meta.get(key)) for key in ("started", "assessed"))
    override = _override(document.get("override"))
    incomplete = not is_draft and meta.get("complete") is False
    imminent = imminent_risk(readable)
    return Resumed(kept, notes, is_draft, phase, override, started, assessed, incomplete, imminent)


def _override(table: object) -> Override | None:
    if not isinstance(table, dict) or table.get("level") not in LEVELS:
        return None
    if not isinstance(table.get("reason"), str):
        return None
    return Override(*(str(table.get(k, "")) for k in ("level", "reason", "note", "by")))


# ---------------------------------------------------------------------------------------------
# Locks: a live interview holds one on its draft
# ---------------------------------------------------------------------------------------------


def lock_path(draft: Path) -> Path:
    # beside the draft, not the draft itself: each save replaces the draft's file
    return draft.with_name(f".{draft.name}.lock")


@contextlib.contextmanager
def locked(draft: Path) -> Iterator[None]:
    """Hold the draft's lock while the block runs; refuse (OutputError naming the process)
    when another live interview holds it."""
    path = lock_path(draft)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # a folder we cannot lock in: nothing else can either
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise OutputError(
                f"{shown(draft, 300)} is in use by a live interview (process {shown(holder)}); "
                "finish or stop that one first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
    finally:
        os.close(fd)


def lock_holder(draft: Path) -> str | None:
    """The process id holding the draft's lock, or None when no live interview does."""
    try:
        fd = os.open(lock_path(draft), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftInfo:
    """One draft as `triage drafts` lists it."""

    path: Path
    client_id: str
    answers: int  # keys of [answers], client id included
    phase: str
    saved: datetime | None
    state: str  # a key of STATES; "in_progress" only while a live interview holds the lock
    holder: str | None  # that interview's process id
    started: datetime | None = None  # when its interview began

    def stale(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.saved is not None and now - self.saved > STALE_AFTER

    def as_json(self) -> dict[str, Any]:
        """`triage drafts --json`: path, client_id, answers, phase, saved, state."""
        return {
            "path": str(self.path),
            "client_id": self.client_id,
            "answers": self.answers,
            "phase": self.phase,
            "saved": self.saved.isoformat() if self.saved else None,
            "state": self.state,
        }

    def line(self) -> str:
        """One line of `triage drafts`: saved in local time, with its zone."""
        saved = local_time(self.saved) if self.saved else "?"
        state = STATES[self.state] + (f" (process {shown(self.holder)})" if self.holder else "")
        stale = ", stale: older than 30 days" if self.stale() else ""
        return (
            f"{shown(self.path, 300)}  {shown(self.client_id) or '-'}  {self.answers} answers  "
            f"{shown(self.phase)}  saved {saved}  {state}{stale}"
        )


def list_drafts(folder: Path | None = None) -> list[DraftInfo]:
    """The drafts in the drafts folder, newest first; unreadable files are left out."""
    folder = folder or drafts_folder()
    try:
        paths = [p for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            document = _load(path)
        except InputError:
            continue
        meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
        if meta.get("kind") != "draft":
            continue  # a chart summary named like a draft (exported onto one) is not a draft
        answers = document.get("answers") if isinstance(document.get("answers"), dict) else {}
        saved = meta.get("saved", meta.get("created"))
        holder = lock_holder(path)
        state = meta.get("state") if meta.get("state") in STATES else "interrupted"
        if state == "in_progress" and holder is None:
            state = "interrupted"  # its interview ended without saying how (kill -9, power)
        found.append(
            DraftInfo(
                path=path,
                client_id=str(answers.get("client_id", "")),
                answers=len(answers),
                phase=str(meta.get("phase", "questions")),
                saved=saved if isinstance(saved, datetime) else None,
                state="in_progress" if holder is not None else state,
                holder=holder,
                started=past_time(meta.get("started")),
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda d: (d.saved or oldest, d.path.name), reverse=True)


def find_draft(resumed: Resumed) -> Path | None:
    """The draft of the interview a record was written by before it ended (an emergency
    exported early): same client, same start; None when there is none (finished, removed)."""
    client_id, started = resumed.answers.get("client_id"), resumed.started
    if started is None or client_id is None:
        return None
    for folder in (drafts_folder(), Path(".")):  # the interview's fallback folder too
        for draft in list_drafts(folder):
            if draft.client_id == client_id and draft.started == started:
                return draft.path
    return None


def remove_drafts(paths: list[Path], older_than_days: int | None) -> list[str]:
    """Remove the drafts named, and those last saved more than `older_than_days` days ago;
    one line for each removed. A draft a live interview holds, or a file that is not a draft,
    is refused (OutputError), and nothing is removed."""
    chosen: list[Path] = []
    for path in paths:
        info = next((d for d in list_drafts(path.parent) if d.path.name == path.name), None)
        if info is None:
            raise OutputError(f"{shown(path, 300)} is not an interview draft; nothing removed")
        chosen.append(path)
    if older_than_days is not None:
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
        chosen += [d.path for d in list_drafts() if d.saved is not None and d.saved < cutoff]
    for path in chosen:
        if (holder := lock_holder(path)) is not None:
            raise OutputError(
                f"{shown(path, 300)} is in use by a live interview (process {shown(holder)}); "
                "nothing removed"
            )
    lines = []
    for path in dict.fromkeys(chosen):
        path.unlink(missing_ok=True)
        lines.append(f"removed {path}")
    return lines or ["No drafts removed."]
