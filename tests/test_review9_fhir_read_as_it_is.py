"""Interop review 9 (notes/tasks9/fhir9): FHIR data read as it is.

1. A most recent potassium or magnesium with no number, which the lab flags (interpretation LL),
   gives as a coded value ("Low"), marks as not measured with a flag, or gives with no value at all
   (only a reference range), stops an older normal result from standing in: the lab is left
   unanswered, and the warning names the result, its date and the lab's flag, on every FHIR way in
   (screen, batch, validate's answers, CDS Hooks prefetch and FHIR-server reads); the CDS card leads
   with it and is never the quietest indicator.
2. US Core's Patient with no gender gives sex in its extensions: read, so a recorded pregnancy is.
3. A Medication named by a version-specific reference (Medication/m9/_history/1) is found.
4. A panel's member missing from the Bundle is named.

The resources are shaped as the reviewer's (notes/interop-review-9/inputs/make_fhir.py), US Core-like."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cds_support import FakeFhirServer, cds_client, hook_request, running_fhir_server, searchset
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir.records import fhir_answers
from screener.screening.pipeline import Screener

AS_OF = "2025-06-30"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
AUTH = {"access_token": "ehr-access-token", "token_type": "Bearer", "expires_in": 300, "scope": "user/*.read", "subject": "mgk-screen"}
LL = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "LL", "display": "Critical low"}]}
H = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "H", "display": "High"}]}
LAB = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}]
RANGE = [{"low": {"value": 3.5, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}, "high": {"value": 5.1, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}}]
POTASSIUM = {"coding": [{"system": LOINC, "code": "2823-3", "display": "Potassium [Moles/volume] in Serum or Plasma"}]}
MAGNESIUM = {"coding": [{"system": LOINC, "code": "19123-9", "display": "Magnesium [Mass/volume] in Serum or Plasma"}]}


def patient(**more: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1950-03-01", **more}


def furosemide() -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2025-05-01",
        "medicationCodeableConcept": {"text": "furosemide 40 mg tablet"},
    }


def result(identity: str, when: str, value: float | None = None, code: dict[str, Any] = POTASSIUM, unit: str = "mmol/L", **more: Any) -> dict[str, Any]:
    found = {"resourceType": "Observation", "id": identity, "status": "final", "category": LAB, "code": code, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": when}
    if value is not None:
        found["valueQuantity"] = {"value": value, "unit": unit, "system": UCUM, "code": unit}
    return {**found, **more}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [{"fullUrl": f"http://ehr.example/fhir/{r['resourceType']}/{r['id']}", "resource": r} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


OLDER_NORMAL = result("k-old", "2025-06-20T08:00:00Z", 4.4)
NEWEST = "2025-06-29T08:00:00Z"

#: The newest potassium as labs send one with no number: shape -> (its elements, what the warning says of it)
NO_NUMBER = {
    "flag only": ({"interpretation": [LL]}, "is flagged critical low (LL) by the lab, with no number (no value given)"),
    "coded value": (
        {"valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "62482003", "display": "Low"}], "text": "Low"}, "interpretation": [LL]},
        "is flagged critical low (LL) by the lab, with no number (given as valueCodeableConcept)",
    ),
    "not measured, flagged": (
        {"dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "error"}]}, "interpretation": [LL]},
        "is flagged critical low (LL) by the lab, with no number (marked as not measured: dataAbsentReason 'error')",
    ),
    "reference range only": ({"referenceRange": RANGE}, "has no number (only a reference range given)"),
}


def answers_of(value: dict[str, Any]) -> dict[str, Any]:
    """The answers a FHIR record gives, as validate and explain read them."""
    return fhir_answers(Screener(as_of=date.fromisoformat(AS_OF)), value)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def write(tmp_path: Path, value: dict[str, Any], name: str = "record.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value), "utf-8")
    return path


def screened(path: Path) -> dict[str, Any]:
    done = run("screen", str(path), "--as-of", AS_OF, "--json")
    assert done.exit_code == 0, done.output
    entry: dict[str, Any] = json.loads(done.output)
    return entry


# -- 1. a newest result with no number stops the older one standing in -----------------------------


@pytest.mark.parametrize("shape", list(NO_NUMBER))
def test_ruths_newest_potassium_with_no_number_is_not_passed_over_for_last_weeks_normal_one(tmp_path: Path, shape: str) -> None:
    # Ruth, 75, on furosemide: potassium 4.4 on 2025-06-20; on 2025-06-29 the lab sends one with no number.
    elements, said = NO_NUMBER[shape]
    path = write(tmp_path, bundle(patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, **elements)))
    entry = screened(path)
    assert entry["potassium_depletion"] != "unlikely"  # never "your potassium was normal" from the older result
    assert not entry.get("labs_used")
    warning = next(text for text in entry["warnings"] if "k-new" in text)
    assert warning.startswith(f"Observation/k-new: the most recent potassium result {'' if shape != 'coded value' else repr('Low') + ' '}(2025-06-29T08:00:00Z, Observation/k-new) {said}")
    assert warning.endswith("no older potassium result was used in its place (it could say the opposite): the potassium result is left unanswered; ask the lab for it")
    # batch says the same, and the answers validate gives (the same reading) hold no potassium
    done = run("batch", str(path), "--as-of", AS_OF, "-o", str(tmp_path / "out.jsonl"))
    assert done.exit_code == 0, done.output
    (line,) = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["warnings"] == entry["warnings"]
    assert run("validate", str(path), "--as-of", AS_OF).exit_code == 0
    assert "labs" not in answers_of(json.loads(path.read_text("utf-8")))


def test_with_her_newest_potassium_of_2_4_ruth_is_still_read_as_before(tmp_path: Path) -> None:
    entry = screened(write(tmp_path, bundle(patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, 2.4, interpretation=[LL]))))
    assert (entry["potassium_depletion"], entry["urgency"]) == ("likely", "emergency")


def test_a_newest_potassium_not_measured_and_not_flagged_lets_the_older_result_stand_as_before(tmp_path: Path) -> None:
    absent = {"dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "not-performed"}]}}
    path = write(tmp_path, bundle(patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, **absent)))
    assert answers_of(json.loads(path.read_text("utf-8")))["labs"]["potassium"]["value"] == 4.4
    assert not any("k-new" in w for w in screened(path)["warnings"])


def test_a_newest_potassium_given_as_the_word_low_is_not_passed_over(tmp_path: Path) -> None:
    entry = screened(write(tmp_path, bundle(patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, valueString="LOW"))))
    assert entry["potassium_depletion"] != "unlikely"
    assert any("the most recent potassium result 'LOW' (2025-06-29T08:00:00Z, Observation/k-new) has no number (given as valueString)" in w for w in entry["warnings"])


def test_a_newest_magnesium_flagged_high_with_no_number_leaves_magnesium_unanswered(tmp_path: Path) -> None:
    older = result("mg-old", "2025-06-20T08:00:00Z", 2.0, code=MAGNESIUM, unit="mg/dL")
    path = write(tmp_path, bundle(patient(), furosemide(), older, result("mg-new", NEWEST, code=MAGNESIUM, interpretation=[H])))
    entry = screened(path)
    assert "labs" not in answers_of(json.loads(path.read_text("utf-8")))
    assert any("the most recent magnesium result (2025-06-29T08:00:00Z, Observation/mg-new) is flagged high (H) by the lab, with no number" in w for w in entry["warnings"])


def prefetch(*resources: dict[str, Any]) -> dict[str, Any]:
    """A prefetch as an EHR sends it: the Patient, the requests, and the potassium results."""
    requests = [r for r in resources if r["resourceType"] == "MedicationRequest"]
    results = [r for r in resources if r["resourceType"] == "Observation"]
    return {
        "patient": next(r for r in resources if r["resourceType"] == "Patient"),
        "medicationRequests": searchset(requests) if requests else None,
        "medicationStatements": None,
        "labResults": searchset(results) if results else None,
        "conditions": None,
        "pregnancyStatus": None,
    }


def assert_card_leads_with_the_flag(card: dict[str, Any]) -> None:
    assert card["indicator"] != "info"
    assert card["summary"].startswith("Mg/K depletion screen (EHR data only): newest potassium flagged critical low (LL), with no number: ask the lab")
    assert len(card["summary"]) < 140
    assert card["detail"].startswith("**The most recent potassium result was not used:** Observation/k-new: the most recent potassium result")
    assert "flagged critical low (LL) by the lab, with no number" in card["detail"].split("\n\n")[0]
    assert "Most recent potassium blood result: 4.4" not in card["detail"]
    assert "potassium depletion unlikely" not in card["detail"]


def test_the_cds_card_for_ruth_leads_with_her_potassium_flagged_critical_low_from_the_prefetch() -> None:
    data = prefetch(patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, interpretation=[LL]))
    answer = cds_client().post("/cds-services/patient-view", json=hook_request("patient-view", "p1", data))
    assert answer.status_code == 200
    assert_card_leads_with_the_flag(answer.json()["cards"][0])


def test_the_cds_card_for_ruth_read_from_her_fhir_server_leads_with_the_flag() -> None:
    resources = [patient(), furosemide(), OLDER_NORMAL, result("k-new", NEWEST, interpretation=[LL])]
    with running_fhir_server(FakeFhirServer(resources)) as fake:
        request = hook_request("patient-view", "p1", fhirServer=fake.base_url, fhirAuthorization=AUTH)
        card = cds_client().post("/cds-services/patient-view", json=request).json()["cards"][0]
    assert_card_leads_with_the_flag(card)


# -- 2. sex from US Core's extensions ------------------------------------------------------------

INDIVIDUAL_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-individual-sex"
BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
FEMALE = {"system": "http://snomed.info/sct", "version": "http://snomed.info/sct/731000124108", "code": "248152002", "display": "Female (finding)"}
PREGNANT = {
    "resourceType": "Observation",
    "id": "pregnancy-status",
    "status": "final",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "social-history"}]}],
    "code": {"coding": [{"system": LOINC, "code": "82810-3", "display": "Pregnancy status"}]},
    "subject": {"reference": "Patient/p1"},
    "effectiveDateTime": "2025-06-01",
    "valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA15173-0", "display": "Pregnant"}]},
}


def amy(**more: Any) -> dict[str, Any]:
    """US Core 9's example Patient as it is: no gender, her sex in an extension."""
    found = {"resourceType": "Patient", "id": "p1", "birthDate": "1987-02-20", **more}
    return found


