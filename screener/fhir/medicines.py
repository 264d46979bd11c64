"""A medicine's name in a MedicationStatement or MedicationRequest, as real records give it.

EHRs name a medicine in several places at once, and not the same way: a coded concept
(``medicationCodeableConcept``: RxNorm, SNOMED CT, NDC or a local code, each coding with or
without a display, and a ``text``), or a reference (``medicationReference``) to a Medication that
is in the Bundle or the export, ``contained`` in the resource itself (``#med1``), or nowhere we
can see, with or without a ``display`` (Epic sends the name there). R5 puts either in
``medication`` (a CodeableReference).

Every name the record gives for the medicine is a candidate, in this order: the displays of the
name systems of ``rules/fhir.json`` (RxNorm first), the text, any other coding's display, the
referenced Medication's own names (in the same order), the reference's display. The medication
vocabulary then reads them as it reads a typed name, and the first it recognises is kept (else
the first of all): they all name the same medicine, and the one the vocabulary can read is the
one that lets the screen count it. A SNOMED CT display loses its semantic tag ("(product)") and
the drug model's phrases (``rules/fhir.json``: "Product containing only furosemide" is read as
"furosemide"). A Medication with no name of its own (no code display, no text) is named by its
ingredients, joined ("hydrochlorothiazide and losartan"), as some pharmacy systems send a
compounded or combination product.

A medicine the record gives only as a code (no display, no text anywhere) is kept as its code
("RxNorm 197361"), and one known only by a reference to a Medication we do not have as
"unnamed medicine (Medication/abc)": the vocabulary recognises neither, so the result warns that
a medicine was not recognised and asks for a pharmacist's review. mgk-screen has no table from
codes to medicines and never guesses one. ``named_medicine`` says which medicines are given
that way, and why, so that a warning can say it in words ("given only as a code, with no name")
rather than as the vocabulary reads the made-up text (which takes the code for a dose).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from screener.fhir.conversion import child
from screener.fhir.elements import codings, is_reference_to, reference_of, text_of
from screener.fhir.mapping import SNOMED, FhirContext
from screener.screening.normalise import ASK_A_PHARMACIST, is_warning_about

Named = tuple[str, str]
"""A candidate name and the JSON path of the element that gives it."""


CODE_ONLY = "given only as a code, with no name"
REFERENCE_ONLY = "given only as a reference to a Medication resource that is not in the record, with no name"
UNNAMED_MEDICATION = "given as a Medication resource with no name (no display, text or ingredient)"


def said_of_nameless(warnings: list[str], nameless: Mapping[str, str]) -> list[str]:
    """The warnings, with the one about each medicine the record gives no name for said in words
    (``nameless``: the text read for it -> why it has no name). The vocabulary reads the text
    made for such a medicine ("RxNorm 313988") as a name and a dose, and would name the wrong
    word ("'RxNorm' not recognised")."""
    if not nameless:
        return warnings
    said = []
    for warning in warnings:
        text = next((text for text in nameless if is_warning_about(warning, text)), None)
        if text is None:
            said.append(warning)
            continue
        reading = " (medicines are read by name: there is no table from codes to medicines)" if nameless[text] == CODE_ONLY else ""
        said.append(
            f"a medicine {nameless[text]} ({text}): not recognised, so not counted{reading}; {ASK_A_PHARMACIST}"
        )
    return said


def named_medicine(resource: Mapping[str, Any], where: str, known: Sequence[Any], context: FhirContext) -> tuple[Named, str | None] | None:
    """The name to read and where it is, and, when the record gives no name, why
    (``CODE_ONLY`` or ``REFERENCE_ONLY``; else None). None when the resource names no medicine."""
    return _named(resource, where, known, context)


def _named(resource: Mapping[str, Any], where: str, known: Sequence[Any], context: FhirContext) -> tuple[Named, str | None] | None:
    """The name and, when the record gives no name, why (else None)."""
    concept, concept_path, reference = _medication_elements(resource, where)
    target = reference_of(reference)
    medication = _referenced_medication(target, resource, where, known) if target is not None else None
    concepts = [(concept, concept_path)] if isinstance(concept, dict) else []
    if medication is not None and isinstance(medication[0].get("code"), dict):
        concepts.append((medication[0]["code"], child(medication[1], "code")))
    candidates = [named for found, path in concepts for named in _concept_names(found, path, context)]
    if medication is not None and not candidates:
        candidates += _ingredient_names(medication[0], medication[1], context)
    display = text_of(reference.get("display")) if isinstance(reference, dict) else None
    if display is not None:
        candidates.append((display, child(_reference_path(resource, where), "display")))
    if candidates:
        return _best(candidates, context), None
    for found, path in concepts:
        code_only = _code_only(found, path, context)
        if code_only is not None:
            return code_only, CODE_ONLY
    if target is not None:
        why = REFERENCE_ONLY if medication is None else UNNAMED_MEDICATION
        return (f"unnamed medicine ({target})", child(_reference_path(resource, where), "reference")), why
    return None


def _ingredient_names(medication: Mapping[str, Any], where: str, context: FhirContext) -> list[Named]:
    """A Medication's ingredients as one name ("hydrochlorothiazide and losartan"): each
    ingredient's best name (R4 ``itemCodeableConcept``, R5 ``item.concept``), joined."""
    ingredients = medication.get("ingredient")
    names: list[Named] = []
    for index, ingredient in enumerate(ingredients if isinstance(ingredients, list) else []):
        if not isinstance(ingredient, dict):
            continue
        path = child(child(where, "ingredient"), index)
        concept, concept_path = ingredient.get("itemCodeableConcept"), child(path, "itemCodeableConcept")
        item = ingredient.get("item")
        if concept is None and isinstance(item, dict):  # R5: a CodeableReference
            concept, concept_path = item.get("concept"), child(child(path, "item"), "concept")
        found = _concept_names(concept, concept_path, context) if isinstance(concept, dict) else []
        if found:
            names.append(_best(found, context))
    if not names:
        return []
    return [(" and ".join(dict.fromkeys(name for name, _ in names)), names[0][1])]


