"""One person's fluids and test advice reads as one plan (coherence review, 2026-11-30: H2, H8, M3, M2).

A clinician read whole results as a patient and a GP would, and found:

- dialysis, kidney disease or heart failure beside "an oral rehydration solution is best": the
  sachets contain potassium (Medscape UK monograph), and a person on dialysis or with heart failure
  often has a fluid allowance set by the kidney or heart team (Oxford Kidney Unit; Heart Failure
  Matters);
- "seek care if you cannot keep fluids down" for someone who said fluids will not stay down, and
  three routes of escalation beside "seek emergency care now"; a request for a routine magnesium
  test inside an emergency;
- two magnesium-test lines in a row, three fluid messages (insulin, pregnancy, general), and "keep
  taking the medicine" beside "do not stop a prescribed medicine on your own";
- a 4-year-old with gastroenteritis asked to have magnesium checked, and the adult fluids line
  repeating the child's own.
"""

from __future__ import annotations

from typing import Any

from result_support import codes, text_of

WOMAN_ON_DIALYSIS_VOMITING_FOR_THREE_DAYS = {
    "age": 64,
    "sex": "female",
    "medications": ["sevelamer", "alfacalcidol", "furosemide 80mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 3, "episodes_per_day": 4},
    "laxative_use": "none",
    "conditions": ["dialysis", "type_2_diabetes"],
    "symptoms": ["nausea_poor_appetite", "muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
}
FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING = {
    "age": 4,
    "sex": "male",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 3, "stools_per_day": 7},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 3},
    "laxative_use": "none",
    "symptoms": ["fatigue"],
    "red_flags_now": [],
    "supplements": [],
}
PREGNANT_WOMAN_WITH_TYPE_1_DIABETES_VOMITING = {
    "age": 29,
    "sex": "female",
    "pregnant": "yes",
    "medications": ["insulin aspart", "insulin glargine"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 3, "episodes_per_day": 5},
    "laxative_use": "none",
    "conditions": ["type_1_diabetes"],
    "symptoms": ["nausea_poor_appetite", "fatigue", "muscle_cramps"],
    "red_flags_now": [],
    "supplements": ["magnesium"],
}
YOUNG_MAN_WITH_TYPE_1_DIABETES_CONFUSED_NOW = {
    "age": 19,
    "sex": "male",
    "medications": ["insulin"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 8, "cannot_keep_fluids_down": True},
    "laxative_use": "none",
    "conditions": ["type_1_diabetes"],
    "symptoms": ["nausea_poor_appetite", "muscle_cramps"],
    "red_flags_now": ["new_confusion"],
    "supplements": [],
}
MAN_WITH_FLUIDS_NOT_STAYING_DOWN = {
    "age": 45,
    "sex": "male",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 6},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 5, "cannot_keep_fluids_down": True},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
}
TEENAGER_ON_ONDANSETRON_AND_CITALOPRAM_WITH_LOW_MAGNESIUM = {
    "age": 15,
    "sex": "female",
    "medications": ["ondansetron", "citalopram"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 3},
    "laxative_use": "none",
    "symptoms": ["fainting", "palpitations", "muscle_cramps"],
    "red_flags_now": [],
    "labs": {"magnesium": {"value": 0.65, "unit": "mmol/L", "taken": "last_7_days"}},
}
OLDER_WOMAN_ON_FUROSEMIDE_WITH_CRAMPS = {
    "age": 72,
    "sex": "female",
    "medications": ["furosemide 40 mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps", "fatigue"],
}


def _with(answers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**answers, **changes}


# -- H2: a fluid limit, and oral rehydration sachets that contain potassium ----------------------


def test_a_woman_on_dialysis_is_told_to_ask_her_kidney_team_which_drinks_not_that_rehydration_salts_are_best(
    screener: Any,
) -> None:
    text = text_of(screener.screen(WOMAN_ON_DIALYSIS_VOMITING_FOR_THREE_DAYS), "fluids_for_gi_losses")
    assert "kidney or heart team" in text and "which drinks" in text and "how much" in text
    assert "contain potassium" in text and "do not use the sachets unless they say so" in text
    assert "is best" not in text


