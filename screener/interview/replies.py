"""Reading a person's replies: numbers in words ("about ten"), units, choices by number or by
word, lists of names; each either a value to store or a ``ReplyError`` saying what is accepted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screener.screening.normalise import convert_lab

if TYPE_CHECKING:

    pass

from screener.interview.questionnaire import Choice, Item, Unit, same_value

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
_ABOUT = re.compile(r"^(?:about|around|roughly|approximately|approx\.?|maybe|~)\s*")
# fmt: off
_NUMBER_WORDS = {word: number for number, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}
# fmt: on
_NUMBER = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?|\.\d+)\s*(?P<rest>.*)$")
_LIST_SPLIT = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")
MAX_MEDICATION_LENGTH = 200


class _Skipped:
    """The value of a step answered with 'skip': the field stays unknown."""

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED: Any = _Skipped()


@dataclass(frozen=True)
class Quantity:
    """A number as given, with its unit; for a lab result known only as beyond a number ("below
    3.5", "<3.5"), ``bound`` says which side, as the answers file's ``below`` or ``above``."""

    number: float
    unit: Unit
    bound: str = "value"

    def words(self) -> str:
        """The number as the person would say it: "3.5", "below 3.5"."""
        return f"{self.number:g}" if self.bound == "value" else f"{self.bound} {self.number:g}"

    def stored(self) -> float | int:
        value = self.number * self.unit.multiply / self.unit.divide
        value = round(value, 2) if self.unit.converts else value
        return int(value) if float(value).is_integer() else value


class ReplyError(Exception):
    pass


CONFIRM_CHOICES = (
    Choice(True, "Yes", ("y", "yes", "right", "correct", "that's right", "ok")),
    Choice(False, "No", ("n", "no", "wrong", "not right")),
)
"""Yes or no to a medicine's confirmation; the questionnaire's ``words.same_as`` ("yep", "nope")
are read here as at every other question."""



# -- reading replies ----------------------------------------------------------------------------


def normalise_reply(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".!")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower()).rstrip(".")


def accepts_text(item: Item) -> str:
    example = f", for example {item.example}" if item.example else ""
    if item.type == "yes_no":
        return _or([c.label.lower() for c in item.choices])
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
        return f"a number and its unit ({_or([u.label for u in item.units])}){example}{bounds}"
    none = f", or '{item.none_choice.label.lower()}'" if item.none_choice else ""
    return f"the names separated by commas{example}{none}"


