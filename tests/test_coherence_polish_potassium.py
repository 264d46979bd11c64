"""Coherence review (2026-11-30), after the merge: a potassium result read beside the rest of the
advice (verifier's report, section A: A1, A2, A3, A4, A5 and the food list of A9).

- A1: with a current high potassium, the fluids line for diarrhea or vomiting does not call an
  oral rehydration solution "best" (the sachets contain potassium);
- A2: the line for a potassium of 6.0 or more names only the symptoms the person reported;
- A3: "do not stop a prescribed medicine" is said once, not in back-to-back lines;
- A4: the low-magnesium line does not explain low potassium beside a high one;
- A5: no "repeat/recheck within days" inside an emergency or same-day result;
- A9: no food list beside a potassium result that needs a clinician today.

The reasons and sources are in the README ("Coherence review", "After the merge: potassium").
"""

from __future__ import annotations

from typing import Any

from result_support import all_advice, codes, flat, rules_fired, text_of
from test_clinical_cases import check_always_true

from screener import ScreeningResult

ORS_BEST = "an oral rehydration solution is best"
NO_SACHETS = "do not use oral rehydration sachets (such as Dioralyte) unless a clinician says so"
LOW_K_CLAUSE = "low potassium often will not correct until magnesium does"


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def lab(value: float, taken: str | None = "last_7_days") -> dict[str, Any]:
    return {"value": value, "unit": "mmol/L", **({"taken": taken} if taken else {})}


def quiet(**answers: Any) -> dict[str, Any]:
    """An adult who answered every core section, with nothing to report but what is given."""
    base: dict[str, Any] = {
        "age": 55,
        "sex": "male",
        "medications": [],
        "alcohol": {"drinks_per_week": 0},
        "diarrhea": {"present": False},
        "vomiting": {"present": False},
        "laxative_use": "none",
        "conditions": [],
        "symptoms": [],
        "red_flags_now": [],
        "supplements": [],
    }
    return {**base, **answers}


# Dmitri (verifier's case 05): heavy drinker on spironolactone, diarrhea and vomiting, K 6.1,
# weak and nauseous, no palpitations.
DMITRI = quiet(
    age=49,
    medications=["spironolactone 100mg", "propranolol 40mg"],
    alcohol={"drinks_per_week": 50},
    diarrhea={"present": True, "days": 5, "stools_per_day": 3},
    vomiting={"present": True, "days": 2, "episodes_per_day": 2},
    symptoms=["tremor", "muscle_weakness", "nausea_poor_appetite"],
    labs={"potassium": lab(6.1), "magnesium": lab(0.58)},
)


# -- A1: oral rehydration sachets beside a high potassium ------------------------------------------
def test_dmitri_with_a_potassium_of_6_1_and_diarrhea_is_told_not_to_use_rehydration_sachets(screener: Any) -> None:
    result = screen(screener, DMITRI)
    assert "recommend_fluids_for_gi_losses_high_potassium_result" in rules_fired(result)
    text = flat(text_of(result, "fluids_for_gi_losses"))
    assert NO_SACHETS in text
    assert ORS_BEST not in all_advice(result)


def test_dmitri_with_a_normal_potassium_is_still_told_a_rehydration_solution_is_best(screener: Any) -> None:
    result = screen(screener, {**DMITRI, "labs": {"potassium": lab(4.2), "magnesium": lab(0.58)}})
    assert ORS_BEST in flat(text_of(result, "fluids_for_gi_losses"))


def test_a_high_potassium_with_kidney_disease_keeps_the_kidney_team_fluid_limit_line(screener: Any) -> None:
    result = screen(screener, {**DMITRI, "conditions": ["chronic_kidney_disease"]})
    text = flat(text_of(result, "fluids_for_gi_losses"))
    assert "how much to drink may be limited" in text
    assert ORS_BEST not in all_advice(result)


def test_a_pregnant_woman_being_sick_with_a_high_potassium_is_not_told_a_rehydration_solution_is_best(
    screener: Any,
) -> None:
    answers = quiet(
        sex="female",
        age=30,
        pregnant="yes",
        vomiting={"present": True, "days": 2, "episodes_per_day": 3},
        labs={"potassium": lab(5.6)},
    )
    result = screen(screener, answers)
    assert NO_SACHETS in flat(text_of(result, "fluids_for_gi_losses"))
    assert "oral rehydration solution (from a pharmacy) is best" not in all_advice(result)


# -- A2: the symptoms named are the person's own -------------------------------------------------
def test_dmitri_is_told_of_his_weakness_and_nausea_and_not_of_palpitations_he_did_not_report(screener: Any) -> None:
    text = flat(text_of(screen(screener, DMITRI), "high_potassium_result"))
    assert "You reported muscle weakness and nausea or poor appetite, which a high potassium can cause" in text
    assert "palpitations" not in text


