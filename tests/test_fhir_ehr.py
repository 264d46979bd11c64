"""EHR data in: a Synthea-style Bundle of five patients (tests/fhir/) screens without hand work, as
a Bundle or as bulk-data NDJSON files, on a reference date; bad FHIR gets per-record errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import bundle_records, convert
from screener.screening.pipeline import Screener

FIXTURE = Path(__file__).resolve().parent / "fhir" / "synthea-style-five-patients.json"
AS_OF = "2025-06-30"


def patient_id(number: int) -> str:
    return f"{number:08d}-5e1a-4c2b-9f00-{number:012d}"


ELEANOR, MARCUS, PRIYA, WALTER, SOFIA = (patient_id(n) for n in range(1, 6))

EXPECTED_ANSWERS = {
    # 79, on furosemide, potassium 3.3 three days ago, high blood pressure and heart failure.
    ELEANOR: {
        "id": ELEANOR,
        "age": 79,
        "sex": "female",
        "medications": ["Furosemide 40 MG Oral Tablet"],
        "labs": {"potassium": {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"}},
        "conditions": ["heart_failure", "high_blood_pressure"],
    },
    # 44, omeprazole (the stopped hydrochlorothiazide is not current), magnesium 1.5 mg/dL 20 days ago, type 2 diabetes.
    MARCUS: {
        "id": MARCUS,
        "age": 44,
        "sex": "male",
        "medications": ["Omeprazole 20 MG Delayed Release Oral Capsule"],
        "labs": {"magnesium": {"value": 1.5, "unit": "mg/dL", "taken": "last_30_days"}},
        "conditions": ["type_2_diabetes"],
    },
    # 35, an older potassium in meq/L; the magnesium taken after the reference date is left out.
    PRIYA: {
        "id": PRIYA,
        "age": 35,
        "sex": "female",
        "labs": {"potassium": {"value": 4.2, "unit": "mEq/L", "taken": "older"}},
    },
    # Born in 1950 (year only: 74 for sure on the reference date); spironolactone named through a
    # Medication resource, lisinopril; the finished simvastatin and the refuted eating disorder do not count.
    WALTER: {
        "id": WALTER,
        "age": 74,
        "sex": "male",
        "medications": ["Spironolactone 25 MG Oral Tablet", "Lisinopril 10 MG Oral Tablet"],
        "labs": {"potassium": {"value": 5.4, "unit": "mmol/L", "taken": "last_7_days"}},
        "conditions": ["chronic_kidney_disease"],
    },
    # 15, coeliac disease by ICD-10-CM K90.0, senna named only in text, potassium in whole blood (6298-4).
    SOFIA: {
        "id": SOFIA,
        "age": 15,
        "sex": "female",
        "medications": ["Senna 8.6 mg tablets"],
        "labs": {"potassium": {"value": 3.4, "unit": "mmol/L", "taken": "last_7_days"}},
        "conditions": ["malabsorption"],
    },
}


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def on_the_day(screener: Any) -> Screener:
    return Screener(screener.ruleset, as_of=date.fromisoformat(AS_OF))


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def batch(*inputs: Path | str, fmt: str = "jsonl", tmp: Path) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp / f"results.{fmt}"
    done = run("batch", *map(str, inputs), "--as-of", AS_OF, "-o", str(out), "-f", fmt)
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    return done, [json.loads(line) for line in lines]


def test_the_five_patient_bundle_gives_each_patient_the_expected_answers(bundle: dict[str, Any], on_the_day: Screener) -> None:
    records = bundle_records(bundle)
    read = {}
    for record in records:
        conversion = convert(record, on_the_day)
        assert conversion.problems == []
        read[conversion.record_id] = conversion.answers
    assert read == EXPECTED_ANSWERS


def test_the_bundle_screens_exactly_as_the_expected_answers_do(bundle: dict[str, Any], on_the_day: Screener, tmp_path: Path) -> None:
    done, entries = batch(FIXTURE, tmp=tmp_path)
    assert done.exit_code == 0, done.output
    assert [entry["id"] for entry in entries] == list(EXPECTED_ANSWERS)
    for entry, answers in zip(entries, EXPECTED_ANSWERS.values(), strict=True):
        expected = on_the_day.screen_entry(answers, source=str(FIXTURE), position=entry["position"], detail="lean")
        assert entry == expected  # batch writes lean entries by default


def test_what_ehr_data_cannot_say_stays_unanswered(on_the_day: Screener) -> None:
    result = on_the_day.screen_entry(EXPECTED_ANSWERS[ELEANOR])
    assert {"symptoms", "alcohol", "diarrhea", "vomiting", "laxative_use", "red_flags_now"} <= set(result["unanswered_sections"])
    assert result.get("coverage", "partial") == "partial"


def test_the_older_woman_on_furosemide_with_a_low_potassium_is_likely_combined(tmp_path: Path) -> None:
    _, entries = batch(FIXTURE, tmp=tmp_path)
    eleanor = entries[0]
    assert (eleanor["combined_depletion"], eleanor["potassium_depletion"]) == ("likely", "likely")
    assert "loop_diuretic" in eleanor["risk_factors"]


def test_the_teenager_with_coeliac_disease_gets_the_adults_only_warning(tmp_path: Path) -> None:
    _, entries = batch(FIXTURE, tmp=tmp_path)
    assert any("built for adults" in warning for warning in entries[4]["warnings"])


def test_the_reference_date_moves_ages_and_how_old_a_result_is(bundle: dict[str, Any], screener: Any) -> None:
    a_year_later = Screener(screener.ruleset, as_of=date(2026, 6, 30))
    eleanor = convert(bundle_records(bundle)[0], a_year_later).answers
    assert eleanor["age"] == 80 and eleanor["labs"]["potassium"]["taken"] == "older"


def test_bulk_data_files_grouped_by_patient_screen_as_the_bundle_does(bundle: dict[str, Any], tmp_path: Path) -> None:
    from fhir_bulk_export import write_bulk_export

    export = tmp_path / "export"
    write_bulk_export(bundle, export)
    assert (export / "Encounter.ndjson").exists()  # a kind we do not read: passed over, line by line
    done, entries = batch(export, tmp=tmp_path)
    assert done.exit_code == 0, done.output
    _, from_bundle = batch(FIXTURE, tmp=tmp_path)
    strip = ("source", "position")
    assert [{k: v for k, v in e.items() if k not in strip} for e in entries] == [
        {k: v for k, v in e.items() if k not in strip} for e in from_bundle
    ]
    assert [(Path(e["source"]).name, e["position"]) for e in entries] == [("Patient.ndjson", n) for n in range(1, 6)]


BAD = [
    ({"resourceType": "Patinet", "id": "x1"}, "$.resourceType", "(did you mean 'Patient'?)"),
    (
        {"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p1"}, "valueQuantity": {"value": 3.2}},
        "$.code",
        "this Observation has no code: cannot tell what was measured",
    ),
    (
        {
            "resourceType": "Observation",
            "id": "o2",
            "status": "final",
            "subject": {"reference": "Patient/p2"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
            "effectiveDateTime": "2025-06-29",
            "valueQuantity": {"value": 3.2, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"},
        },
        "$.valueQuantity.code",
        "unknown unit 'mg' for a potassium result: expected one of mmol/L, meq/L",
    ),
    (
        {"resourceType": "Patient", "id": "p3", "birthDate": "1930-01-01", "deceasedDateTime": "2024-01-01"},
        "$.deceasedDateTime",
        "the patient is recorded as deceased: not screened",
    ),
    (
        {"resourceType": "MedicationRequest", "id": "m5", "status": "active", "intent": "order"},
        "$.subject",
        "this MedicationRequest names no patient (subject)",
    ),
]


def test_bad_fhir_gets_an_error_per_record_and_its_neighbours_are_still_screened(tmp_path: Path) -> None:
    good = {"resourceType": "Patient", "id": "good", "gender": "male", "birthDate": "1960-01-01"}
    lines = [json.dumps(resource) for resource, _, _ in BAD] + [json.dumps(good), "{not json"]
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    done, entries = batch(path, tmp=tmp_path)
    assert done.exit_code == 3
    assert "Traceback" not in done.output
    by_id = {entry["id"]: entry for entry in entries}
    assert by_id["good"]["status"] == "screened"
    invalid = [entry for entry in entries if entry["status"] == "invalid"]
    assert len(invalid) == len(BAD) + 1  # the broken line too
    found = {(error["path"], error["message"]) for entry in invalid for error in entry["errors"]}
    for _, want_path, want_message in BAD:
        # A resource naming no patient is a record of its own, whose path names its line.
        assert any(path_.split(": ")[-1] == want_path and want_message in message for path_, message in found), (want_path, want_message, found)
    assert ("bad.ndjson record 5: $.subject", "this MedicationRequest names no patient (subject)") in found


def test_a_status_that_is_not_a_code_is_not_a_current_one_and_crashes_nothing(tmp_path: Path) -> None:
    lines = [
        {"resourceType": "Observation", "status": [], "subject": {"reference": "Patient/s1"}, "effectiveDateTime": "2025-06-29",
         "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]}, "valueQuantity": {"value": 3.0, "code": "mmol/L"}},
        {"resourceType": "MedicationStatement", "status": {"code": "active"}, "subject": {"reference": "Patient/s1"},
         "medicationCodeableConcept": {"text": "furosemide"}},
    ]
    path = tmp_path / "odd-status.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    done, entries = batch(path, tmp=tmp_path)
    assert done.exit_code == 0, done.output
    assert entries[0]["labs_used"] == [] and entries[0]["medications_recognised"] == []


def test_a_bundle_with_nothing_to_read_is_one_invalid_record(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Encounter", "id": "e"}}]}), "utf-8")
    done, entries = batch(path, tmp=tmp_path)
    assert done.exit_code == 3
    assert entries == [
        {
            "status": "invalid",
            "id": "1",
            "source": str(path),
            "position": 1,
            "errors": [{"path": "$.entry", "message": "this Bundle holds no QuestionnaireResponse and no patient data (Patient, Observation, Condition, MedicationStatement, MedicationRequest)"}],
        }
    ]


def test_screen_takes_a_bundle_of_one_patient_and_refuses_several(bundle: dict[str, Any], tmp_path: Path) -> None:
    one = {**bundle, "entry": [e for e in bundle["entry"] if ELEANOR in json.dumps(e)]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(one), "utf-8")
    done = run("screen", str(path), "--json", "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["id"] == ELEANOR
    several = run("screen", str(FIXTURE), "--as-of", AS_OF)
    assert several.exit_code == 2 and "holds more than one record" in several.output


def test_an_as_of_that_is_not_a_date_is_a_usage_error() -> None:
    done = run("batch", str(FIXTURE), "--as-of", "30/06/2025")
    assert done.exit_code == 2 and "is not a date: write it as YYYY-MM-DD" in done.output


def test_worker_processes_screen_on_the_same_reference_date_and_keep_the_basis(tmp_path: Path) -> None:
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"risk-{workers}.ndjson"
        done = run("batch", str(FIXTURE), "--as-of", AS_OF, "-f", "fhir", "-o", str(out), "--workers", workers)
        assert done.exit_code == 0, done.output
        outputs.append(out.read_text("utf-8"))
    assert outputs[0] == outputs[1]
    assert all("basis" in json.loads(line) for line in outputs[1].splitlines())


def test_a_furosemide_order_given_only_as_an_rxnorm_code_is_said_to_have_no_name(tmp_path: Path) -> None:
    # RxNorm 313988 is furosemide 40 MG oral tablet, but the record gives no name: mgk-screen
    # reads medicines by name, so it says so, rather than "'RxNorm' not recognised".
    statement = {
        "resourceType": "MedicationStatement",
        "id": "furosemide-by-code",
        "status": "active",
        "subject": {"reference": "Patient/walter"},
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "313988"}]},
    }
    patient = {"resourceType": "Patient", "id": "walter", "gender": "male", "birthDate": "1950-03-01"}
    path = tmp_path / "walter.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}, {"resource": statement}]}), "utf-8")
    done, [walter] = batch(path, tmp=tmp_path)
    assert done.exit_code == 0, done.output
    about_it = [warning for warning in walter["warnings"] if "313988" in warning]
    assert about_it == [
        "a medicine given only as a code, with no name (RxNorm 313988): not recognised, so not counted (medicines are "
        "read by name: there is no table from codes to medicines); ask a pharmacist whether it affects magnesium or potassium"
    ]
    assert not any("'RxNorm'" in warning for warning in walter["warnings"])
