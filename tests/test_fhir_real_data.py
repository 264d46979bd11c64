"""FHIR data nobody here wrote screens as a clinician reading the same record would expect.

tests/fhir/real/ holds small, trimmed copies of open data (sources, licences and what was trimmed
in tests/fhir/README.md): two Synthea patient Bundles, a Synthea bulk-data export (NDJSON), the
US Core examples for one patient (one resource per file), and examples of the FHIR R4
specification. Every expected answer below was read off the files by hand: the patient's birth
date and gender, which medicine requests are active and when they were written, which results
are final and when they were taken, which conditions are active and how they are coded.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cds_support import hook_request, searchset
from fastapi.testclient import TestClient
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import _SCREENER, TEST_SETTINGS

from screener.fhir import validate_resource
from screener.screening.pipeline import Screener
from screener.web.app import create_app
from screener.web.cds import CdsSettings, cds_router, cds_web_settings

REAL = Path(__file__).resolve().parent / "fhir" / "real"
SYNTHEA, BULK, US_CORE, R4 = REAL / "synthea", REAL / "bulk-export", REAL / "us-core", REAL / "fhir-r4-examples"


def batch(*inputs: Path, as_of: str, tmp: Path, fmt: str = "jsonl") -> tuple[Any, list[dict[str, Any]]]:
    out = tmp / f"out.{fmt}"
    done = CliRunner().invoke(app, ["batch", *map(str, inputs), "--as-of", as_of, "-o", str(out), "-f", fmt, "--detail", "full"])
    assert "Traceback" not in done.output
    return done, [json.loads(line) for line in out.read_text("utf-8").splitlines()] if out.exists() else []


def screened_as(screener: Any, as_of: str, answers: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """What the answers screen to, with the entry's place: the result the FHIR record must give."""
    on_the_day = Screener(screener.ruleset, as_of=date.fromisoformat(as_of))
    return on_the_day.screen_entry(answers, source=entry["source"], position=entry["position"])


def trimmed_reports_set_aside(entry: dict[str, Any], report: str) -> dict[str, Any]:
    """The entry without the warnings that its reports list results the input does not hold (the
    recent one, ``report`` by its id's start, on its own; the older ones together): the trimming
    (tests/fhir/README.md) kept the potassium of each metabolic panel but not its other results,
    and the screen rightly says so."""
    said = [warning for warning in entry["warnings"] if "results that the input does not hold" in warning]
    assert [warning for warning in said if warning.startswith("DiagnosticReport/")] == [
        next(warning for warning in said if warning.startswith(f"DiagnosticReport/{report}"))
    ], said
    return {**entry, "warnings": [warning for warning in entry["warnings"] if warning not in said]}


# -- Synthea: one Bundle per patient (transaction, urn:uuid references, claims and encounters) --

JESS = "eca04de4-760d-41bb-9735-36549acbf46c"
JESS_ANSWERS = {
    # Born 1941-02-23, male. Of 8 medicine requests, the four written on 2020-03-29 are active
    # (the February ones are stopped); potassium 4.04 mmol/L on 2020-03-29; of 11 conditions the
    # active ones are hypertension (SNOMED 59621000), atrial fibrillation, obesity, prediabetes,
    # anaemia, migraine, chronic pain and knee osteoarthritis; only hypertension is in the contract.
    "id": JESS,
    "age": 79,
    "sex": "male",
    "medications": [
        "Atenolol 50 MG / Chlorthalidone 25 MG Oral Tablet",
        "Verapamil Hydrochloride 40 MG",
        "Digoxin 0.125 MG Oral Tablet",
        "Warfarin Sodium 5 MG Oral Tablet",
    ],
    "labs": {"potassium": {"value": 4.04, "unit": "mmol/L", "taken": "last_7_days"}},
    "conditions": ["high_blood_pressure"],
}

