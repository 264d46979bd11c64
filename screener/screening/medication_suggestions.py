"""The nearest vocabulary names to a medicine name that matched nothing: "furosimide" → furosemide.

A suggestion is only ever shown, never used: the screen does not count a name it could not read
(medications.md, "a name that matches nothing is reported back"), so "did you mean" helps the
person or the pharmacist correct the list, and the questionnaire asks before it takes one.

Closeness is difflib's ratio over the whole name. The cut-off is set so that common medicines the
vocabulary does not list are not offered another drug that merely looks alike: "prochlorperazine"
(an anti-sickness medicine) is 0.8 alike to "chlorpromazine" (an antipsychotic that lengthens the
QT interval), and is offered nothing.

A cohort of a million records brings thousands of distinct unknown names, and difflib compares
each with every name of a fitting length in Python (about a millisecond a name: most of the time
spent reading the answers). So the names that cannot be close enough are set aside first, all at
once (``SharedLetters``), by the same bound difflib itself tests first; difflib then sees only
the few that may be, and chooses among them exactly as it would among all.

A short name spelt as it sounds is too far off for that ratio ("lasics" is 0.73 alike to
"Lasix"), so a name close to none is then compared by how it sounds (``sound_key``: "lasics" and
"Lasix" are both "lasiks"), and only names that sound exactly alike are offered. Over the 104,123
words of the GCIDE English dictionary that are not medicine names, the ratio offers a name for 352
(0.34%: "ambient", Ambien) and the sound for 12 more (0.01%: "zink", zinc); no two different drugs
in the vocabulary sound alike.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

CLOSE_ENOUGH: Final = 0.85
"""The least difflib ratio offered: typos of one or two letters in a name of eight or more."""
NEAR_THE_BEST: Final = 0.05
"""Other names offered beside the best must be this close to it ("omeprazle" is 0.95 omeprazole
and 0.86 esomeprazole: only omeprazole is offered)."""
MOST: Final = 3
SHORTEST: Final = 4
"""Shorter names are too short to tell a typo from another word."""
_CACHE_SIZE: Final = 4_096
"""Distinct names remembered, as for matching: a cohort repeats its misspellings."""


class NameSuggestions:
    """The vocabulary's names (as written in the file) by their matching key ("lasix" → "Lasix")."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)
        # By length: a name too much longer or shorter cannot be close enough (difflib's ratio is
        # at most 2·shorter/(both lengths)), so only names of a fitting length are compared.
        self._lengths = sorted({len(key) for key in self._names})
        self._letters = SharedLetters(list(self._names))
        self._by_sound: dict[str, tuple[str, ...]] = {}
        for key, name in self._names.items():
            sound = sound_key(key)
            if len(sound.replace(" ", "")) >= SHORTEST:
                self._by_sound[sound] = (*self._by_sound.get(sound, ()), name)
        self.suggest = functools.lru_cache(maxsize=_CACHE_SIZE)(self._suggest)

    @classmethod
    def from_names(cls, keyed: Iterable[tuple[str, str]]) -> NameSuggestions:
        """From (key, name as written) pairs; the first name of a key is kept."""
        names: dict[str, str] = {}
        for key, name in keyed:
            names.setdefault(key, name)
        return cls(names)

    def _suggest(self, key: str) -> tuple[str, ...]:
        """The names nearest to ``key`` (a matching key: lower case, words joined by a space),
        best first; none for a name the vocabulary has, or for one too short to judge."""
        if len(key.replace(" ", "")) < SHORTEST or key in self._names:
            return ()
        size = len(key)
        fitting = [length for length in self._lengths if 2 * min(size, length) >= CLOSE_ENOUGH * (size + length)]
        # get_close_matches ranks by (ratio, name), so which names it is given, not their order,
        # decides what it returns: leaving out names that fail its own first tests changes nothing.
        maybe = self._letters.sharing_enough(key, fitting, CLOSE_ENOUGH)
        scored = []
        for candidate in difflib.get_close_matches(key, maybe, n=MOST, cutoff=CLOSE_ENOUGH):
            scored.append((difflib.SequenceMatcher(None, key, candidate).ratio(), candidate))
        if not scored:
            return self._by_sound.get(sound_key(key), ())
        best = scored[0][0]
        return tuple(self._names[candidate] for ratio, candidate in scored if ratio >= best - NEAR_THE_BEST)


#: Spellings that sound alike, each written one way: what a name typed as it sounds most often
#: gets wrong ("lasics" for Lasix, "fenergan" for Phenergan, "klexane" for Clexane).
_SOUNDS_ALIKE: Final = (("ph", "f"), ("ck", "k"), ("qu", "kw"), ("x", "ks"), ("z", "s"), ("y", "i"), ("th", "t"))
_SOFT_C: Final = re.compile(r"c(?=[eiy])")
_DOUBLED: Final = re.compile(r"(.)\1+")
_SILENT_E: Final = re.compile(r"(?<=\w\w\w)e\b")


