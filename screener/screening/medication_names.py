"""The medication vocabulary's names compiled into a word trie, and its cross-references checked.

Each name (a generic, a brand, another name, a combination product, a form that acts locally, dose
text to skip) is cut into matching keys by ``medication_words`` and put in the trie under the
drugs it stands for; ``medications.Vocabulary`` walks the trie to match an entry as written. A
name listed twice, a class, generic or form that does not exist: every problem is collected, so
that one run lists all there is to fix in the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screener.errors import did_you_mean
from screener.screening.medication_file import entry_label
from screener.screening.medication_words import ANY_NUMBER, name_key


@dataclass(frozen=True)
class NameEntry:
    """What one vocabulary name stands for. Dose and form words to skip have no drugs and no note."""

    drugs: tuple[tuple[str, str], ...] = ()
    """(generic, class) of every drug the name stands for, one pair per class of each drug."""
    via_product: str | None = None
    other_name: str | None = None
    """Set when the name is another name of one drug ("salbutamol"), to report it as written."""
    form_note: str | None = None
    """Set for a form that acts locally, or a brand sold only in one ("Restasis")."""


class WordNode:
    """One step of the word trie: the words that may follow, and the name ending here."""

    __slots__ = ("children", "entry")

    def __init__(self) -> None:
        self.children: dict[str, WordNode] = {}
        self.entry: NameEntry | None = None



class VocabularyCompiler:
    """Builds the word trie from data of the right shape, and checks its cross-references.

    Every problem (unknown class, generic or form; a name listed under two entries) is collected
    rather than only the first, so that one run lists all there is to fix.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.problems: list[str] = []
        self.root = WordNode()
        self.suggestable: list[tuple[str, str]] = []
        """(matching key, name as written) of every drug, brand and product name: what a
        misspelt name may be offered."""
        self._owners: dict[tuple[str, ...], str] = {}
        self.sold_as: dict[str, str] = _sold_as(data)
        """What a product is ("an antacid"), by generic or by combination name as the file writes it,
        where a class of it counts as a supplement but the product is none."""
        self._every_class: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        self.local_forms: dict[str, frozenset[str]] = {}
        """Per generic, the form words (matching keys) that make it act locally ("suppositories")."""

        class_names = [entry["name"] for entry in data["classes"]]
        for index, name in enumerate(class_names):
            if name in class_names[:index]:
                self.problems.append(f"classes[{index}] (entry '{name}'): class already listed")

        forms: dict[tuple[str, ...], str] = {}
        for index, group in enumerate(data["non_systemic_forms"]):
            entry = NameEntry(form_note=group["note"])
            for name in group["names"]:
                forms.setdefault(name_key(name), group["note"])
                self._add(name, entry, f"non_systemic_forms[{index}]", "names", group)
        for index, group in enumerate(data["ignored_text"]["groups"]):
            for name in group["names"]:
                self._add(name, NameEntry(), f"ignored_text.groups[{index}]", "names", group)
        self._add_phrases("purposes", data["ignored_text"].get("purposes"), "purposes")
        self._add_phrases("sources", data["ignored_text"].get("sources"), "sources")
        self._add_durations(data["ignored_text"].get("durations"))

        form_names = [name for group in data["non_systemic_forms"] for name in group["names"]]
        generics: dict[tuple[str, ...], tuple[str, str]] = {}
        for index, drug in enumerate(data["drugs"]):
            where = f"drugs[{index}]"
            drug_classes = self._classes_of(drug, where, class_names)
            generic = (drug["generic"], drug_classes[0])
            generics.setdefault(name_key(drug["generic"]), generic)
            every_class = tuple((drug["generic"], drug_class) for drug_class in drug_classes)
            self._every_class.setdefault(name_key(drug["generic"]), every_class)
            entry = NameEntry(drugs=every_class)
            self._add(drug["generic"], entry, where, "generic", drug)
            for name in drug.get("brands", ()):
                self._add(name, entry, where, "brands", drug)
            for name in drug.get("other_names", ()):
                self._add(name, NameEntry(drugs=every_class, other_name=name), where, "other_names", drug)
            named = [drug["generic"], *drug.get("brands", ()), *drug.get("other_names", ())]
            named += [local["name"] for local in drug.get("local_brands", ())]
            self.suggestable += [(" ".join(name_key(name)), name) for name in named]
            self._add_local_brands(drug, where, generic, forms, form_names)
            if "local_forms" in drug:
                self.local_forms[drug["generic"]] = frozenset(
                    " ".join(name_key(word)) for word in drug["local_forms"]
                )

        generic_names = [drug["generic"] for drug in data["drugs"]]
        for index, product in enumerate(data["combinations"]):
            where = f"combinations[{index}]"
            parts: list[tuple[str, str]] = []
            for part in product["contains"]:
                if name_key(part) in generics:
                    parts.extend(self._every_class[name_key(part)])
                else:
                    suggestion = did_you_mean(part, generic_names)
                    self.problems.append(f"{where}.contains{entry_label(product)}: unknown generic '{part}'{suggestion}")
            for name in product["names"]:
                self._add(name, NameEntry(drugs=tuple(parts), via_product=name), where, "names", product)
                self.suggestable.append((" ".join(name_key(name)), name))
        self.label_checks = self._label_checks(data.get("check_the_label", ()))

    def _add_phrases(self, group: str, phrases: Mapping[str, Any] | None, ends: str) -> None:
        """Text to skip made of every opening with every ending: what a medicine is taken for ("for
        BP", "for my blood pressure") and where it came from ("from my sister", "prescribed by my
        GP"). Closed lists, so a word after "for" or "from" that ends no phrase here is still read,
        or reported."""
        if phrases is None:
            return
        for before in phrases["before"]:
            for end in phrases[ends]:
                self._add(f"{before} {end}", NameEntry(), f"ignored_text.{group}", group, phrases)

    def _add_durations(self, durations: Mapping[str, Any] | None) -> None:
        """How long a medicine is taken, as text to skip: every opening with an amount and a unit
        ("for 5 days", "for a few weeks"), and every "since" with a time ("since 2019", "since
        last year"). A number in digits is any number: the trie's ``ANY_NUMBER`` word."""
        if durations is None:
            return
        where = "ignored_text.durations"
        for before in durations["before"]:
            for unit in durations["units"]:
                self._add_number_phrase((*name_key(before), ANY_NUMBER, *name_key(unit)))
                for amount in durations["amounts"]:
                    self._add(f"{before} {amount} {unit}", NameEntry(), where, "amounts", durations)
        for since in durations["since"]:
            self._add_number_phrase((*name_key(since), ANY_NUMBER))
            for when in durations["since_when"]:
                self._add(f"{since} {when}", NameEntry(), where, "since_when", durations)

    def _add_number_phrase(self, key: tuple[str, ...]) -> None:
        """Put one phrase with any number in it in the trie, as text to skip ("for # days"). No
        other name can hold ``ANY_NUMBER``, so no other entry can list the same phrase."""
        node = self.root
        for word in key:
            node = node.children.setdefault(word, WordNode())
        if node.entry is None:
            node.entry = NameEntry()

    def _label_checks(self, groups: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
        """Plain names shared by products that differ ("Gaviscon"), by matching key, with the named
        varieties to offer. The plain name must not itself be a name (it would be counted), and
        each variety must be one (it is offered as a name the screen reads)."""
        checks: dict[str, tuple[str, ...]] = {}
        for index, group in enumerate(groups):
            where = f"check_the_label[{index}]{entry_label(group)}"
            if name_key(group["name"]) in self._owners:
                self.problems.append(f"{where}: '{group['name']}' is already a name in the vocabulary: it would be counted, not checked")
            unknown = [name for name in group["varieties"] if name_key(name) not in self._owners]
            if unknown:
                self.problems.append(f"{where}.varieties: not names in the vocabulary: {', '.join(unknown)}")
            checks[" ".join(name_key(group["name"]))] = tuple(group["varieties"])
        return checks

    def _add_local_brands(
        self,
        drug: Mapping[str, Any],
        where: str,
        generic: tuple[str, str],
        forms: Mapping[tuple[str, ...], str],
        form_names: list[str],
    ) -> None:
        """Brands of a non-systemic form ("Restasis" eye drops): recognised, with the form's note."""
        for number, local in enumerate(drug.get("local_brands", ())):
            note = forms.get(name_key(local["form"]))
            if note is None:
                self.problems.append(
                    f"{where}.local_brands[{number}].form{entry_label(drug)}: unknown form "
                    f"'{local['form']}'{did_you_mean(local['form'], form_names)}"
                )
                continue
            self._add(local["name"], NameEntry(drugs=(generic,), form_note=note), where, "local_brands", drug)

    def _add(self, name: str, entry: NameEntry, where: str, field: str, owner: Mapping[str, Any]) -> None:
        """Put one name in the trie; a name already owned by another entry is a problem."""
        key = name_key(name)
        label = f"{where}{entry_label(owner)}"
        if not key:
            self.problems.append(f"{where}.{field}{entry_label(owner)}: name '{name}' has no word to match")
            return
        first = self._owners.setdefault(key, label)
        if first != label:
            self.problems.append(f"{where}.{field}{entry_label(owner)}: name '{name}' is already listed under {first}")
            return
        node = self.root
        for word in key:
            node = node.children.setdefault(word, WordNode())
        if node.entry is None:  # the same entry spelled twice ("Nu-Salt", "Nu Salt") keeps the first
            node.entry = entry

    def _classes_of(self, drug: Mapping[str, Any], where: str, class_names: list[str]) -> list[str]:
        """A drug's classes: one, or a list for a drug with several effects (every one counts)."""
        drug_classes: list[str] = drug["class"] if isinstance(drug["class"], list) else [drug["class"]]
        for drug_class in drug_classes:
            if drug_class not in class_names:
                suggestion = did_you_mean(drug_class, class_names)
                self.problems.append(f"{where}.class{entry_label(drug)}: unknown class '{drug_class}'{suggestion}")
        return drug_classes


def _sold_as(data: Mapping[str, Any]) -> dict[str, str]:
    """``sold_as`` of the drugs, by generic, and of the combinations, by each product name."""
    by_generic = {drug["generic"]: drug["sold_as"] for drug in data["drugs"] if "sold_as" in drug}
    by_product = {name: product["sold_as"] for product in data["combinations"] if "sold_as" in product for name in product["names"]}
    return by_generic | by_product