def test_kidney_disease_and_heart_failure_bring_the_same_fluid_limit_advice(screener: Any) -> None:
    for condition in ("chronic_kidney_disease", "heart_failure"):
        answers = _with(WOMAN_ON_DIALYSIS_VOMITING_FOR_THREE_DAYS, conditions=[condition])
        assert "contain potassium" in text_of(screener.screen(answers), "fluids_for_gi_losses"), condition


def test_the_fluid_limit_advice_wins_over_fluids_not_staying_down(screener: Any) -> None:
    answers = _with(
        WOMAN_ON_DIALYSIS_VOMITING_FOR_THREE_DAYS,
        vomiting={"present": True, "days": 3, "episodes_per_day": 4, "cannot_keep_fluids_down": True},
    )
    text = text_of(screener.screen(answers), "fluids_for_gi_losses")
    assert "contain potassium" in text and "if you cannot keep fluids down" not in text


# -- H8: conditions already met, and an emergency that reads cleanly ----------------------------


def test_a_man_whose_fluids_will_not_stay_down_is_not_told_to_seek_care_if_they_will_not(screener: Any) -> None:
    result = screener.screen(MAN_WITH_FLUIDS_NOT_STAYING_DOWN)
    assert result.urgency == "urgent"
    text = text_of(result, "fluids_for_gi_losses")
    assert "if you cannot keep fluids down" not in text
    assert "fluids are not staying down" in text and "small sips" in text


def test_a_young_man_with_type_1_diabetes_confused_now_reads_one_emergency_route(screener: Any) -> None:
    result = screener.screen(YOUNG_MAN_WITH_TYPE_1_DIABETES_CONFUSED_NOW)
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"
    assert "fluids_for_gi_losses" not in codes(result), "'seek care if it goes on' beside an emergency"
    assert "check_magnesium_with_potassium" not in codes(result), "a routine test request inside an emergency"
    assert "check_magnesium" not in codes(result)
    insulin = text_of(result, "insulin_sick_day")
    assert "Never stop taking your insulin" in insulin and "tell the emergency team" in insulin
    assert "NHS 111" not in insulin and "Call your local emergency number" not in insulin


def test_insulin_with_fluids_not_staying_down_says_get_help_now_not_if(screener: Any) -> None:
    answers = _with(YOUNG_MAN_WITH_TYPE_1_DIABETES_CONFUSED_NOW, red_flags_now=[])
    result = screener.screen(answers)
    assert result.urgency == "urgent"
    insulin = text_of(result, "insulin_sick_day")
    assert "fluids are not staying down: get help straight away" in insulin
    assert "if you keep being sick and cannot keep fluids down" not in insulin
    assert "Call your local emergency number" in insulin, "the signs that need an ambulance stay"


# -- M3: one magnesium-test line, one fluids message, "do not stop" once --------------------------


def test_an_older_woman_on_furosemide_gets_one_magnesium_test_line_not_two(screener: Any) -> None:
    result = screener.screen(OLDER_WOMAN_ON_FUROSEMIDE_WITH_CRAMPS)
    assert result.magnesium_depletion in ("possible", "likely")
    assert result.potassium_depletion in ("possible", "likely")
    assert "check_magnesium" not in codes(result)
    text = text_of(result, "check_magnesium_with_potassium")
    # on a water pill the one line asks for potassium too (clinical leftovers, third round; verify 8)
    assert text.startswith("On a water pill, potassium needs checking while you take it")
    assert "a magnesium blood test" in text
    assert "whenever potassium is low" in text and "not part of routine blood panels" in text