def sound_key(key: str) -> str:
    """A matching key as it sounds, written one way: "lasics" and "lasix" are both "lasiks",
    "fenergan" and "phenergan" "fenergan". A soft c is s and a hard one k, a doubled letter is
    one, and a final e after three letters is silent ("digoxine", "digoxin")."""
    sound = _SOFT_C.sub("s", key)
    for written, said in _SOUNDS_ALIKE:
        sound = sound.replace(written, said)
    return _SILENT_E.sub("", _DOUBLED.sub(r"\1", sound.replace("c", "k")))


class SharedLetters:
    """Which names have enough letters in common with a word to be close enough to it.

    difflib's ``quick_ratio`` (an upper bound of its ratio, which ``get_close_matches`` tests
    before the ratio) is 2·shared/(both lengths), where shared counts each letter as often as it
    occurs in both. Counting it name by name is most of what ``get_close_matches`` costs, so it is
    counted for all names at once: each name is one bit of a Python integer, one integer per
    (letter, n) holds the names with at least n of that letter, and the counts are added up bit
    by bit across those integers (a few dozen operations on integers of a few hundred bits, in C).
    """

    def __init__(self, names: Sequence[str]) -> None:
        self._names = list(names)
        self._at_least: dict[tuple[str, int], int] = {}
        """(letter, n) -> the names with at least n of that letter, one bit per name."""
        self._of_length: dict[int, int] = {}
        for index, name in enumerate(self._names):
            bit = 1 << index
            self._of_length[len(name)] = self._of_length.get(len(name), 0) | bit
            for letter, count in Counter(name).items():
                for n in range(1, count + 1):
                    self._at_least[letter, n] = self._at_least.get((letter, n), 0) | bit

    def sharing_enough(self, word: str, lengths: Iterable[int], cutoff: float) -> list[str]:
        """The names of the given lengths whose ``quick_ratio`` with ``word`` is at least
        ``cutoff`` (computed as difflib does, float for float), in the order they were given."""
        digits = self._shared_counts(word)
        chosen = 0
        for length in lengths:
            group = self._of_length.get(length, 0)
            if group:
                chosen |= _at_least(digits, group, _least_shared(len(word) + length, cutoff))
        found = []
        while chosen:
            lowest = chosen & -chosen
            found.append(self._names[lowest.bit_length() - 1])
            chosen ^= lowest
        return found

    def _shared_counts(self, word: str) -> list[int]:
        """Per name, how many letters it shares with ``word``, as binary digits: digit i of name
        k's count is bit k of ``digits[i]``."""
        digits: list[int] = []
        for letter, count in Counter(word).items():
            for n in range(1, count + 1):
                carry = self._at_least.get((letter, n), 0)
                for i, digit in enumerate(digits):  # add one to the count of each name in carry
                    if not carry:
                        break
                    digits[i] = digit ^ carry
                    carry &= digit
                if carry:
                    digits.append(carry)
        return digits


def _at_least(digits: Sequence[int], names: int, least: int) -> int:
    """Of ``names`` (bits), those whose count (binary ``digits``, as ``_shared_counts``) is at
    least ``least``: compared digit by digit from the highest, for all names at once."""
    if least >> len(digits):
        return 0  # more than any count can be
    above = 0
    equal = names  # names whose count equals ``least`` in the digits compared so far
    for i in reversed(range(len(digits))):
        if least >> i & 1:
            equal &= digits[i]
        else:
            above |= equal & digits[i]
            equal &= ~digits[i]
    return above | equal


@functools.cache
def _least_shared(lengths: int, cutoff: float) -> int:
    """The fewest shared letters for which difflib's quick ratio, ``2.0 * shared / lengths`` as
    difflib computes it, reaches ``cutoff`` (one more than possible when none does)."""
    if not lengths:
        return 0  # two empty strings: difflib's ratio is 1.0
    return next((shared for shared in range(lengths + 1) if 2.0 * shared / lengths >= cutoff), lengths + 1)


_WORDS: Final = re.compile(r"[^\W\d_][^\W_]*")


def corrections_for(parts: Iterable[str], suggest: Callable[[str], tuple[str, ...]]) -> tuple[Correction, ...]:
    """For each unrecognised part, the nearest names to the whole part, or else to each of its
    words ("omeprazle magnesium": omeprazole for "omeprazle")."""
    found = []
    for part in parts:
        names = suggest(part)
        if names:
            found.append(Correction(part, names))
            continue
        for word in _WORDS.findall(part):
            if len(word) >= SHORTEST and (names := suggest(word)):
                found.append(Correction(word, names))
    return tuple(found)


