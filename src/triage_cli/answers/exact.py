"""The hot path of answer checking: a bank compiled, once, into one function that accepts a row
only when every answer is spelled exactly (a CSV export's usual "yes", "2", "stable") and the
skip logic is kept. Anything else returns None, and the package's thorough path judges the row
and names every problem; that path is the authority, this one only makes the common case cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from triage_cli.answers.convert import MAX_FIELD, Converter
from triage_cli.bank.model import Bank, Condition, Question, Value

ExactCheck = Callable[[Sequence[object]], "dict[str, Value] | None"]


def _holds(condition: Condition) -> str:
    """bank.Condition.holds, written as an expression over `values`: false when the question
    it looks at was not asked, else its answer compared with the condition's value."""
    answer = f"values[{condition.question!r}]"
    asked = f"{condition.question!r} in values"
    if condition.op == "eq":
        return f"{asked} and {answer} == {condition.value!r}"
    if condition.op == "ne":
        return f"{asked} and {answer} != {condition.value!r}"
    # a set display after `in` is compiled once, as a frozenset constant
    codes = ", ".join(sorted(map(repr, condition.value)))  # type: ignore[arg-type]
    return f"{asked} and {answer} in {{{codes}}}"


def shared_tables(tables: dict[str, dict[str, Value]]) -> dict[str, str]:
    """The name each non-empty table of spellings is read by, questions with equal tables
    sharing one (twenty yes/no questions read one table): fewer distinct dicts touched per row."""
    names: dict[tuple[tuple[str, str, str], ...], str] = {}
    named = {}
    for qid, table in tables.items():
        if not table:
            continue  # free text or a wide range: checked by a function, not a table
        # the type is part of the key: {"1": 1} and {"1": True} are equal dicts, not one table
        key = tuple(sorted((spelling, type(v).__name__, repr(v)) for spelling, v in table.items()))
        named[qid] = names.setdefault(key, f"spellings_{len(names)}")
    return named


def generate(bank: Bank, table_of: dict[str, str]) -> str:
    """The source of `exact(given)`: given is a row in bank order; typed values, or None.
    `table_of` names the table of exact spellings each question is read by (shared_tables)."""
    always = []
    judged = []
    for n, q in enumerate(bank.questions):
        if q.kind == "text":
            value = f"text_{q.id}(given[{n}])"
        elif q.id not in table_of:
            value = f"converted(convert_{q.id}, given[{n}])"
        else:
            value = f"{table_of[q.id]}[given[{n}]]"
        if not q.when:
            always.append(f"            {q.id!r}: {value},")
            continue
        test = " and ".join(f"({_holds(c)})" for c in q.when)
        judged += [f"        if {test}:", f"            values[{q.id!r}] = {value}"]
        judged.append(f"        elif given[{n}] != '': return None")
    return "\n".join([
        "def exact(given):",
        "    try:",
        "        values = {", *always, "        }",
        *judged,
        "    except (KeyError, TypeError):  # a spelling not in the table, or unhashable",
        "        return None",
        "    return values",
    ]) + "\n"  # fmt: skip


def _converted(convert: Converter, given: object) -> Value:
    """An answer with no table of spellings, converted; KeyError when it is not clean."""
    value, problem = convert(given)
    if problem is not None or value is None or (isinstance(given, str) and len(given) > MAX_FIELD):
        raise KeyError(given)  # not a clean answer: the thorough path will say why
    return value


def exact_text(question: Question) -> Callable[[object], str]:
    """A free-text answer's check: already trimmed, not too long, and matching the pattern."""
    match = re.compile(question.pattern).fullmatch if question.pattern else None

    def text(given: object) -> str:
        if type(given) is not str or not 0 < len(given) <= MAX_FIELD or given != given.strip():
            raise KeyError(given)
        if match is not None and match(given) is None:
            raise KeyError(given)
        return given

    return text


def compile_exact(
    bank: Bank, tables: dict[str, dict[str, Value]], converters: dict[str, Converter]
) -> ExactCheck:
    """Compile generate(); `tables` holds each question's exact spellings
    (answers.exact_spellings), `converters` the thorough path's, for answers with no table."""
    namespace: dict[str, object] = {"converted": _converted}
    table_of = shared_tables(tables)
    for qid, name in table_of.items():
        namespace[name] = tables[qid]
    for q in bank.questions:  # what generate() calls for answers read without a table
        if q.kind == "text":
            namespace[f"text_{q.id}"] = exact_text(q)
        elif q.id not in table_of:
            namespace[f"convert_{q.id}"] = converters[q.id]
    source = generate(bank, table_of)
    exec(compile(source, "<triage_cli.answers.exact>", "exec"), namespace)
    return namespace["exact"]  # type: ignore[return-value]
