"""Reading a person's replies: numbers in words ("about ten"), units, choices by number or by
word, lists of names; each either a value to store or a ``ReplyError`` saying what is accepted.

This is the door (``parse_reply``) and the choices and lists; the words every question reads
(help, skip, numbers) are ``reply_words``, a lab result with its unit ``lab_replies``, days said
as weeks or "since yesterday" ``day_replies``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from screener.interview.answer_paths import same_value
from screener.interview.day_replies import read_days, which_time
from screener.interview.lab_replies import read_quantity
from screener.interview.questionnaire_items import Choice, Item
from screener.interview.reply_words import (
    ABOUT,
    MAX_MEDICATION_LENGTH,
    SKIP_WORDS,
    SKIPPED,
    UNSURE,
    ReplyError,
    accepts_text,
    choice_number,
    in_digits,
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


_HEDGES = frozenset(
    {"but", "except", "although", "though", "however", "maybe", "perhaps", "might", "possibly", "probably", "unless",
     "until", "or", "used", "stopped", "anymore", "unsure", "if"}
)
"""Words that may take back or qualify an answer ("yes, but I stopped", "no, or maybe"): a reply
with them after its answer is asked again, never read."""
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nothing", "without", "nope", "nah", "neither", "nor", "cannot", "dont", "didnt", "doesnt",
     "cant", "wont", "havent", "hasnt", "isnt", "wasnt", "arent", "werent"}
)
"""Words that turn what they come with around ("not tired", "no cramps"): read only after a no."""
_FEWEST_LETTERS_INSIDE = 4
"""The shortest name of a choice read inside longer words ("cramps in my legs at night"): shorter
ones ("fit", "n") are too often part of something else ("I feel fit")."""


_SMALL_WORDS = frozenset({"the", "and", "for", "you", "are", "was", "has", "had", "any", "its", "her", "his", "one", "all", "too"})


class SaidWithMore(NamedTuple):
    """A reply whose answer comes first and more words after it ("yes, bendroflumethiazide")."""

    choice: Choice
    said: str
    """The words read as the answer ("yes")."""
    rest: str
    """The words after it, as typed ("bendroflumethiazide")."""


def _choice_names(choice: Choice) -> set[str]:
    names = {normalise_reply(choice.label), *(normalise_reply(w) for w in choice.words)}
    if isinstance(choice.value, str):
        names |= {choice.value.lower(), choice.value.lower().replace("_", " ")}
    return {name for name in names if name}


def _spans(text: str, names: Sequence[tuple[str, Choice]]) -> list[tuple[int, int, Choice]]:
    """Where the names occur in ``text`` as whole words, longest first, not overlapping."""
    found: list[tuple[int, int, Choice]] = []
    for name, choice in sorted(names, key=lambda pair: -len(pair[0])):
        for hit in re.finditer(rf"(?<![\w']){re.escape(name)}(?![\w'])", text):
            if all(hit.end() <= start or hit.start() >= end for start, end, _ in found):
                found.append((hit.start(), hit.end(), choice))
    return sorted(found, key=lambda span: span[0])


def _without(text: str, spans: Sequence[tuple[int, int, Choice]]) -> list[str]:
    """The words of ``text`` outside the spans."""
    kept, at = [], 0
    for start, end, _ in spans:
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return re.findall(r"[a-z']+", " ".join(kept))


def _takes_back(words: Sequence[str], *, negations: bool = True) -> list[str]:
    return [w for w in words if w in _HEDGES or (negations and (w in _NEGATIONS or w.endswith("n't")))]


def said_with_more(item: Item, word: str) -> SaidWithMore | None:
    """A yes/no question answered with its answer first and more words after it: "yes,
    bendroflumethiazide", "no, never", "not sure, I think so". None when the reply does not start
    with one answer. ``ReplyError`` when the words after it could change it ("yes, but I stopped",
    "no... well yes", "yes, not any more"): it is asked again, saying what was read."""
    if item.type != "yes_no" or any(_matches_choice(c, same_as(item, word)) for c in item.choices):
        return None
    unsure = next((c for c in item.choices if c.value == UNSURE), None)
    names = [(name, c) for c in item.choices for name in _choice_names(c)]
    names += [(normalise_reply(said), c) for said, meant in item.plain.same_as for c in item.choices if _matches_choice(c, meant)]
    for cut in sorted(re.finditer(r"[\s,;:.!?()\-\u2013\u2014]+", word), key=lambda m: -m.start()):
        said, rest = word[: cut.start()].strip(), word[cut.end() :].strip()
        if not said or not rest:
            continue
        meant = same_as(item, said)
        picked = [c for c in item.choices if _matches_choice(c, meant)]
        if not picked and unsure is not None and said in SKIP_WORDS and said != "skip":
            picked = [unsure]
        if len(picked) != 1:
            continue
        choice = picked[0]
        spans = _spans(rest, names)
        others = [c for _, _, c in spans if c is not choice]
        is_no = choice.value in (False, "no")
        doubts = _takes_back(_without(rest, spans), negations=not is_no and choice is not unsure)
        if others or (doubts and choice is not unsure):
            shown = "" if normalise_reply(choice.label) == said else f" ({choice.label})"
            raise ReplyError(
                f"I read '{said}'{shown} at the start, but the words after it ('{rest}') could change it, "
                f"so I cannot be sure. Please type {accepts_text(item)}."
            )
        return SaidWithMore(choice, said, rest)
    return None


def _points_elsewhere(item: Item, part: str, spans: Sequence[tuple[int, int, Choice]]) -> bool:
    """Whether a part read as one choice could be another that uses the same words: "my hands
    cramping into a fixed position" has the cramps' word "cramping", but the hands and the fixed
    position are in the label of the spasms that lock, which says "cramping" too ("weak in my arm":
    the arm is severe weakness's). Words are compared by their first four letters ("weak" and
    "weakness"); words shared by three or more choices ("feeling", "muscle") tell nothing."""
    said = {id(c): set(re.findall(r"[a-z']+", " ".join(_choice_names(c)))) for c in item.choices}
    common = {w for w in set().union(*said.values()) if sum(w in ws for ws in said.values()) >= 3}
    matched = {w[:4] for start, end, _ in spans for w in re.findall(r"[a-z']+", part[start:end])}
    found = {id(c) for _, _, c in spans}
    rivals = [ws for key, ws in said.items() if key not in found and matched & {w[:4] for w in ws}]
    left = _without(part, spans)
    return any(len(w) >= 3 and w not in _SMALL_WORDS and w not in common and any(w in ws for ws in rivals) for w in left)


def read_inside(item: Item, word: str) -> list[tuple[str, list[Choice]]]:
    """The parts of a reply to a list read from inside longer words, with what each was read as,
    to say back ("'cramps in my legs at night' is read as 'Muscle cramps'")."""
    if item.type != "multiple_choice":
        return []
    read = []
    for part in (part for part in _list_parts(item, word) if part):
        if any(_matches_choice(c, part) for c in (*item.choices, CONFIRM_CHOICES[0])) or not part.strip(" ,;"):
            continue
        if all(choice_number(number) is not None for number in part.split()):
            continue
        inside = named_inside(item, part)
        if inside:
            read.append((part, inside))
    return read


def named_inside(item: Item, part: str) -> list[Choice]:
    """The choices of a list named inside longer everyday words ("cramps in my legs at night"
    is Muscle cramps), by their labels and words; [] when none is, or when other words could take
    it back ("no cramps", "cramps but not at night"): those are asked again."""
    names = [(name, c) for c in item.choices for name in _choice_names(c) if len(name) >= _FEWEST_LETTERS_INSIDE]
    spans = _spans(part, names)
    left = _without(part, spans)
    if not spans or _takes_back(left) or _points_elsewhere(item, part, spans):
        return []
    inside: list[Choice] = []
    for _, _, choice in spans:
        if not any(choice is seen for seen in inside):
            inside.append(choice)
    return inside


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
    word = in_digits(ABOUT.sub("", word))
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
    parts = [part for part in _list_parts(item, word) if part]
    if len(parts) > 1 and _matches_choice(CONFIRM_CHOICES[0], same_as(item, parts[0])):
        parts = parts[1:]  # "yes, cramps and tired": the yes says there are some
    for part in parts:
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
            inside = named_inside(item, part)
            if not inside:
                understood = "; ".join(c.label for c in chosen(item, picked))
                so_far = f" I understood: {understood}." if understood else ""
                raise ReplyError(f"Sorry, I did not understand '{part}'.{so_far} Please type {accepts}.") from None
            picked += [choice.value for choice in inside]
    if not picked:
        raise ReplyError(f"Please type {accepts}.")
    order = [choice.value for choice in item.choices]
    return sorted(dict.fromkeys(picked), key=order.index)


def _list_parts(item: Item, word: str) -> list[str]:
    """The parts of a reply to a list, split at commas, semicolons and "and", except an "and"
    inside the words of one answer ("pins and needles")."""
    parts = []
    joined = [name for c in item.choices for name in _choice_names(c) if " and " in name]
    for chunk in re.split(r"[,;]", word):
        for name in joined:  # "pins and needles in my feet": one answer's words, and more
            chunk = re.sub(rf"(?<![\w']){re.escape(name)}(?![\w'])", name.replace(" and ", " \x00 "), chunk)
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
    return [part.replace(" \x00 ", " and ") for part in parts]


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
        try:
            return _pick(item.choices, word, numbered=item.type == "single_choice", accepts=accepts)
        except ReplyError as refused:
            more = said_with_more(item, word)
            if more is None:
                raise (which_time(item, word) or refused) from None
            return more.choice.value
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
