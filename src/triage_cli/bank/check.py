"""Turn the bank's raw TOML tables into Bank values, collecting every problem with its place."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from triage_cli.bank.codes import DEFAULT_CODE_SYSTEM, DEFAULT_URL, loinc_problem
from triage_cli.bank.conditions import read_conditions, typed_value
from triage_cli.bank.model import (
    ID_PATTERN,
    KINDS,
    LEVELS,
    SHORT_LIMIT,
    Bank,
    ChecklistItem,
    Choice,
    Instrument,
    Program,
    Question,
    Section,
)
from triage_cli.bank.patterns import nonlinear_reason
from triage_cli.bank.tables import Problems
from triage_cli.text import shown

_URI = re.compile(r"(urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s|]+|https?://[^\s|]+)\Z")  # no |
_KIND_KEYS = {
    "choice": {"choices"},
    "integer": {"min", "max"},
    "text": {"pattern", "pattern_hint"},
    "yesno": set(),
}
_QUESTION_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True),
    "section": (str, True),
    "kind": (str, True),
    "prompt": (str, True),
    "short": (str, False),
    "help": (str, False),
    "instrument": (str, False),
    "choices": (list, False),
    "min": (int, False),
    "max": (int, False),
    "pattern": (str, False),
    "pattern_hint": (str, False),
    "default": ((str, int, bool), False),
    "when": (list, False),
    "loinc": (str, False),
}
_PROGRAM_KEYS = {
    name: (list if name == "components" else str, name != "adolescent_note")
    for name in Program.__dataclass_fields__
    if name != "level"
}


def build_bank(
    raw: dict[str, dict[str, Any]], folder: Path, sha256: str
) -> tuple[Bank | None, list[str]]:
    """Build the Bank from the three parsed files; return it (or None) and the problems found."""
    problems = Problems()
    intake = problems.table(
        "intake.toml",
        raw["intake.toml"],
        {"bank": (dict, True), "sections": (list, True), "instruments": (dict, False)}
        | {"questions": (list, True)},
    )
    meta = problems.table(
        "intake.toml: [bank]",
        intake.get("bank", {}),
        {"name": (str, True), "version": (str, True)}
        | {"url": (str, False), "code_system": (str, False)},
    )
    for key in ("url", "code_system"):
        if key in meta and not _URI.match(meta[key]):
            problems.append(
                f"intake.toml: [bank] {key} {meta[key]!r} is not a URI (urn:... or https://...)"
            )
    sections = _sections(problems, intake.get("sections", []))
    instruments = _instruments(problems, intake.get("instruments", {}))
    questions = _questions(problems, intake.get("questions", []), sections, instruments)
    programs = _programs(problems, raw["programs.toml"])
    by_id = {q.id: q for q in questions}
    checklist = _checklist(problems, raw["insurance.toml"], by_id)
    if problems:
        return None, problems
    bank = Bank(
        name=meta["name"],
        version=meta["version"],
        sha256=sha256,
        directory=folder,
        sections=tuple(sections.values()),
        instruments=instruments,
        questions=tuple(questions),
        programs=programs,
        checklist=tuple(checklist),
        url=meta.get("url", DEFAULT_URL),
        code_system=meta.get("code_system", DEFAULT_CODE_SYSTEM),
    )
    return bank, problems


def _sections(problems: Problems, tables: list[Any]) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    spec = {"id": (str, True), "title": (str, True), "intro": (str, False)}
    for n, table in enumerate(tables, 1):
        found = problems.table(f"intake.toml: section #{n}", table, spec)
        if "id" in found and "title" in found:
            if found["id"] in sections:
                problems.append(f"intake.toml: section '{found['id']}' is defined twice")
            sections[found["id"]] = Section(**found)
    return sections


def _instruments(problems: Problems, tables: dict[str, Any]) -> dict[str, Instrument]:
    spec: dict[str, tuple[type, bool]] = {
        name: (str, True) for name in ("name", "stem", "citation", "terms")
    }
    spec |= {"loinc": (str, False), "total_loinc": (str, False)}
    instruments = {}
    for key, table in tables.items():
        where = f"intake.toml: instrument '{key}'"
        found = problems.table(where, table, spec)
        for field in ("loinc", "total_loinc"):
            if field in found and (problem := loinc_problem(found[field])):
                problems.append(f"{where}: {field}: {problem}")
        if {"name", "stem", "citation", "terms"} <= found.keys():
            instruments[key] = Instrument(id=key, **found)
    return instruments


def _questions(
    problems: Problems,
    tables: list[Any],
    sections: dict[str, Section],
    instruments: dict[str, Instrument],
) -> list[Question]:
    earlier: dict[str, Question] = {}
    all_ids = frozenset(
        t["id"] for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str)
    )
    order = list(sections)
    section_at = 0  # questions come grouped by section, in the sections' order
    for n, table in enumerate(tables, 1):
        qid = table.get("id") if isinstance(table, dict) else None
        where = (
            f"intake.toml: question '{qid}'"
            if isinstance(qid, str)
            else f"intake.toml: question #{n}"
        )
        found = problems.table(where, table, _QUESTION_KEYS)
        if not {"id", "section", "kind", "prompt"} <= found.keys():
            continue
        count = len(problems)
        kind, section = found["kind"], found["section"]
        if not ID_PATTERN.match(qid):
            problems.append(f"{where}: id must be lower-case letters, digits and '_'")
        if qid in earlier:
            first = list(earlier).index(qid) + 1
            problems.append(f"{where}: duplicate id (already question #{first})")
        if section not in sections:
            problems.append(f"{where}: section '{section}' is not defined in [[sections]]")
        elif order.index(section) < section_at:
            problems.append(
                f"{where}: section '{section}' comes back after '{order[section_at]}': "
                "keep each section's questions together, in the order of [[sections]]"
            )
        else:
            section_at = order.index(section)
        if "instrument" in found and found["instrument"] not in instruments:
            problems.append(f"{where}: instrument '{found['instrument']}' is not defined")
        short = found.get("short", "")  # the review screen lays it out in a fixed column
        if "short" in found and not (
            0 < len(short) <= SHORT_LIMIT and short == short.strip() and short.isprintable()
        ):
            problems.append(
                f"{where}: 'short' must be one line of 1-{SHORT_LIMIT} characters, without "
                f"surrounding spaces or control characters, not '{shown(short)}'"
            )
        if kind not in KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(KINDS)}, not '{kind}'")
            continue
        for key in found.keys() & set().union(*_KIND_KEYS.values()) - _KIND_KEYS[kind]:
            problems.append(f"{where}: '{key}' does not apply to a {kind} question")
        question = Question(
            id=qid,
            section=section,
            kind=kind,
            prompt=found["prompt"],
            short=short,
            help=found.get("help", ""),
            instrument=found.get("instrument"),
            choices=_choices(problems, where, found.get("choices")) if kind == "choice" else (),
            min=found.get("min"),
            max=found.get("max"),
            pattern=_pattern(problems, where, found) if kind == "text" else None,
            pattern_hint=found.get("pattern_hint"),
            loinc=found.get("loinc"),
        )
        if question.loinc and (problem := loinc_problem(question.loinc)):
            problems.append(f"{where}: loinc: {problem}")
        if kind == "integer" and (question.min is None or question.max is None):
            problems.append(f"{where}: an integer question needs both 'min' and 'max'")
        elif kind == "integer" and question.min > question.max:
            problems.append(f"{where}: 'min' ({question.min}) is above 'max' ({question.max})")
        conditions = read_conditions(problems, where, found.get("when", []), earlier, all_ids)
        default = None
        if "default" in found and len(problems) == count:
            default = typed_value(problems, where, "default", question, found["default"])
        if len(problems) == count:
            earlier[qid] = replace(question, default=default, when=conditions)
        else:
            earlier.setdefault(qid, question)
    for section in sections:
        if not any(q.section == section for q in earlier.values()):
            problems.append(f"intake.toml: section '{section}' has no questions")
    return list(earlier.values())


def _choices(problems: Problems, where: str, tables: list[Any] | None) -> tuple[Choice, ...]:
    if not tables:
        problems.append(f"{where}: a choice question needs a non-empty 'choices' list")
        return ()
    choices: list[Choice] = []
    spec = {"code": ((str, int), True), "label": (str, True), "loinc": (str, False)}
    for n, table in enumerate(tables, 1):
        found = problems.table(f"{where}: choice #{n}", table, spec)
        if "code" not in found:
            continue
        if "loinc" in found and (problem := loinc_problem(found["loinc"], answer=True)):
            problems.append(f"{where}: choice #{n}: loinc: {problem}")
        code = found["code"]
        if isinstance(code, str) and (not code.strip() or code != code.strip()):
            problems.append(f"{where}: code {code!r} must be non-empty, without surrounding spaces")
        if any(str(c.code).lower() == str(code).lower() for c in choices):
            problems.append(f"{where}: code {code!r} is listed twice (codes ignore case)")
        label = found.get("label", str(found["code"]))
        choices.append(Choice(code=found["code"], label=label, loinc=found.get("loinc")))
    if len({type(c.code) for c in choices}) > 1:
        problems.append(f"{where}: codes must be all text or all integers")
    return tuple(choices)


def _pattern(problems: Problems, where: str, found: dict[str, Any]) -> str | None:
    pattern = found.get("pattern")
    if pattern is None:
        return None
    try:
        re.compile(pattern)
    except (re.error, RecursionError) as error:
        problems.append(f"{where}: 'pattern' is not a valid regular expression: {error}")
        return None
    if reason := nonlinear_reason(pattern):
        problems.append(
            f"{where}: 'pattern' {shown(pattern)} is refused: {reason} (it could make "
            "matching take minutes; see questions/README.md for the patterns allowed)"
        )
        return None
    return pattern


def _programs(problems: Problems, raw: dict[str, Any]) -> dict[str, Program]:
    levels = problems.table("programs.toml", raw, {"levels": (dict, True)}).get("levels", {})
    programs = {}
    for level in levels.keys() - set(LEVELS):
        problems.append(f"programs.toml: unknown level '{level}' (expected: {', '.join(LEVELS)})")
    for level in LEVELS:
        if level not in levels:
            problems.append(f"programs.toml: level '{level}' is missing ([levels.{level}])")
            continue
        where = f"programs.toml: [levels.{level}]"
        found = problems.table(where, levels[level], _PROGRAM_KEYS)
        components = found.get("components", [])
        if not all(isinstance(c, str) for c in components):
            problems.append(f"{where}: 'components' must be a list of text")
        required = {key for key, (_, needed) in _PROGRAM_KEYS.items() if needed}
        if required <= found.keys():
            programs[level] = Program(level=level, **{**found, "components": tuple(components)})
    return programs


def _checklist(
    problems: Problems, raw: dict[str, Any], questions: dict[str, Question]
) -> list[ChecklistItem]:
    tables = problems.table("insurance.toml", raw, {"items": (list, True)}).get("items", [])
    spec = {"id": (str, True), "text": (str, True), "levels": (list, False), "when": (list, False)}
    items: list[ChecklistItem] = []
    for n, table in enumerate(tables, 1):
        iid = table.get("id") if isinstance(table, dict) else None
        where = (
            f"insurance.toml: item '{iid}'"
            if isinstance(iid, str)
            else f"insurance.toml: item #{n}"
        )
        found = problems.table(where, table, spec)
        if not {"id", "text"} <= found.keys():
            continue
        if any(item.id == iid for item in items):
            problems.append(f"{where}: duplicate id")
        levels = found.get("levels", list(LEVELS))
        for level in levels:
            if not isinstance(level, str) or level not in LEVELS:
                problems.append(f"{where}: unknown level {level!r} (expected: {', '.join(LEVELS)})")
        levels = [level for level in levels if isinstance(level, str)]
        when = read_conditions(problems, where, found.get("when", []), questions)
        items.append(ChecklistItem(iid, found["text"], frozenset(levels), when))
    return items