WENONA = "fabfe789-b8b6-45ae-ad04-f43bb2d5c342"
WENONA_ANSWERS = {
    # Born 1959-02-09, female; Humulin insulin active since 2019-12-30; potassium 4.82 on
    # 2019-12-30; "Diabetes" (SNOMED 44054006) and "Chronic kidney disease stage 2" (431856006)
    # active ("Diabetic renal disease", 127013003, is not in the mapping).
    "id": WENONA,
    "age": 60,
    "sex": "female",
    "medications": ["insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML Injectable Suspension [Humulin]"],
    "labs": {"potassium": {"value": 4.82, "unit": "mmol/L", "taken": "last_7_days"}},
    "conditions": ["chronic_kidney_disease", "type_2_diabetes"],
}


def test_jess_braun_79_on_chlorthalidone_and_digoxin_with_a_week_old_normal_potassium_is_possible_for_magnesium(screener: Any, tmp_path: Path) -> None:
    done, (entry,) = batch(SYNTHEA / "jess-braun.json", as_of="2020-04-05", tmp=tmp_path)
    assert done.exit_code == 0, done.output
    entry = trimmed_reports_set_aside(entry, "61b46eb0")
    assert entry == screened_as(screener, "2020-04-05", JESS_ANSWERS, entry)
    assert (entry["combined_depletion"], entry["magnesium_depletion"], entry["potassium_depletion"], entry["urgency"]) == ("unlikely", "possible", "unlikely", "routine")
    # Routine since review 6 (O2): on digoxin, a magnesium possible only from the diuretic, beside a
    # normal potassium from the last 30 days and no symptom, waits for the usual review.
    assert entry["risk_factors"] == ["older_adult", "thiazide_diuretic"]
    assert any("You take digoxin" in r["text"] for r in entry["recommendations"])
    # Verapamil and warfarin are recognised, with no effect on magnesium or potassium counted.
    assert entry["warnings"] == []
    neutral = [m["input"] for m in entry["medications_recognised"] if {d["drug_class"] for d in m["matches"]} == {"no_known_effect"}]
    assert neutral == ["Verapamil Hydrochloride 40 MG", "Warfarin Sodium 5 MG Oral Tablet"]


def test_a_screen_as_of_an_earlier_day_sees_only_what_was_recorded_by_then(screener: Any, tmp_path: Path) -> None:
    _, (entry,) = batch(SYNTHEA / "jess-braun.json", as_of="2020-03-01", tmp=tmp_path)
    # The March potassium and the March requests are later; the February requests are stopped.
    answers = {**JESS_ANSWERS, "medications": [], "labs": {"potassium": {"value": 4.49, "unit": "mmol/L", "taken": "last_7_days"}}}
    entry = trimmed_reports_set_aside(entry, "2bb5db4a")
    assert entry == screened_as(screener, "2020-03-01", answers, entry)


def test_wenona_cormier_with_diabetes_and_kidney_disease_on_insulin_is_unlikely(screener: Any, tmp_path: Path) -> None:
    _, (entry,) = batch(SYNTHEA / "wenona-cormier.json", as_of="2020-01-05", tmp=tmp_path)
    entry = trimmed_reports_set_aside(entry, "cf6e5ae9")
    assert entry == screened_as(screener, "2020-01-05", WENONA_ANSWERS, entry)
    assert (entry["combined_depletion"], entry["urgency"]) == ("unlikely", "none")
    assert entry["labs_used"][0]["used"] is True