@pytest.mark.parametrize(
    "extension",
    [{"url": INDIVIDUAL_SEX, "valueCoding": FEMALE}, {"url": BIRTH_SEX, "valueCode": "F"}],
    ids=["individual sex", "birth sex"],
)
def test_amy_with_no_gender_but_her_sex_in_a_us_core_extension_has_her_pregnancy_read(tmp_path: Path, extension: dict[str, Any]) -> None:
    entry = screened(write(tmp_path, bundle(amy(extension=[extension]), furosemide(), PREGNANT)))
    assert not any("records a pregnancy, but the question is asked only of" in w for w in entry["warnings"])
    assert any(r["text"].startswith("As you are or may be pregnant:") for r in entry["recommendations"])
    assert answers_of(json.loads((tmp_path / "record.json").read_text("utf-8")))["sex"] == "female"


def test_gender_wins_over_the_extension_and_a_difference_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, bundle(amy(gender="male", extension=[{"url": INDIVIDUAL_SEX, "valueCoding": FEMALE}])))
    assert answers_of(json.loads(path.read_text("utf-8")))["sex"] == "male"
    assert "Patient/p1: gender 'male' and the US Core individual sex extension (female) differ: sex was read from gender; check the record" in screened(path)["warnings"]


def test_an_extension_with_an_unknown_code_leaves_sex_unanswered(tmp_path: Path) -> None:
    path = write(tmp_path, bundle(amy(extension=[{"url": BIRTH_SEX, "valueCode": "UNK"}])))
    assert "sex" not in answers_of(json.loads(path.read_text("utf-8")))


