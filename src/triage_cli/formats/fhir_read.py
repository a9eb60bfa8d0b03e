"""FHIR R4 in: a QuestionnaireResponse (or a Bundle holding one) read as answers, one more
door into the same parser. Items are found by our answer ids or LOINC item codes as linkIds
(with or without LHC-Forms' leading '/'); answers as LOINC or the bank's codings, integers,
booleans, or whole decimals. What is missing is left for partial scoring (CLINICAL.md
section 7); a stated total that disagrees with its items is a problem."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from triage_cli.answers import AnswersError, Problem, converter
from triage_cli.answers.partial import parse_partial
from triage_cli.bank.model import Bank, Question, Value, show_value
from triage_cli.errors import InputError
from triage_cli.record.coding import TOTALS, answer_codings
from triage_cli.record.files import read_document
from triage_cli.record.stored import Stored
from triage_cli.scoring.instruments import (
    AUDITC_ITEMS,
    DAST10_FORWARD,
    DAST10_ITEMS,
    DAST10_REVERSED,
    GAD7_ITEMS,
    PHQ9_ITEMS,
)
from triage_cli.text import shown

MAX_BYTES = 5_000_000  # a QuestionnaireResponse is a few kB; refuse what cannot be one


def looks_like_json(path: Path) -> bool:
    """Recognised by content, not by extension: JSON opens with '{' (a resource) or '[' and
    parses as JSON (a TOML file may open with '[' too: its first table)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
            if head[:1] == b"{":
                return True
            if head[:1] != b"[" or path.stat().st_size > MAX_BYTES:
                return False
            handle.seek(0)
            json.loads(handle.read().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # not JSON (or not readable): TOML's to say
        return False
    return True


def read(bank: Bank, path: Path, client_id: str | None = None) -> tuple[Stored, list[str]]:
    """The response's answers as a Stored (nothing recorded: it is scored now), and the
    warnings (linkIds that are not questions of this bank). InputError (exit 2) for a file
    that is not a FHIR QuestionnaireResponse; AnswersError (exit 1) for bad answers."""
    where = shown(path)
    response = _response(_load(path), where)
    by_link = _links(bank)
    early: list[str] = []  # warnings found before the answers are checked
    given: dict[str, list[Value]] = {}  # every value each question was given
    problems: list[Problem] = []
    unknown: list[str] = []
    stated: dict[str, tuple[str, object]] = {}  # instrument -> (linkId, stated total)
    totals = {bank.instruments[i].total_loinc: i for i in TOTALS if i in bank.instruments}
    for link, answers, shape in _items(response):
        if shape:
            problems.append(Problem(shown(link), "", shape))
            continue
        key = link.removeprefix("/")
        question = by_link.get(key)
        if question is None:
            if key in totals:
                if totals[key] in stated or len(answers) != 1:
                    problems.append(
                        Problem(shown(link), "", "a total is stated once, as one answer")
                    )
                stated[totals[key]] = (link, answers[0])
            else:
                unknown.append(shown(link))
            continue
        for answer in answers:
            kinds = [k for k in answer if k.startswith("value")] if isinstance(answer, dict) else []
            parts = [answer]
            if len(kinds) > 1:  # ambiguous: a problem, yet each value still counts for safety
                problems.append(
                    Problem(question.id, "", f"an answer holds {len(kinds)} values: give one")
                )
                parts = [{kind: answer[kind]} for kind in kinds]
            for part in parts:
                value, problem = _value(bank, question, part)
                if problem:
                    problems.append(Problem(question.id, "", problem))
                else:
                    given.setdefault(question.id, []).append(value)
    raw: dict[str, object] = {}
    for qid, values in given.items():
        if len(set(map(repr, values))) > 1:  # two answers (or an id and its LOINC code) differ
            listed = ", ".join(sorted(set(map(show_value, values))))
            problems.append(Problem(qid, "", f"answered more than once, differently: {listed}"))
        raw[qid] = values[0]
    subject = _client_id(bank, response)
    if "client_id" not in raw and (subject or client_id):
        raw["client_id"] = subject or client_id
    chosen = raw.get("client_id")
    if client_id is not None and chosen != client_id:
        early.append(
            f"{where}: --client-id {shown(client_id)} ignored: the response names its client "
            f"({shown(chosen)})"
        )
    safety = _safest(given)  # what a banner must see, whatever else is wrong
    if problems:
        raise AnswersError(problems, safety, where)
    try:
        answers = parse_partial(bank, raw, where)
    except AnswersError as error:  # an answer the skip logic would not ask still counts
        raise AnswersError(error.problems, {**error.values, **safety}, where) from None
    problems = _disagreeing(stated, answers.values)
    if problems:
        raise AnswersError(problems, dict(answers.values), where)
    meta: dict[str, Any] = {}
    authored = response.get("authored")
    if isinstance(authored, str):  # the assessment time, when it says its zone
        try:
            meta["assessed"] = datetime.fromisoformat(authored.replace("Z", "+00:00"))
        except ValueError:
            meta["assessed"] = authored  # shown as unusable, and left out
    stored = Stored(path, answers, meta, {}, {}, {})
    warnings = early
    if unknown:
        listed = ", ".join(unknown[:20]) + (
            f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        )
        warnings.append(
            f"{where}: {len(unknown)} item(s) that are not questions of this bank, ignored: "
            + listed
        )
    return stored, warnings


def _load(path: Path) -> Any:
    try:
        too_big = path.stat().st_size > MAX_BYTES
    except OSError:
        too_big = False  # read_document says what is wrong with it
    if too_big:
        raise InputError(f"{shown(path)}: larger than a QuestionnaireResponse can be")
    # ValueError: broken JSON, or a number of thousands of digits
    return read_document(path, "JSON", json.loads, ValueError, encoding="utf-8-sig")


def _response(document: Any, where: str) -> Mapping[str, Any]:
    """The QuestionnaireResponse itself, or the one a Bundle holds."""
    kind = document.get("resourceType") if isinstance(document, dict) else None
    if kind == "QuestionnaireResponse":
        return document  # type: ignore[no-any-return]
    if kind == "Bundle":
        entries = document.get("entry")
        found = [
            e["resource"]
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") == "QuestionnaireResponse"
        ]
        if len(found) == 1:
            return found[0]  # type: ignore[no-any-return]
        raise InputError(
            f"{where}: a Bundle holding {len(found)} QuestionnaireResponses (expected one)"
        )
    shown_kind = f"a FHIR {shown(kind)}" if isinstance(kind, str) else "not a FHIR resource"
    raise InputError(f"{where}: {shown_kind}, not a QuestionnaireResponse or a Bundle")


def _items(response: Mapping[str, Any]) -> Iterator[tuple[str, list[Any], str | None]]:
    """(linkId, answers, problem) of every item with answers, groups walked (answers may nest
    too). An item of the wrong shape is a problem of its own: the walk goes on, so that the
    others (the safety answers among them) are still read."""
    stack = list(reversed(_list(response.get("item"), "the response's item")))
    count = 0
    while stack:
        item, count = stack.pop(), count + 1
        if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
            yield f"item #{count}", [], "an item needs a linkId (text)"
            continue
        link = item["linkId"]
        answers, nested = item.get("answer", []), item.get("item", [])
        if not isinstance(answers, list) or not isinstance(nested, list):
            yield link, [], "answer and item must be lists"
            continue
        if answers:
            yield link, answers, None
        children = [a.get("item") for a in answers if isinstance(a, dict)]
        if any(c is not None and not isinstance(c, list) for c in children):
            yield link, [], "an answer's item must be a list"
            continue
        nested = nested + [child for c in children if c for child in c]
        stack.extend(reversed(nested))


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where} must be a list, not {type(value).__name__}")
    return value


