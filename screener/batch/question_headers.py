"""Header cells that are the questionnaire's questions, not its answers fields.

A form built from mgk-screen's questions (a Google Form, a Microsoft Form) exports each answer
under the question's title: "How old are you?", not ``age``. Such a sheet is refused (a column
must be named by its answers field: reading "How old are you?" as ``age`` would be a guess made
for every row), but the message says which field each such column looks like, so that renaming
the header row is all a clinic has to do.

A header cell is matched against every question's label and words (``rules/questionnaire.json``:
its ``label``, ``text``, ``form_text``, ``web_text`` and the question put to a parent), against
each sentence of them and each part of a sentence before a comma ("Is any of these happening to
you right now"), after folding case and punctuation. A phrase that belongs to two fields is not
used; a header that is the start of one phrase (``Water pill?`` of "Water pill (diuretic)") or
nearly the same as one (a word left out) matches it too. Only a match to one field is named.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Final

_NOT_WORD: Final = re.compile(r"[^\w]+")
_SENTENCE_END: Final = re.compile(r"(?<=[.?!])\s+")
_CLOSE: Final = 0.88  # difflib ratio from which a header of 3 words or more is nearly a phrase
_LONGEST: Final = 300  # characters; a header longer than this is no question title


def _folded(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _phrases_of(text: str) -> Iterable[str]:
    yield text
    for sentence in _SENTENCE_END.split(text):
        yield sentence
        head, comma, _ = sentence.partition(",")
        if comma and len(head.split()) >= 3:
            yield head


@cache
def _phrases() -> Mapping[str, str]:
    """Every folded phrase that names one answers field only, with that field."""
    from screener.interview.questionnaire import Questionnaire

    owners: dict[str, set[str]] = {}
    for item in Questionnaire.load().items:
        texts = [item.label, item.text, item.form_text, item.web_text]
        if item.text_below_age is not None:
            texts.append(item.text_below_age[1])
        for text in texts:
            for phrase in _phrases_of(text or ""):
                folded = _folded(phrase)
                if folded:
                    owners.setdefault(folded, set()).add(item.field)
    return {phrase: next(iter(fields)) for phrase, fields in owners.items() if len(fields) == 1}


def question_field(header: str) -> str | None:
    """The answers field whose question ``header`` is (in the questionnaire's words), or None."""
    folded = _folded(header)
    if not folded or len(header) > _LONGEST:
        return None
    phrases = _phrases()
    if folded in phrases:
        return phrases[folded]
    words = folded.split()
    candidates: set[str] = set()
    if len(words) >= 2:
        for phrase, field in phrases.items():
            if phrase.startswith(folded + " ") and 2 * len(words) >= len(phrase.split()):
                candidates.add(field)
    if not candidates and len(words) >= 3:
        for phrase, field in phrases.items():
            if difflib.SequenceMatcher(None, folded, phrase).ratio() >= _CLOSE:
                candidates.add(field)
    return next(iter(candidates)) if len(candidates) == 1 else None


def question_hints(names: Iterable[str], most: int = 6) -> list[str]:
    """For each column of ``names`` that is a question of the questionnaire, what to rename it:
    "'How old are you?' looks like the question for `age`: rename the column to `age`". At most
    ``most`` of them, then one line counting the others."""
    found = [(name, field) for name in names if (field := question_field(name)) is not None]
    hints = [f"'{name}' looks like the question for `{field}`: rename the column to `{field}`" for name, field in found[:most]]
    if len(found) > most:
        hints.append(f"{len(found) - most} more columns look like questions of the questionnaire")
    return hints


def question_words(names: Iterable[str], most: int = 6) -> list[str]:
    """The same for the web page, in sentences."""
    found = [(name, field) for name in names if (field := question_field(name)) is not None]
    words = [f"The column “{name}” looks like the question for {field}: rename it {field}." for name, field in found[:most]]
    if len(found) > most:
        words.append(f"{len(found) - most} more columns look like questions of the questionnaire.")
    return words