def test_screen_reads_a_real_patient_bundle_and_shows_the_readable_result(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["screen", str(SYNTHEA / "jess-braun.json"), "--as-of", "2020-04-05", "--plain"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"mgk-screen result for {JESS}\nHow soon: routine")  # how soon first, then the levels
    assert "\nCombined magnesium and potassium depletion: unlikely, but magnesium" in done.output
    assert "magnesium depletion: possible" in done.output


# -- a Synthea bulk-data export: NDJSON files of every kind, Medications referenced ---------------


def test_a_bulk_export_screens_one_record_per_living_patient_and_passes_over_what_it_does_not_read(screener: Any, tmp_path: Path) -> None:
    done, entries = batch(BULK, as_of="2023-06-01", tmp=tmp_path)
    assert done.exit_code == 3  # one patient is deceased
    # Encounter, AllergyIntolerance and Medication lines make no records of their own.
    assert [(Path(e["source"]).name, e["position"], e["status"]) for e in entries] == [
        ("Patient.000.ndjson", 1, "screened"),
        ("Patient.000.ndjson", 2, "invalid"),
        ("Patient.000.ndjson", 3, "screened"),
    ]
    yvone, marine, kasandra = entries
    # Born 1963-07-15; lisinopril and hydrochlorothiazide (2022) and naproxen (2006) active;
    # essential hypertension active, the rest social findings the contract does not hold.
    assert yvone == screened_as(
        screener,
        "2023-06-01",
        {
            "id": "6a4160eb-a793-2f86-2302-378626f46cce",
            "age": 59,
            "sex": "female",
            "medications": ["lisinopril 10 MG Oral Tablet", "Hydrochlorothiazide 25 MG Oral Tablet", "Naproxen sodium 220 MG Oral Tablet"],
            "conditions": ["high_blood_pressure"],
        },
        yvone,
    )
    assert (yvone["combined_depletion"], yvone["urgency"], yvone["risk_factors"]) == ("possible", "routine", ["thiazide_diuretic"])
    assert marine["errors"] == [{"path": "$.deceasedDateTime", "message": "the patient is recorded as deceased: not screened"}]
    # Born 2007-07-11; both of her medicine requests are stopped: no current medicines.
    assert kasandra == screened_as(screener, "2023-06-01", {"id": "bb6a9034-2f23-2508-d29d-35efee156dc9", "age": 15, "sex": "female", "medications": []}, kasandra)


def test_validate_reads_every_real_file_and_names_only_what_cannot_be_screened(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["validate", str(BULK), str(US_CORE), str(SYNTHEA), str(R4), "--as-of", "2023-06-01"])
    assert done.exit_code == 3
    assert done.output.splitlines() == [
        f"{R4}: skipped: pat1/ (folders inside are not read)",  # named, not left out without a word
        f"{BULK / 'Patient.000.ndjson'} record 2: $.deceasedDateTime: the patient is recorded as deceased: not screened",
        "8 records read, 7 valid, 1 with errors",
    ]


def test_a_spec_example_observation_naming_no_patient_is_refused_naming_its_file_once() -> None:
    # observation-decimal.json (FHIR R4) is an Observation of no one: no subject, no Bundle.
    example = REAL / "fhir-r4-no-patient" / "observation-decimal.json"
    done = CliRunner().invoke(app, ["validate", str(example)])
    assert done.exit_code == 3
    assert done.output.splitlines() == [
        f"{example} record 1: $.subject: this Observation names no patient (subject)",
        "1 record read, 0 valid, 1 with errors",
    ]


# -- US Core: one resource per file, as a server's examples are published ----------------------

AMY = {
    # Born 1987-02-20, no gender: US Core 9 gives her sex in the us-core-individual-sex extension
    # (SNOMED CT 248152002 Female), which is read when gender is absent. Three
    # requests for nizatidine, coded, with a contained Medication, and by reference to
    # uscore-med2 (the same name as the contained one); Tylenol PM self-prescribed on 2019-06-24.
    # Potassium 5.4 mmol/L in 2005; a duodenal ulcer (active, then resolved) and a burn of the ear
    # (no status): none of them conditions of the contract.
    "id": "example",
    "age": 32,
    "sex": "female",
    "medications": ["Nizatidine 15 MG/ML Oral Solution", "Nizatidine 15 MG/ML Oral Solution [Axid]", "Tylenol PM Pill"],
    "labs": {"potassium": {"value": 5.4, "unit": "mmol/L", "taken": "older"}},
    "conditions": [],
}


@pytest.mark.parametrize(("as_of", "answers"), [("2019-07-01", AMY), ("2019-06-01", {**AMY, "medications": AMY["medications"][:2]})])
def test_amy_shaw_from_the_us_core_examples_reads_coded_contained_and_referenced_medicines(screener: Any, tmp_path: Path, as_of: str, answers: dict[str, Any]) -> None:
    done, (entry,) = batch(US_CORE, as_of=as_of, tmp=tmp_path)
    assert done.exit_code == 0, done.output  # the allergy, the encounter and the blood pressures are passed over
    assert (Path(entry["source"]).name, entry["position"]) == ("patient-example.json", 1)
    assert entry == screened_as(screener, as_of, answers, entry)
    assert entry["labs_used"][0]["reason"] == "an older potassium result was not used; ask for a recheck"


def test_the_us_core_patient_as_risk_assessments_valid_against_r4_naming_what_they_rest_on(tmp_path: Path) -> None:
    _, (assessment,) = batch(US_CORE, as_of="2019-07-01", tmp=tmp_path, fmt="fhir")
    validate_resource(assessment, "R4")
    assert assessment["subject"] == {"reference": "Patient/example"}
    assert {ref["reference"] for ref in assessment["basis"]} == {
        "MedicationRequest/medicationrequest-coded-oral-axid",
        "MedicationRequest/medicationrequest-contained-oral-axid",
        "MedicationRequest/medicationrequest-referenced-oral-axid",
        "MedicationRequest/self-tylenol",
        "Observation/serum-potassium",
    }


def amy_shaw_prefetch(extra_results: int = 0) -> dict[str, Any]:
    """What an EHR serving the US Core examples prefetches for Amy Shaw (``extra_results`` more
    copies of her potassium result, as a long record has)."""
    resources = {path.stem: json.loads(path.read_text("utf-8")) for path in US_CORE.glob("*.json")}
    requests = [r for r in resources.values() if r["resourceType"] == "MedicationRequest"]
    potassium = resources["observation-serum-potassium"]
    results = [potassium, *({**potassium, "id": f"k-{n}", "effectiveDateTime": "2004-01-01"} for n in range(extra_results))]
    return {
        "patient": resources["patient-example"],
        "medicationRequests": searchset([*requests, resources["uscore-med2"]]),  # _include=MedicationRequest:medication
        "medicationStatements": None,
        "labResults": searchset(results),
        "conditions": searchset([r for r in resources.values() if r["resourceType"] == "Condition"]),
    }


def amy_shaw_card(prefetch: dict[str, Any]) -> Any:
    settings = CdsSettings(as_of=date(2019, 7, 1))
    client = TestClient(create_app(_SCREENER.get(), settings=cds_web_settings(TEST_SETTINGS, settings), routers=[cds_router(settings, None)]))
    return client.post("/cds-services/patient-view", json=hook_request("patient-view", "example", prefetch))


def test_an_ehr_calling_the_cds_service_with_the_us_core_record_gets_one_card() -> None:
    response = amy_shaw_card(amy_shaw_prefetch())
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    # Her only potassium (5.4 mmol/L, 2005) is too old to use, and high: no recheck card at every
    # visit for a result of long ago (only an older low result is rechecked: README "departures").
    # Her record holds medicines only: every level unlikely on so little is not reassurance.
    assert card["summary"] == "Mg/K depletion screen (EHR data only): combined unlikely (on little EHR data: not reassurance); urgency: none"
    assert card["indicator"] == "info"
    # The contained Medication names one request, the included uscore-med2 another (the same name).
    assert "- Medicines: Nizatidine 15 MG/ML Oral Solution \\[Axid\\]; Nizatidine 15 MG/ML Oral Solution; Tylenol PM Pill" in card["detail"]


def test_a_device_reading_in_the_prefetch_is_not_taken_for_another_patient() -> None:
    prefetch = amy_shaw_prefetch()
    quality_control = {**prefetch["labResults"]["entry"][0]["resource"], "id": "qc-1", "subject": {"reference": "Device/analyser-3"}}
    prefetch["labResults"]["entry"].append({"resource": quality_control})
    detail = amy_shaw_card(prefetch).json()["cards"][0]["detail"]
    assert "about another patient" not in detail


def test_a_hook_call_carrying_a_long_record_is_read_like_a_bundle() -> None:
    # 300 lab results make a prefetch of over 10,000 JSON values (the limit of an answers record).
    response = amy_shaw_card(amy_shaw_prefetch(extra_results=300))
    assert response.status_code == 200, response.text
    assert "potassium" in response.json()["cards"][0]["detail"]


# -- the FHIR R4 specification's examples ---------------------------------------------------------


def test_the_spec_examples_medicines_are_named_from_snomed_ndc_and_text_and_the_stopped_left_out(screener: Any, tmp_path: Path) -> None:
    _, (entry,) = batch(R4 / "pat1", as_of="2016-01-01", tmp=tmp_path)
    # MedicationStatements first, then MedicationRequests: Tylenol PM (a contained Medication coded
    # in NDC), "Little Pink Pill for water retention" (text only), azithromycin (contained, SNOMED
    # CT, its "(product)" tag dropped), Myleran (contained NDC), phenytoin (RxNorm). The completed
    # oxycodone request and the entered-in-error statement are left out. No Patient resource.
    answers = {
        "id": "pat1",
        "medications": [
            "Tylenol PM",
            "Little Pink Pill for water retention",
            "Azithromycin 250mg capsule",
            "Myleran 2mg tablet, film coated",
            "Phenytoin 25mg/ml oral suspension",
        ],
    }
    assert entry == screened_as(screener, "2016-01-01", answers, entry)
    # A "pill for water retention" may well be a diuretic: the screen says it could not read it.
    assert any(w.startswith("medication 'Little Pink Pill for water retention'") for w in entry["warnings"])


@pytest.mark.parametrize(
    ("as_of", "first", "second"),
    [
        ("2005-01-31", {"value": 4.2, "unit": "mmol/L", "taken": "last_7_days"}, {"value": 4.1, "unit": "mmol/L", "taken": "older"}),
        ("2004-12-31", {"value": 4.0, "unit": "mmol/L", "taken": "last_30_days"}, {"value": 4.1, "unit": "mmol/L", "taken": "last_30_days"}),
    ],
)
def test_lab_reports_in_a_bundle_of_bundles_date_their_undated_results(screener: Any, tmp_path: Path, as_of: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    # Patient 1: reports of 2005-01-27 (K 4.2) and 2004-12-22 (K 4.0); patient 2: 2004-12-08 (K 4.1)
    # and 2004-12-03 (K 4.2). The Observations carry no date and no unit code ("mmol/L" as text).
    _, entries = batch(R4 / "diagnosticreport-examples-general.json", as_of=as_of, tmp=tmp_path)
    assert [e["id"] for e in entries] == ["1", "2"]
    assert entries[0] == screened_as(screener, as_of, {"id": "1", "labs": {"potassium": first}}, entries[0])
    assert entries[1] == screened_as(screener, as_of, {"id": "2", "labs": {"potassium": second}}, entries[1])


# -- a whole patient record is large ------------------------------------------------------------


def test_a_whole_patient_bundle_of_tens_of_thousands_of_values_is_read(screener: Any, tmp_path: Path) -> None:
    # Synthea's full Bundle for Jess Braun holds 36,544 values (1.5 MB); an answers record is
    # refused past 10,000. Her trimmed Bundle, padded with 800 copies of its encounters, is as big.
    bundle = json.loads((SYNTHEA / "jess-braun.json").read_text("utf-8"))
    encounters = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"]
    for n in range(400):
        for entry in encounters:
            bundle["entry"].append({"fullUrl": f"urn:uuid:copy-{n}", "resource": {**entry["resource"], "id": f"copy-{n}"}})
    path = tmp_path / "whole-record.json"
    path.write_text(json.dumps(bundle, indent=1), "utf-8")
    done, (entry,) = batch(path, as_of="2020-04-05", tmp=tmp_path)
    assert done.exit_code == 0, done.output
    assert trimmed_reports_set_aside(entry, "61b46eb0") == screened_as(screener, "2020-04-05", JESS_ANSWERS, entry)


def test_a_fhir_resource_of_too_many_tiny_values_is_still_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from screener.batch import records

    monkeypatch.setattr(records, "MAX_FHIR_RECORD_VALUES", 50_000)
    path = tmp_path / "bomb.json"
    path.write_text('{"resourceType": "Bundle", "entry": [' + ",".join(["[]"] * 60_000) + "]}", "utf-8")
    done, entries = batch(path, as_of="2020-04-05", tmp=tmp_path)
    # One object is one record: refused as an invalid entry (fifth session), never built.
    assert done.exit_code == 3
    (entry,) = entries
    assert entry["status"] == "invalid"
    assert "record too large (more than 50000 values)" in entry["errors"][0]["message"]
