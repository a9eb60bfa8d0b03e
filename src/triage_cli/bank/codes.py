"""LOINC codes in a question bank: their form and check digit, and the defaults every bank
shares (the FHIR Questionnaire's URL, the URI of the bank's own codes, LOINC's yes and no)."""

from __future__ import annotations

import re

LOINC_SYSTEM = "http://loinc.org"
DEFAULT_URL = "urn:triage-cli:questionnaire:default"
DEFAULT_CODE_SYSTEM = "urn:triage-cli:codes"
# LOINC's answers for yes and no: yes/no questions take them unless the bank says otherwise.
LOINC_YES, LOINC_NO = "LA33-6", "LA32-8"

_PART = re.compile(r"(\d{1,7})-(\d)\Z")  # a LOINC term: digits, hyphen, check digit
_ANSWER = re.compile(r"LA\d{1,6}-\d\Z")  # a LOINC answer code


def check_digit(digits: str) -> int:
    """LOINC's mod 10 check digit: the odd positions from the right read as a number and
    doubled, the even positions put in front, the digits summed, up to the next ten."""
    backwards = digits[::-1]
    odd, even = backwards[0::2], backwards[1::2]
    joined = even + str(int(odd) * 2)
    return -sum(map(int, joined)) % 10


def loinc_problem(code: str, *, answer: bool = False) -> str | None:
    """Why a LOINC code is not one (its form, or its check digit), or None. Answer codes
    (LA...) are checked for form only: their check digits follow another rule."""
    if answer:
        return (
            None
            if _ANSWER.match(code)
            else f"LOINC answer code {code!r} is not of the form LA1234-5"
        )
    return _term_problem(code)


def _term_problem(code: str) -> str | None:
    found = _PART.match(code)
    if not found:
        return f"LOINC code {code!r} is not of the form 12345-6"
    if check_digit(found[1]) != int(found[2]):
        return f"LOINC code {code!r} fails its check digit (expected -{check_digit(found[1])})"
    return None
