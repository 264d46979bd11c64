"""Reading a person's replies: numbers in words ("about ten"), units, choices by number or by
word, lists of names; each either a value to store or a ``ReplyError`` saying what is accepted.

This is the door (``parse_reply``) and the choices and lists; the words every question reads
(help, skip, numbers) are ``reply_words``, a lab result with its unit ``lab_replies``, days said
as weeks or "since yesterday" ``day_replies``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from screener.interview.answer_paths import same_value
from screener.interview.day_replies import read_days
from screener.interview.lab_replies import read_quantity
from screener.interview.questionnaire_items import Choice, Item
from screener.interview.reply_words import (
    ABOUT,
    MAX_MEDICATION_LENGTH,
    NUMBER_WORDS,
    SKIP_WORDS,
    SKIPPED,
    UNSURE,
    ReplyError,
    accepts_text,
    choice_number,
    normalise_reply,
    read_number,
    same_as,
    shown_number,
)

_LIST_SPLIT = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")


CONFIRM_CHOICES = (
    Choice(True, "Yes", ("y", "yes", "right", "correct", "that's right", "ok")),
    Choice(False, "No", ("n", "no", "wrong", "not right")),
)
"""Yes or no to a medicine's confirmation; the questionnaire's ``words.same_as`` ("yep", "nope")
are read here as at every other question."""


def _matches_choice(choice: Choice, word: str) -> bool:
    names = {normalise_reply(choice.label), *(normalise_reply(w) for w in choice.words)}
    if isinstance(choice.value, str):
        names |= {choice.value.lower(), choice.value.lower().replace("_", " ")}
    return word in names


def _pick(choices: Sequence[Choice], word: str, *, numbered: bool, accepts: str) -> Any:
    number = choice_number(word)
    if number is not None and numbered:
        if 1 <= number <= len(choices):
            return choices[number - 1].value
        raise ReplyError(f"There is no answer {shown_number(word)} here. Please type {accepts}.")
    exact = [c for c in choices if _matches_choice(c, word)]
    if len(exact) == 1:
        return exact[0].value
    unsure = [c for c in choices if c.value == UNSURE]
    if word in SKIP_WORDS and word != "skip" and unsure:
        return unsure[0].value  # "don't know" at "are you pregnant?" is its "not sure"
    if len(word) >= 3:
        starts = [c for c in choices if normalise_reply(c.label).startswith(word)]
        if len(starts) == 1:
            return starts[0].value
    if numbered:
        raise ReplyError(f"Sorry, I did not understand '{word}'. Please type {accepts} (or the words of an answer).")
    raise ReplyError(f"Sorry, I did not understand '{word}'. Please type {accepts}.")


def _pick_by_count(item: Item, word: str, accepts: str) -> Any:
    exact = [c for c in item.choices if _matches_choice(c, word)]
    if len(exact) == 1:
        return exact[0].value
    word = ABOUT.sub("", word)
    word = str(NUMBER_WORDS.get(word, word))
    found = re.fullmatch(r"(\d+)(?:\s*(?:drinks?|standard drinks?))?", word)
    if not found:
        raise ReplyError(f"Please type {accepts}.")
    count = choice_number(found.group(1)) or 0
    fitting = [c for c in item.choices if c.at_least is not None and c.at_least <= count]
    if not fitting:
        lowest = min(c.at_least for c in item.choices if c.at_least is not None)
        raise ReplyError(f"Please type {accepts} ({lowest} or more: count part of a drink as {lowest}).")
    return max(fitting, key=lambda c: c.at_least or 0).value


def _pick_many(item: Item, word: str, accepts: str) -> list[Any]:
    none = item.none_choice
    if word == "0" or (none is not None and _matches_choice(none, word)):
        return []
    if _matches_choice(CONFIRM_CHOICES[0], word):
        # "yes" to a list: which of them is the question (a safety question among them).
        raise ReplyError(f"Which of them? Please type {accepts}.")
    picked: list[Any] = []
    for part in _list_parts(item, word):
        if not part:
            continue
        if all(choice_number(number) is not None for number in part.split()):
            for number in part.split():
                if number == "0":
                    raise ReplyError(
                        f"0 means {none.label.lower() if none else 'none'}, so it cannot go with other answers. Please type {accepts}."
                    )
                picked_number = choice_number(number) or 0
                if not 1 <= picked_number <= len(item.choices):
                    raise ReplyError(f"There is no answer {shown_number(number)} here. Please type {accepts}.")
                picked.append(item.choices[picked_number - 1].value)
            continue
        try:
            picked.append(_pick(item.choices, part, numbered=True, accepts=accepts))
        except ReplyError:
            raise ReplyError(f"Sorry, I did not understand '{part}'. Please type {accepts}.") from None
    if not picked:
        raise ReplyError(f"Please type {accepts}.")
    order = [choice.value for choice in item.choices]
    return sorted(dict.fromkeys(picked), key=order.index)


def _list_parts(item: Item, word: str) -> list[str]:
    """The parts of a reply to a list, split at commas, semicolons and "and", except an "and"
    inside the words of one answer ("pins and needles")."""
    parts = []
    for chunk in re.split(r"[,;]", word):
        pieces = [piece.strip() for piece in re.split(r"\band\b", chunk)]
        start = 0
        while start < len(pieces):
            # The longest run of pieces that, joined again by "and", is the words of one answer.
            end = next(
                end
                for end in range(len(pieces), start, -1)
                if end == start + 1 or any(_matches_choice(choice, " and ".join(pieces[start:end])) for choice in item.choices)
            )
            parts.append(" and ".join(pieces[start:end]))
            start = end
    return parts


def _text_list(item: Item, text: str, word: str, accepts: str) -> list[str]:
    if item.none_choice is not None and _matches_choice(item.none_choice, word):
        return []
    entries = [part.strip() for part in _LIST_SPLIT.split(text)]
    entries = [entry for entry in entries if entry]
    if not entries:
        raise ReplyError(f"Please type {accepts}.")
    long = [entry for entry in entries if len(entry) > MAX_MEDICATION_LENGTH]
    if long:
        raise ReplyError(f"'{long[0][:30]}...' is too long for one name: please separate names with commas.")
    return list(dict.fromkeys(entries))


def chosen(item: Item, value: Any) -> list[Choice]:
    values = value if isinstance(value, list) else [value]
    return [c for c in item.choices for v in values if same_value(c.value, v)]


def parse_reply(kind: str, item: Item, text: str, word: str, lab_units: Mapping[str, Any] | None) -> Any:
    """A reply read as the value to store, SKIPPED, or ``ReplyError`` saying what is accepted."""
    word = same_as(item, word)
    if kind in ("confirm", "suggest"):
        return _pick(CONFIRM_CHOICES, word, numbered=False, accepts="yes or no")
    accepts = accepts_text(item)
    if item.type in ("yes_no", "single_choice"):
        if item.select_by == "count":
            return _pick_by_count(item, word, accepts)
        return _pick(item.choices, word, numbered=item.type == "single_choice", accepts=accepts)
    if item.type == "multiple_choice":
        return _pick_many(item, word, accepts)
    if item.type in ("integer", "number"):
        if word in SKIP_WORDS:
            return SKIPPED
        try:
            return read_number(item, word, accepts, whole=item.type == "integer")
        except ReplyError:
            days = read_days(item, word, accepts)
            if days is None:
                raise
            return days[0]
    if item.type == "quantity":
        if word in SKIP_WORDS:
            return SKIPPED
        return read_quantity(item, text, accepts, lab_units)
    if item.type == "text_list":
        if word in SKIP_WORDS:
            return SKIPPED
        return _text_list(item, text, word, accepts)
    raise ValueError(f"unknown item type {item.type!r}")  # the schema allows no other
