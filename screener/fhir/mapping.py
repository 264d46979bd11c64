"""The FHIR mapping as data: ``rules/fhir.json``, checked against its schema and the questionnaire.

Which LOINC code a question carries, which UCUM unit is which of ours, which ICD-10 or SNOMED CT
code means which condition of the answers contract: all of it is in the data file, so that a
reviewer changes a mapping without touching code. This module reads it, checks every
cross-reference (an item, a choice value, a unit, a condition code that does not exist is an
error naming the file and the entry, with "did you mean"), and gathers what the rest of
``screener.fhir`` needs from a rule folder into one ``FhirContext``, built once per folder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from screener.contract.answers import CONDITION_CODES, LabTaken
from screener.contract.data_files import parse_data, read_data_bytes
from screener.contract.validation import check_data_file
from screener.errors import RulesError, did_you_mean
from screener.fhir.elements import code_of, concept_codes, json_type, status
from screener.interview.answer_paths import same_value
from screener.interview.questionnaire import Questionnaire
from screener.interview.questionnaire_items import Item
from screener.screening.medications import Vocabulary
from screener.screening.ruleset import Ruleset

FILE_NAME = "fhir.json"
_SCHEMA = "fhir.schema.json"

# Canonical URLs defined by HL7 (not ours), named once.
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
EXT = "http://hl7.org/fhir/StructureDefinition/"
SDC_EXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
ITEM_CONTROL = EXT + "questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = EXT + "questionnaire-optionExclusive"
UNIT_OPTION = EXT + "questionnaire-unitOption"
MIN_VALUE = EXT + "minValue"
MAX_VALUE = EXT + "maxValue"
ENTRY_FORMAT = EXT + "entryFormat"
ORDINAL_VALUE = EXT + "ordinalValue"  # R4; R5 names it itemWeight
ITEM_WEIGHT = EXT + "itemWeight"
MIN_QUANTITY = SDC_EXT + "sdc-questionnaire-minQuantity"
MAX_QUANTITY = SDC_EXT + "sdc-questionnaire-maxQuantity"
ENABLE_WHEN_EXPRESSION = SDC_EXT + "sdc-questionnaire-enableWhenExpression"
SDC_QUESTIONNAIRE = SDC_EXT + "sdc-questionnaire"

#: A SNOMED CT edition, or an edition's version, as its URI (http://snomed.info/sct/900000000000207008
#: or .../version/20240101): the Coding.version of a SNOMED CT code, which some systems send as its system.
_SNOMED_EDITION = re.compile(r"https?://snomed\.info/sct/[0-9]+(/version/[0-9]{8})?/?")

LEVEL_FIELDS = ("combined_depletion", "magnesium_depletion", "potassium_depletion")


@dataclass(frozen=True)
class UnitCode:
    """One unit of ours with its coded form (UCUM)."""

    value: str
    system: str
    code: str
    display: str
    spellings: frozenset[str]
    """Every spelling read for it in a valueQuantity, lower case: code, display and the others."""

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


@dataclass(frozen=True)
class FhirMapping:
    """``rules/fhir.json``, checked."""

    version: str
    canonical_base: str
    copyright: str
    item_codes: Mapping[str, Mapping[str, Any]]
    labs: Mapping[str, Mapping[str, Any]]
    units: Mapping[str, UnitCode]
    gender: Mapping[str, str]
    sex_extensions: tuple[Mapping[str, Any], ...]
    """Patient extensions read for sex, in order, when ``gender`` is absent or unknown (US Core's)."""
    condition_systems: Mapping[str, tuple[str, ...]]
    conditions: Mapping[str, Mapping[str, Any]]
    pregnancy: Mapping[str, Any]
    """Which Observations and Conditions say whether the person is pregnant, and for how long."""
    current_statuses: Mapping[str, frozenset[str]]
    not_current_statuses: Mapping[str, frozenset[str]]
    """Statuses that say plainly a medicine is not taken or a result is void: passed over silently."""
    preliminary_result_statuses: frozenset[str]
    result_flags: Mapping[str, Any]
    """A result's interpretation codes (the lab's flag) -> words, and their code system."""
    """Observation statuses of a result read with a warning although not final (preliminary)."""
    recorded_statuses: Mapping[str, frozenset[str]]
    """R5 statuses that record a medicine without saying it stopped: it counts unless its adherence says not taking."""
    not_taking_adherence: frozenset[str]
    condition_verification_excluded: frozenset[str]
    condition_verification_named: frozenset[str]
    """Verification statuses of a diagnosis not yet confirmed: it counts, and the warnings name it."""
    counted_intents: frozenset[str]
    """MedicationRequest intents that are an order: the medicine counts as taken."""
    counted_when_reported: frozenset[str]
    """MedicationRequest intents that count only when the record marks the request as reported."""
    medication_name_systems: tuple[str, ...]
    medication_code_labels: Mapping[str, str]
    snomed_semantic_tags: tuple[str, ...]
    snomed_name_phrases: tuple[re.Pattern[str], ...]
    """Drug-model phrases dropped from a SNOMED CT display ("Product containing only ")."""
    code_system_aliases: Mapping[str, str]
    lab_taken: Mapping[str, Any]
    risk_assessment: Mapping[str, Any]
    cds_hooks: Mapping[str, Any]
    """CDS Hooks cards: indicator by urgency, topic, the lab test suggested and when, draft statuses."""
    source: str = "<data>"

    @property
    def answer_system(self) -> str:
        """Our code system for the answers contract's own codes (choice values, ``none``)."""
        return f"{self.canonical_base}/CodeSystem/answers"

    @property
    def record_id_system(self) -> str:
        """The identifier system under which a QuestionnaireResponse carries a record's ``id``."""
        return f"{self.canonical_base}/NamingSystem/record-id"

    @property
    def ruleset_system(self) -> str:
        return f"{self.canonical_base}/CodeSystem/ruleset"

    @property
    def questionnaire_url(self) -> str:
        return f"{self.canonical_base}/Questionnaire/mgk-screen"

    def answer_code(self, item_id: str, value: Any) -> Mapping[str, Any] | None:
        """The coding of one answer value of an item, when the mapping gives one (LOINC answers)."""
        for answer in self.item_codes.get(item_id, {}).get("answers", ()):
            if same_value(answer["value"], value):
                found: Mapping[str, Any] = answer
                return found
        return None

    def is_current(self, resource: Mapping[str, Any]) -> bool | None:
        """Whether a medicine or result counts by its status: True (active, final...), False when
        the status says plainly it does not (stopped, cancelled...), None when it says neither
        (unknown, preliminary, a misspelling): the caller names it in the warnings."""
        kind = str(resource.get("resourceType"))
        code = status(resource)
        if code in self.current_statuses.get(kind, ()):
            return True
        if code in self.recorded_statuses.get(kind, ()):
            adherence = resource.get("adherence")
            return not concept_codes(adherence.get("code") if isinstance(adherence, dict) else None) & self.not_taking_adherence
        return False if code in self.not_current_statuses.get(kind, ()) else None

    def uncounted_intent(self, resource: Mapping[str, Any]) -> str | None:
        """What keeps a MedicationRequest's medicine from counting as taken, as the warnings say
        it: an intent that is no order (a proposal, a plan: "intent 'proposal', which is not an
        order"), or one that is no code at all (a list); None when it counts (an order, a
        reported plan, no intent at all, or another kind of resource)."""
        if resource.get("resourceType") != "MedicationRequest" or "intent" not in resource:
            return None  # no intent, though FHIR requires one
        code = code_of(resource, "intent")
        if code is None:
            return f"an intent that is {json_type(resource['intent'])}, not a code, so whether it is an order cannot be told"
        if code in self.counted_intents:
            return None
        reported = resource.get("reportedBoolean") is True or isinstance(resource.get("reportedReference"), dict)
        if code in self.counted_when_reported and reported:
            return None
        return f"intent {code!r}, which is not an order"

    def unit_for_text(self, text: str) -> UnitCode | None:
        key = text.strip().lower()
        return next((unit for unit in self.units.values() if key in unit.spellings), None)

    def system(self, system: Any) -> str | None:
        """A coding's system under the name this file uses (an HL7 OID read as its canonical URL)."""
        if not isinstance(system, str):
            return None
        system = system.strip()
        if _SNOMED_EDITION.fullmatch(system):
            return SNOMED  # an edition's version URI sent as the system: FHIR puts it in Coding.version
        return str(self.code_system_aliases.get(system, system))

    def is_condition_system(self, system: Any) -> bool:
        """Whether codes of this system are read as conditions (ICD-10, SNOMED CT or ICD-9-CM)."""
        canonical = self.system(system)
        return any(canonical in systems for systems in self.condition_systems.values())

    def conditions_for(self, system: str, code: str) -> list[str]:
        """The contract's condition codes a coded condition means (ICD-10 by prefix, SNOMED exactly)."""
        found = []
        system = self.system(system) or ""
        if system in self.condition_systems["icd10"]:
            normalised = code.replace(".", "").strip().upper()
            for name, spec in self.conditions.items():
                if any(normalised.startswith(entry["prefix"].replace(".", "")) for entry in spec["icd10"]):
                    found.append(name)
        elif system in self.condition_systems["snomed"]:
            for name, spec in self.conditions.items():
                if any(entry["code"] == code.strip() for entry in spec["snomed"]):
                    found.append(name)
        elif system in self.condition_systems.get("icd9", ()):
            normalised = code.replace(".", "").strip().upper()
            for name, spec in self.conditions.items():
                if any(normalised.startswith(entry["prefix"].replace(".", "")) for entry in spec.get("icd9", ())):
                    found.append(name)
        return found

    def is_pregnancy_status(self, system: Any, code: Any) -> bool:
        """Whether an Observation code is one of a pregnancy status (LOINC 82810-3, 11449-6)."""
        system, code = self.system(system), code.strip() if isinstance(code, str) else code
        return any(coding["system"] == system and coding["code"] == code for coding in self.pregnancy["codes"])

    def pregnancy_value(self, system: Any, code: Any) -> str | None:
        """The pregnancy answer (yes, no, unsure) a pregnancy status value code means, if any."""
        system, code = self.system(system), code.strip() if isinstance(code, str) else code
        found = next((entry for entry in self.pregnancy["values"] if entry["system"] == system and entry["code"] == code), None)
        return str(found["value"]) if found is not None else None

    def means_pregnancy(self, system: Any, code: Any) -> bool:
        """Whether a Condition code means a current pregnancy (ICD-10 by prefix, SNOMED CT exactly)."""
        return self.pregnancy_condition(system, code) is not None

    def pregnancy_condition(self, system: Any, code: Any) -> Mapping[str, Any] | None:
        """The mapping's entry a Condition code of a current pregnancy matches, if any: ICD-10 by
        prefix (an entry with ``systems`` only in those code systems: ICD-10-CM's O09 is WHO
        ICD-10's 'duration of pregnancy'), SNOMED CT exactly."""
        system = self.system(system) or ""
        if not isinstance(code, str):
            return None
        spec = self.pregnancy["conditions"]
        if system in self.condition_systems["icd10"]:
            normalised = code.replace(".", "").strip().upper()
            return next(
                (
                    entry
                    for entry in spec["icd10"]
                    if normalised.startswith(entry["prefix"].replace(".", "")) and system in entry.get("systems", (system,))
                ),
                None,
            )
        if system in self.condition_systems["snomed"]:
            return next((entry for entry in spec["snomed"] if entry["code"] == code.strip()), None)
        return None

    def lab_for_code(self, system: str | None, code: str | None) -> str | None:
        system = self.system(system)
        code = code.strip() if isinstance(code, str) else code
        for lab in self.labs:
            if any(coding["system"] == system and coding["code"] == code for coding in self.lab_codes_read(lab)):
                return lab
        return None

    def lab_codes_read(self, lab: str) -> list[Mapping[str, str]]:
        """Every code a lab's result is read under in EHR data: its ``codes``, then ``also_read``
        (the same measurement on another sample, such as a blood-gas analyser's venous potassium)."""
        spec = self.labs[lab]
        return [*spec["codes"], *spec.get("also_read", ())]


def load_mapping(folder: str | Path | None, questionnaire: Questionnaire) -> FhirMapping:
    """The FHIR mapping of a rule folder (the shipped one when ``folder`` is None), checked."""
    if folder is None:
        entry: Any = resources.files("screener.rules").joinpath(FILE_NAME)
        source = f"rules/{FILE_NAME}"
    else:
        entry = Path(folder).joinpath(FILE_NAME)
        source = f"{folder}/{FILE_NAME}"
    raw = read_data_bytes(entry, source, hint=f"a rule folder used with FHIR needs a {FILE_NAME} (copy the shipped one)")
    return mapping_from_data(parse_data(raw, source), questionnaire, source)


def mapping_from_data(data: Mapping[str, Any], questionnaire: Questionnaire, source: str = "<data>") -> FhirMapping:
    check_data_file(data, _SCHEMA, source)
    problems = _cross_check(data, questionnaire)
    if problems:
        raise RulesError(
            "\n".join(f"{source}: {problem}" for problem in problems),
            hint="item ids and values are those of the questionnaire; conditions those of the answers contract",
        )
    units = {
        spec["value"]: UnitCode(
            spec["value"],
            spec["system"],
            spec["code"],
            spec["display"],
            frozenset(text.lower() for text in (spec["code"], spec["display"], *spec.get("also", ()))),
        )
        for spec in data["units"]
    }
    return FhirMapping(
        version=data["version"],
        canonical_base=data["canonical_base"],
        copyright=data["copyright"],
        item_codes=data["item_codes"],
        labs=data["labs"],
        units=units,
        gender=data["gender"],
        sex_extensions=tuple(data.get("sex_extensions", {}).get("order", ())),
        condition_systems={name: tuple(systems) for name, systems in data["condition_systems"].items()},
        conditions=data["conditions"],
        pregnancy=data["pregnancy"],
        current_statuses={name: frozenset(codes) for name, codes in data["current_statuses"].items()},
        not_current_statuses={name: frozenset(codes) for name, codes in data["not_current_statuses"].items()},
        preliminary_result_statuses=frozenset(data["preliminary_result_statuses"]["codes"]),
        result_flags=data.get("result_flags", {"system": "", "words": {}}),
        recorded_statuses={name: frozenset(codes) for name, codes in data["recorded_statuses"].items()},
        not_taking_adherence=frozenset(data["not_taking_adherence"]),
        condition_verification_excluded=frozenset(data["condition_verification_excluded"]),
        condition_verification_named=frozenset(data["condition_verification_named"]["codes"]),
        counted_intents=frozenset(data["medication_request_intents"]["counted"]),
        counted_when_reported=frozenset(data["medication_request_intents"]["counted_when_reported"]),
        medication_name_systems=tuple(data["medication_name_systems"]),
        medication_code_labels=data["medication_code_labels"],
        snomed_semantic_tags=tuple(data["snomed_semantic_tags"]),
        snomed_name_phrases=tuple(re.compile(phrase["pattern"], re.IGNORECASE) for phrase in data["snomed_name_phrases"]),
        code_system_aliases=data["code_system_aliases"],
        lab_taken=data["lab_taken"],
        risk_assessment=data["risk_assessment"],
        cds_hooks=data["cds_hooks"],
        source=source,
    )


def _lab_code_problems(labs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A code may name one lab only, once: a result must never be read as two labs, or by chance as one."""
    problems: list[str] = []
    named: dict[tuple[str, str], str] = {}
    for lab, spec in labs.items():
        for listing in ("codes", "also_read"):
            for index, coding in enumerate(spec.get(listing, ())):
                key = (coding["system"], coding["code"])
                if key in named:
                    problems.append(f"labs.{lab}.{listing}[{index}]: {coding['system']}|{coding['code']} is listed already, under {named[key]}")
                else:
                    named[key] = f"labs.{lab}"
    return problems


def _cross_check(data: Mapping[str, Any], questionnaire: Questionnaire) -> list[str]:
    items = {item.id: item for item in questionnaire.items}
    problems: list[str] = []
    for item_id, spec in data["item_codes"].items():
        problems += _item_code_problems(item_id, spec, items)
    for lab, spec in data["labs"].items():
        item = items.get(spec["item"])
        if item is None:
            problems.append(f"labs.{lab}.item: unknown item '{spec['item']}'{did_you_mean(spec['item'], items)}")
        elif item.plausible_lab != lab:
            problems.append(f"labs.{lab}.item: item '{item.id}' does not ask for the {lab} result")
    problems += _lab_code_problems(data["labs"])
    problems += _unit_problems(data["units"], questionnaire)
    for name in data["conditions"]:
        if name not in CONDITION_CODES:
            problems.append(f"conditions: '{name}' is not a condition of the answers contract{did_you_mean(name, CONDITION_CODES)}")
    taken = get_args(LabTaken)
    windows = data["lab_taken"]["windows"]
    for index, window in enumerate(windows):
        if window["value"] not in taken:
            problems.append(f"lab_taken.windows[{index}].value: unknown '{window['value']}'{did_you_mean(window['value'], taken)}")
        if index and window["within_days"] <= windows[index - 1]["within_days"]:
            problems.append(f"lab_taken.windows[{index}]: windows must grow (within_days after {windows[index - 1]['within_days']})")
    if data["lab_taken"]["otherwise"] not in taken:
        problems.append(f"lab_taken.otherwise: unknown '{data['lab_taken']['otherwise']}'")
    problems += _snomed_phrase_problems(data["snomed_name_phrases"])
    problems += _pregnancy_problems(data, items)
    aliases = data["code_system_aliases"]
    for alias in aliases:
        if alias in aliases.values():
            problems.append(f"code_system_aliases: '{alias}' is both an alias and the system an alias stands for")
    outcomes = data["risk_assessment"]["outcomes"]
    for name in LEVEL_FIELDS:
        if name not in outcomes:
            problems.append(f"risk_assessment.outcomes: '{name}' is missing")
    return problems + _cds_hooks_problems(data)


def _pregnancy_problems(data: Mapping[str, Any], items: Mapping[str, Item]) -> list[str]:
    """The pregnancy reading answers a choice item of the questionnaire: every value it reads is
    a choice of it, every choice has a time it counts for, and no code is listed twice (or is a
    lab's: a result must never be read as a pregnancy status)."""
    spec = data["pregnancy"]
    item = items.get(spec["item"])
    if item is None or not item.choices:
        return [f"pregnancy.item: unknown choice item '{spec['item']}'{did_you_mean(spec['item'], items)}"]
    choices = [choice.value for choice in item.choices]
    problems = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(spec["values"]):
        if entry["value"] not in choices:
            problems.append(f"pregnancy.values[{index}].value: item '{item.id}' has no choice {entry['value']!r}{did_you_mean(str(entry['value']), choices)}")
        key = (entry["system"], entry["code"])
        if key in seen:
            problems.append(f"pregnancy.values[{index}]: {entry['system']}|{entry['code']} is listed twice")
        seen.add(key)
    for name in spec["counts_for_days"]:
        if name not in choices:
            problems.append(f"pregnancy.counts_for_days: item '{item.id}' has no choice {name!r}{did_you_mean(name, choices)}")
    for choice in choices:
        if choice not in spec["counts_for_days"]:
            problems.append(f"pregnancy.counts_for_days: no time for choice {choice!r}: how long a statement of it counts")
    icd10_systems = data["condition_systems"]["icd10"]
    for index, entry in enumerate(spec["conditions"]["icd10"]):
        for system in entry.get("systems", ()):
            if system not in icd10_systems:
                problems.append(
                    f"pregnancy.conditions.icd10[{index}].systems: {system!r} is not one of condition_systems.icd10"
                    f"{did_you_mean(system, icd10_systems)}"
                )
    lab_codes = {(coding["system"], coding["code"]) for lab in data["labs"].values() for coding in [*lab["codes"], *lab.get("also_read", ())]}
    for index, coding in enumerate(spec["codes"]):
        if (coding["system"], coding["code"]) in lab_codes:
            problems.append(f"pregnancy.codes[{index}]: {coding['system']}|{coding['code']} is a lab's code")
    return problems


def _snomed_phrase_problems(phrases: list[Mapping[str, str]]) -> list[str]:
    """Each phrase is a regular expression that finds something in its example."""
    problems = []
    for index, phrase in enumerate(phrases):
        try:
            found = re.search(phrase["pattern"], phrase["example"], re.IGNORECASE)
        except re.error as error:
            problems.append(f"snomed_name_phrases[{index}].pattern: not a regular expression ({error})")
            continue
        if found is None or not found.group():
            problems.append(f"snomed_name_phrases[{index}]: the pattern drops nothing from its example")
    return problems


def _cds_hooks_problems(data: Mapping[str, Any]) -> list[str]:
    """The CDS Hooks test suggestion names a lab of the mapping and levels of a result (the
    urgencies and level values are checked against the ruleset where the cards are made)."""
    problems = []
    suggest = data["cds_hooks"]["suggest_test"]
    if suggest["lab"] not in data["labs"]:
        problems.append(f"cds_hooks.suggest_test.lab: unknown lab '{suggest['lab']}'{did_you_mean(suggest['lab'], data['labs'])}")
    for name in suggest["when"]:
        if name not in LEVEL_FIELDS:
            problems.append(f"cds_hooks.suggest_test.when: '{name}' is not a level of a result{did_you_mean(name, LEVEL_FIELDS)}")
    return problems


def _unit_problems(units: list[Mapping[str, Any]], questionnaire: Questionnaire) -> list[str]:
    """Every unit a question offers has one coded form."""
    problems = []
    values = [spec["value"] for spec in units]
    for index, value in enumerate(values):
        if value in values[:index]:
            problems.append(f"units[{index}]: unit '{value}' is listed twice")
    for item in questionnaire.items:
        for unit in item.units:
            if unit.value not in values:
                problems.append(f"units: no coded form for unit '{unit.value}' of item '{item.id}'")
    return problems


def _item_code_problems(item_id: str, spec: Mapping[str, Any], items: Mapping[str, Item]) -> list[str]:
    item = items.get(item_id)
    if item is None:
        return [f"item_codes: unknown item '{item_id}'{did_you_mean(item_id, items)}"]
    answers = spec.get("answers")
    if answers is None:
        return []
    problems = []
    for answer in answers:
        if not any(same_value(answer["value"], choice.value) for choice in item.choices):
            problems.append(f"item_codes.{item_id}: item '{item_id}' has no choice {answer['value']!r}")
    for choice in item.choices:
        if not any(same_value(answer["value"], choice.value) for answer in answers):
            problems.append(f"item_codes.{item_id}: no answer code for choice {choice.value!r} ({choice.label!r})")
    return problems


# -- everything FHIR needs from a rule folder --------------------------------------------------


@dataclass(frozen=True)
class FhirContext:
    """What reading and writing FHIR needs from one rule folder, loaded and checked once."""

    questionnaire: Questionnaire
    mapping: FhirMapping
    vocabulary: Vocabulary
    vocabulary_data: Mapping[str, Any]
    lab_units: Mapping[str, Any]


_contexts: dict[str, FhirContext] = {}


def fhir_context(ruleset: Ruleset) -> FhirContext:
    """The FHIR context of a ruleset's folder, loaded once per folder (records are converted one
    by one, and must not read files each time)."""
    known = _contexts.get(ruleset.folder)
    if known is None or known.vocabulary is not ruleset.vocabulary:
        known = _contexts[ruleset.folder] = _load_context(ruleset)
    return known


def _load_context(ruleset: Ruleset) -> FhirContext:
    folder = None if ruleset.folder == "rules" else ruleset.folder
    questionnaire = Questionnaire.load(folder)
    mapping = load_mapping(folder, questionnaire)
    root: Any = resources.files("screener.rules") if folder is None else Path(folder)
    manifest = parse_data(read_data_bytes(root.joinpath("ruleset.json"), f"{ruleset.folder}/ruleset.json"), "ruleset.json")
    name = f"{ruleset.folder}/{manifest['medications']}"
    vocabulary_data = parse_data(read_data_bytes(root.joinpath(manifest["medications"]), name), name)
    return FhirContext(questionnaire, mapping, ruleset.vocabulary, vocabulary_data, ruleset.lab_units)
