"""The rating, rule and flag tables compiled, once at import, into one plain Python function.

The tables in ratings.py and rules.py stay the only statement of the clinical logic; this module
writes them out as straight-line code (answers into local variables, one `if` per row, rule and
flag), because batch scores each row with it and calling ~50 small functions per row was the
slowest part of `triage batch`. `SOURCE` holds the generated code, for reading and for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import product
from math import prod
from operator import itemgetter
from typing import NamedTuple

from triage_cli.bank.model import Value
from triage_cli.bank.schema import SCORED, YES_NO
from triage_cli.scoring.facts import DERIVED, HELPERS, NOT_ASKED, compiled
from triage_cli.scoring.model import Level, Ratings, Scores
from triage_cli.scoring.ratings import RATINGS, Rows, inputs
from triage_cli.scoring.rules import EMERGENCY_RULE, FLAGS, RULES, withdrawal_management


class Decision(NamedTuple):
    """What the tables decide for one set of answers."""

    ratings: Ratings
    composite: int
    proposals: tuple[tuple[str, Level], ...]  # (rule id, level) of every rule that applied
    level: Level
    rules: tuple[str, ...]  # ids of the rules that proposed the level, sorted
    flag_codes: tuple[str, ...]
    withdrawal_management: str
    emergency: bool  # EMERGENCY_RULE applied: imminent risk


# The functions of a few answers that decide() reads as tables (see tabulated()).
TABULATED = (*(f for f in RATINGS.values() if callable(f)), withdrawal_management)
# decide()'s own variables and globals: no fact may be named like one.
GENERATED_NAMES = frozenset({
    "answers", "scores", "proposals", "emergency", "rule", "proposed", "rules", "flags",
    "withdrawal", "ratings", "Decision", "Ratings", "make", "proposed_level",
    *(f"{f.__name__}_of" for f in TABULATED),
})  # fmt: skip
COMPUTED = frozenset((*Scores._fields, *DERIVED, *Ratings._fields, "composite", "level"))
KNOWN = COMPUTED | set(SCORED) | set(HELPERS)  # the names a test may read


def names_read(expression: str) -> tuple[str, ...]:
    """The names an expression reads; refuses one that reads anything but facts and helpers."""
    code = compiled(expression)
    unknown = [name for name in code.co_names if name not in KNOWN]
    if unknown or any(hasattr(const, "co_code") for const in code.co_consts):
        raise ValueError(f"clinical test {expression!r} reads {unknown or 'a nested scope'}")
    return code.co_names


def _answers_read() -> list[str]:
    """The answer ids the tables read, in schema order (for a stable SOURCE)."""
    tables = [rows for rows in RATINGS.values() if not callable(rows)]
    tests = [*DERIVED.values(), *(r.when for r in RULES), *(f.when for f in FLAGS)]
    tests += [r.proposes for r in RULES if isinstance(r.proposes, str)]
    tests += [term.test for rows in tables for _, terms in rows for term in terms]
    read = {name for test in tests for name in names_read(test)}
    for function in TABULATED:  # its parameters are the answers it is called with
        if unknown := [name for name in inputs(function) if name not in SCORED]:
            raise ValueError(f"{function.__name__} reads {unknown}: not answer ids")
        read |= set(inputs(function))
    return [qid for qid in SCORED if qid in read]


def _domain(qid: str) -> tuple[Value | None, ...]:
    """Every value an answer the scoring reads can take, not-asked included."""
    need = SCORED[qid]
    if need.kind not in ("choice", YES_NO):
        raise ValueError(f"{qid} is {need.kind}: only choice and yes/no answers are tabulated")
    values: tuple[Value | None, ...] = (True, False) if need.kind == YES_NO else need.codes
    if qid in NOT_ASKED:
        unasked = NOT_ASKED[qid]
        # by type too: a not-asked False beside a code 0 must collide in tabulated(), not vanish
        if not any(type(v) is type(unasked) and v == unasked for v in values):
            values = (*values, unasked)
    return values


def tabulated(function: Callable[..., object]) -> dict[tuple[Value | None, ...], object]:
    """A function of a few answers as a table: its result for every combination of values.
    (One tuple lookup per row instead of a call; the function stays the statement of the rule.)"""
    domains = [_domain(qid) for qid in inputs(function)]
    table = {combination: function(*combination) for combination in product(*domains)}
    if len(table) != prod(map(len, domains)):  # e.g. True and 1 are one key
        raise ValueError(f"{function.__name__}: its inputs' values collide as keys")
    return table


def _lookup(function: Callable[..., object]) -> str:
    key = ", ".join(inputs(function)) + ("," if len(inputs(function)) == 1 else "")
    return f"{function.__name__}_of[{key}]"


def _rating(letter: str, rating: Rows | Callable[..., int]) -> list[str]:
    """A function rating as a table lookup; a table as if/elif, highest row first, 1 when
    none holds."""
    if callable(rating):
        return [f"{letter} = {_lookup(rating)}"]
    lines = [
        f"{'elif' if n else 'if'} {' or '.join(f'({t.test})' for t in terms)}: {letter} = {value}"
        for n, (value, terms) in enumerate(rating)
    ]
    return [*lines, f"else: {letter} = 1"]


def generate() -> str:
    """The source of `decide(answers, scores) -> Decision`, written from the tables."""
    if clash := (COMPUTED | set(SCORED)) & GENERATED_NAMES:
        raise ValueError(f"facts named like decide's own variables: {sorted(clash)}")
    if EMERGENCY_RULE not in {rule.id for rule in RULES}:
        raise ValueError(f"no rule {EMERGENCY_RULE}: nothing would mark an emergency")
    body = [
        *(
            f"{qid} = answers.get({qid!r}, {NOT_ASKED[qid]!r})"
            if qid in NOT_ASKED
            else f"{qid} = answers[{qid!r}]"
            for qid in _answers_read()
        ),
        f"{', '.join(Scores._fields)} = scores",
        *(f"{name} = {expression}" for name, expression in DERIVED.items()),
        *(line for letter, rating in RATINGS.items() for line in _rating(letter, rating)),
        f"composite = {' + '.join(Ratings._fields)}",
        "proposals = []",
        "emergency = False",
        *(
            f"if {rule.when}: proposals.append(({rule.id!r}, "
            f"{rule.proposes.name if isinstance(rule.proposes, Level) else rule.proposes}))"
            + ("; emergency = True" if rule.id == EMERGENCY_RULE else "")
            for rule in RULES
        ),
        "level = max(map(proposed_level, proposals))",
        "rules = []",
        "for rule, proposed in proposals:",
        "    if proposed == level: rules.append(rule)",
        "rules.sort()",
        "flags = []",
        *(f"if {flag.when}: flags.append({flag.code!r})" for flag in FLAGS),
        f"withdrawal = {_lookup(withdrawal_management)}.code",
        f"ratings = make(Ratings, ({', '.join(Ratings._fields)}))",
        "return make(Decision, (ratings, composite, tuple(proposals), level, tuple(rules),"
        " tuple(flags), withdrawal, emergency))",
    ]
    return "def decide(answers, scores):\n" + "".join(f"    {line}\n" for line in body)


def _compile(source: str) -> Callable[[Mapping[str, Value], Scores], Decision]:
    namespace = {
        **HELPERS,
        "Decision": Decision,
        # tuple.__new__ builds the same NamedTuple as its Python-level constructor, in C
        "make": tuple.__new__,
        "proposed_level": itemgetter(1),
        "Ratings": Ratings,
        **{f"{f.__name__}_of": tabulated(f) for f in TABULATED},
    }
    exec(compile(source, "<triage_cli.scoring.decision>", "exec"), namespace)
    return namespace["decide"]  # type: ignore[no-any-return]


SOURCE = generate()
decide = _compile(SOURCE)
