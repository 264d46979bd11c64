"""Units and tabular readings (newcomer review 8, finding 2; interop review 8, findings 4, 7, 8).

A potassium given without its unit in an answers file, a sheet or the Python API; magnesium in
mg/L and µmol/L and a UCUM annotation in FHIR; a REDCap export whose lab columns cannot hold dots;
a Google Sheets decimal comma; a French medicine name with its form after a comma; JSON text
sequences (RFC 7464)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from screener.batch.readers import RawRecord, ReadItem, iter_records
from screener.batch.runner import record_entry
from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.screening.lab_units import why_read_as
from screener.screening.pipeline import Screener

AS_OF = date(2025, 6, 30)
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


@pytest.fixture(scope="module")
def on_the_day() -> Screener:
    return Screener(as_of=AS_OF)


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def entries(data: bytes, screener: Screener) -> list[dict[str, Any]]:
    return [record_entry(item, screener) for item in read(data)]  # type: ignore[arg-type]


# -- a potassium without its unit ------------------------------------------------------------------


def test_ann_whose_sheet_gives_a_potassium_of_2_3_without_a_unit_column_is_screened_as_an_emergency(on_the_day: Screener) -> None:
    data = b"id,age,labs.potassium.value,labs.potassium.taken\nann,70,2.3,last_7_days\nben,70,3.1,last_7_days\n"
    ann, ben = entries(data, on_the_day)
    assert ann["status"] == "screened" and ann["urgency"] == "emergency"
    assert ann["labs_used"][0]["unit"] == "mmol/L" and ann["labs_used"][0]["mmol_per_l"] == 2.3
    assert any("2.3 was given without a unit; it was read as mmol/L" in warning for warning in ann["warnings"])
    assert ben["status"] == "screened" and ben["potassium_depletion"] == "likely"


def test_a_notebook_user_screening_a_potassium_of_2_4_without_a_unit_gets_a_result_and_a_warning(on_the_day: Screener) -> None:
    result = on_the_day.screen({"age": 72, "labs": {"potassium": {"value": 2.4}}})
    assert result.labs_used[0].unit == "mmol/L"
    assert any(why_read_as("potassium") in warning for warning in result.warnings)


def test_a_potassium_bound_without_a_unit_is_read_as_a_value_is(on_the_day: Screener) -> None:
    result = on_the_day.screen({"age": 72, "labs": {"potassium": {"below": 2.5, "taken": "last_7_days"}}})
    assert result.urgency == "emergency"


def test_a_potassium_of_23_without_a_unit_is_screened_without_it_and_a_warning_says_why(on_the_day: Screener) -> None:
    answers, problems = on_the_day.check({"labs": {"potassium": {"value": 23}}})
    assert problems == [] and answers is not None  # the published schema accepts it: screened, never refused
    entry = on_the_day.screen_entry({"age": 70, "labs": {"potassium": {"value": 23, "taken": "last_7_days"}}})
    assert entry["status"] == "screened" and entry["labs_used"] == []
    assert entry["urgency"] != "emergency"  # 23 is not read as a potassium, high or low
    assert "labs" in entry["unanswered_sections"]  # no blood result was used
    [warning] = [warning for warning in entry["warnings"] if "potassium result 23" in warning]
    assert "without a unit and is not a plausible potassium in mmol/L or mEq/L" in warning
    assert "so it was not used" in warning and "give its unit (mmol/L or mEq/L)" in warning


def test_a_potassium_of_1_without_a_unit_is_not_used_beside_a_magnesium_that_is(on_the_day: Screener) -> None:
    entry = on_the_day.screen_entry(
        {"labs": {"potassium": {"value": 1.0}, "magnesium": {"value": 0.55, "unit": "mmol/L", "taken": "last_7_days"}}}
    )
    assert entry["status"] == "screened"
    assert [used["lab"] for used in entry["labs_used"]] == ["magnesium"]
    assert "labs" not in entry["unanswered_sections"]
    assert any("potassium result 1 was given without a unit" in warning for warning in entry["warnings"])


def test_a_magnesium_without_a_unit_stays_refused_and_the_refusal_names_the_units_it_takes(on_the_day: Screener) -> None:
    answers, problems = on_the_day.check({"labs": {"magnesium": {"value": 0.6}}})
    assert answers is None
    assert [(problem.path, problem.message) for problem in problems] == [
        ("$.labs.magnesium", "'unit' is required but missing: give labs.magnesium.unit, one of mmol/L, mEq/L, mg/dL")
    ]


def test_a_questionnaire_response_giving_only_when_the_potassium_was_taken_names_the_result_missing(
    on_the_day: Screener,
) -> None:
    # The unit being optional leaves the number as what makes a potassium whole: a "when taken"
    # alone is named, as a magnesium without its number is, not saved as a potassium of no number.
    from screener.fhir import answers_to_response, fhir_context, response_to_answers

    context = fhir_context(on_the_day.ruleset)
    response = answers_to_response({"age": 72, "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}}}, context)
    response["item"] = [item for item in response["item"] if item.get("linkId") != "lab_potassium"]
    [problem] = response_to_answers(response, context).problems
    assert problem.message.startswith("'Most recent potassium blood result' not answered")


def test_the_schema_lets_a_potassium_leave_its_unit_out_but_not_a_magnesium() -> None:
    from screener.contract.validation import load_schema

    defs = load_schema("answers.schema.json")["$defs"]
    assert "unit" not in defs["PotassiumLab"].get("required", [])
    assert "unit" in defs["MagnesiumLab"]["required"]


# -- FHIR units ------------------------------------------------------------------------------------


def observation(code: str, quantity: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "r1",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-06-29T08:00:00Z",
        "valueQuantity": quantity,
    }


def fhir_read(on_the_day: Screener, resource: dict[str, Any]) -> Conversion:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1950-01-01"}
    located = [Located(patient, "$.entry[0].resource"), Located(resource, "$.entry[1].resource")]
    return patient_to_answers(located, fhir_context(on_the_day.ruleset), AS_OF, "p1")


MAGNESIUM, POTASSIUM = "19123-9", "2823-3"


@pytest.mark.parametrize(
    ("quantity", "read_as"),
    [
        ({"value": 14, "unit": "mg/L", "system": UCUM, "code": "mg/L"}, {"value": 1.4, "unit": "mg/dL"}),
        ({"value": 18.5, "unit": "mg/l"}, {"value": 1.85, "unit": "mg/dL"}),
        ({"value": 550, "unit": "µmol/L", "system": UCUM, "code": "umol/L"}, {"value": 0.55, "unit": "mmol/L"}),
        ({"value": 620, "unit": "μmol/l"}, {"value": 0.62, "unit": "mmol/L"}),
    ],
)
def test_a_french_lab_magnesium_in_mg_per_l_or_micromoles_is_read_in_the_unit_it_is_a_scale_of(
    on_the_day: Screener, quantity: dict[str, Any], read_as: dict[str, Any]
) -> None:
    out = fhir_read(on_the_day, observation(MAGNESIUM, quantity))
    assert out.problems == []
    assert out.answers["labs"]["magnesium"] == {**read_as, "taken": "last_7_days"}
    assert any(f"was read as {read_as['value']:g} {read_as['unit']}" in note for note in out.notes)


def test_a_potassium_with_a_ucum_annotation_is_read_as_its_unit(on_the_day: Screener) -> None:
    out = fhir_read(on_the_day, observation(POTASSIUM, {"value": 2.6, "system": UCUM, "code": "mmol/L{serum}"}))
    assert out.problems == [] and out.answers["labs"]["potassium"] == {"value": 2.6, "unit": "mmol/L", "taken": "last_7_days"}


def test_an_annotation_alone_is_no_unit_and_mg_per_l_is_no_potassium_unit(on_the_day: Screener) -> None:
    out = fhir_read(on_the_day, observation(MAGNESIUM, {"value": 0.6, "system": UCUM, "code": "{serum}"}))
    assert [problem.message for problem in out.problems] == [
        "unknown unit '{serum}' for a magnesium result: expected one of mmol/L, meq/L, mg/dL, mg/L, umol/L"
    ]
    out = fhir_read(on_the_day, observation(POTASSIUM, {"value": 14, "system": UCUM, "code": "mg/L"}))
    assert [problem.message for problem in out.problems] == [
        "unknown unit 'mg/L' for a potassium result: expected one of mmol/L, meq/L, umol/L"
    ]


def test_a_fhir_potassium_without_a_unit_is_read_by_the_same_reading_as_the_answers(on_the_day: Screener) -> None:
    out = fhir_read(on_the_day, observation(POTASSIUM, {"value": 2.6}))
    assert out.answers["labs"]["potassium"]["unit"] == "mmol/L"
    assert any(why_read_as("potassium") in note for note in out.notes)


# -- sheets ----------------------------------------------------------------------------------------


def test_a_redcap_export_names_its_lab_columns_with_underscores_and_they_are_read(on_the_day: Screener) -> None:
    data = (
        b"id,age,medications,labs_potassium_value,labs_potassium_unit,labs_potassium_taken,alcohol_drinks_per_week\n"
        b"1,72,furosemide,2.9,mmol/L,last_7_days,3\n"
    )
    [item] = read(data)
    assert isinstance(item, RawRecord) and item.problems == ()
    assert item.value["labs"] == {"potassium": {"value": 2.9, "unit": "mmol/L", "taken": "last_7_days"}}
    assert item.value["alcohol"] == {"drinks_per_week": 3}


def test_a_lab_column_given_both_dotted_and_with_underscores_is_one_column_named_twice() -> None:
    [item] = read(b"id,labs.potassium.value,labs_potassium_value\n1,3.1,3.1\n")
    assert "appears twice" in str(item)


def test_a_google_sheet_in_a_comma_decimal_locale_quotes_its_decimal_comma_and_it_is_read(on_the_day: Screener) -> None:
    data = (
        b"id,age,medications,labs.potassium.value,labs.potassium.unit,labs.potassium.taken,"
        b"labs.magnesium.value,labs.magnesium.unit,labs.magnesium.taken\n"
        b'g1,72,furosemide,"2,9",mmol/L,last_7_days,"0,62",mmol/L,last_7_days\n'
    )
    [entry] = entries(data, on_the_day)
    assert entry["status"] == "screened"
    assert [(lab["lab"], lab["value"]) for lab in entry["labs_used"]] == [("potassium", 2.9), ("magnesium", 0.62)]


# -- medicine names, JSON text sequences -----------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["FUROSEMIDE 40 mg, comprimé sécable", "FUROSEMIDE 40 mg, comprimé pelliculé", "furosémide 40 mg, gélule à libération prolongée"],
)
def test_a_french_medicine_name_with_its_form_after_a_comma_is_one_medicine(on_the_day: Screener, written: str) -> None:
    result = on_the_day.screen({"age": 70, "medications": [written]})
    [medicine] = result.medications_recognised
    assert [match.generic for match in medicine.matches] == ["furosemide"] and medicine.unrecognised == []
    assert result.warnings == []


def test_json_text_sequences_with_a_record_separator_before_each_record_are_read(on_the_day: Screener) -> None:
    data = b'\x1e{"id": "j1", "age": 70}\n\x1e{"id": "j2", "age": 30}\n'
    found = entries(data, on_the_day)
    assert [(entry["status"], entry["id"]) for entry in found] == [("screened", "j1"), ("screened", "j2")]


def test_a_broken_record_of_a_json_text_sequence_is_named_by_its_line(on_the_day: Screener) -> None:
    data = b'\x1e{"id": "j1", "age": 70}\n\x1e{"id": "j2", "age": }\n'
    first, second = read(data)
    assert isinstance(first, RawRecord)
    assert "line 2" in str(second)


def test_spark_refuses_a_parquet_with_nanosecond_timestamps_in_one_line_before_spark_reads_it(tmp_path: Any) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from screener.errors import InputError
    from screener.spark.inputs import _check_parquet_types

    nanos = tmp_path / "form.parquet"
    pq.write_table(pa.table({"Timestamp": pa.array([0], pa.timestamp("ns", tz="Europe/Berlin")), "age": [70]}), nanos)
    with pytest.raises(InputError, match=r"column 'Timestamp' holds timestamps in nanoseconds, which Spark does not read\); try `mgk-screen batch`"):
        _check_parquet_types(str(nanos))
    micros = tmp_path / "micros.parquet"
    pq.write_table(pa.table({"Timestamp": pa.array([0], pa.timestamp("us", tz="UTC")), "age": [70]}), micros)
    _check_parquet_types(str(micros))