# -- 3. a version-specific reference to a Medication --------------------------------------------


def bumetanide_by_versioned_reference() -> tuple[dict[str, Any], dict[str, Any]]:
    request = {**furosemide(), "id": "mr9"}
    del request["medicationCodeableConcept"]
    request["medicationReference"] = {"reference": "Medication/m9/_history/1"}
    medication = {"resourceType": "Medication", "id": "m9", "meta": {"versionId": "1"}, "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1719286", "display": "bumetanide 1 MG Oral Tablet"}]}}
    return request, medication


def test_a_hapi_searchset_naming_bumetanide_by_a_versioned_reference_counts_it_in_screen_and_batch(tmp_path: Path) -> None:
    request, medication = bumetanide_by_versioned_reference()
    searched = searchset([patient(), request])
    searched["entry"].append({"fullUrl": "http://hapi.example/fhir/Medication/m9", "resource": medication, "search": {"mode": "include"}})
    path = write(tmp_path, searched)
    entry = screened(path)
    assert entry["combined_depletion"] == "possible"
    assert not any("unnamed medicine" in w for w in entry["warnings"])
    done = run("batch", str(path), "--as-of", AS_OF, "-o", str(tmp_path / "out.jsonl"))
    assert done.exit_code == 0, done.output
    assert json.loads((tmp_path / "out.jsonl").read_text("utf-8"))["combined_depletion"] == "possible"


def test_the_cds_service_reads_a_versioned_medication_reference_from_the_fhir_server() -> None:
    request, medication = bumetanide_by_versioned_reference()
    with running_fhir_server(FakeFhirServer([patient(), request, medication])) as fake:
        hook = hook_request("patient-view", "p1", fhirServer=fake.base_url, fhirAuthorization=AUTH)
        card = cds_client().post("/cds-services/patient-view", json=hook).json()["cards"][0]
        asked = [path for path, _ in fake.requests]
    assert any(path.startswith("/fhir/Medication/m9") for path in asked)
    assert "unnamed medicine" not in card["detail"]
    assert "bumetanide" in card["detail"].lower()


# -- 4. a panel's member missing from the Bundle -----------------------------------------------------


def test_a_metabolic_panel_naming_a_magnesium_the_bundle_does_not_hold_is_named(tmp_path: Path) -> None:
    newest = result("k-new", NEWEST, 2.4)
    panel = result("panel1", NEWEST, code={"coding": [{"system": LOINC, "code": "24323-8", "display": "Comprehensive metabolic panel"}]})
    panel["hasMember"] = [{"reference": "Observation/k-new"}, {"reference": "Observation/missing-mg"}]
    entry = screened(write(tmp_path, bundle(patient(), furosemide(), copy.deepcopy(OLDER_NORMAL), panel, newest)))
    assert (
        "Observation/panel1 lists 1 result that the input does not hold (Observation/missing-mg; $.entry[3].resource.hasMember): "
        "they were not read, so a potassium or magnesium among them is not in this screen; give a Bundle with the panel and its Observations"
    ) in entry["warnings"]