def _or(words: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _matches_choice(choice: Choice, word: str) -> bool:
    names = {normalise_reply(choice.label), *(normalise_reply(w) for w in choice.words)}
    if isinstance(choice.value, str):
        names |= {choice.value.lower(), choice.value.lower().replace("_", " ")}
    return word in names


def choice_number(word: str) -> int | None:
    """The number a reply picks, or None when it is not one. Only decimal digits are a number
    ("²" and "½" are digits to ``str.isdigit`` but not to ``int``), and a number too long to be
    any choice's is read as one past them all (``int`` refuses 4,300 digits and more)."""
    if not word.isdecimal():
        return None
    return int(word) if len(word) <= 9 else 10**9


def _pick(choices: Sequence[Choice], word: str, *, numbered: bool, accepts: str) -> Any:
    number = choice_number(word)
    if number is not None and numbered:
        if 1 <= number <= len(choices):
            return choices[number - 1].value
        raise ReplyError(f"There is no answer {_shown_number(word)} here. Please type {accepts}.")
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
    word = _ABOUT.sub("", word)
    word = str(_NUMBER_WORDS.get(word, word))
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
                    raise ReplyError(f"There is no answer {_shown_number(number)} here. Please type {accepts}.")
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


def _shown_number(word: str) -> str:
    return word if len(word) <= 12 else f"{word[:9]}..."


def _to_float(text: str, accepts: str) -> float:
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


def _check_range(item: Item, number: float, accepts: str) -> None:
    if (item.minimum is not None and number < item.minimum) or (item.maximum is not None and number > item.maximum):
        raise ReplyError(f"{number:g} is outside what this question accepts. Please type {accepts}.")


def _number(item: Item, word: str, accepts: str, *, whole: bool) -> float | int:
    word = _ABOUT.sub("", word)
    first, _, rest = word.partition(" ")
    if first in _NUMBER_WORDS:
        word = f"{_NUMBER_WORDS[first]} {rest}".strip()
    found = _NUMBER.match(word)
    if not found or (found.group("rest") and _squash(found.group("rest")) not in {_squash(w) for w in item.unit_words}):
        raise ReplyError(f"Please type {accepts}.")
    number = _to_float(found.group("number"), accepts)
    if whole and not number.is_integer():
        raise ReplyError(f"{number:g} is not a whole number. Please type {accepts}.")
    _check_range(item, number, accepts)
    if whole or number.is_integer():
        return int(number)
    return number


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


def same_as(item: Item, word: str) -> str:
    """The reply ``word`` is read as: "nope" as "no", by the questionnaire's ``words.same_as``
    (one list for every question, so "nope" means none of these at the safety check, and No
    wherever "no" does)."""
    return next((meant for said, meant in item.plain.same_as if normalise_reply(said) == word), word)


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
            return _number(item, word, accepts, whole=item.type == "integer")
        except ReplyError:
            days = read_days(item, word, accepts)
            if days is None:
                raise
            return days[0]
    if item.type == "quantity":
        if word in SKIP_WORDS:
            return SKIPPED
        return _quantity(item, text, accepts, lab_units)
    if item.type == "text_list":
        if word in SKIP_WORDS:
            return SKIPPED
        return _text_list(item, text, word, accepts)
    raise ValueError(f"unknown item type {item.type!r}")  # the schema allows no other


# A lab result reported only as beyond a number: "below 3.5", "<3.5", "less than 3.5 mmol/L".
_BOUND = re.compile(
    r"^(?:(?:it was|it's|its)\s+)?(?:(?P<below><=?|≤|below|under|less than|lower than)|(?P<above>>=?|≥|above|over|more than|greater than|higher than))\s*"
)
# A result known only as "low" or "high", with no number: "I was told it was low".
_TOLD = re.compile(r"^(?:(?:i was |i've been |i have been |we were )?told |they said |the doctor said )?(?:(?:that )?it was |it's |its )?(?:a bit |slightly |very |too |quite )?(?P<side>low|high)(?:ish)?$")


def lab_bounds(item: Item) -> bool:
    """Whether an item takes a result given only as below or above a number: a lab result,
    whose answers section has ``below`` and ``above`` beside ``value``."""
    return item.plausible_lab is not None and item.field.endswith(".value")


def bound_field(item: Item, bound: str) -> str:
    """The answers field a value or a bound of a lab item fills: labs.potassium.below."""
    return item.field if bound == "value" else item.field.removesuffix("value") + bound


def _told_only(item: Item, side: str, lab_units: Mapping[str, Any] | None) -> ReplyError:
    """What to type for a result known only as "low" or "high": the answers take a number, so
    the bound of the normal range it is past (the ruleset's ``normal_mmol_per_l``)."""
    past, edge, end = ("below", "starts", 0) if side == "low" else ("above", "ends", 1)
    lab = item.plausible_lab or "lab"
    spec = (lab_units or {}).get(lab)
    if spec is None:
        typed = f"{past} and the number where the normal range {edge}"
    else:
        typed = f"{past} {spec['normal_mmol_per_l'][end]:.{spec.get('decimals', 1)}f} mmol/L"
    return ReplyError(
        f"A result known only as '{side}' has no number, and the screen needs one. If you were told your {lab} "
        f"was {side} (outside the normal range), type: {typed} (where the normal range {edge}): it counts as a "
        f"{side} {lab} result. If you have the report, type its number and unit instead, or skip if you do not know."
    )


def _quantity(item: Item, text: str, accepts: str, lab_units: Mapping[str, Any] | None) -> Quantity:
    said = _ABOUT.sub("", normalise_reply(text))
    bound = "value"
    if lab_bounds(item):
        told = _TOLD.match(said)
        if told:
            raise _told_only(item, told.group("side"), lab_units)
        side = _BOUND.match(said)
        if side:
            bound = "below" if side.group("below") else "above"
            said = said[side.end() :]
    found = _NUMBER.match(said)
    if not found:
        raise ReplyError(f"Please type {accepts}.")
    number = _to_float(found.group("number"), accepts)
    rest = _squash(found.group("rest"))
    units = _or([u.label for u in item.units])
    unit: Unit | None
    if not rest:
        if item.default_unit is None:
            raise ReplyError(f"Please add the unit, as printed on the report: {units}. For example: {item.example}.")
        unit = item.unit(item.default_unit)
    else:
        unit = next(
            (u for u in item.units if rest in {_squash(u.value), _squash(u.label), *map(_squash, u.words)}), None
        )
    if unit is None:
        raise ReplyError(
            f"I did not recognise the unit '{found.group('rest').strip()}'. "
            f"Please use {units}, for example {item.example}."
        )
    _check_range(item, number, accepts)
    quantity = Quantity(number, unit, bound)
    if item.plausible_lab and lab_units and item.plausible_lab in lab_units:
        spec = lab_units[item.plausible_lab]
        if unit.value not in spec["to_mmol_per_l"]:
            allowed = ", ".join(spec["to_mmol_per_l"])
            raise ReplyError(f"{unit.label} is not used for {item.plausible_lab}: please use {allowed}.")
        mmol = convert_lab(number, unit.value, spec)
        low, high = spec["plausible_mmol_per_l"]
        if not low <= mmol <= high:
            converted = f" (that would be {mmol:g} mmol/L)" if unit.value != "mmol/L" else ""
            raise ReplyError(
                f"{quantity.words()} {unit.label}{converted} is not a possible {item.plausible_lab} level "
                f"(possible: {low:g} to {high:g} mmol/L). Please check the number and the unit on the report."
            )
    return quantity


# -- days said as weeks, months or "since yesterday" --------------------------------------------

_SINCE = re.compile(r"^(?:since|from|for|started|it started|began|it began)\s+")
_DURATION = re.compile(r"^(?:(?P<number>\d+(?:[.,]\d+)?|\.\d+)\s*|(?P<count>[a-z]+)\s+)?(?P<unit>[a-z]+)(?:\s+ago)?$")


def read_days(item: Item, word: str, accepts: str | None = None) -> tuple[int, str] | None:
    """A reply to an item counting days (``in_days``) given as a time ("a week", "2 months",
    "since yesterday"), as (days, how it was read: "a week counts as 7 days"); None when it is
    not one. The days in a unit and the days since a time are the questionnaire's ``words``
    (a week 7 days, a month 30, a year 365). A time longer than the item accepts is refused."""
    if not item.in_days:
        return None
    said = _SINCE.sub("", _ABOUT.sub("", word)).strip()
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
            count = _to_float(found.group("number"), accepts or accepts_text(item))
        elif count_word is None:
            if typed != unit:
                return None  # "weeks": how many is not said
            count = 1
        elif count_word in ("a", "an"):
            count = 1
        elif count_word in _NUMBER_WORDS:
            count = _NUMBER_WORDS[count_word]
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
        _number(item, word, accepts_text(item), whole=True)
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
    times = {unit for unit, _ in item.plain.days_in} | {since for since, _ in item.plain.days_since}
    said = set(re.findall(r"[a-z]+", word))
    if not any(time in word if " " in time else (time in said or time + "s" in said) for time in times):
        return None
    return f"'{word}' is read as '{picked.label}'. If that is not right, go back and choose another answer."
