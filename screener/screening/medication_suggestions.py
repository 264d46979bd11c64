"""The nearest vocabulary names to a medicine name that matched nothing: "furosimide" → furosemide.

A suggestion is only ever shown, never used: the screen does not count a name it could not read
(medications.md, "a name that matches nothing is reported back"), so "did you mean" helps the
person or the pharmacist correct the list, and the questionnaire asks before it takes one.

Closeness is difflib's ratio over the whole name. The cut-off is set so that common medicines the
vocabulary does not list are not offered another drug that merely looks alike: "tramadol" (an
opioid) is 0.8 alike to "Toradol" (ketorolac, an NSAID), and is offered nothing.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

CLOSE_ENOUGH: Final = 0.85
"""The least difflib ratio offered: typos of one or two letters in a name of eight or more."""
NEAR_THE_BEST: Final = 0.05
"""Other names offered beside the best must be this close to it ("omeprazol" is 0.95 omeprazole
and 0.86 esomeprazole: only omeprazole is offered)."""
MOST: Final = 3
SHORTEST: Final = 4
"""Shorter names are too short to tell a typo from another word."""
_CACHE_SIZE: Final = 65_536
"""Distinct names remembered, as for matching: a cohort repeats its misspellings."""


class NameSuggestions:
    """The vocabulary's names (as written in the file) by their matching key ("lasix" → "Lasix")."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)
        # By length: a name too much longer or shorter cannot be close enough (difflib's ratio is
        # at most 2·shorter/(both lengths)), so only names of a fitting length are compared.
        self._by_length: dict[int, list[str]] = {}
        for key in self._names:
            self._by_length.setdefault(len(key), []).append(key)
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
        fitting = [
            candidate
            for length, keys in self._by_length.items()
            if 2 * min(size, length) >= CLOSE_ENOUGH * (size + length)
            for candidate in keys
        ]
        scored = []
        for candidate in difflib.get_close_matches(key, fitting, n=MOST, cutoff=CLOSE_ENOUGH):
            scored.append((difflib.SequenceMatcher(None, key, candidate).ratio(), candidate))
        if not scored:
            return ()
        best = scored[0][0]
        return tuple(self._names[candidate] for ratio, candidate in scored if ratio >= best - NEAR_THE_BEST)


_WORDS: Final = re.compile(r"[^\W\d_][^\W_]*")


def corrections_for(parts: Iterable[str], suggest: Callable[[str], tuple[str, ...]]) -> tuple[Correction, ...]:
    """For each unrecognised part, the nearest names to the whole part, or else to each of its
    words ("omeprazol magnesium": omeprazole for "omeprazol")."""
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


def not_recognised(parts: Sequence[str], corrections: Sequence[Correction]) -> str:
    """ "'furosimide' not recognised (did you mean furosemide?)"; with several parts, each
    suggestion names its part: "'a', 'b' not recognised (did you mean X for 'a'?)"."""
    listed = ", ".join(f"'{part}'" for part in parts)
    if not corrections:
        return f"{listed} not recognised"
    if len(parts) == 1 and len(corrections) == 1 and corrections[0].written == parts[0]:
        return f"{listed} not recognised{did_you_mean(corrections[0].names)}"
    each = "; ".join(f"{_either(c.names)} for '{c.written}'" for c in corrections)
    return f"{listed} not recognised (did you mean {each}?)"


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
    """The part as written ("omeprazol")."""
    names: tuple[str, ...]
    """The nearest vocabulary names, best first (never empty)."""

    def applied(self, entry: str) -> str:
        """``entry`` with the part replaced by the best name: "omeprazol 20 mg" → "omeprazole 20 mg"."""
        return entry.replace(self.written, self.names[0], 1)
