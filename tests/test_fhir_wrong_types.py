"""Bad FHIR data costs only itself: any JSON type in an element the FHIR readers use (a list where a
code belongs, an object where a date belongs, a number, null) is read as if the element were not
there and named in the warnings with its resource and path, or refuses its own record with that
path; never a crash that loses the whole run (exit 1) or a 500 from CDS Hooks. And what else bad
FHIR data did in silence is said: a date that is no FHIR date, a Bundle entry holding no resource,
resources naming a patient their Bundle does not hold, a birthDate written 19460302."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cds_support import cds_client
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir.elements import ELEMENT_TYPES, naming

AS_OF = "2025-06-30"
LOINC, ICD10 = "http://loinc.org", "http://hl7.org/fhir/sid/icd-10-cm"


def margaret() -> list[dict[str, Any]]:
    """Margaret, 75, on furosemide and omeprazole, with a potassium of 3.1 and heart failure: one
    resource of each kind the readers read, and every element they read on it."""
    subject = {"reference": "Patient/margaret"}
    return [
        {"resourceType": "Patient", "id": "margaret", "gender": "female", "birthDate": "1950-03-02", "deceasedBoolean": False},
        {
            "resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "doNotPerform": False,
            "reportedBoolean": False, "authoredOn": "2025-06-01", "subject": subject,
            "medicationCodeableConcept": {"text": "furosemide 40 mg tablet"},
        },
        {
            "resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": subject,
            "effectivePeriod": {"start": "2024-01-01"}, "dateAsserted": "2025-06-01", "medicationReference": {"reference": "Medication/m1"},
        },
        {"resourceType": "Medication", "id": "m1", "ingredient": [{"itemCodeableConcept": {"text": "omeprazole"}}]},
        {
            "resourceType": "Observation", "id": "k1", "status": "final", "subject": subject, "effectiveDateTime": "2025-06-27",
            "issued": "2025-06-27T12:00:00Z", "code": {"coding": [{"system": LOINC, "code": "2823-3"}]},
            "valueQuantity": {"value": 3.1, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
        },
        {"resourceType": "DiagnosticReport", "id": "dr1", "status": "final", "subject": subject, "effectiveDateTime": "2025-06-27", "result": [{"reference": "Observation/k1"}]},
        {
            "resourceType": "Condition", "id": "c1", "subject": subject, "clinicalStatus": {"coding": [{"code": "active"}]},
            "verificationStatus": {"coding": [{"code": "confirmed"}]}, "onsetDateTime": "2020-01-01", "recordedDate": "2020-01-02",
            "code": {"coding": [{"system": ICD10, "code": "I50.9"}]},
        },
        {
            "resourceType": "MedicationDispense", "id": "md1", "status": "completed", "subject": subject, "whenHandedOver": "2025-05-01",
            "authorizingPrescription": [{"reference": "MedicationRequest/mr1"}], "medicationCodeableConcept": {"text": "furosemide"},
        },
        {
            "resourceType": "MedicationAdministration", "id": "ma1", "status": "completed", "subject": subject,
            "effectiveDateTime": "2025-05-01", "request": {"reference": "MedicationRequest/mr1"}, "medicationCodeableConcept": {"text": "furosemide"},
        },
    ]


#: Which resource of Margaret's each element the readers use is tried on (set when she has none).
TRIED_ON = {
    "id": "Observation", "status": "Observation", "intent": "MedicationRequest", "gender": "Patient", "birthDate": "Patient",
    "deceasedBoolean": "Patient", "doNotPerform": "MedicationRequest", "reportedBoolean": "MedicationRequest",
    "reportedReference": "MedicationRequest", "abatementBoolean": "Condition", "abatementString": "Condition",
    "abatementDateTime": "Condition", "abatementPeriod": "Condition", "clinicalStatus": "Condition",
    "verificationStatus": "Condition", "adherence": "MedicationStatement", "subject": "Condition", "patient": "Observation",
    "code": "Condition", "medicationCodeableConcept": "MedicationRequest", "medicationReference": "MedicationStatement",
    "medication": "MedicationStatement", "valueQuantity": "Observation", "valueCodeableConcept": "Observation",
    "valueString": "Observation", "component": "Observation", "hasMember": "Observation", "result": "DiagnosticReport",
    "contained": "MedicationStatement", "ingredient": "Medication", "authorizingPrescription": "MedicationDispense",
    "request": "MedicationAdministration", "effectiveDateTime": "Observation", "effectiveInstant": "Observation",
    "effectivePeriod": "MedicationStatement", "onsetDateTime": "Condition", "onsetPeriod": "Condition",
    "authoredOn": "MedicationRequest", "recordedDate": "Condition", "dateAsserted": "MedicationStatement",
    "issued": "Observation", "whenHandedOver": "MedicationDispense",
}
WRONG = {"list": ["order"], "object": {"code": "x"}, "number": 5, "null": None, "string": "x"}


def wrong_values(key: str) -> dict[str, Any]:
    """The JSON values of another type than FHIR gives the element."""
    expected = ELEMENT_TYPES[key]
    return {name: value for name, value in WRONG.items() if value is None or isinstance(value, bool) or not isinstance(value, expected)}


def mutants() -> list[tuple[str, str, str, dict[str, Any], int]]:
    """(name, element, type, Bundle, index of the entry changed) for every element and wrong type."""
    made = []
    for key in ELEMENT_TYPES:
        for type_name, value in wrong_values(key).items():
            resources = margaret()
            index = next(i for i, resource in enumerate(resources) if resource["resourceType"] == TRIED_ON[key])
            resources[index][key] = copy.deepcopy(value)
            bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}
            made.append((f"{key}-{type_name}", key, type_name, bundle, index))
    return made


def said_with_its_place(entry: dict[str, Any], resource: dict[str, Any], path: str) -> bool:
    """Whether a result entry names the element: a warning naming the resource and the path, or
    (a record it refuses) an error at that path."""
    if entry["status"] == "invalid":  # its resource's error, naming the element
        resource_path, key = path.rsplit(".", 1)
        return any(error["path"].startswith(resource_path) and key in error["path"] + error["message"] for error in entry["errors"])
    return any(path in warning and naming(resource) in warning for warning in entry.get("warnings", []))


def test_every_element_the_readers_use_is_tried() -> None:
    assert set(TRIED_ON) == set(ELEMENT_TYPES)


def test_margaret_screens_without_a_word_about_her_data() -> None:
    """The base record is clean: any warning a mutant gives is the mutant's."""
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in margaret()]}
    done = CliRunner().invoke(app, ["screen", "-", "--as-of", AS_OF, "--json"], input=json.dumps(bundle))
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["combined_depletion"] == "likely"
    assert not [warning for warning in result["warnings"] if "$.entry" in warning]


