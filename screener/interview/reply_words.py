"""The words of a reply that read the same at every question: help, back, skip and keep; "nope"
as "no" (the questionnaire's ``words.same_as``); a number in digits or in words ("about ten");
and what to type, said for each kind of question. Choices, lab results and days are read on top
of these (``replies``, ``lab_replies``, ``day_replies``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from screener.interview.questionnaire_items import Item

HELP_WORDS = frozenset({"?", "help", "why"})
BACK_WORDS = frozenset({"back", "go back", "previous"})
SKIP_WORDS = frozenset(
    {"skip", "don't know", "dont know", "do not know", "i don't know", "i dont know", "idk", "dunno", "no idea", "not known", "unknown",
     "not sure", "unsure", "i'm not sure", "im not sure", "i am not sure", "no clue", "not certain"}
)
"""Replies that say the answer is not known: the question is skipped (left unknown), or, where
the question has its own "not sure" answer (pregnant, water pill), that answer is chosen."""
UNSURE = "unsure"
"""The value of a choice that says "not sure" (pregnant, water pill, laxatives)."""
KEEP_WORDS = frozenset({"keep", "keep it", "keep as written"})
ABOUT = re.compile(r"^(?:about|around|roughly|approximately|approx\.?|maybe|~)\s*")
# fmt: off
NUMBER_WORDS = {word: number for number, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# fmt: on
NUMBER = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?|\.\d+)\s*(?P<rest>.*)$")
MAX_MEDICATION_LENGTH = 200


class _Skipped:
    """The value of a step answered with 'skip': the field stays unknown."""

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED: Any = _Skipped()


class ReplyError(Exception):
    """A reply that cannot be read as an answer; the message says what is accepted."""


def normalise_reply(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".!")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower()).rstrip(".")


def accepts_text(item: Item) -> str:
    example = f", for example {item.example}" if item.example else ""
    if item.type == "yes_no":
        return or_list([c.label.lower() for c in item.choices])
    if item.type == "single_choice":
        if item.select_by == "count":
            return f"a whole number of drinks{example}"
        return f"a number from 1 to {len(item.choices)}"
    if item.type == "multiple_choice":
        none = f", or 0 for {item.none_choice.label.lower()}" if item.none_choice else ""
        return f"the numbers of all that apply, for example 1, 3{none}"
    if item.type in ("integer", "number"):
        kind = "a whole number" if item.type == "integer" else "a number"
        kind += " of days" if item.in_days else ""
        bounds = ""
        if item.minimum is not None and item.maximum is not None:
            bounds = f" from {item.minimum:g} to {item.maximum:g}"
        weeks = ", or weeks or months (2 weeks)" if item.in_days and item.plain.days_in else ""
        return f"{kind}{bounds}{example}{weeks}"
    if item.type == "quantity":
        bounds = ", or below or above a number if that is all you know" if lab_bounds(item) else ""
        return f"a number and its unit ({or_list([u.label for u in item.units])}){example}{bounds}"
    none = f", or '{item.none_choice.label.lower()}'" if item.none_choice else ""
    return f"the names separated by commas{example}{none}"


def or_list(words: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def choice_number(word: str) -> int | None:
    """The number a reply picks, or None when it is not one. Only decimal digits are a number
    ("²" and "½" are digits to ``str.isdigit`` but not to ``int``), and a number too long to be
    any choice's is read as one past them all (``int`` refuses 4,300 digits and more)."""
    if not word.isdecimal():
        return None
    return int(word) if len(word) <= 9 else 10**9


def shown_number(word: str) -> str:
    return word if len(word) <= 12 else f"{word[:9]}..."


def to_float(text: str, accepts: str) -> float:
    if "," in text:
        whole, _, fraction = text.partition(",")
        if len(fraction) > 2:
            raise ReplyError(f"Please type the number without a thousands separator: {accepts}.")
        text = f"{whole}.{fraction}"
    try:
        number = float(text)
    except ValueError:
        raise ReplyError(f"Please type {accepts}.") from None
    if not math.isfinite(number):  # hundreds of digits read as infinity: no answer is that big
        raise ReplyError(f"That number is too large. Please type {accepts}.")
    return number