def test_a_magnesium_test_alone_is_still_advised_when_potassium_is_not_in_question(screener: Any) -> None:
    normal_potassium = {"potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_7_days"}}
    answers = _with(OLDER_WOMAN_ON_FUROSEMIDE_WITH_CRAMPS, labs=normal_potassium)
    result = screener.screen(answers)
    assert (result.magnesium_depletion, result.potassium_depletion) == ("possible", "unlikely")
    assert "check_magnesium" in codes(result)
    assert "check_magnesium_with_potassium" not in codes(result)


def test_a_low_magnesium_result_is_followed_up_in_one_line_with_potassium(screener: Any) -> None:
    result = screener.screen(TEENAGER_ON_ONDANSETRON_AND_CITALOPRAM_WITH_LOW_MAGNESIUM)
    assert "check_magnesium_with_potassium" not in codes(result)
    assert "low potassium often will not correct until magnesium does" in text_of(result, "check_magnesium")


def test_a_pregnant_woman_with_type_1_diabetes_is_not_told_three_times_how_to_drink(screener: Any) -> None:
    result = screener.screen(PREGNANT_WOMAN_WITH_TYPE_1_DIABETES_VOMITING)
    assert {"insulin_sick_day", "pregnancy_vomiting", "fluids_for_gi_losses"} <= set(codes(result))
    text = text_of(result, "fluids_for_gi_losses")
    assert "oral rehydration solution" in text
    assert "Seek care if it goes on" not in text, "the insulin and pregnancy lines say when to get help"


def test_a_teenager_on_two_qt_medicines_is_told_not_to_stop_them_once(screener: Any) -> None:
    result = screener.screen(TEENAGER_ON_ONDANSETRON_AND_CITALOPRAM_WITH_LOW_MAGNESIUM)
    qt = text_of(result, "qt_drug_check")
    assert "heart tracing (ECG)" in qt and "Keep taking" not in qt
    assert "Do not stop a prescribed medicine on your own" in text_of(result, "keep_taking_prescribed_medicines")
    assert codes(result).index("qt_drug_check") < codes(result).index("keep_taking_prescribed_medicines")


def test_with_sick_day_advice_instead_of_keep_taking_the_qt_line_still_says_keep_taking(screener: Any) -> None:
    answers = _with(
        TEENAGER_ON_ONDANSETRON_AND_CITALOPRAM_WITH_LOW_MAGNESIUM,
        age=60,
        medications=["citalopram", "ramipril"],
        vomiting={"present": True, "days": 4, "episodes_per_day": 3},
    )
    result = screener.screen(answers)
    assert "keep_taking_prescribed_medicines" not in codes(result)
    assert "Keep taking the medicine unless they tell you otherwise" in text_of(result, "qt_drug_check")


# -- M2: a child's gastroenteritis -------------------------------------------------------------


def test_a_four_year_old_with_gastroenteritis_gets_the_child_advice_without_adult_lines(screener: Any) -> None:
    result = screener.screen(FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING)
    assert "child_dehydration_signs" in codes(result)
    assert "fluids_for_gi_losses" not in codes(result), "the child's own line says what to drink and when"
    assert "check_magnesium_with_potassium" not in codes(result)
    assert "check_magnesium" not in codes(result)


def test_a_teenager_with_gastroenteritis_still_gets_the_adult_fluids_advice(screener: Any) -> None:
    answers = _with(FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING, age=14)
    assert "fluids_for_gi_losses" in codes(screener.screen(answers))


def test_a_young_child_who_cannot_keep_fluids_down_is_given_no_food_list(screener: Any) -> None:
    """The adult food lists were already withheld when fluids will not stay down; the under-5
    versions (no whole nuts) were not. Found by the property that refeeding care and a food list
    never come together (a heavy drinker aged 0 in a generated record)."""
    four_year_old = {**FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING, "vomiting": {**FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING["vomiting"], "cannot_keep_fluids_down": True}}
    result = screener.screen(four_year_old)
    assert "child_dehydration_signs" in codes(result)
    assert "food_sources" not in codes(result)
    assert "food_sources" in codes(screener.screen(FOUR_YEAR_OLD_WITH_DIARRHEA_AND_VOMITING)), "fluids staying down: the child's food list"
