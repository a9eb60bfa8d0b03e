"""The plain-text gate: text that came from a file, a keyboard or a center's bank passes here
before it reaches a terminal or a text file people read. Control and invisible characters
become visible escapes (ESC is shown as \\x1b, a right-to-left override as \\u202e), so no
input can move the cursor, clear the screen or reorder what is shown; long values are cut.

No library does this for us: rich strips only a few control characters, prompt_toolkit lets
C1 controls through, and typer.echo prints everything as it is.
"""

from __future__ import annotations

from datetime import datetime

VALUE_LIMIT = 80  # ids, values, keys, file and column names: longer ones are cut
PROSE_LIMIT = 2000  # a bank's prompts, help and program text, notes, messages
# Unicode categories made visible: controls (C0, DEL, C1), format characters (bidirectional
# overrides and isolates, zero-width characters, the BOM), lone surrogates (undecodable bytes
# read with surrogateescape), and the line and paragraph separators.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape(char: str) -> str:
    point = ord(char)
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def _visible(text: str, keep_newlines: bool) -> str:
    if text.isprintable():  # the common case: nothing to escape
        return text
    import unicodedata  # only here: every command imports this module, few texts need it

    return "".join(
        char
        if (keep_newlines and char == "\n") or unicodedata.category(char) not in HIDDEN
        else _escape(char)
        for char in text
    )


def _cut(text: str, limit: int) -> tuple[str, str]:
    if len(text) <= limit:
        return text, ""
    return text[:limit], f"... ({len(text) - limit:,} more)"


def shown(value: object, limit: int = VALUE_LIMIT) -> str:
    """One value on one line, as it may be shown: every control, format and separator
    character escaped (tab and newline too), cut at `limit` characters with a count."""
    head, rest = _cut(value if isinstance(value, str) else str(value), limit)
    return _visible(head, keep_newlines=False) + rest


def prose(text: object, limit: int | None = PROSE_LIMIT) -> str:
    """Text that may span lines (a bank's help, a message with details): newlines kept,
    every other control, format and separator character escaped; cut at `limit` (None: a
    whole message whose values were cut where they were put in)."""
    whole = text if isinstance(text, str) else str(text)
    head, rest = _cut(whole, limit) if limit is not None else (whole, "")
    return _visible(head, keep_newlines=True) + rest


def local_time(moment: datetime) -> str:
    """A stored (UTC) time as people read it: local time, with the zone's name."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")
