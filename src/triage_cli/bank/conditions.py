"""Skip-logic conditions (`when`) and the typed values they compare, read from a bank's TOML."""

from __future__ import annotations

import re
from typing import Any

from triage_cli.bank.model import OPS, Condition, Question, Value
from triage_cli.bank.tables import Problems


def read_conditions(
    problems: Problems,
    where: str,
    tables: list[Any],
    known: dict[str, Question],
    all_ids: frozenset[str] = frozenset(),
) -> tuple[Condition, ...]:
    """Conditions on `known` questions; `all_ids` tells a later question from an unknown one."""
    conditions = []
    spec = {"question": (str, True), "op": (str, True), "value": ((str, int, bool, list), True)}
    for n, table in enumerate(tables, 1):
        found = problems.table(f"{where}: when #{n}", table, spec)
        if len(found) < 3:
            continue
        target, op, raw = found["question"], found["op"], found["value"]
        if target not in known:
            why = (
                "which comes later (a condition can only look back)"
                if target in all_ids
                else ("which is not a question of this bank")
            )
            problems.append(f"{where}: when #{n} names '{target}', {why}")
            continue
        if op not in OPS:
            problems.append(f"{where}: when #{n}: op must be one of {', '.join(OPS)}, not '{op}'")
            continue
        if (op == "in") != isinstance(raw, list):
            wanted = "a list of codes" if op == "in" else "one code (use op 'in' for a list)"
            problems.append(f"{where}: when #{n}: op '{op}' takes {wanted}")
            continue
        question, what = known[target], f"when #{n}: value"
        if op == "in" and not all(isinstance(v, str | int) for v in raw):
            problems.append(f"{where}: when #{n}: op 'in' takes a list of codes, not {raw!r}")
            continue
        value: Any = (
            frozenset(typed_value(problems, where, what, question, v) for v in raw)
            if op == "in"
            else typed_value(problems, where, what, question, raw)
        )
        conditions.append(Condition(target, op, value))
    return tuple(conditions)


def typed_value(problems: Problems, where: str, what: str, question: Question, raw: Any) -> Value:
    """A value written in the bank (a default or a condition's value) as the answer type."""
    if question.kind == "yesno":
        if isinstance(raw, bool):
            return raw
        if raw not in ("yes", "no"):
            problems.append(f"{where}: {what} {raw!r} for '{question.id}': expected 'yes' or 'no'")
        return raw == "yes"
    if question.kind == "choice":
        codes = [c.code for c in question.choices]
        if isinstance(raw, bool) or raw not in codes:
            shown = ", ".join(map(repr, codes))
            problems.append(
                f"{where}: {what} {raw!r} is not a code of '{question.id}' "
                f"(expected one of: {shown})"
            )
        return raw
    if question.kind == "integer":
        low = question.min if question.min is not None else raw
        high = question.max if question.max is not None else raw
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            problems.append(
                f"{where}: {what} {raw!r} for '{question.id}': expected an integer "
                f"{question.min}-{question.max}"
            )
        return raw
    if not isinstance(raw, str) or (question.pattern and not re.fullmatch(question.pattern, raw)):
        problems.append(f"{where}: {what} {raw!r} does not match the pattern of '{question.id}'")
    return raw