def _links(bank: Bank) -> dict[str, Question]:
    """A question by its answer id, and by its LOINC item code."""
    found = {q.id: q for q in bank.questions}
    found |= {q.loinc: q for q in bank.questions if q.loinc}
    return found


def _value(bank: Bank, question: Question, answer: Any) -> tuple[Value | None, str | None]:
    """One answer as the bank's value, or why it is not one."""
    if not isinstance(answer, dict):
        return None, "an answer must be an object"
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        if not isinstance(coding, dict) or not isinstance(coding.get("code"), str):
            return None, "valueCoding needs a code"
        for value, ours in answer_codings(bank, question):
            if coding["code"] == ours.code and coding.get("system") in (ours.system, None):
                return value, None
        listed = ", ".join(c.code for _, c in answer_codings(bank, question)) or "none"
        return None, (
            f"code {shown(coding['code'])} is not an answer of this question "
            f"(expected one of: {shown(listed, 300)})"
        )
    if "valueBoolean" in answer and isinstance(answer["valueBoolean"], bool):
        return _converted(question, answer["valueBoolean"])
    for key in ("valueInteger", "valueDecimal"):
        number = answer.get(key)
        if isinstance(number, bool):
            continue
        if isinstance(number, int) or (isinstance(number, float) and number.is_integer()):
            return _converted(question, int(number))
        if key in answer:
            return None, f"{key} {shown(number)} is not a whole number"
    if isinstance(answer.get("valueString"), str):
        return _converted(question, answer["valueString"])
    kinds = ", ".join(k for k in answer if k.startswith("value")) or "no value"
    return None, f"an answer of type {shown(kinds)} does not fit this question"


