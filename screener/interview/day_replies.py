"""Days said as a time: "a week", "2 months", "since yesterday" for a question counting days,
and "last week" for a choice of times; each read back to the person so that they can correct it.

The days in a unit and the days since a time are the questionnaire's plain words
(``words.days_in``, ``words.days_since``), not code.
"""

from __future__ import annotations

import math
import re
from typing import Any

from screener.interview.answer_paths import same_value
from screener.interview.questionnaire_items import Item
from screener.interview.reply_words import (
    ABOUT,
    NUMBER_WORDS,
    ReplyError,
    accepts_text,
    choice_number,
    normalise_reply,
    or_list,
    read_number,
    same_as,
    to_float,
)

_SINCE = re.compile(r"^(?:since|from|for|started|it started|began|it began)\s+")
_DURATION = re.compile(r"^(?:(?P<number>\d+(?:[.,]\d+)?|\.\d+)\s*|(?P<count>[a-z]+)\s+)?(?P<unit>[a-z]+)(?:\s+ago)?$")


def read_days(item: Item, word: str, accepts: str | None = None) -> tuple[int, str] | None:
    """A reply to an item counting days (``in_days``) given as a time ("a week", "2 months",
    "since yesterday"), as (days, how it was read: "a week counts as 7 days"); None when it is
    not one. The days in a unit and the days since a time are the questionnaire's ``words``
    (a week 7 days, a month 30, a year 365). A time longer than the item accepts is refused."""
    if not item.in_days:
        return None
    said = _SINCE.sub("", ABOUT.sub("", word)).strip()
    since = dict(item.plain.days_since)
    if said in since:
        days = since[said]
        how = "counting today as one"
    else:
        found = _DURATION.fullmatch(said)
        if found is None:
            return None
        units = dict(item.plain.days_in)
        typed = found.group("unit")
        unit = typed if typed in units else typed.removesuffix("s")
        if unit not in units or units[unit] == 1:
            return None  # "3 days" is a number of days, and "3 sheep" not one
        count_word = found.group("count")
        count: float
        if found.group("number") is not None:
            count = to_float(found.group("number"), accepts or accepts_text(item))
        elif count_word is None:
            if typed != unit:
                return None  # "weeks": how many is not said
            count = 1
        elif count_word in ("a", "an"):
            count = 1
        elif count_word in NUMBER_WORDS:
            count = NUMBER_WORDS[count_word]
        else:
            return None
        days = math.floor(count * units[unit] + 0.5)
        how = f"a {unit} counts as {units[unit]} days"
    if item.maximum is not None and days > item.maximum:
        raise ReplyError(
            f"'{word}' is {days} days ({how}), more than this question accepts. Please type {accepts or accepts_text(item)}."
        )
    return days, how


def days_note(item: Item, word: str) -> str | None:
    """What a reply counting days was read as, said back so that the person can correct it:
    "'a week' is read as 7 days (a week counts as 7 days)". None for a number of days."""
    if not item.in_days:
        return None
    word = same_as(item, word)
    try:
        read_number(item, word, accepts_text(item), whole=True)
        return None
    except ReplyError:
        pass
    try:
        read = read_days(item, word)
    except ReplyError:  # refused: parse_reply says so
        return None
    if read is None:
        return None
    days, how = read
    return f"'{word}' is read as {days} day{'' if days == 1 else 's'} ({how}). If that is not right, go back and give the number of days."


def time_word_note(item: Item, word: str, value: Any) -> str | None:
    """What a choice given as a time word was read as, said back as ``days_note`` says a number
    of days: "'last week' is read as 'In the last 7 days'". A time word names one of the
    questionnaire's units of time or days since (``words.days_in``, ``words.days_since``:
    "last week", "this month", "yesterday"). None for a choice given by its number or its label."""
    if item.type != "single_choice" or item.select_by != "position":
        return None
    word = same_as(item, word)
    picked = next((c for c in item.choices if same_value(c.value, value)), None)
    if picked is None or choice_number(word) is not None or normalise_reply(picked.label) == word:
        return None
    if not names_a_time(item, word):
        return None
    return f"'{word}' is read as '{picked.label}'. If that is not right, go back and choose another answer."


def names_a_time(item: Item, word: str) -> bool:
    """Whether a reply names one of the questionnaire's units of time or days since
    (``words.days_in``, ``words.days_since``): "last week", "in the last 30 days", "yesterday"."""
    times = {unit for unit, _ in item.plain.days_in} | {since for since, _ in item.plain.days_since}
    said = set(re.findall(r"[a-z]+", word))
    return any(time in word if " " in time else (time in said or time + "s" in said) for time in times)


def which_time(item: Item, word: str) -> ReplyError | None:
    """For a choice of times (or of how often) answered with a time that is none of its answers
    ("in the last 30 days" where the answers are the last 7 days and 8 to 30 days ago): the
    answers, numbered, to choose from; None for a reply that names no time."""
    if item.type != "single_choice" or item.select_by != "position" or not names_a_time(item, word):
        return None
    numbered = [f"{number} for '{choice.label}'" for number, choice in enumerate(item.choices, 1)]
    return ReplyError(f"Sorry, I could not tell which answer '{word}' is. Please type {or_list(numbered)}.")
