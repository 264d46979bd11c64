"""The words of a medication entry as written: what the vocabulary's names are matched by.

A word's key folds case, width and invisible characters ("LASIX", full-width LASIX and "La\u00adsix"
are all "lasix"); joiners (- / + & and with) and hard separators (, ; : brackets) are kept as
tokens of their own, with their offsets in the text as given, so that the words a name matched
can be shown as written. Other punctuation (. ' ") is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

WORD, SOFT, HARD = 0, 1, 2
"""Token kinds. A soft joiner (- / + & and with) splits an entry into drugs but may also sit
inside a name ("Senokot-S", "sacubitril/valsartan"); a hard separator (, ; : brackets) always
ends a name."""

# Characters that show as nothing (soft hyphen, zero-width space and joiners, direction marks,
# variation selectors): inside a word they are ignored, so that "La\u00adsix" (pasted from a web
# page or a word processor) is still Lasix, never an unknown medicine.
_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
TOKEN_RE = re.compile(
    rf"(?P<word>(?:\d+(?:[.,]\d+)+|[^\W_])(?:[^\W_]|[{_INVISIBLE}])*%?)"  # a word or a number (1.25, 1,000), glued unit
    r"|(?P<soft>[-/+&])"
    r"|(?P<hard>[,;:()\[\]{}|])"
)
# The same tokens in plain ASCII text (most entries): [^\W_] there is [A-Za-z0-9], and no
# invisible character or Unicode joiner can occur, so a simpler expression, three times faster.
_ASCII_TOKEN_RE = re.compile(
    r"(?P<word>(?:\d+(?:[.,]\d+)+|[A-Za-z0-9])[A-Za-z0-9]*%?)|(?P<soft>[-/+&])|(?P<hard>[,;:()\[\]{}|])"
)
JOIN_WORDS = frozenset({"and", "with"})
_UNICODE_JOINERS = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u2044\u2215\uff0f", "/"),
        "\uff0b": "+",
    }
)
"""Unicode dashes and slashes as their ASCII joiners. One character for one, so that token
offsets still point into the text as given."""


class Token(NamedTuple):
    kind: int
    key: str
    """Normalised text (case- and width-folded) for words; the character for joiners."""
    start: int
    end: int


def word_key(word: str) -> str:
    """The matching key of one word: "LASIX", "lasix", full-width LASIX and "La\u00adsix" are all "lasix"."""
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", word)).casefold()


def tokenise(text: str) -> list[Token]:
    """Words and joiners with their offsets in ``text``; other punctuation (. ' ") is skipped."""
    tokens = []
    ascii_only = text.isascii()
    found_all = _ASCII_TOKEN_RE.finditer(text) if ascii_only else TOKEN_RE.finditer(text.translate(_UNICODE_JOINERS))
    for found in found_all:
        if found.lastgroup == "word":
            key = found.group().lower() if ascii_only else word_key(found.group())
            kind = SOFT if key in JOIN_WORDS else WORD
        else:
            key, kind = found.group(), (SOFT if found.lastgroup == "soft" else HARD)
        start, end = found.span()
        tokens.append(_new_token(Token, (kind, key, start, end)))  # the tuple made in C, not in Token.__new__
    return tokens


_new_token = tuple.__new__


ANY_NUMBER = "#"
"""The trie's word for any number written in digits ("for 5 days", "since 2019"): no token is "#"."""
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def is_number(key: str) -> bool:
    """Whether a matching key is a number written in digits ("5", "2019", "1.5")."""
    return key[:1].isdecimal() and _DIGITS.fullmatch(key) is not None


def name_key(name: str) -> tuple[str, ...]:
    """A vocabulary name as the words it is matched by.

    Joiners inside a name match any joiner or a space, so "co-amilofruse", "co amilofruse" and
    "sacubitril and valsartan" all find their names.
    """
    return tuple(token.key for token in tokenise(name) if token.kind == WORD)


def numbers_a_letter(previous: str, word: str) -> bool:
    """Whether a bare number names the one letter before it ("Vitamin B 12", "vitamin D 3",
    "Co Q 10") rather than being a dose: one or two digits after a one-letter word."""
    return len(previous) == 1 and previous.isalpha() and len(word) <= 2 and word.isdecimal()


def square_bracket_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The text offsets between each [ and its ] (to the end when a bracket is left open)."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for token in tokens:
        if token.kind == HARD and token.key == "[":
            opened = token.end
        elif token.kind == HARD and token.key == "]" and opened is not None:
            spans.append((opened, token.start))
            opened = None
    if opened is not None:
        spans.append((opened, tokens[-1].end))
    return spans