def test_a_potassium_of_6_2_with_palpitations_alone_names_palpitations_alone(screener: Any) -> None:
    result = screen(screener, quiet(medications=["ramipril"], symptoms=["palpitations"], labs={"potassium": lab(6.2)}))
    text = flat(text_of(result, "high_potassium_result"))
    assert "You reported palpitations, which a high potassium can cause" in text
    assert "weakness" not in text


# -- A5: no "within days" inside an emergency or same-day result ---------------------------------
# Ravi (vignette 40): chest pain now, K 5.8 undated, on losartan and spironolactone.
RAVI = quiet(
    age=61,
    medications=["losartan 100mg", "spironolactone 50mg"],
    symptoms=["palpitations"],
    red_flags_now=["chest_pain"],
    labs={"potassium": lab(5.8, taken=None)},
)


def test_ravi_with_chest_pain_now_and_a_potassium_of_5_8_is_not_told_to_repeat_it_within_days(screener: Any) -> None:
    result = screen(screener, RAVI)
    assert result.urgency == "emergency"
    text = flat(text_of(result, "high_potassium_result"))
    assert "within days" not in all_advice(result)
    assert "tell the clinician about this result" in text


def test_ravi_with_chest_pain_now_and_a_potassium_of_6_2_is_not_sent_to_a_clinician_today_inside_an_emergency(
    screener: Any,
) -> None:
    result = screen(screener, {**RAVI, "labs": {"potassium": lab(6.2)}})
    assert result.urgency == "emergency"
    text = flat(text_of(result, "high_potassium_result"))
    assert "contact a clinician today" not in text
    assert "tell the clinician about this result" in text


def test_a_potassium_of_6_7_keeps_its_own_emergency_line(screener: Any) -> None:
    result = screen(screener, {**RAVI, "labs": {"potassium": lab(6.7)}})
    assert "is the reason for the emergency advice" in flat(text_of(result, "high_potassium_result"))


def test_a_potassium_of_6_2_alone_keeps_its_same_day_line(screener: Any) -> None:
    result = screen(screener, {**RAVI, "red_flags_now": [], "labs": {"potassium": lab(6.2)}})
    assert result.urgency == "urgent"
    assert "a reason to contact a clinician today" in flat(text_of(result, "high_potassium_result"))


def test_ravi_without_chest_pain_or_palpitations_is_still_told_to_repeat_a_potassium_of_5_8_within_days(
    screener: Any,
) -> None:
    # With his palpitations, losartan and spironolactone make 5.8 same-day (review 4, M2:
    # tests/test_causes_from_medicines.py); without a symptom the band's "within days" stands.
    result = screen(screener, {**RAVI, "red_flags_now": [], "symptoms": []})
    assert result.urgency == "soon"
    assert "It should be repeated within days" in flat(text_of(result, "high_potassium_result"))


def test_a_potassium_of_5_7_with_fluids_not_staying_down_is_not_told_to_repeat_it_within_days(screener: Any) -> None:
    answers = quiet(
        medications=["ramipril"],
        vomiting={"present": True, "days": 1, "episodes_per_day": 6, "cannot_keep_fluids_down": True},
        labs={"potassium": lab(5.7)},
    )
    result = screen(screener, answers)
    assert result.urgency == "urgent"
    assert "within days" not in flat(text_of(result, "high_potassium_result"))


# Lena: kidney disease and ramipril, K 3.2, chest pain now (like coherence case 10).
LENA = quiet(
    sex="female",
    medications=["ramipril"],
    conditions=["chronic_kidney_disease"],
    red_flags_now=["chest_pain"],
    labs={"potassium": lab(3.2)},
)


def test_lena_with_chest_pain_now_and_a_low_potassium_is_not_told_of_a_recheck_within_days(screener: Any) -> None:
    result = screen(screener, LENA)
    assert result.urgency == "emergency"
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert "within days" not in text
    assert "tell the clinician about this result" in text
    assert "Do not start potassium yourself" in text


def test_lena_without_chest_pain_is_still_told_of_a_recheck_within_days(screener: Any) -> None:
    result = screen(screener, {**LENA, "red_flags_now": []})
    assert "a recheck of your potassium within days" in flat(text_of(result, "no_potassium_self_supplement"))