def not_recognised(parts: Sequence[str], corrections: Sequence[Correction], *, rest_read: bool = False) -> str:
    """ "'furosimide' not recognised (did you mean furosemide?)"; with several parts, each
    suggestion names its part: "'a', 'b' not recognised (did you mean X for 'a'?)". When the rest
    of the entry was read and counted (``rest_read``), that only these parts were left out:
    "'kg' was not recognised and left out"."""
    listed = ", ".join(f"'{part}'" for part in parts)
    if rest_read:
        return f"{listed} {'was' if len(parts) == 1 else 'were'} not recognised{suggested(parts, corrections)} and left out"
    return f"{listed} not recognised{suggested(parts, corrections)}"


def suggested(parts: Sequence[str], corrections: Sequence[Correction]) -> str:
    """The nearest names to the parts not recognised: " (did you mean furosemide?)", naming each
    part when there are several or the name is for one word of a part ("(did you mean
    omeprazole for 'omeprazle'?)"), or "" when none is close."""
    if not corrections:
        return ""
    if len(parts) == 1 and len(corrections) == 1 and corrections[0].written == parts[0]:
        only = corrections[0]
        return f" ({_check_the_label(only)})" if only.check_label else did_you_mean(only.names)
    checks = [_check_the_label(c) for c in corrections if c.check_label]
    each = "; ".join(f"{_either(c.names)} for '{c.written}'" for c in corrections if not c.check_label)
    return f" ({'; '.join([*checks, *([f'did you mean {each}?'] if each else [])])})"


def _check_the_label(correction: Correction) -> str:
    """For a plain name several products share: they differ, so the label says which."""
    return f"products named '{correction.written}' differ: check the label for the full name, such as {_either(correction.names)}"


def did_you_mean(names: Iterable[str]) -> str:
    """ " (did you mean furosemide?)", " (did you mean prednisone or prednisolone?)", or ""."""
    names = list(names)
    return f" (did you mean {_either(names)}?)" if names else ""


def _either(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class Correction:
    """A part of a medicine entry that matched nothing, and the names nearest to it."""

    written: str
    """The part as written ("omeprazle")."""
    names: tuple[str, ...]
    """The nearest vocabulary names, best first (never empty)."""
    check_label: bool = False
    """The part is a plain name several products share ("Gaviscon"), and ``names`` its varieties:
    not a misspelling, so the warning asks to check the label rather than "did you mean"."""

    def applied(self, entry: str) -> str:
        """``entry`` with the part replaced by the best name: "omeprazle 20 mg" → "omeprazole 20 mg"."""
        return entry.replace(self.written, self.names[0], 1)


#: Separators after (or before) which a word left over beside a medicine that was read may be a
#: second medicine ("cisplatin with Zoravex", "Lasix, Kalium-Durules"): joiners, commas and
#: semicolons. Words that run on from the name ("... when needed for my knees") or sit in
#: brackets ("Furosemida 40mg (Spanish box)") are a note on the medicine, not another one.
_ANOTHER_MEDICINE_AFTER: Final = frozenset({",", ";"})


def parts_worth_asking_about(text: str, parts: Sequence[str], read: bool, corrections: Sequence[Correction]) -> tuple[str, ...]:
    """The words of a medication entry not recognised that may name a medicine: all of them when
    nothing in the entry was read; beside a medicine that was (``read``), only those close to a
    known name ("furosemide and spirinolactone") or set apart from it as another item would be
    (after "and", "with", "+", "/", a comma or a semicolon). The rest ("for my knees", "(Spanish
    box)") are words about the medicine read, and are not reported as a medicine not recognised."""
    if not read:
        return tuple(parts)
    from screener.screening.medication_words import HARD, SOFT, tokenise

    tokens = tokenise(text)
    kept = []
    searched_from = 0
    for part in parts:
        start = text.find(part, searched_from)
        start = start if start >= 0 else text.find(part)
        searched_from = max(searched_from, start + len(part))
        end = start + len(part)
        before = [token for token in tokens if token.end <= start]
        after = [token for token in tokens if token.start >= end]
        beside = [token for token in (before[-1:] + after[:1]) if token.kind in (SOFT, HARD)]
        set_apart = any(token.kind == SOFT or token.key in _ANOTHER_MEDICINE_AFTER for token in beside)
        near_a_name = any(correction.written in part for correction in corrections)
        if set_apart or near_a_name:
            kept.append(part)
    return tuple(kept)
