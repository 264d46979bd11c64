"""FHIR data an interoperability reviewer fed the screener (2026-12-01), each resource built and
checked with the real FHIR R4B models (fhir.resources): results dated in another time zone,
common SNOMED CT conditions, a potassium without its unit, a mistyped LOINC system, and
QuestionnaireResponses naming our questionnaire as a form server stored it."""

from __future__ import annotations

import importlib
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.fhir.lab_times import AsOf
from screener.fhir.records import screen_record_entry
from screener.fhir.response import response_to_answers
from screener.screening.pipeline import Screener

pytest.importorskip("fhir.resources.R4B.observation")

AS_OF = date(2025, 6, 30)
SUBJECT = {"reference": "Patient/p1"}
OURS = "https://mgk-screen.example/fhir/Questionnaire/mgk-screen"


def fhir(kind: str, **data: Any) -> dict[str, Any]:
    """A resource as the real R4B model validates and writes it."""
    model = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
    written: dict[str, Any] = json.loads(model.model_validate({"resourceType": kind, **data}).model_dump_json(exclude_none=True))
    return written


def patient(born: str = "1950-05-01", gender: str = "female") -> dict[str, Any]:
    return fhir("Patient", id="p1", gender=gender, birthDate=born)


def potassium(ident: str, when: str, value: float | None = None, *, system: str = "http://loinc.org", **value_x: Any) -> dict[str, Any]:
    quantity = {"valueQuantity": {"value": value, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"}}
    return fhir(
        "Observation",
        id=ident,
        status="final",
        subject=SUBJECT,
        effectiveDateTime=when,
        code={"coding": [{"system": system, "code": "2823-3", "display": "Potassium"}]},
        **(value_x or quantity),
    )


def condition(ident: str, code: str, display: str, system: str = "http://snomed.info/sct") -> dict[str, Any]:
    return fhir(
        "Condition",
        id=ident,
        subject=SUBJECT,
        clinicalStatus={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        code={"coding": [{"system": system, "code": code, "display": display}], "text": display},
    )


@pytest.fixture(scope="module")
def context(screener: Any) -> Any:
    return fhir_context(screener.ruleset)


def read(context: Any, *resources: dict[str, Any], as_of: date | AsOf = AS_OF) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    return patient_to_answers(located, context, as_of, "p1")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# -- 1. time zones ------------------------------------------------------------------------------


def test_a_potassium_of_2_3_taken_a_minute_ago_in_kiribati_is_read_now_wherever_the_screener_is(context: Any) -> None:
    """Written with +14:00, its date is tomorrow on a screener in UTC-12: it was dropped as
    "future" and an older normal 4.2 used, without a word."""
    now = datetime.now(timezone.utc)
    kiribati = timezone(timedelta(hours=14))
    minute_ago = iso((now - timedelta(minutes=1)).astimezone(kiribati))
    older = (now - timedelta(days=10)).date().isoformat()
    # The screener's calendar in UTC-12: its reference day is the day before Kiribati's.
    behind = AsOf((now - timedelta(hours=12)).date(), now)
    out = read(context, patient(), potassium("k-now", minute_ago, 2.3), potassium("k-old", older, 4.2), as_of=behind)
    assert out.answers["labs"]["potassium"] == {"value": 2.3, "unit": "mmol/L", "taken": "last_7_days"}
    assert out.notes == []


def test_a_furosemide_order_placed_a_minute_ago_east_of_the_screener_is_counted(context: Any) -> None:
    now = datetime.now(timezone.utc)
    written = iso((now - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=14))))
    order = fhir(
        "MedicationRequest", id="mr1", status="active", intent="order", authoredOn=written, subject=SUBJECT,
        medicationCodeableConcept={"text": "furosemide 40 mg tablet"},
    )
    out = read(context, patient(), order, as_of=AsOf((now - timedelta(hours=12)).date(), now))
    assert out.answers["medications"] == ["furosemide 40 mg tablet"]


def test_a_result_truly_in_the_future_is_left_out_and_named_in_the_warnings(context: Any) -> None:
    now = datetime.now(timezone.utc)
    tomorrow = iso(now + timedelta(days=1))
    later = potassium("k-later", tomorrow, 2.3)
    out = read(context, patient(), later, potassium("k-old", iso(now - timedelta(days=2)), 4.2), as_of=AsOf.given(None))
    assert out.answers["labs"]["potassium"]["value"] == 4.2
    (warning,) = out.notes
    assert warning.startswith("1 resource dated in the future (after now, ")
    assert f"Observation/k-later ({later['effectiveDateTime']})" in warning
    assert "check the clock and time zone" in warning


def test_a_few_minutes_of_clock_skew_is_still_now(context: Any) -> None:
    now = datetime.now(timezone.utc)
    out = read(context, patient(), potassium("k-skew", iso(now + timedelta(minutes=3)), 2.3), as_of=AsOf.given(None))
    assert out.answers["labs"]["potassium"]["value"] == 2.3
    assert out.notes == []


def test_with_a_reference_date_given_a_later_day_is_still_left_out_without_a_word(context: Any) -> None:
    out = read(context, patient(), potassium("k-later", "2025-07-01T09:00:00Z", 2.3), potassium("k-old", "2025-06-28", 4.2))
    assert out.answers["labs"]["potassium"]["value"] == 4.2
    assert out.notes == []


# -- 2. SNOMED CT conditions ---------------------------------------------------------------------


def test_a_woman_with_ckd_5_on_dialysis_hfref_and_type_2_diabetes_coded_in_snomed_has_them_read(context: Any) -> None:
    out = read(
        context,
        patient(),
        condition("c1", "714152005", "Chronic kidney disease stage 5 on dialysis"),
        condition("c2", "703272007", "Heart failure with reduced ejection fraction"),
        condition("c3", "313436004", "Type 2 diabetes mellitus without complication"),
        condition("c4", "90688005", "Chronic renal failure syndrome"),
    )
    assert out.answers["conditions"] == ["chronic_kidney_disease", "dialysis", "type_2_diabetes", "heart_failure"]
    assert out.notes == []


def test_an_unmapped_condition_named_like_kidney_disease_is_named_and_none_of_these_is_not_said(context: Any) -> None:
    out = read(context, patient(), condition("c1", "127013003", "Disorder of kidney due to diabetes mellitus"),
               condition("c2", "1234567008", "Diabetic nephropathy"))
    assert "conditions" not in out.answers
    assert any(
        note.startswith("Condition/c2 ('Diabetic nephropathy', http://snomed.info/sct|1234567008) may be chronic kidney disease")
        and "add its code to the mapping" in note
        for note in out.notes
    ), out.notes


def test_an_unrelated_condition_still_answers_none_of_these(context: Any) -> None:
    out = read(context, patient(), condition("c1", "444814009", "Viral sinusitis"))
    assert out.answers["conditions"] == []
    assert out.notes == []


def test_a_mapped_condition_beside_an_unmapped_suspect_one_is_read_and_the_other_named(context: Any) -> None:
    out = read(context, patient(), condition("c1", "44054006", "Diabetes mellitus type 2"), condition("c2", "1234567008", "Hypertensive renal disease"))
    assert out.answers["conditions"] == ["type_2_diabetes"]
    assert any("Condition/c2" in note and "may be chronic kidney disease or high blood pressure" in note for note in out.notes), out.notes


# -- 3 and 10. a potassium without its unit ------------------------------------------------------


def test_a_potassium_of_2_6_with_no_unit_is_read_as_mmol_per_l_with_a_warning(context: Any) -> None:
    out = read(context, patient(), potassium("k1", "2025-06-29", valueQuantity={"value": 2.6}))
    assert out.problems == []
    assert out.answers["labs"]["potassium"] == {"value": 2.6, "unit": "mmol/L", "taken": "last_7_days"}
    assert any(note.startswith("Observation/k1: the potassium result 2.6 (2025-06-29) is given without a unit") for note in out.notes)


@pytest.mark.parametrize("words", ["millimole per liter", "millimoles per litre", "mEq / L", "milliequivalents per liter"])
def test_a_potassium_with_its_unit_in_words_is_read(context: Any, words: str) -> None:
    out = read(context, patient(), potassium("k1", "2025-06-29", valueQuantity={"value": 2.6, "unit": words}))
    assert out.problems == []
    assert out.answers["labs"]["potassium"]["value"] == 2.6


def test_a_potassium_given_as_value_integer_is_read_not_called_a_result_with_no_number(context: Any) -> None:
    out = read(context, patient(), potassium("k1", "2025-06-28", valueInteger=3))
    assert out.answers["labs"]["potassium"] == {"value": 3, "unit": "mmol/L", "taken": "last_7_days"}
    assert not any("no number" in note for note in out.notes)


def test_a_magnesium_given_as_value_integer_is_not_used_and_says_why(context: Any) -> None:
    magnesium = fhir(
        "Observation", id="m1", status="final", subject=SUBJECT, effectiveDateTime="2025-06-28",
        code={"coding": [{"system": "http://loinc.org", "code": "19123-9"}]}, valueInteger=2,
    )
    out = read(context, patient(), magnesium)
    assert "labs" not in out.answers and out.problems == []
    assert any("given as valueInteger, without a unit" in note for note in out.notes), out.notes


def test_an_implausible_potassium_without_a_unit_is_still_a_problem(context: Any) -> None:
    out = read(context, patient(), potassium("k1", "2025-06-29", valueQuantity={"value": 26}))
    assert out.problems and "no unit" in out.problems[0].message


# -- 9. a mistyped LOINC system ------------------------------------------------------------------


@pytest.mark.parametrize("system", ["http://loinc.org/", "https://loinc.org"])
def test_a_potassium_coded_with_a_mistyped_loinc_system_is_read(context: Any, system: str) -> None:
    out = read(context, patient(), potassium("k1", "2025-06-29", 2.6, system=system))
    assert out.answers["labs"]["potassium"]["value"] == 2.6
    assert not any("coded in no LOINC" in note for note in out.notes)


def test_a_local_code_named_potassium_is_said_to_be_not_coded_in_loinc(context: Any) -> None:
    local = fhir(
        "Observation", id="k1", status="final", subject=SUBJECT, effectiveDateTime="2025-06-29",
        code={"coding": [{"system": "urn:local", "code": "K", "display": "Potassium"}]},
        valueQuantity={"value": 2.6, "unit": "mmol/L"},
    )
    out = read(context, patient(), local)
    assert any("is not coded in LOINC" in note for note in out.notes), out.notes


# -- 4. questionnaire references as a form server writes them ------------------------------------


def response(questionnaire: str, **more: Any) -> dict[str, Any]:
    return fhir(
        "QuestionnaireResponse",
        status="completed",
        questionnaire=questionnaire,
        item=[{"linkId": "age", "answer": [{"valueInteger": 70}]}, {"linkId": "diuretic_use", "answer": [{"valueCoding": {"code": "yes"}}]}],
        **more,
    )


def test_a_response_naming_a_contained_copy_of_our_questionnaire_is_read_without_a_warning(context: Any) -> None:
    contained = [{"resourceType": "Questionnaire", "id": "q", "url": OURS, "version": "3", "status": "active"}]
    out = response_to_answers(response("#q", contained=contained), context)
    assert out.problems == [] and out.notes == []
    assert out.answers["age"] == 70


@pytest.mark.parametrize("named", ["Questionnaire/123", "http://localhost:8080/fhir/Questionnaire/123"])
def test_a_response_naming_our_questionnaire_by_a_servers_id_is_read_with_a_warning(context: Any, named: str) -> None:
    out = response_to_answers(response(named), context)
    assert out.problems == []
    assert out.answers["diuretic_use"] == "yes"
    (note,) = out.notes
    assert f"names its questionnaire {named!r}" in note and "every question it answers is one of mgk-screen's" in note


def test_a_response_naming_our_questionnaire_with_http_is_read_with_a_warning(context: Any) -> None:
    out = response_to_answers(response(OURS.replace("https://", "http://") + "|3"), context)
    assert out.problems == [] and len(out.notes) == 1


def test_a_response_to_another_questionnaire_with_other_questions_is_refused_saying_how_to_proceed(context: Any) -> None:
    other = fhir(
        "QuestionnaireResponse", status="completed", questionnaire="Questionnaire/123",
        item=[{"linkId": "phq9_1", "answer": [{"valueInteger": 2}]}],
    )
    out = response_to_answers(other, context)
    assert out.problems[0].path == "$.questionnaire"
    assert "if that is mgk-screen's questionnaire as stored on your FHIR server" in out.problems[0].message


# -- through the screener, as `screen` reads a Bundle --------------------------------------------


def test_a_record_whose_potassium_has_no_unit_is_screened_not_refused(screener: Any) -> None:
    order = fhir(
        "MedicationRequest", id="mr1", status="active", intent="order", subject=SUBJECT,
        medicationCodeableConcept={"text": "furosemide 40 mg"},
    )
    bundle = fhir("Bundle", type="collection", entry=[{"resource": r} for r in (patient(), order, potassium("k1", "2025-06-29", valueQuantity={"value": 2.6}))])
    entry = screen_record_entry(Screener(screener.ruleset, as_of=AS_OF), bundle)
    assert entry["status"] == "screened"
    assert entry["potassium_depletion"] == "likely"