def _medication_elements(resource: Mapping[str, Any], where: str) -> tuple[Any, str, Any]:
    """(the coded concept, its path, the reference) of R4's ``medication[x]`` or R5's ``medication``."""
    concept = resource.get("medicationCodeableConcept")
    medication = resource.get("medication")
    if concept is None and isinstance(medication, dict):  # R5: a CodeableReference
        return medication.get("concept"), child(child(where, "medication"), "concept"), medication.get("reference")
    return concept, child(where, "medicationCodeableConcept"), resource.get("medicationReference")


def _reference_path(resource: Mapping[str, Any], where: str) -> str:
    if "medicationReference" in resource:
        return child(where, "medicationReference")
    return child(child(where, "medication"), "reference")


def _concept_names(concept: Mapping[str, Any], path: str, context: FhirContext) -> list[Named]:
    """The names a CodeableConcept gives, most trusted first."""
    mapping = context.mapping
    preferred: list[tuple[int, int, Named]] = []
    others: list[Named] = []
    listed = concept.get("coding")
    for index, coding in enumerate(listed if isinstance(listed, list) else []):
        display = text_of(coding.get("display")) if isinstance(coding, dict) else None
        if display is None:
            continue
        system = mapping.system(coding.get("system"))
        if system == SNOMED:
            display = _snomed_name(display, mapping.snomed_semantic_tags, mapping.snomed_name_phrases)
        named = (display, child(child(child(path, "coding"), index), "display"))
        if system in mapping.medication_name_systems:
            preferred.append((mapping.medication_name_systems.index(system), index, named))
        else:
            others.append(named)
    names = [named for _, _, named in sorted(preferred)]
    text = text_of(concept.get("text"))
    if text is not None:
        names.insert(1 if names else 0, (text, child(path, "text")))
    return names + others


def _snomed_name(display: str, tags: Sequence[str], phrases: Sequence[re.Pattern[str]]) -> str:
    """A SNOMED CT display as a name: without its semantic tag ("(product)") and the drug model's
    phrases ("Product containing precisely furosemide 40 milligram/1 each conventional release
    oral tablet" is "furosemide 40 milligram/1 each oral tablet")."""
    for tag in tags:
        suffix = f"({tag})"
        if display.lower().endswith(suffix):
            display = display[: -len(suffix)].rstrip() or display
            break
    named = display
    for phrase in phrases:
        named = phrase.sub("", named)
    return named.strip() or display


def _best(candidates: list[Named], context: FhirContext) -> Named:
    """The first candidate the medication vocabulary recognises whole, else the first that it
    recognises a medicine in, else the first."""
    seen: set[str] = set()
    unique = []
    for name, path in candidates:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append((name, path))
    matches = context.vocabulary.match_all([name for name, _ in unique])
    for match, named in zip(matches, unique, strict=True):
        if match.recognised:
            return named
    for match, named in zip(matches, unique, strict=True):
        if match.drugs:
            return named
    return unique[0]


def _code_only(concept: Any, path: str, context: FhirContext) -> Named | None:
    """A medicine given only as a code: 'RxNorm 197361', the code system's short name and the code."""
    mapping = context.mapping
    found = sorted(
        codings(concept),
        key=lambda coding: mapping.medication_name_systems.index(s)
        if (s := mapping.system(coding.get("system"))) in mapping.medication_name_systems
        else len(mapping.medication_name_systems),
    )
    if not found:
        return None
    coding = found[0]
    system = mapping.system(coding.get("system"))
    label = mapping.medication_code_labels.get(system or "", system or "code")
    index = concept["coding"].index(coding)
    return f"{label} {str(coding['code']).strip()}", child(child(child(path, "coding"), index), "code")


def _referenced_medication(target: str, resource: Mapping[str, Any], where: str, known: Sequence[Any]) -> tuple[Mapping[str, Any], str] | None:
    """The Medication a reference names: ``#id`` among the resource's ``contained``, else one of
    the record's Medication resources (by id, or by its Bundle entry's ``fullUrl``)."""
    if target.startswith("#"):
        contained = resource.get("contained")
        for index, inner in enumerate(contained if isinstance(contained, list) else []):
            if isinstance(inner, dict) and inner.get("resourceType") == "Medication" and inner.get("id") == target[1:]:
                return inner, child(child(where, "contained"), index)
        return None
    for located in known:
        if is_reference_to(target, located.resource, getattr(located, "full_url", None)):
            return located.resource, located.where
    return None
