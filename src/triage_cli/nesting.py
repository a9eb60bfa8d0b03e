"""How deeply a parsed TOML document nests. Readers refuse one nested deeper than MAX_DEPTH: a
hand-made file thousands of levels deep would otherwise end in a RecursionError, in tomllib
itself or later, in whatever walks the values."""

from __future__ import annotations

MAX_DEPTH = 32  # a summary nests 4 levels, a question bank 4
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def too_deep(document: object, limit: int = MAX_DEPTH) -> bool:
    """Whether tables and arrays nest deeper than `limit` (walked without recursion)."""
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= limit:
                return True
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return False