def test_a_wrong_type_in_any_element_costs_only_its_record_in_a_batch_and_is_named(tmp_path: Path) -> None:
    """Margaret's record, once per element and wrong type, beside a valid record of answers: the
    batch ends (exit 0 or 3, never 1), every file gives its record, the neighbour is screened, and
    each record names its resource and the element's path."""
    folder = tmp_path / "in"
    folder.mkdir()
    made = mutants()
    for name, _, _, bundle, _ in made:
        (folder / f"{name}.json").write_text(json.dumps(bundle), "utf-8")
    (folder / "neighbour.json").write_text(json.dumps({"id": "neighbour", "age": 72, "medications": ["Lasix"], "symptoms": ["muscle_cramps"]}), "utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(folder), "--as-of", AS_OF, "-o", str(out)])
    assert done.exit_code in (0, 3), done.output
    entries = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_file = {Path(entry["source"]).stem: entry for entry in entries}
    assert by_file["neighbour"]["status"] == "screened"
    unnamed = []
    for name, key, _, bundle, index in made:
        entry = by_file[name]
        if not said_with_its_place(entry, bundle["entry"][index]["resource"], f"$.entry[{index}].resource.{key}"):
            unnamed.append((name, entry["status"], entry.get("errors"), entry.get("warnings")))
    assert not unnamed


def test_a_wrong_type_in_any_element_of_a_hook_call_is_named_on_the_card_never_a_500() -> None:
    """The same through CDS Hooks (patient-view and order-select): an answer, never "something
    went wrong on our side"; the card names the resource and the element's path."""
    client = cds_client()
    prefetch_keys = {"Patient": "patient", "MedicationRequest": "medicationRequests", "MedicationStatement": "medicationStatements", "Observation": "labResults", "Condition": "conditions"}
    failed = []
    for key in ELEMENT_TYPES:
        kind = TRIED_ON[key]
        if kind not in prefetch_keys:
            continue
        for type_name, value in wrong_values(key).items():
            resources = [resource for resource in margaret() if resource["resourceType"] in prefetch_keys]
            changed = next(resource for resource in resources if resource["resourceType"] == kind)
            changed[key] = copy.deepcopy(value)
            prefetch: dict[str, Any] = {"patient": resources[0], "pregnancyStatus": None}
            for one_kind, prefetch_key in list(prefetch_keys.items())[1:]:
                prefetch[prefetch_key] = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources if r["resourceType"] == one_kind]}
            where = "$.prefetch.patient" if kind == "Patient" else f"$.prefetch.{prefetch_keys[kind]}.entry[0].resource"
            for hook in ("patient-view", "order-select"):
                context: dict[str, Any] = {"userId": "Practitioner/1", "patientId": "margaret"}
                if hook == "order-select":
                    context |= {"draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": []}, "selections": []}
                call = {"hook": hook, "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "context": context, "prefetch": prefetch}
                answer = client.post(f"/cds-services/{hook}", json=call)
                text = answer.text.replace("\\\\[", "[").replace("\\\\]", "]")
                # The element's path, or (a record refused) its resource's path and the element's name.
                named = f"{where}.{key}" in text or (f"{where}." in text and key in text)
                if answer.status_code >= 500 or not named:
                    failed.append((hook, key, type_name, answer.status_code))
    assert not failed


def test_an_unreadable_result_date_is_named_and_the_result_is_said_to_be_undated(tmp_path: Path) -> None:
    """Margaret's potassium dated 'yesterday': read as undated, as before, and now said."""
    resources = margaret()
    resources[4]["effectiveDateTime"] = "yesterday"
    del resources[4]["issued"]
    del resources[5]  # no report to date it
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}
    done = CliRunner().invoke(app, ["screen", "-", "--as-of", AS_OF, "--json"], input=json.dumps(bundle))
    result = json.loads(done.output)
    said = [warning for warning in result["warnings"] if "Observation/k1" in warning]
    assert said == [
        "Observation/k1: effectiveDateTime 'yesterday' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a date and time "
        "such as 2025-06-27T10:30:00Z) ($.entry[4].resource.effectiveDateTime): not read as a date; unless another element "
        "(issued) or a report listing it gives its date, the result is undated: used only when no result of the same test "
        "is dated, and how old it is is not given"
    ]


