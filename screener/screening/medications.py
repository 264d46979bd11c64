"""Medication names as people write them, matched to drugs and drug classes.

The vocabulary itself is data (``rules/medications.json``, checked against
``schemas/medications.schema.json``) so that a pharmacist can add a name without touching code.
This module holds only the grammar of a medication entry (medications.md): whole names matched
longest first; joiners that split one entry into several drugs; salt words that belong to the
drug before them; forms that act locally; dose text to skip. Any other word is reported back as
unrecognised, never dropped: a name we cannot read may be exactly the drug that matters.

Matching runs once per medication string in cohort batches of a million records, so the names
are compiled at load time into a word trie and each distinct string is matched once (cached).
How an entry is cut into words is ``medication_words``; how the file's names become the trie,
``medication_names``; the names nearest to one that matched nothing, ``medication_suggestions``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.contract.checked import RememberedCheck
from screener.contract.data_files import read_data_bytes
from screener.contract.result import drug_name
from screener.contract.validation import schema_bytes
from screener.screening.medication_file import (
    VOCABULARY_SCHEMA,
    check_vocabulary_shape,
    parse_vocabulary,
    raise_problems,
)
from screener.screening.medication_names import NameEntry, VocabularyCompiler, WordNode
from screener.screening.medication_suggestions import Correction, NameSuggestions, corrections_for
from screener.screening.medication_words import (
    ANY_NUMBER,
    HARD,
    SOFT,
    WORD,
    Token,
    is_number,
    name_key,
    numbers_a_letter,
    square_bracket_spans,
    tokenise,
    word_key,
)

#: The modules whose code checks the vocabulary file's content, besides the schema validator
#: (``screener.contract.checked``).
_VOCABULARY_CHECKS = ("screener.screening.medication_file",)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_CACHE_SIZE = 4_096
"""Distinct strings remembered: a cohort repeats a few thousand spellings over and over. (A
million people who all spell differently would fill a larger cache with about a kilobyte per
spelling, for nothing: memory must stay flat however long the cohort.)"""
_DOSE_WORDS = 4096  # dose words remembered (see Vocabulary._is_dose)

_LIST_SEPARATORS = frozenset({",", ";", "/", "+", "&", "and"})
"""What separates two medicines listed in one entry (besides a new line); see ``Vocabulary.items``."""
_NEW_LINE = re.compile(r"[\r\n]+")
_LIST_EDGE = re.compile(r"^(?:[\s,;/+&\u2044\u2215\uff0f\uff0b]|and\b)+|\s+$", re.IGNORECASE)
"""Separators and spaces at the edges of one item of an entry."""

_GLUED = re.compile(r"([^\W\d_]{2,})(\d.*)")
"""A word with a number glued after its letters ("lasix40mg"): maybe a name and its dose."""


@dataclass(frozen=True)
class MatchedDrug:
    """One drug recognised in a medication entry."""

    generic: str
    """Canonical generic name, e.g. "furosemide"; a combination product gives one per component."""
    matched_text: str
    """The words of the input that matched, as written, e.g. "Lasix"."""
    drug_class: str
    """The vocabulary class, e.g. "loop_diuretic"."""
    via_product: str | None = None
    """The combination product it was found through, e.g. "Dyazide"."""
    other_name: str | None = field(default=None, compare=False)
    """The other name it was written by, as the vocabulary spells it, e.g. "salbutamol" for albuterol
    (how to say it, not what was found: two matches of one drug are equal whichever name was used)."""

    @property
    def name(self) -> str:
        """The drug as the person will know it: "salbutamol (albuterol)" when written by another
        name (a UK list says salbutamol, not albuterol), else the generic ("furosemide" for Lasix)."""
        return drug_name({"generic": self.generic, "other_name": self.other_name})


@dataclass(frozen=True)
class MedicationMatch:
    """What one medication entry, as written, was recognised as."""

    text: str
    """The input string as given."""
    drugs: tuple[MatchedDrug, ...]
    """Everything recognised, in input order; a drug named twice ("Lasix (furosemide)") once, and
    a drug of several classes (pentamidine) once per class."""
    counted: bool
    """False for forms that act locally (cream, eye drops...): the drugs then count for nothing."""
    note: str | None
    """Why it is not counted, e.g. "eye drops: acts locally, not counted"."""
    unrecognised: tuple[str, ...]
    """Parts of the text that matched nothing (dose and form text aside); empty when all was read."""

    @property
    def classes(self) -> frozenset[str]:
        """The drug classes found, ``no_known_effect`` included; empty when not counted."""
        if not self.counted:
            return frozenset()
        return frozenset(drug.drug_class for drug in self.drugs)

    @property
    def recognised(self) -> bool:
        """At least one drug recognised and nothing left unread."""
        return bool(self.drugs) and not self.unrecognised


@dataclass
class _Piece:
    """A run of input matched as one name (entry set) or matching nothing (entry None)."""

    entry: NameEntry | None
    start: int
    end: int
    mineral: bool = False
    """Whether the name starts with a salt word ("calcium", "magnesium oxide"): a name of a mineral
    after it is another mineral ("calcium magnesium zinc"), not its salt, since a salt has no salt
    of its own."""


class Vocabulary:
    """A checked medication vocabulary, compiled for matching. Build it with ``from_file``."""

    def __init__(
        self,
        *,
        version: str,
        class_names: frozenset[str],
        names: WordNode,
        class_labels: Mapping[str, str] | None = None,
        salt_words: frozenset[str],
        dose: re.Pattern[str],
        dose_with_unit: re.Pattern[str],
        suggestions: NameSuggestions,
        label_checks: Mapping[str, tuple[str, ...]] | None = None,
        question_words: Sequence[tuple[str, str, str]] = (),
        local_forms: Mapping[str, frozenset[str]] | None = None,
        sold_as: Mapping[str, str] | None = None,
    ) -> None:
        self.version = version
        self.class_names = class_names
        self.class_labels: Mapping[str, str] = class_labels or {}
        """Each class in words ("an angiotensin receptor blocker (ARB)"), where the file gives one."""
        self._names = names
        self._salt_words = salt_words
        self._dose = dose
        self._dose_with_unit = dose_with_unit
        self._suggestions = suggestions
        self._label_checks: Mapping[str, tuple[str, ...]] = label_checks or {}
        self._local_forms: Mapping[str, frozenset[str]] = local_forms or {}
        self._sold_as: Mapping[str, str] = sold_as or {}
        """Per generic, form words that make it act locally (hydrocortisone "suppositories")."""
        """Plain names several products share ("gaviscon", as matching keys) and their varieties."""
        self._question_words = tuple(
            (re.compile(rf"(?<![\w-]){re.escape(words)}s?(?![\w-])", re.IGNORECASE), question, answer)
            for words, question, answer in question_words
        )
        """Words that name a kind of medicine, not one ("water tablet"), and the answer they give."""
        self._match_cached = functools.lru_cache(maxsize=_CACHE_SIZE)(self._match_uncached)
        # By the parts not recognised, not the entry: "Zoravex 20 mg" and "Zoravex 40mg daily"
        # are two entries, and one part to find the nearest names for.
        self._corrections_of = functools.lru_cache(maxsize=_CACHE_SIZE)(self._corrections_uncached)
        self._doses: dict[str, bool] = {}  # words known to be dose text or not (see _is_dose)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str] | Traversable) -> Vocabulary:
        """Read, validate and compile a vocabulary file; any fault is a ``RulesError`` naming it."""
        file = Path(path) if isinstance(path, (str, os.PathLike)) else path
        return cls.from_bytes(read_data_bytes(file, str(path)), str(path))

    @classmethod
    def from_bytes(cls, raw: bytes, source: str) -> Vocabulary:
        """Parse, validate and compile a vocabulary file's bytes; ``source`` names it in errors."""
        # The checks of the file's own content are skipped for bytes that passed them before
        # (``screener.contract.checked``); its entries are compiled, and checked as such, every time.
        checked = RememberedCheck(schema_bytes(VOCABULARY_SCHEMA), raw, _VOCABULARY_CHECKS)
        data = parse_vocabulary(raw, source, text_checked=checked.passed)
        if not checked.passed:
            check_vocabulary_shape(data, source)
            checked.remember()
        return cls._compiled(data, source)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], source: str = "<data>") -> Vocabulary:
        """Validate and compile vocabulary data already parsed; ``source`` names it in errors."""
        check_vocabulary_shape(data, source)
        return cls._compiled(data, source)

    @classmethod
    def _compiled(cls, data: Mapping[str, Any], source: str) -> Vocabulary:
        """Compile vocabulary data that passed the schema check."""
        compiler = VocabularyCompiler(data)
        raise_problems(compiler.problems, source)
        units = "|".join(
            sorted((re.escape(word_key(unit)) for unit in data["ignored_text"]["dose_units"]), key=len, reverse=True)
        )
        return cls(
            version=data["version"],
            class_names=frozenset(entry["name"] for entry in data["classes"]),
            class_labels={entry["name"]: entry["label"] for entry in data["classes"] if "label" in entry},
            names=compiler.root,
            salt_words=frozenset(word_key(word) for word in data["salt_words"]),
            # A number with an optional unit glued on (40mg, 12.5, 5%, q8h, x2), or a unit alone.
            dose=re.compile(rf"[qx]?\d+(?:[.,]\d+)*(?:{units})?|{units}"),
            dose_with_unit=re.compile(rf"\d+(?:[.,]\d+)*(?:{units})"),
            suggestions=NameSuggestions.from_names(compiler.suggestable),
            label_checks=compiler.label_checks,
            local_forms=compiler.local_forms,
            sold_as=compiler.sold_as,
            question_words=[
                (words, question, entry["answer"])
                for question, entry in data.get("question_words", {}).items()
                for words in entry["words"]
            ],
        )

    def sold_as(self, drug: MatchedDrug) -> str | None:
        """What a matched product is to the person taking it ("an antacid"), where the file says it
        is no supplement though its class counts as one: by the combination product read (Rennie),
        else by the generic (Milk of Magnesia is magnesium hydroxide); None for a supplement."""
        if drug.via_product is not None:
            return self._sold_as.get(drug.via_product)
        return self._sold_as.get(drug.generic)

    def question_answered(self, match: MedicationMatch) -> tuple[str, str] | None:
        """The question (and answer) an entry names instead of a medicine: "water tablet" is no
        medicine's name, but says yes to "do you take a water pill?". Only when nothing else of
        the entry was left unread: "water tablet (furosemide)" is furosemide."""
        for pattern, question, answer in self._question_words:
            rest = pattern.sub(" ", match.text)
            if rest != match.text and all(part.casefold() not in rest.casefold() for part in match.unrecognised):
                return question, answer
        return None

    def match(self, text: str) -> MedicationMatch:
        """Recognise the drugs in one medication entry as written ("Lasix 40 mg tablets")."""
        return self._match_cached(text)

    def items(self, text: str) -> tuple[str, ...]:
        """One entry cut into the medicines it lists ("Water Tablet, ramipril" is "Water Tablet"
        and "ramipril"), as a form's free-text answer or a pasted list writes several: cut at a
        comma, semicolon, new line, "and", "+", "&" or "/", but never inside a name the vocabulary
        knows ("co-amilofruse", "losartan/HCTZ") nor inside brackets ("water tablet (furosemide)"
        is one medicine). A part with no word of its own but dose or form text ("5/40", "twice a
        day") stays with the part before it: it says how that one is taken. The whole entry, alone,
        when nothing cuts it."""
        tokens = self._unglued(tokenise(text))
        cuts: list[int] = []  # text offsets where an item ends and the next may start
        depth = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind == HARD and token.key in "([{":
                depth += 1
            elif token.kind == HARD and token.key in ")]}":
                depth = max(0, depth - 1)
            elif depth == 0 and token.kind != WORD and token.key in _LIST_SEPARATORS:
                cuts.append(token.start)
            elif token.kind == WORD:
                found = self._longest_name(tokens, i)
                if found is not None:
                    i = found[1]  # joiners inside a name ("losartan/HCTZ") cut nothing
            i += 1
        cuts += [found.start() for found in _NEW_LINE.finditer(text)]
        if not cuts:
            return (text,)
        items: list[str] = []
        start = 0
        for cut in sorted(set(cuts)):
            items.append(text[start:cut])
            start = cut
        items.append(text[start:])
        kept: list[str] = []
        for item in items:
            if kept and (not self._names_something(item) or not self._names_something(kept[-1])):
                kept[-1] += item
            else:
                kept.append(item)
        parts = tuple(_LIST_EDGE.sub("", item) for item in kept)
        return parts if len(parts) > 1 else (text,)

    def _names_something(self, text: str) -> bool:
        """Whether a part of an entry has a word other than dose or form text: a name read, or a
        word that may be one ("Zoravex"), not "40mg", "twice a day" or "tablets"."""
        read = self._read(text)
        return bool(read.drugs or read.unrecognised)

    def match_all(self, texts: Iterable[str]) -> tuple[MedicationMatch, ...]:
        """``match`` for each entry of a medication list, in order."""
        return tuple(map(self._match_cached, texts))

    def suggest(self, text: str) -> tuple[str, ...]:
        """The vocabulary names nearest to a name that matched nothing ("furosimide" →
        furosemide), best first; empty when none is close. Only ever shown, never counted. For a
        plain name several products share ("Gaviscon"), the named varieties."""
        key = " ".join(name_key(text))
        return self._label_checks.get(key) or self._one_name_a_drug(self._suggestions.suggest(key))

    def _one_name_a_drug(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Suggested names, one for each drug: a typo close to two spellings of one drug
        ("furosimide": furosemide and the French furosémide) is offered the generic name, or the
        best of its names when the generic is not among them, never both."""
        if len(names) < 2:
            return names
        chosen: dict[tuple[str, ...], str] = {}
        for name in names:
            drugs = tuple(drug.generic for drug in self.match(name).drugs)
            if drugs not in chosen or (len(drugs) == 1 and name_key(name) == name_key(drugs[0])):
                chosen[drugs] = name  # a later generic takes the place of the first name offered
        return tuple(chosen.values())

    def corrections(self, text: str) -> tuple[Correction, ...]:
        """For each part of a medication entry that matched nothing, the nearest names, when any
        is close: the whole part, or else each word of it ("omeprazle magnesium")."""
        return self._corrections_of(self.match(text).unrecognised)

    def _corrections_uncached(self, parts: tuple[str, ...]) -> tuple[Correction, ...]:
        corrections = []
        for correction in corrections_for(parts, self.suggest):
            if " ".join(name_key(correction.written)) not in self._label_checks:
                corrections.append(correction)
            elif correction.written in parts:  # the plain name alone: "Gaviscon Double Action" names its variety
                corrections.append(replace(correction, check_label=True))
        return tuple(corrections)

    def _unglued(self, tokens: list[Token]) -> list[Token]:
        """Tokens with a dose glued to a name split off ("Lasix40mg" is "Lasix" and "40mg"). A
        word that starts no name keeps a glued number unless it has a unit ("vitamin B12",
        "Omega3" stay whole; "furosimide40mg" is "furosimide" and a dose)."""
        if all(token.kind != WORD or token.key.isalpha() or token.key[:1].isdecimal() for token in tokens):
            return tokens  # no word of letters then a digit (_GLUED): nothing glued (most entries)
        return self._split_glued(tokens)

    def _split_glued(self, tokens: list[Token]) -> list[Token]:
        out = []
        for token in tokens:
            glued = _GLUED.fullmatch(token.key) if token.kind == WORD else None
            if (
                glued is not None
                and token.end - token.start == len(token.key)  # as written (ASCII): the offsets hold
                and token.key not in self._names.children
                and self._dose.fullmatch(glued.group(2))
                and (glued.group(1) in self._names.children or self._dose_with_unit.fullmatch(glued.group(2)))
            ):
                cut = token.start + len(glued.group(1))
                out += [Token(WORD, glued.group(1), token.start, cut), Token(WORD, glued.group(2), cut, token.end)]
            else:
                out.append(token)
        return out

    def _match_uncached(self, text: str) -> MedicationMatch:
        read = self._read(text)
        if not read.drugs and not read.unrecognised and text.strip():
            # Only form or dose words ("eye drops", "1 tab"): no drug to go on, so say so.
            return replace(read, unrecognised=(text.strip(),))
        return read

    def _read(self, text: str) -> MedicationMatch:
        """What an entry was recognised as, before an entry of only dose or form words is reported."""
        tokens = self._unglued(tokenise(text))
        pieces: list[_Piece] = []
        last = -2  # index of the last token of pieces[-1]: a word right after it belongs with it
        note: str | None = None
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind != WORD:
                i += 1
                continue
            found = self._longest_name(tokens, i)
            follows_piece = last == i - 1
            if (
                follows_piece
                and token.key in self._salt_words
                and (found is None or found[1] == i)
                and not (found is not None and pieces[-1].mineral)
            ):
                # "losartan potassium", "esomeprazole magnesium": the salt is part of the drug's
                # name, not a supplement. A longer name starting here ("losartan potassium
                # chloride") still wins. Also after an unrecognised word: "diclofenac potassium"
                # is one unknown drug, not potassium. After a mineral ("calcium magnesium zinc",
                # "potassium magnesium aspartate") a mineral's name is another mineral.
                pieces[-1].end = token.end
                last = i
            elif found is not None:
                entry, end = found
                if entry.drugs:
                    # a name that starts with a salt word: "magnesium", "calcium", "potassium chloride"
                    mineral = token.key in self._salt_words
                    pieces.append(_Piece(entry, token.start, tokens[end].end, mineral))
                    last = end
                note = note or entry.form_note
                i = end
            elif self._is_dose(token.key) and not (
                follows_piece and pieces[-1].entry is None and numbers_a_letter(tokens[i - 1].key, token.key)
            ):
                pass
            elif follows_piece and pieces[-1].entry is None:
                # "vitamin D": one unrecognised name, not two; "Vitamin B 12" with its number
                pieces[-1].end = token.end
                last = i
            else:
                pieces.append(_Piece(None, token.start, token.end))
                last = i
            i += 1

        drugs: dict[tuple[str, str], MatchedDrug] = {}
        unrecognised: list[str] = []
        for piece in _without_bracketed_brands(tokens, pieces) if "[" in text else pieces:
            words = text[piece.start : piece.end]
            if piece.entry is None:
                unrecognised.append(words)
                continue
            for generic, drug_class in piece.entry.drugs:
                matched = MatchedDrug(generic, words, drug_class, piece.entry.via_product, piece.entry.other_name)
                drugs.setdefault((generic, drug_class), matched)
        if len(drugs) > 1:
            drugs = _without_parts_of_a_product(drugs)
        if note is None and self._local_forms:
            note = self._local_form_note(tokens, drugs.values())
        return MedicationMatch(text, tuple(drugs.values()), note is None, note, tuple(unrecognised))

    def _local_form_note(self, tokens: Sequence[Token], drugs: Iterable[MatchedDrug]) -> str | None:
        """The note for a drug written with a form word that makes it act locally
        ("hydrocortisone suppositories", "prednisolone enema"), else None."""
        words = {token.key for token in tokens if token.kind == WORD}
        for drug in drugs:
            if words & self._local_forms.get(drug.generic, frozenset()):
                return f"{drug.generic} as a suppository, rectal foam or enema: acts locally, not counted"
        return None

    def _is_dose(self, word: str) -> bool:
        """Whether a word is dose text (40mg, 12.5, q8h), remembered for the words seen lately."""
        known = self._doses.get(word)
        if known is None:
            if len(self._doses) >= _DOSE_WORDS:
                self._doses.clear()
            known = self._doses[word] = self._dose.fullmatch(word) is not None
        return known

    def _longest_name(self, tokens: Sequence[Token], start: int) -> tuple[NameEntry, int] | None:
        """The longest vocabulary name starting at word ``start``, and the index of its last word.

        Soft joiners may sit inside a name ("Senokot-S"); a hard separator ends it.
        """
        node = self._names.children.get(tokens[start].key)
        best = None
        k = start
        while node is not None:
            if node.entry is not None:
                best = (node.entry, k)
            k += 1
            while k < len(tokens) and tokens[k].kind == SOFT:
                k += 1
            if k == len(tokens) or tokens[k].kind == HARD:
                break
            key = tokens[k].key
            following = node.children.get(key)
            if following is None and ANY_NUMBER in node.children and is_number(key):
                following = node.children[ANY_NUMBER]  # "for 5 days", "since 2019"
            node = following
        return best


def _without_parts_of_a_product(drugs: dict[tuple[str, str], MatchedDrug]) -> dict[tuple[str, str], MatchedDrug]:
    """A drug named again as part of a product already read is that product, not a second drug:
    RxNorm writes Entresto as "sacubitril 49 MG / valsartan 51 MG Oral Tablet", where "sacubitril"
    reads as sacubitril/valsartan, so its valsartan is not listed again as an ARB of its own."""
    parts = {part for generic, _ in drugs if "/" in generic for part in generic.split("/")}
    if not parts:
        return drugs
    return {key: drug for key, drug in drugs.items() if key[0] not in parts}


def _without_bracketed_brands(tokens: Sequence[Token], pieces: list[_Piece]) -> list[_Piece]:
    """RxNorm writes a branded product as its generic description with the brand in square
    brackets ("Ibuprofen 400 MG Oral Tablet [Ibu]"): the brand names the same product. When a drug
    was recognised outside the brackets, an unrecognised part inside them is not reported; a known
    brand inside ("[Lasix]") still counts. Round brackets are left alone: what a person writes in
    them may be another medicine."""
    spans = square_bracket_spans(tokens)

    def bracketed(piece: _Piece) -> bool:
        return any(start <= piece.start and piece.end <= end for start, end in spans)

    if not any(piece.entry is not None and not bracketed(piece) for piece in pieces):
        return pieces
    return [piece for piece in pieces if piece.entry is not None or not bracketed(piece)]