def _converted(question: Question, raw: object) -> tuple[Value | None, str | None]:
    value, error = converter(question)(raw)
    return (None, error) if error else (value, None)


def _client_id(bank: Bank, response: Mapping[str, Any]) -> str | None:
    subject = response.get("subject")
    identifier = subject.get("identifier") if isinstance(subject, dict) else None
    value = identifier.get("value") if isinstance(identifier, dict) else None
    if not isinstance(value, str):
        return None
    typed, error = converter(bank.question("client_id"))(value)
    return None if error else str(typed)


def _safest(given: Mapping[str, list[Value]]) -> dict[str, Value]:
    """For the safety check: each question's most alarming answer (yes over no; harm to others
    with a plan over the rest), whatever else is wrong with the response."""
    return {
        qid: True
        if True in values
        else "plan_or_intent"
        if "plan_or_intent" in values
        else values[0]
        for qid, values in given.items()
    }


def _disagreeing(
    stated: Mapping[str, tuple[str, object]], values: Mapping[str, Value]
) -> list[Problem]:
    """A stated total (e.g. /44261-6) that is not what the items give, when all are given."""
    problems = []
    for instrument, (link, answer) in stated.items():
        total = _total(instrument, values)
        given = _number(answer)
        if total is not None and given != total:
            problems.append(
                Problem(
                    TOTALS[instrument],
                    shown(given),
                    f"the stated total ({shown(link)}) is not the items' total {total}",
                )
            )
    return problems


def _number(answer: object) -> object:
    if not isinstance(answer, dict):
        return answer
    number = answer.get("valueDecimal", answer.get("valueInteger"))
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _total(instrument: str, values: Mapping[str, Value]) -> int | None:
    """An instrument's total from its items, as scoring counts it; None unless all given."""
    items = {"phq9": PHQ9_ITEMS, "gad7": GAD7_ITEMS, "auditc": AUDITC_ITEMS,
             "dast10": DAST10_ITEMS}.get(instrument)  # fmt: skip
    if items is None or not all(i in values for i in items):
        return None
    if instrument == "dast10":  # item 3 reversed: no scores 1
        return sum(bool(values[i]) for i in DAST10_FORWARD) + (not values[DAST10_REVERSED])
    return sum(int(values[i]) for i in items)