def check_range(item: Item, number: float, accepts: str) -> None:
    if (item.minimum is not None and number < item.minimum) or (item.maximum is not None and number > item.maximum):
        raise ReplyError(f"{number:g} is outside what this question accepts. Please type {accepts}.")


def number_in_words(word: str) -> tuple[int, str] | None:
    """A whole number said in words at the start of a reply, and the words after it: "sixty
    eight" (or "sixty-eight") is 68, "a hundred and two" 102, "twelve" 12. None when the reply
    does not start with one, or when the words do not make one number ("sixty seventy", "eight
    sixty"): a number is never guessed from words that could mean two."""
    tokens = word.replace("-", " ").split()
    number: int | None = None
    used = 0
    if tokens[:2] in (["a", "hundred"], ["one", "hundred"]) or tokens[:1] == ["hundred"]:
        number, used = 100, 2 if tokens[0] != "hundred" else 1
        if tokens[used : used + 1] == ["and"] and len(tokens) > used + 1:
            below = number_in_words(" ".join(tokens[used + 1 :]))
            if below is None or below[0] >= 100:
                return None
            return 100 + below[0], below[1]
        rest = tokens[used:]
        if rest and (rest[0] in NUMBER_WORDS or rest[0] in TENS_WORDS):
            return None  # "a hundred two": say it with "and", or in digits
        return number, " ".join(rest)
    if tokens and tokens[0] in TENS_WORDS:
        number, used = TENS_WORDS[tokens[0]], 1
        if len(tokens) > 1 and tokens[1] in NUMBER_WORDS and 1 <= NUMBER_WORDS[tokens[1]] <= 9:
            number, used = number + NUMBER_WORDS[tokens[1]], 2
    elif tokens and tokens[0] in NUMBER_WORDS:
        number, used = NUMBER_WORDS[tokens[0]], 1
    if number is None:
        return None
    rest = tokens[used:]
    if rest and (rest[0] in NUMBER_WORDS or rest[0] in TENS_WORDS or rest[0] == "hundred"):
        return None  # two numbers side by side ("eight sixty", "twenty thirty"): not one
    return number, " ".join(rest)


def in_digits(word: str) -> str:
    """``word`` with a whole number said in words at its start written in digits ("sixty eight
    drinks" is "68 drinks"; ``number_in_words``), or as it is."""
    said = number_in_words(word)
    return word if said is None else f"{said[0]} {said[1]}".strip()


def number_said(item: Item, word: str) -> str:
    """A reply to a number question with its number in digits: "about three drinks" is "3
    drinks" (``in_digits``), and a word that means none where none is a natural answer (the
    item's ``zero_words``: "none" drinks in a usual week) is "0"."""
    word = ABOUT.sub("", word)
    if word in {normalise_reply(zero) for zero in item.zero_words}:
        return "0"
    return in_digits(word)


def read_number(item: Item, word: str, accepts: str, *, whole: bool) -> float | int:
    word = number_said(item, word)
    found = NUMBER.match(word)
    if not found or (found.group("rest") and squash(found.group("rest")) not in {squash(w) for w in item.unit_words}):
        raise ReplyError(f"Please type {accepts}.")
    number = to_float(found.group("number"), accepts)
    if whole and not number.is_integer():
        raise ReplyError(f"{number:g} is not a whole number. Please type {accepts}.")
    check_range(item, number, accepts)
    if whole or number.is_integer():
        return int(number)
    return number


def same_as(item: Item, word: str) -> str:
    """The reply ``word`` is read as: "nope" as "no", by the questionnaire's ``words.same_as``
    (one list for every question, so "nope" means none of these at the safety check, and No
    wherever "no" does)."""
    return next((meant for said, meant in item.plain.same_as if normalise_reply(said) == word), word)


def lab_bounds(item: Item) -> bool:
    """Whether an item takes a result given only as below or above a number: a lab result,
    whose answers section has ``below`` and ``above`` beside ``value``."""
    return item.plausible_lab is not None and item.field.endswith(".value")
