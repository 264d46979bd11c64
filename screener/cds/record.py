"""The patient's record for one hook call (``Record``): the resources read, the orders being
placed, and what could not be read, in words for the card. Gathered by ``screener.cds.gather``
(the draft orders by ``screener.cds.orders``); screened by ``screener.cds.screening``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.fhir.ehr import Located


@dataclass
class Record:
    """The patient's resources for one hook call, and what could not be read."""

    patient_id: str
    resources: list[Located] = field(default_factory=list)
    """Resources from the record (Patient, medicines, results, conditions, Medications)."""
    orders: list[Located] = field(default_factory=list)
    """order-select: the medicines being ordered, read as medicines the person is about to take."""
    selected: list[Located] = field(default_factory=list)
    """Of ``orders``, those just selected (all of them when the call names none)."""
    test_ordered: bool = False
    """A test the cards would suggest is already among the orders being placed."""
    read: list[str] = field(default_factory=list)
    """The prefetch keys read (from the prefetch or the FHIR server)."""
    notes: list[str] = field(default_factory=list)
    """What could not be read, or was left out, in words for the card."""
    no_data: list[str] = field(default_factory=list)
    """Prefetch keys the EHR sent as null: CDS Hooks' "no data to populate" that template."""
    cut_short: list[str] = field(default_factory=list)
    """Searches read only in part (their later pages could not be read), in words for the card and
    the result's warnings."""
    cut_short_keys: list[str] = field(default_factory=list)
    """The prefetch keys of those searches (``cut_short``)."""
    failed: dict[str, str] = field(default_factory=dict)
    """The searches that could not be read at all, by prefetch key (or ``Medication/<id>``), with
    why (the FHIR server could not be reached, answered 401 or 403, took too long, or gave no FHIR
    JSON): the card says so first, as a warning, and never as if the record were silent."""

    def medications(self) -> list[Located]:
        """The Medication resources read (a draft order's, or the record's), which medicines name."""
        return [located for located in self.resources if located.resource.get("resourceType") == "Medication"]

    def unread_sections(self) -> set[str]:
        """The answers' sections the failed searches would have filled (``SECTIONS_OF_KEY``)."""
        return {section for key in self.failed for section in SECTIONS_OF_KEY.get(key, ())}

    def cut_short_sections(self) -> set[str]:
        """The answers' sections a search read only in part would have filled (``SECTIONS_OF_KEY``):
        what was read of them may be only part of what the record holds."""
        return {section for key in self.cut_short_keys for section in SECTIONS_OF_KEY.get(key, ())}

    def partly_read_sections(self) -> set[str]:
        """The sections a failed search or one cut short would have filled: an empty list there
        ("none of these", no medicine) says only that nothing was found in what was read."""
        return self.unread_sections() | self.cut_short_sections()

    def failed_that_matter(self, answers: Mapping[str, Any], unanswered: Iterable[str]) -> dict[str, str]:
        """The failed searches that matter to this person's screen: all but those every section of
        which does not apply to them (neither answered nor left unanswered: the pregnancy status
        of a man, or of a woman over 55)."""
        applying = set(answers) | set(unanswered)
        return {
            key: why
            for key, why in self.failed.items()
            if key not in SECTIONS_OF_KEY or any(section in applying for section in SECTIONS_OF_KEY[key])
        }


def unread_words(keys: Iterable[str], short: bool = False) -> list[str]:
    """What the searches ``keys`` would have read, in words (each once, in the order given)."""
    words = _SHORT_WORDS if short else _WORDS
    said = [words.get(key, words["Medication"] if key.startswith("Medication/") else key) for key in keys]
    return list(dict.fromkeys(said))


#: The answers' sections each search of the record fills (the EHR conversion): a search that could
#: not be read leaves them unknown, which the card says as "could not be read", not "says nothing".
SECTIONS_OF_KEY: Mapping[str, tuple[str, ...]] = {
    "patient": ("age", "sex"),
    "medicationRequests": ("medications", "diuretic_use"),
    "medicationStatements": ("medications", "diuretic_use"),
    "labResults": ("labs",),
    "conditions": ("conditions",),
    "pregnancyStatus": ("pregnant",),
}
_WORDS = {
    "patient": "the patient's age and sex",
    "medicationRequests": "medicines prescribed",
    "medicationStatements": "medicines recorded as taken",
    "labResults": "potassium and magnesium results",
    "conditions": "conditions",
    "pregnancyStatus": "pregnancy status",
    "Medication": "the name of a medicine",
}
#: The same, short enough for a card's summary.
_SHORT_WORDS = {
    **_WORDS,
    "patient": "age/sex",
    "medicationRequests": "medicines",
    "medicationStatements": "medicines",
    "labResults": "Mg/K results",
    "pregnancyStatus": "pregnancy",
    "Medication": "medicine names",
}



def resources_of(value: Mapping[str, Any], where: str) -> Iterable[tuple[Mapping[str, Any], str]]:
    """The resources a prefetch value or the draft orders give, with where each is: the resource
    itself, or a Bundle's entries."""
    for resource, at, _ in located_in(value, where):
        yield resource, at


def located_in(value: Mapping[str, Any], where: str) -> Iterable[tuple[Mapping[str, Any], str, str | None]]:
    """``resources_of``, with each Bundle entry's ``fullUrl`` (None when it has none), by which
    the other entries may name it (a draft order's ``urn:uuid:`` Medication)."""
    if value.get("resourceType") != "Bundle":
        yield value, where, None
        return
    entries = value.get("entry")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            full_url = entry.get("fullUrl")
            yield entry["resource"], f"{where}.entry[{index}].resource", full_url.strip() if isinstance(full_url, str) else None

