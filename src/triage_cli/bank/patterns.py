"""A bank's text patterns, held to a form whose matching time is linear in the answer's length,
so that no bank can make a door hang (`(a+)+b` takes minutes on 33 'a's with Python's
backtracking engine). Checked on the pattern as Python's own parser reads it.

The form: no backreferences, no lookahead or lookbehind; a repeat applies to one character
or a fixed run of characters (no repeat or alternation inside a repeat); and no two repeats
without an upper bound stand side by side (nothing but optional items between them).
That keeps one way of matching each character, which is what makes backtracking linear.
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
_ONE_CHARACTER = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.CATEGORY, sre.RANGE}


def nonlinear_reason(pattern: str) -> str | None:
    """Why a (valid) pattern might match in more than linear time; None when it cannot."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return "it cannot be read as a regular expression"
    return _sequence(list(parsed), inside_repeat=False)


def _sequence(items: list[tuple[Any, Any]], inside_repeat: bool) -> str | None:
    unbounded_before = False  # an unbounded repeat with only optional items since
    for op, arg in items:
        if op in _BACKREFERENCES:
            return "it uses a backreference"
        if op in _LOOKAROUND:
            return "it uses lookahead or lookbehind"
        if op in _REPEATS:
            if inside_repeat:
                return "a repeat is nested inside another repeat"
            low, high, body = arg
            if reason := _sequence(list(body), inside_repeat=True):
                return reason
            if high == sre.MAXREPEAT:
                if unbounded_before:
                    return "two repeats without an upper bound stand side by side"
                unbounded_before = True
            elif low > 0:
                unbounded_before = False
            continue
        if op == sre.SUBPATTERN:
            if reason := _sequence(list(arg[-1]), inside_repeat):
                return reason
            if arg[-1].getwidth()[0] > 0:  # it always takes a character: a separator
                unbounded_before = False
            continue
        if op == sre.BRANCH:
            if inside_repeat:
                return "an alternation is repeated"
            for branch in arg[1]:
                if reason := _sequence(list(branch), inside_repeat=False):
                    return reason
            if min(branch.getwidth()[0] for branch in arg[1]) > 0:
                unbounded_before = False
            continue
        if op in _ONE_CHARACTER:
            unbounded_before = False
        # AT (anchors) match no character and leave the state as it is
    return None
