"""A bank's text patterns, held to a form whose matching time is linear in the answer's length,
so that no bank can make a door hang (`(a+)+b` takes minutes on 33 'a's with Python's
backtracking engine). Checked on the pattern as Python's own parser reads it.

The form: no backreferences, no lookahead or lookbehind; a repeat applies to one character
or a fixed run of characters (no repeat or alternation inside a repeat); and between two
repeats without an upper bound stands a character the first one cannot take (`\\w+@\\w+` is
fine; `.*x.*` and `\\d+\\.?\\d*` are not: the first repeat could also take what follows it,
which is what makes backtracking try every split). Groups do not hide an adjacency.
A linear-time engine (google-re2) would lift these limits at the cost of a compiled
dependency; every pattern a bank needs (an id format) fits the form.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parser's own opcodes
from re import _parser as sre_parse  # the public re module exposes no parsed form
from typing import Any

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_BACKREFERENCES = {sre.GROUPREF, sre.GROUPREF_EXISTS}
_LOOKAROUND = {sre.ASSERT, sre.ASSERT_NOT}
_ONE_CHARACTER = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
_ENUMERABLE = 5000  # a class of at most this many characters is compared character by character
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
}
ANYTHING = (sre.ANY, None)  # what a repeat of more than one character may take: assume all


class _Refused(Exception):
    pass


def nonlinear_reason(pattern: str) -> str | None:
    """Why a (valid) pattern might match in more than linear time; None when it cannot."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return "it cannot be read as a regular expression"
    try:
        _sequence(list(parsed), inside_repeat=False, pending=None)
    except _Refused as refused:
        return str(refused)
    return None


def _sequence(items: list[tuple[Any, Any]], inside_repeat: bool, pending: Any) -> Any:
    """Walk a sequence; `pending` is the item of the last repeat without an upper bound that
    nothing it cannot take has followed yet (None: no such repeat). Returns it, updated."""
    for op, arg in items:
        if op in _BACKREFERENCES:
            raise _Refused("it uses a backreference")
        if op in _LOOKAROUND:
            raise _Refused("it uses lookahead or lookbehind")
        if op in _REPEATS:
            if inside_repeat:
                raise _Refused("a repeat is nested inside another repeat")
            low, high, body = arg
            body = list(body)
            _sequence(body, inside_repeat=True, pending=None)
            if high == sre.MAXREPEAT:
                if pending is not None and not (low > 0 and _disjoint(pending, body)):
                    raise _Refused("two repeats without an upper bound can take the same text")
                pending = body[0] if len(body) == 1 and body[0][0] in _ONE_CHARACTER else ANYTHING
            elif low > 0 and pending is not None:
                pending = None if _disjoint(pending, body) else pending
            continue
        if op == sre.SUBPATTERN:
            pending = _sequence(list(arg[-1]), inside_repeat, pending)
            continue
        if op == sre.BRANCH:
            if inside_repeat:
                raise _Refused("an alternation is repeated")
            after = [_sequence(list(branch), False, pending) for branch in arg[1]]
            pending = ANYTHING if any(p is not None for p in after) else None
            continue
        if op in _ONE_CHARACTER and pending is not None and _disjoint(pending, [(op, arg)]):
            pending = None  # a character the repeat cannot take: it must stop before it
        # anchors (AT) match no character and leave `pending` as it is
    return pending


def _disjoint(repeat: Any, followed_by: list[tuple[Any, Any]]) -> bool:
    """Whether the repeat's item cannot take the first character of `followed_by`."""
    if repeat is ANYTHING or not followed_by or followed_by[0][0] not in _ONE_CHARACTER:
        return False
    first = followed_by[0]
    for one, other in ((repeat, first), (first, repeat)):
        chars = _chars(one)
        if chars is not None:
            return not any(_takes(other, char) for char in chars)
    return False


def _chars(item: tuple[Any, Any]) -> list[str] | None:
    """The characters an item takes, when they are few enough to list; else None."""
    op, arg = item
    if op == sre.LITERAL:
        return [chr(arg)]
    if op != sre.IN:
        return None
    chars: list[str] = []
    for kind, value in arg:
        if kind == sre.LITERAL:
            chars.append(chr(value))
        elif kind == sre.RANGE and value[1] - value[0] < _ENUMERABLE:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        else:  # NEGATE, CATEGORY, a wide range
            return None
    return chars if len(chars) <= _ENUMERABLE else None


def _takes(item: tuple[Any, Any], char: str) -> bool:
    """Whether the item matches `char` (conservatively True when it cannot tell)."""
    op, arg = item
    if op == sre.LITERAL:
        return char == chr(arg)
    if op == sre.NOT_LITERAL:
        return char != chr(arg)
    if op == sre.ANY:
        return char != "\n"
    if op != sre.IN:
        return True
    negate = bool(arg) and arg[0][0] == sre.NEGATE
    hit = False
    for kind, value in arg[negate:]:
        if kind == sre.LITERAL:
            hit = hit or char == chr(value)
        elif kind == sre.RANGE:
            hit = hit or value[0] <= ord(char) <= value[1]
        elif kind == sre.CATEGORY and value in _CATEGORIES:
            hit = hit or re.fullmatch(_CATEGORIES[value], char) is not None
        else:
            return True
    return hit != negate