# -- A4: the low-magnesium line beside a high potassium ------------------------------------------
# Grace (coherence case 02): ramipril, tacrolimus, omeprazole for years, K 5.7, Mg 0.58.
GRACE = quiet(
    sex="female",
    medications=["ramipril 10mg", "tacrolimus 2mg", "omeprazole 20mg"],
    ppi_over_3_months="yes",
    conditions=["high_blood_pressure"],
    symptoms=["muscle_cramps", "tremor"],
    labs={"potassium": lab(5.7), "magnesium": lab(0.58)},
)


def test_grace_with_a_high_potassium_is_not_told_that_low_potassium_waits_on_magnesium(screener: Any) -> None:
    result = screen(screener, GRACE)
    text = flat(text_of(result, "check_magnesium"))
    assert text.startswith("A low magnesium result needs follow-up")
    assert LOW_K_CLAUSE not in all_advice(result)


def test_grace_with_a_low_potassium_is_told_that_low_potassium_waits_on_magnesium(screener: Any) -> None:
    result = screen(screener, {**GRACE, "labs": {"potassium": lab(3.2), "magnesium": lab(0.58)}})
    assert LOW_K_CLAUSE in flat(text_of(result, "check_magnesium"))


# -- A3: "do not stop a prescribed medicine" once -------------------------------------------------
def times_told_not_to_stop(result: ScreeningResult) -> int:
    advice = all_advice(result).lower()
    return advice.count("do not stop a prescribed medicine")


def test_grace_is_told_once_not_to_stop_her_prescribed_medicines(screener: Any) -> None:
    result = screen(screener, GRACE)
    assert times_told_not_to_stop(result) == 1
    assert "do not stop it on your own" not in all_advice(result).lower()
    # The medicines line still asks about the result and her stomach-acid medicine.
    text = flat(text_of(result, "keep_taking_prescribed_medicines"))
    assert "about your potassium result" in text
    assert "ask whether you still need it" in text


def test_lena_with_a_low_potassium_on_ramipril_is_told_once_not_to_stop_her_prescribed_medicines(
    screener: Any,
) -> None:
    result = screen(screener, {**LENA, "red_flags_now": []})
    assert times_told_not_to_stop(result) == 1


def test_a_low_potassium_on_furosemide_alone_still_hears_not_to_stop_it(screener: Any) -> None:
    result = screen(screener, quiet(medications=["furosemide"], labs={"potassium": lab(3.2)}))
    assert "no_potassium_self_supplement" not in codes(result)
    assert flat(text_of(result, "keep_taking_prescribed_medicines")).startswith("Do not stop a prescribed medicine")


def test_a_long_term_ppi_with_a_low_magnesium_says_do_not_stop_once_in_its_line(screener: Any) -> None:
    answers = quiet(medications=["omeprazole"], ppi_over_3_months="yes", labs={"magnesium": lab(0.55)})
    text = flat(text_of(screen(screener, answers), "keep_taking_prescribed_medicines"))
    assert text.lower().count("do not stop") == 1
    assert "your stomach-acid medicine included" in text


# -- A9: no food list beside a potassium that needs a clinician today ----------------------------
# Omar (verifier's case 01): dialysis and heart failure, vomiting, K 6.3.
OMAR = quiet(
    age=58,
    medications=["furosemide 80mg", "ramipril 5mg"],
    vomiting={"present": True, "days": 2, "episodes_per_day": 5},
    conditions=["dialysis", "heart_failure"],
    symptoms=["muscle_weakness", "nausea_poor_appetite", "palpitations"],
    labs={"potassium": lab(6.3)},
)


def test_omar_on_dialysis_with_a_potassium_of_6_3_gets_no_food_list(screener: Any) -> None:
    result = screen(screener, OMAR)
    assert "food_sources" not in codes(result)


def test_omar_with_a_potassium_of_5_2_still_gets_the_food_list_with_its_potassium_caution(screener: Any) -> None:
    result = screen(
        screener, {**OMAR, "vomiting": {"present": False}, "labs": {"potassium": lab(5.2), "magnesium": lab(0.6)}}
    )
    assert "check potassium-rich foods" in flat(text_of(result, "food_sources"))


def test_omar_with_a_potassium_of_6_3_from_three_weeks_ago_gets_no_food_list_either(screener: Any) -> None:
    result = screen(screener, {**OMAR, "vomiting": {"present": False}, "labs": {"potassium": lab(6.7, "last_30_days")}})
    assert result.urgency == "urgent"
    assert "food_sources" not in codes(result)


def test_an_adult_with_a_low_potassium_of_2_7_keeps_the_food_list(screener: Any) -> None:
    # The food list is withheld beside a high potassium only: a low one is what the foods raise.
    result = screen(
        screener, quiet(medications=["furosemide"], symptoms=["muscle_cramps"], labs={"potassium": lab(2.7)})
    )
    assert result.urgency == "urgent"
    assert "food_sources" in codes(result)
