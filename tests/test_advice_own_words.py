"""Advice in the person's own words (round 4): a child's potassium caution written to the parent,
a declared salt substitute stopped by name, the sick-day list naming the person's own medicines,
no advice acting on a magnesium the screen itself says is probably in the wrong unit,
multivitamins with magnesium read as what they are, and a water pill of unknown type with the
food list's potassium caution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from result_support import all_advice, codes, flat, text_of

RULES = Path(__file__).resolve().parent.parent / "rules"


def screen(screener: Any, **answers: Any) -> Any:
    return screener.screen(answers)


LOW_POTASSIUM = {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}


# -- 1. A child's low-potassium caution speaks to the parent, and names only what the child has ----


def test_an_eight_year_old_with_kidney_disease_and_no_medicines_is_not_told_about_his_medicines(screener: Any) -> None:
    result = screen(
        screener, age=8, sex="male", medications=[], conditions=["chronic_kidney_disease"], symptoms=["fatigue"],
        diarrhea={"present": False}, vomiting={"present": False}, labs=LOW_POTASSIUM,
    )
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert text.startswith("The child's potassium result is low, but with chronic kidney disease the body can keep potassium")
    assert "recheck of the child's potassium within days" in text
    assert "Do not give the child potassium yourself" in text
    for not_said in ("medicine", "Your potassium", "your potassium", "yourself (potassium pills"):
        assert not_said not in text.replace("potassium medicines", "")


def test_a_child_with_kidney_disease_and_diarrhea_sent_to_a_clinician_today_is_told_to_mention_the_result(screener: Any) -> None:
    result = screen(  # under 5 with more than 5 loose stools a day: NICE CG84's same-day group
        screener, age=4, sex="male", medications=[], conditions=["chronic_kidney_disease"],
        diarrhea={"present": True, "days": 3, "stools_per_day": 6}, vomiting={"present": True, "days": 1, "episodes_per_day": 2},
        laxative_use="none", symptoms=["muscle_cramps", "fatigue"], red_flags_now=[], supplements=[], labs=LOW_POTASSIUM,
    )
    assert result.urgency == "urgent"
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert "when the child gets the care advised above, tell the clinician about this result." in text
    assert "within days" not in text and "every medicine" not in text and "one of your medicines" not in text


def test_a_child_on_enalapril_hears_the_enalapril_named_and_not_to_stop_it(screener: Any) -> None:
    result = screen(
        screener, age=9, sex="female", medications=["enalapril 2.5mg"], conditions=["chronic_kidney_disease"],
        diarrhea={"present": False}, vomiting={"present": False}, labs=LOW_POTASSIUM,
    )
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert "but with chronic kidney disease and enalapril the body can keep potassium" in text
    assert "do not stop the child's medicines without asking the prescriber" in text


def test_a_woman_with_kidney_disease_alone_is_told_her_kidney_disease_not_one_of_her_medicines(screener: Any) -> None:
    result = screen(
        screener, age=55, sex="female", medications=[], conditions=["chronic_kidney_disease"],
        diarrhea={"present": False}, vomiting={"present": False}, labs=LOW_POTASSIUM,
    )
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert text.startswith("Your potassium result is low, but with chronic kidney disease the body can keep potassium")
    assert "one of your medicines" not in text


def test_the_medicines_that_keep_potassium_are_one_list_in_both_rules() -> None:
    rules = {rule["id"]: rule for rule in json.loads((RULES / "derived_facts.json").read_text())["rules"]}
    # A potassium binder is a reason for the caution (the body tends to keep potassium), not a medicine
    # that keeps it: the child's line does not name it as one (review 5, g4).
    caution = [
        test for test in rules["k_retention_caution"]["when"]["any"]
        if test["fact"].startswith("medication_class.") and test["fact"] != "medication_class.potassium_binder"
    ]
    assert rules["child_on_a_medicine_that_keeps_potassium"]["when"] == {"all": [{"fact": "age", "lt": 12}, {"any": caution}]}


# -- 2. A salt substitute the person declared is stopped by name, not "if you use one" ------------


def high_potassium(value: float) -> dict[str, Any]:
    return {"potassium": {"value": value, "unit": "mmol/L", "taken": "last_7_days"}}


SALT_STOP = "Stop using the salt substitute you said you use, now"
SALT_IF = "If you use a salt substitute (such as LoSalt or NoSalt) or take potassium pills you chose yourself, stop them now."


def test_a_man_on_ramipril_who_uses_losalt_with_a_potassium_of_5_7_is_told_to_stop_it(screener: Any) -> None:
    result = screen(screener, age=66, sex="male", medications=["ramipril", "LoSalt"], labs=high_potassium(5.7))
    text = flat(text_of(result, "high_potassium_result"))
    assert "It should be repeated within days" in text
    assert SALT_STOP in text and SALT_IF not in text


def test_a_woman_who_ticked_salt_substitute_with_a_potassium_of_6_2_and_weakness_is_told_to_stop_it(screener: Any) -> None:
    result = screen(
        screener, age=58, sex="female", medications=["lisinopril"], supplements=["salt_substitute"],
        symptoms=["muscle_weakness"], labs=high_potassium(6.2),
    )
    text = flat(text_of(result, "high_potassium_result"))
    assert "You reported muscle weakness" in text and "heart tracing (ECG) today" in text
    assert SALT_STOP in text and SALT_IF not in text


def test_a_salt_substitute_beside_emergency_advice_for_chest_pain_keeps_the_beside_urgent_line(screener: Any) -> None:
    result = screen(
        screener, age=70, sex="male", medications=["spironolactone"], supplements=["salt_substitute"],
        red_flags_now=["chest_pain"], labs=high_potassium(6.2),
    )
    assert result.urgency == "emergency"
    text = flat(text_of(result, "high_potassium_result"))
    assert "When you get the care advised above" in text and SALT_STOP in text


def test_a_potassium_of_6_7_with_losalt_is_the_emergency_line_with_the_stop(screener: Any) -> None:
    result = screen(screener, age=80, sex="female", medications=["LoSalt"], labs=high_potassium(6.7))
    text = flat(text_of(result, "high_potassium_result"))
    assert "the reason for the emergency advice" in text and SALT_STOP in text


def test_a_man_with_a_potassium_of_5_7_who_declared_no_salt_substitute_keeps_the_conditional(screener: Any) -> None:
    result = screen(screener, age=66, sex="male", medications=["ramipril"], supplements=[], labs=high_potassium(5.7))
    text = flat(text_of(result, "high_potassium_result"))
    assert SALT_IF in text and SALT_STOP not in text


# -- 3. The sick-day list names the person's own medicines -----------------------------------------

FOUR_DAYS_OF_DIARRHEA = {"present": True, "days": 4, "stools_per_day": 5}


def test_a_man_on_lisinopril_alone_is_asked_about_his_lisinopril_not_every_class(screener: Any) -> None:
    result = screen(screener, age=60, sex="male", medications=["lisinopril 10mg"], diarrhea=FOUR_DAYS_OF_DIARRHEA)
    text = flat(text_of(result, "sick_day_medicines"))
    assert "whether to pause lisinopril while you are ill" in text
    for not_his in ("sacubitril", "aliskiren", "semaglutide", "gliclazide", "dapagliflozin"):
        assert not_his not in text


def test_a_woman_on_lasix_ramipril_ibuprofen_and_omeprazole_hears_her_two_sick_day_medicines_and_ibuprofen_in_its_own_line(
    screener: Any,
) -> None:
    # An NSAID is left off while ill (its own line), never "ask whether to pause" (catalogue review 9, F5).
    result = screen(
        screener, age=72, sex="female", medications=["Lasix 40mg", "ramipril", "ibuprofen", "omeprazole"],
        diarrhea=FOUR_DAYS_OF_DIARRHEA,
    )
    text = flat(text_of(result, "sick_day_medicines"))
    assert "whether to pause Lasix and ramipril while you are ill" in text
    assert "omeprazole" not in text and "pause Lasix, ramipril and ibuprofen" not in text
    assert "such as the ibuprofen you listed" in flat(text_of(result, "avoid_nsaids_while_ill"))


def test_an_insulin_user_is_not_asked_whether_to_pause_insulin(screener: Any) -> None:
    result = screen(screener, age=50, medications=["metformin", "NovoRapid"], diarrhea=FOUR_DAYS_OF_DIARRHEA)
    assert "insulin_sick_day" in codes(result)
    text = flat(text_of(result, "sick_day_medicines"))
    assert "whether to pause metformin while you are ill" in text
    assert "NovoRapid" not in text and "insulin" not in text


def test_a_water_pill_with_no_name_keeps_the_list_of_classes(screener: Any) -> None:
    result = screen(screener, age=70, medications=[], diuretic_use="yes", diarrhea=FOUR_DAYS_OF_DIARRHEA)
    text = flat(text_of(result, "sick_day_medicines"))
    assert "which of your medicines to pause" in text and "Sick-day rules cover water pills" in text


# -- 4. A magnesium the screen says is probably in the wrong unit is confirmed, not acted on -------


def magnesium(value: float, unit: str = "mmol/L") -> dict[str, Any]:
    return {"magnesium": {"value": value, "unit": unit, "taken": "last_7_days"}}


def test_a_woman_whose_magnesium_of_1_5_mmol_per_l_is_probably_mg_per_dl_is_asked_to_confirm_it(screener: Any) -> None:
    result = screen(screener, age=45, sex="female", medications=[], symptoms=["muscle_cramps"], labs=magnesium(1.5))
    assert any(warning.startswith("Check the unit on the magnesium report") for warning in result.warnings)
    text = flat(text_of(result, "high_magnesium_result"))
    assert text.startswith("Your magnesium result may be in another unit")
    assert "confirm the result and its unit" in text
    advice = all_advice(result)
    for acting_on_it in ("what may have raised it", "may not clear extra magnesium", "needs follow-up"):
        assert acting_on_it not in advice
    assert "no_magnesium_self_supplement" not in codes(result)


def test_a_man_whose_magnesium_of_2_2_mmol_per_l_is_probably_mg_per_dl_is_not_told_it_is_high(screener: Any) -> None:
    result = screen(screener, age=50, sex="male", medications=[], labs=magnesium(2.2))
    assert "confirm the result and its unit" in flat(text_of(result, "high_magnesium_result"))
    assert "A high magnesium result" not in all_advice(result)


def test_with_kidney_disease_a_magnesium_of_1_5_is_followed_up_as_high(screener: Any) -> None:
    result = screen(screener, age=70, sex="female", conditions=["chronic_kidney_disease"], labs=magnesium(1.5))
    assert flat(text_of(result, "high_magnesium_result")).startswith("A high magnesium result needs follow-up")
    assert "may not clear extra magnesium" in text_of(result, "no_magnesium_self_supplement")


# -- 5. Multivitamins with a little magnesium are read as what they are ---------------------------


def test_a_pregnant_woman_on_pregnacare_and_forceval_is_read_and_not_told_her_names_were_not_read(screener: Any) -> None:
    result = screen(
        screener, age=30, sex="female", pregnant="yes", medications=["Pregnacare Max", "Forceval", "Centrum Silver 50+"],
        labs=magnesium(0.6),
    )
    assert result.warnings == []
    assert "check_medicine_names" not in codes(result)
    for entry in result.medications_recognised:
        assert entry.unrecognised == [] and [match.generic for match in entry.matches] == ["multivitamin"]
    # a little magnesium is no magnesium treatment: the low result is followed up as low
    assert flat(text_of(result, "check_magnesium")).startswith("A low magnesium result needs follow-up")
    assert "no_magnesium_self_supplement" not in codes(result)


def test_a_man_on_berocca_and_sanatogen_with_kidney_disease_is_not_told_he_takes_a_magnesium_product(
    screener: Any,
) -> None:
    result = screen(
        screener, age=60, sex="male", medications=["Berocca Performance", "Sanatogen A-Z Complete"],
        conditions=["chronic_kidney_disease"],
    )
    assert result.warnings == []
    assert "Something you take contains magnesium" not in all_advice(result)


# -- 6. A water pill of unknown type: the food list waits for its name -----------------------------

CRAMPS_AND_TIREDNESS = {"symptoms": ["muscle_cramps", "fatigue"], "alcohol": {"drinks_per_week": 2}}
POTASSIUM_FOODS_UNCHECKED = "Foods rich in magnesium and potassium: leafy greens, nuts, seeds, potatoes"


def test_a_woman_who_wrote_water_tablet_is_asked_which_it_is_before_eating_more_potassium(screener: Any) -> None:
    result = screen(screener, age=70, sex="female", medications=["water tablet"], **CRAMPS_AND_TIREDNESS)
    text = flat(text_of(result, "food_sources"))
    assert text.startswith("Foods rich in magnesium: leafy greens")
    assert "find out which water pill you take" in text and "spironolactone or amiloride" in text
    assert POTASSIUM_FOODS_UNCHECKED not in text


def test_a_man_who_answered_yes_to_a_water_pill_with_no_name_gets_the_same_caution(screener: Any) -> None:
    result = screen(screener, age=66, sex="male", medications=[], diuretic_use="yes", **CRAMPS_AND_TIREDNESS)
    assert "find out which water pill you take" in flat(text_of(result, "food_sources"))


def test_a_man_on_furosemide_keeps_the_food_list(screener: Any) -> None:
    result = screen(screener, age=66, sex="male", medications=["furosemide 40mg"], **CRAMPS_AND_TIREDNESS)
    assert flat(text_of(result, "food_sources")).startswith(POTASSIUM_FOODS_UNCHECKED)


def test_with_kidney_disease_and_an_unknown_water_pill_the_kidney_caution_is_given(screener: Any) -> None:
    result = screen(
        screener, age=70, sex="female", medications=["water tablet"], conditions=["chronic_kidney_disease"],
        **CRAMPS_AND_TIREDNESS,
    )
    text = flat(text_of(result, "food_sources"))
    assert "with kidney disease, a high potassium result or some medicines" in text
