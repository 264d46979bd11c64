"""The answers and result contract: published schemas, validation messages, round trips."""

from __future__ import annotations

import json

import pytest

from screener.contract.answers import Answers
from screener.contract.publish import SCHEMA_DIR, generated_schemas, render
from screener.contract.result import ScreeningResult
from screener.contract.validation import load_schema


@pytest.mark.parametrize("name", ["answers.schema.json", "result.schema.json"])
def test_shipped_schema_matches_the_models(name: str) -> None:
    shipped = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert shipped == render(generated_schemas()[name]), (
        f"screener/schemas/{name} is stale: run `python -m screener.contract --write`"
    )


def test_answers_schema_rejects_unknown_fields_everywhere() -> None:
    schema = load_schema("answers.schema.json")
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition.get("additionalProperties") is False, name


def test_a_full_record_round_trips_through_the_model() -> None:
    record = {
        "id": "p-1",
        "age": 70,
        "sex": "female",
        "medications": ["Lasix 40 mg", "omeprazole"],
        "diuretic_use": "yes",
        "ppi_over_3_months": "yes",
        "alcohol": {"drinks_per_week": 3, "audit_c": {"frequency": 2, "quantity": 0, "binge": 0}},
        "diarrhea": {"present": True, "days": 4, "stools_per_day": 5},
        "vomiting": {"present": True, "days": 1, "episodes_per_day": 2, "cannot_keep_fluids_down": False},
        "laxative_use": "occasional",
        "laxative_type": "osmotic",
        "diet": {"processed_food": "sometimes", "fruit_veg_servings": 2.5},
        "conditions": ["type_2_diabetes"],
        "symptoms": ["muscle_cramps"],
        "red_flags_now": [],
        "supplements": ["magnesium"],
        "low_potassium_despite_supplements": False,
        "labs": {
            "potassium": {"value": 3.4, "unit": "mmol/L", "taken": "last_7_days"},
            "magnesium": {"value": 1.7, "unit": "mg/dL"},
        },
    }
    answers = Answers.model_validate(record)
    assert answers.model_dump(mode="json", exclude_none=True) == {**record, "diet": {"processed_food": "sometimes", "fruit_veg_servings": 2.5}}


def test_an_integer_id_is_turned_into_its_string(screener) -> None:  # type: ignore[no-untyped-def]
    assert screener.screen({"id": 42}).id == "42"


def test_a_result_round_trips_through_json(screener) -> None:  # type: ignore[no-untyped-def]
    result = screener.screen({"medications": ["furosemide"], "symptoms": ["muscle_cramps"]})
    again = ScreeningResult.model_validate_json(result.model_dump_json())
    assert again == result


def test_a_result_validates_against_the_published_result_schema(screener) -> None:  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    result = screener.screen({"age": 80, "medications": ["HCTZ"], "labs": {"potassium": {"value": 3.1, "unit": "mEq/L"}}})
    Draft202012Validator(load_schema("result.schema.json")).validate(result.model_dump(mode="json", exclude_none=True))


def _problems(screener, record):  # type: ignore[no-untyped-def]
    answers, problems = screener.check(record)
    assert answers is None
    return {p.path: p.message for p in problems}


def test_every_error_of_a_record_is_reported_with_its_path(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"age": 130, "sex": "F", "sympoms": ["fatigue"], "labs": {"magnesium": {"value": 0.6}}})
    assert problems == {
        "$.age": "must be at most 120, got 130",
        "$.sex": "unknown value \"F\" (did you mean 'female'?): expected one of 'female', 'male', 'other'",
        "$.sympoms": "unknown field 'sympoms' (did you mean 'symptoms'?)",
        "$.labs.magnesium": "'unit' is required but missing: give labs.magnesium.unit, one of mmol/L, mEq/L, mg/dL",
    }


def test_an_unknown_code_suggests_the_nearest(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"symptoms": ["fatigue", "muscle_cramp"]})
    assert "did you mean 'muscle_cramps'?" in problems["$.symptoms[1]"]


@pytest.mark.parametrize(
    ("given", "nearest"),
    [({"sex": "M"}, "male"), ({"sex": "Female"}, "female"), ({"diuretic_use": "not sure"}, "unsure"), ({"diuretic_use": "Y"}, "yes")],
)
def test_a_choice_written_in_another_case_or_cut_short_suggests_the_one_it_fits(screener, given, nearest) -> None:  # type: ignore[no-untyped-def]
    (message,) = _problems(screener, given).values()
    assert f"(did you mean '{nearest}'?)" in message


def test_a_choice_given_as_true_or_a_number_names_the_values_it_takes(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"diuretic_use": True, "diet": {"processed_food": 3}})
    assert problems == {
        "$.diuretic_use": "expected one of 'yes', 'no', 'unsure', got true",
        "$.diet.processed_food": "expected one of 'rarely', 'sometimes', 'most_days', got 3",
    }


def test_details_of_a_symptom_marked_absent_are_an_error(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"diarrhea": {"present": False, "days": 3}})
    assert problems == {"$.diarrhea.days": "not allowed when 'present' is false: leave it out"}


def test_audit_c_never_drinking_with_a_quantity_score_is_an_error(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"alcohol": {"audit_c": {"frequency": 0, "quantity": 2, "binge": 0}}})
    assert problems == {"$.alcohol.audit_c.quantity": "must be 0 when frequency is 0 ('never')"}


def test_potassium_in_mg_per_dl_is_refused(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"labs": {"potassium": {"value": 14, "unit": "mg/dL"}}})
    assert 'unit "mg/dL" is not used for potassium' in problems["$.labs.potassium.unit"]


def test_an_implausible_value_after_conversion_asks_to_check_the_unit(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"labs": {"magnesium": {"value": 12.5, "unit": "mg/dL"}}})
    assert problems == {
        "$.labs.magnesium.value": "implausible magnesium value 12.5 mg/dL = 5.14 mmol/L (plausible: 0.2-5 mmol/L): check the unit"
    }


def test_wrong_types_say_what_was_expected(screener) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, {"age": "70", "diarrhea": {"present": "yes"}, "medications": "Lasix"})
    assert problems == {
        "$.age": 'expected a whole number, got "70": write it without quotes (70)',
        "$.diarrhea.present": 'expected true or false, got "yes"',
        "$.medications": 'expected an array, got "Lasix"',
    }


@pytest.mark.parametrize("value", [[], 3, "text", None, [1, 2]])
def test_a_record_that_is_not_an_object_is_invalid_not_a_crash(screener, value) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(screener, value)
    assert list(problems) == ["$"]


def test_null_means_not_answered(screener) -> None:  # type: ignore[no-untyped-def]
    result = screener.screen({"age": None, "diarrhea": {"present": None}})
    assert "age" in result.unanswered_sections and "diarrhea" in result.unanswered_sections


def test_schema_command_prints_the_shipped_schema() -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    run = CliRunner().invoke(app, ["schema", "answers"])
    assert run.exit_code == 0
    assert json.loads(run.output) == load_schema("answers.schema.json")
