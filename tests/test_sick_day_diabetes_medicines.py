"""Medicine sick-day rules cover diabetes medicines too: metformin, SGLT2 inhibitors and
sulfonylureas (the NHS Scotland Medicine Sick Day Rules card lists metformin; UK NHS leaflets and
the PAUSE consensus add SGLT2 inhibitors; Diabetes Canada's SADMANS list names sulfonylureas).
They join the `sick_day_medicines` advice the way NSAIDs do: they lose no potassium or magnesium,
so they raise no level and are no risk factor, and metformin and sulfonylureas raise no urgency.
SGLT2 inhibitors, since a clinician's review, make over 48 hours of gut losses a same-day contact
(ketoacidosis with a normal blood sugar: test_clinical_sick_day_lithium_glp1.py). Insulin is
recognised (it shifts potassium into cells, a shift the screen does not count) and is never on
the pause list: sick-day guidance is never to stop insulin. README, "Where we departed from the
written spec", says why, and `sick_day_rules` / `watson_2023` in rules/ruleset.json name the
sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_clinical_cases import check_always_true, codes, fired, levels, text_of

from screener import ScreeningResult
from screener.screening.medications import Vocabulary

RULES = Path(__file__).parents[1] / "rules" / "medications.json"
FIVE_DAYS_OF_VOMITING = {"present": True, "days": 5, "episodes_per_day": 3}
FOUR_DAYS_OF_DIARRHEA = {"present": True, "days": 4, "stools_per_day": 4}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def what_counts(result: ScreeningResult) -> tuple[Any, ...]:
    """Everything a medicine could raise: levels, urgency, risk factors, red flags, the urgency rules."""
    urgency_rules = {finding.rule for finding in result.findings if finding.step == "urgency"}
    return (levels(result), result.urgency, result.risk_factors, result.red_flags, urgency_rules)


def classes_of(result: ScreeningResult) -> set[str]:
    return {match.drug_class for entry in result.medications_recognised for match in entry.matches}


# -- the people the rules are for --------------------------------------------------------------


def test_gardener_on_metformin_vomiting_for_five_days_is_told_which_medicines_to_pause(screener: Any) -> None:
    gardener = {"age": 66, "sex": "male", "conditions": ["type_2_diabetes"], "vomiting": FIVE_DAYS_OF_VOMITING}
    on_metformin = screen(screener, {**gardener, "medications": ["metformin 500 mg twice daily"]})
    without = screen(screener, gardener)
    assert "sick_day_medicines" in codes(on_metformin)
    assert "metformin" in text_of(on_metformin, "sick_day_medicines")
    # the advice only: no level, urgency or risk factor moves because of metformin
    assert what_counts(on_metformin) == what_counts(without)
    assert "urgent_sick_day_rules" not in fired(on_metformin)
    assert "sick_day_medicines" not in codes(without)


def test_nurse_on_dapagliflozin_with_four_days_of_diarrhea_is_told_to_ask_about_pausing_it_today(screener: Any) -> None:
    nurse = {"age": 59, "sex": "female", "conditions": ["heart_failure"], "diarrhea": FOUR_DAYS_OF_DIARRHEA}
    on_dapagliflozin = screen(screener, {**nurse, "medications": ["Forxiga 10 mg"]})
    without = screen(screener, nurse)
    assert "sick_day_medicines" in codes(on_dapagliflozin)
    assert "whether to pause Forxiga while you are ill" in text_of(on_dapagliflozin, "sick_day_medicines")  # round 4
    # ketoacidosis: a same-day contact, and nothing else moves (no level, risk factor or red flag)
    assert on_dapagliflozin.urgency == "urgent"
    assert "urgent_sick_day_rules" in fired(on_dapagliflozin)
    assert levels(on_dapagliflozin) == levels(without)
    assert on_dapagliflozin.risk_factors == without.risk_factors


def test_taxi_driver_on_gliclazide_vomiting_for_five_days_is_told_to_ask_about_pausing_it(screener: Any) -> None:
    driver = {"age": 52, "sex": "male", "vomiting": FIVE_DAYS_OF_VOMITING}
    on_gliclazide = screen(screener, {**driver, "medications": ["gliclazide MR 60 mg"]})
    assert "sick_day_medicines" in codes(on_gliclazide)
    assert "whether to pause gliclazide while you are ill" in text_of(on_gliclazide, "sick_day_medicines")  # round 4
    assert what_counts(on_gliclazide) == what_counts(screen(screener, driver))


@pytest.mark.parametrize(
    ("product", "diabetes_classes"),
    [
        ("Synjardy 12.5 mg/1000 mg", {"sglt2_inhibitor", "metformin"}),
        ("Xigduo XR 10/1000", {"sglt2_inhibitor", "metformin"}),
        ("Janumet 50/1000", {"metformin"}),
        ("Glyxambi 10/5", {"sglt2_inhibitor"}),
        ("Glucovance 5/500", {"sulfonylurea", "metformin"}),
        ("Invokamet", {"sglt2_inhibitor", "metformin"}),
    ],
)
def test_retired_teacher_on_a_combination_diabetes_pill_with_diarrhea_gets_the_sick_day_advice(
    screener: Any, product: str, diabetes_classes: set[str]
) -> None:
    teacher = {"age": 71, "sex": "female", "diarrhea": FOUR_DAYS_OF_DIARRHEA}
    result = screen(screener, {**teacher, "medications": [product]})
    without = screen(screener, teacher)
    assert diabetes_classes <= classes_of(result)
    assert not [warning for warning in result.warnings if "medication" in warning.lower()]
    assert "sick_day_medicines" in codes(result)
    if "sglt2_inhibitor" in diabetes_classes:  # ketoacidosis: a same-day contact, nothing else moves
        assert result.urgency == "urgent"
        assert (levels(result), result.risk_factors) == (levels(without), without.risk_factors)
    else:
        assert what_counts(result) == what_counts(without)


@pytest.mark.parametrize(
    "baseline",
    [
        pytest.param(
            {"medications": ["prednisolone 10 mg"], "symptoms": ["muscle_weakness"]}, id="on a steroid with weakness"
        ),
        pytest.param(
            {"medications": ["omeprazole 20 mg"], "ppi_over_3_months": "yes", "symptoms": ["tremor"]},
            id="on a long-term PPI",
        ),
        pytest.param(
            {"labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}}},
            id="with a low potassium result",
        ),
        pytest.param(
            {"conditions": ["chronic_kidney_disease"], "medications": ["trimethoprim 200 mg"]},
            id="with kidney disease on trimethoprim",
        ),
    ],
)
@pytest.mark.parametrize("diabetes_medicine", ["metformin 1 g", "glimepiride 2 mg", "Ozempic 1 mg"])
def test_a_diabetes_medicine_on_the_sick_day_lists_changes_the_advice_and_nothing_else(
    screener: Any, baseline: dict[str, Any], diabetes_medicine: str
) -> None:
    # None of the baselines takes a medicine that brings the sick-day advice by itself (a diuretic,
    # a RAAS blocker, digoxin or an NSAID), so the advice is the diabetes medicine's doing. (An SGLT2
    # inhibitor also makes it a same-day contact: test_clinical_sick_day_lithium_glp1.py.)
    ill = {"age": 64, "vomiting": FIVE_DAYS_OF_VOMITING, **baseline}
    without = screen(screener, ill)
    with_it = screen(screener, {**ill, "medications": [*baseline.get("medications", []), diabetes_medicine]})
    assert what_counts(with_it) == what_counts(without)
    assert "sick_day_medicines" in codes(with_it)
    # The sick-day advice replaces "keep taking prescribed medicines", as it does for every sick-day medicine.
    added = set(codes(with_it)) - set(codes(without))
    removed = set(codes(without)) - set(codes(with_it))
    assert added <= {"sick_day_medicines"}
    assert removed <= {"keep_taking_prescribed_medicines"}


# -- only when ill for more than 48 hours --------------------------------------------------------


def test_man_on_metformin_and_empagliflozin_gets_the_sick_day_advice_only_once_vomiting_has_gone_on_over_48_hours(
    screener: Any,
) -> None:
    man = {"age": 57, "sex": "male", "medications": ["metformin 500 mg", "empagliflozin 10 mg"]}
    not_ill = screen(screener, man)
    two_days = screen(screener, {**man, "vomiting": {"present": True, "days": 2, "episodes_per_day": 3}})
    three_days = screen(screener, {**man, "vomiting": {"present": True, "days": 3, "episodes_per_day": 3}})
    assert "sick_day_medicines" not in codes(not_ill)
    assert "sick_day_medicines" not in codes(two_days)
    assert "sick_day_medicines" in codes(three_days)
    assert "sick_day_advice" not in fired(not_ill) | fired(two_days)


# -- insulin: recognised, never paused ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("insulin glargine 100 UNT/ML Pen Injector", "insulin glargine"),
        ("Lantus 20 units at night", "insulin glargine"),
        ("Toujeo SoloStar", "insulin glargine"),
        ("NovoRapid 6 units with meals", "insulin aspart"),
        ("Humalog 100 units/ml", "insulin lispro"),
        ("Tresiba 30 units", "insulin degludec"),
        ("Levemir", "insulin detemir"),
        ("Humulin N", "insulin"),
        # RxNorm text from Synthea records (tests/fhir/real)
        (
            "insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML Injectable Suspension [Humulin]",
            "insulin",
        ),
        (
            "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension [Humulin]",
            "insulin",
        ),
    ],
)
def test_insulin_as_people_and_ehrs_write_it_is_recognised_as_insulin(
    vocabulary: Vocabulary, text: str, generic: str
) -> None:
    match = vocabulary.match(text)
    assert [(drug.generic, drug.drug_class) for drug in match.drugs] == [(generic, "insulin")]
    assert match.unrecognised == ()


def test_woman_on_insulin_vomiting_for_four_days_is_not_told_to_pause_it(screener: Any) -> None:
    woman = {"age": 45, "sex": "female", "vomiting": {"present": True, "days": 4, "episodes_per_day": 3}}
    result = screen(screener, {**woman, "medications": ["Lantus 24 units at night", "NovoRapid 6 units with meals"]})
    without = screen(screener, woman)
    assert classes_of(result) == {"insulin"}
    assert result.warnings == []
    assert "sick_day_medicines" not in codes(result)
    assert "fluids_for_gi_losses" in codes(result)
    # insulin's own sick-day advice and same-day contact (test_clinical_insulin_and_type_1_diabetes.py);
    # nothing is counted for the levels
    assert "insulin_sick_day" in codes(result)
    assert (levels(result), result.risk_factors, result.red_flags) == (levels(without), without.risk_factors, without.red_flags)


def test_man_on_metformin_and_insulin_vomiting_for_five_days_is_told_not_to_stop_his_insulin(screener: Any) -> None:
    result = screen(
        screener,
        {
            "age": 62,
            "sex": "male",
            "medications": ["metformin 1 g bd", "Humulin N 20 units"],
            "vomiting": FIVE_DAYS_OF_VOMITING,
        },
    )
    advice = text_of(result, "sick_day_medicines")
    assert "metformin" in advice
    # Said once, in the insulin advice beside it (verify report M3: not again in the sick-day list).
    assert "Never stop taking your insulin" in text_of(result, "insulin_sick_day")
    assert "insulin" not in advice
    assert result.warnings == []


# -- "keep taking prescribed medicines" ----------------------------------------------------------


def test_man_whose_only_medicines_are_for_diabetes_is_not_asked_to_get_electrolyte_checks_for_them(
    screener: Any,
) -> None:
    """The keep-taking advice is for medicines that change magnesium or potassium, or that low
    levels make dangerous ("ask whether you need potassium and magnesium blood checks while you
    take it"). Metformin, SGLT2 inhibitors and sulfonylureas are neither; insulin's shift of
    potassium into cells does not call for routine checks, so it is not counted either."""
    result = screen(
        screener,
        {
            "age": 60,
            "sex": "male",
            "medications": ["metformin 500 mg", "Jardiance 25 mg", "gliclazide 80 mg", "Lantus 10 units"],
        },
    )
    assert classes_of(result) == {"metformin", "sglt2_inhibitor", "sulfonylurea", "insulin"}
    assert result.warnings == []
    assert "keep_taking_prescribed_medicines" not in codes(result)
    assert "sick_day_medicines" not in codes(result)
