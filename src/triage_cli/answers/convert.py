"""One answer, raw -> typed: the converter every door uses (CSV text, TOML values, the wizard's
input), what a valid answer looks like in words, and a CSV's exact spellings."""

from __future__ import annotations

import re
from collections.abc import Callable

from triage_cli.bank.model import Question, Value

MAX_FIELD = 256  # longer raw values are rejected without being echoed back
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
_INTEGER = re.compile(r"[+-]?\d{1,9}\Z")


# A converter returns (typed value or None when blank, problem message or None).
Converter = Callable[[object], tuple[Value | None, str | None]]


def expected(question: Question) -> str:
    """What a valid answer to this question looks like, in words."""
    if question.kind == "yesno":
        return "yes or no"
    if question.kind == "integer":
        return f"a whole number {question.min}-{question.max}"
    if question.kind == "choice":
        return "one of: " + ", ".join(str(c.code) for c in question.choices)
    return question.pattern_hint or (
        f"text matching {question.pattern}" if question.pattern else "text"
    )


def converter(question: Question) -> Converter:
    """Build the function that turns one raw value into this question's typed answer."""
    wanted = expected(question)
    fail = "expected " + wanted

    def text_of(raw: object) -> str | None:
        return raw.strip() if isinstance(raw, str) else None

    if question.kind == "yesno":

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, bool):
                return raw, None
            if isinstance(raw, int):
                raw = str(raw)
            word = text_of(raw)
            if word is None:
                return None, fail
            word = word.lower()
            if word in YES:
                return True, None
            if word in NO:
                return False, None
            return (None, None) if not word else (None, fail)

    elif question.kind == "choice":
        integer_codes = isinstance(question.choices[0].code, int)
        lookup = {str(c.code).lower(): c.code for c in question.choices}

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, int) and not isinstance(raw, bool) and integer_codes:
                raw = str(raw)
            word = text_of(raw)
            if word is None:
                return None, fail
            code = lookup.get(word.lower())
            if code is not None:
                return code, None
            return (None, None) if not word else (None, fail)

    elif question.kind == "integer":
        low, high = question.min, question.max

        def convert(raw: object) -> tuple[Value | None, str | None]:
            if isinstance(raw, int) and not isinstance(raw, bool):
                number = raw
            else:
                word = text_of(raw)
                if word is None or (word and not _INTEGER.match(word)):
                    return None, fail
                if not word:
                    return None, None
                number = int(word)
            return (number, None) if low <= number <= high else (None, fail)

    else:
        pattern = re.compile(question.pattern) if question.pattern else None

        def convert(raw: object) -> tuple[Value | None, str | None]:
            word = text_of(raw)
            if word is None:
                return None, fail
            if not word:
                return None, None
            if pattern is not None and not pattern.fullmatch(word):
                return None, fail
            return word, None

    return convert


def exact_spellings(question: Question) -> dict[str, Value]:
    """The common exact spellings of valid answers (a CSV's hot path): one dict lookup
    instead of trimming, lower-casing and converting. Empty for free text and wide ranges;
    anything not in it goes through the converter, which accepts every spelling allowed."""
    if question.kind == "yesno":
        words = {word: True for word in YES} | {word: False for word in NO}
        return {v: t for w, t in words.items() for v in (w, w.upper(), w.capitalize())}
    if question.kind == "choice":
        return {
            spelling: c.code
            for c in question.choices
            for spelling in {str(c.code), str(c.code).upper(), str(c.code).capitalize()}
        }
    if question.kind == "integer" and question.max - question.min <= 1000:
        return {str(n): n for n in range(question.min, question.max + 1)}
    return {}
