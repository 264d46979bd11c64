"""What the clinical tests read from a result: the advice given (codes, and the text of one) and
the rules that fired. One place, so every specification reads a result the same way."""

from __future__ import annotations

from typing import Any


def codes(result: Any) -> list[str]:
    """The recommendation codes, in the order the result gives them."""
    return [recommendation.code for recommendation in result.recommendations]


def text_of(result: Any, code: str) -> str:
    """The text of the one recommendation with this code."""
    (text,) = [recommendation.text for recommendation in result.recommendations if recommendation.code == code]
    return text


def rules_fired(result: Any) -> set[str]:
    return {finding.rule for finding in result.findings}


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces, to look for a phrase in it."""
    return " ".join(text.split())


def all_advice(result: Any) -> str:
    """Every recommendation's text, flattened into one."""
    return flat(" ".join(recommendation.text for recommendation in result.recommendations))


def read_as(screener: Any, medicine: str) -> set[str]:
    """The classes one medicine is read as, failing when any of it is left unread."""
    result = screener.screen({"age": 50, "sex": "female", "medications": [medicine]})
    (entry,) = result.medications_recognised
    assert entry.unrecognised == [], entry
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings
    return {match.drug_class for match in entry.matches}