def test_a_result_time_that_is_no_time_of_day_is_read_by_its_day_and_said() -> None:
    resources = margaret()
    resources[4]["effectiveDateTime"] = "2025-06-27T25:99:00"
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}
    done = CliRunner().invoke(app, ["screen", "-", "--as-of", AS_OF, "--json"], input=json.dumps(bundle))
    result = json.loads(done.output)
    assert (
        "Observation/k1: effectiveDateTime '2025-06-27T25:99:00' is a date whose time is no time of day "
        "($.entry[4].resource.effectiveDateTime): read as 2025-06-27 only"
    ) in result["warnings"]


def test_a_birth_date_written_without_its_dashes_refuses_the_record_rather_than_guess_an_age() -> None:
    """19460302 would be read as the year 1946."""
    resources = margaret()
    resources[0]["birthDate"] = "19500302"
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}
    done = CliRunner().invoke(app, ["validate", "-"], input=json.dumps(bundle))
    assert "$.entry[0].resource.birthDate: '19500302' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD" in done.output


def test_a_bundle_entry_holding_no_resource_is_said_not_lost_in_silence(tmp_path: Path) -> None:
    """Margaret's furosemide order sent as a number: her medicines may be missing, and the screen says so."""
    resources = margaret()
    entries: list[dict[str, Any]] = [{"resource": resource} for resource in resources]
    entries[1]["resource"] = 5
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [*entries, "not an entry"]}
    done = CliRunner().invoke(app, ["screen", "-", "--as-of", AS_OF, "--json"], input=json.dumps(bundle))
    result = json.loads(done.output)
    assert (
        "2 entries of this Bundle hold no resource (an object) where one belongs ($.entry[1].resource is a number; "
        "$.entry[9] is a string): not read, so a medicine, a result or a condition may be missing from this screen"
    ) in result["warnings"]


def test_resources_naming_a_patient_not_in_the_bundle_are_said_on_both_records(tmp_path: Path) -> None:
    """Margaret's Bundle whose potassium names Patient/nobody: never a silent second person, and
    Margaret's own screen says a result of the Bundle was not read as hers."""
    resources = margaret()
    resources[4]["subject"] = {"reference": "Patient/nobody"}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}), "utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(path), "--as-of", AS_OF, "-o", str(out)])
    assert done.exit_code in (0, 3), done.output
    entries = {entry["id"]: entry for entry in map(json.loads, out.read_text("utf-8").splitlines())}
    assert (
        "resources of this Bundle name a patient it does not hold (1 name Patient/nobody ($.entry[4].resource)): they were "
        "screened as a separate record, not as this patient's; if they are this patient's, their references are wrong"
    ) in entries["margaret"]["warnings"]
    assert (
        "the resources of this record ($.entry[4].resource) name Patient/nobody, which is not in their Bundle (it holds "
        "Patient/margaret): they were screened as a person of their own, without the age and sex a Patient resource gives; "
        "if they are one of the Bundle's patients, their references are wrong"
    ) in entries["nobody"]["warnings"]


def test_a_gender_that_is_no_text_is_named() -> None:
    resources = margaret()
    resources[0]["gender"] = ["female"]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}
    done = CliRunner().invoke(app, ["screen", "-", "--as-of", AS_OF, "--json"], input=json.dumps(bundle))
    result = json.loads(done.output)
    assert "Patient/margaret: gender is a list, not a code (a string) ($.entry[0].resource.gender): read as if it were not given" in result["warnings"]
