"""Does one person's medicine advice hang together? Digoxin, lithium, laxatives and magnesium
products (coherence review 2026-11-30, findings H4, H5 and H6; README, "Where we departed from
the written spec": coherence review, medicines)."""

from __future__ import annotations

from typing import Any

from result_support import codes, rules_fired, text_of

# -- H4: digoxin with warning signs, and laxatives during diarrhea --------------------------------

# Edith, 84, heart failure, on digoxin, furosemide, senna and bisacodyl; 5 days of diarrhea,
# nausea and confusion; a potassium of 3.6 from this month (review case 07).
EDITH_ON_DIGOXIN_WITH_DIARRHEA_NAUSEA_AND_CONFUSION = {
    "age": 84,
    "sex": "female",
    "medications": ["digoxin 125mcg", "furosemide 40mg", "senna 15mg", "bisacodyl 5mg"],
    "alcohol": {"drinks_per_week": 1},
    "diarrhea": {"present": True, "days": 5, "stools_per_day": 4},
    "vomiting": {"present": False},
    "laxative_use": "regular",
    "laxative_type": "stimulant",
    "conditions": ["heart_failure"],
    "symptoms": ["nausea_poor_appetite", "confusion", "muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 3.6, "unit": "mmol/L", "taken": "last_30_days"}},
}

# Frank, 80, on digoxin and furosemide, cramps only, a potassium of 4.4 this week: nothing that
# can mean too much digoxin.
FRANK_ON_DIGOXIN_WITH_CRAMPS_ONLY = {
    "age": 80,
    "sex": "male",
    "medications": ["digoxin 125 micrograms", "furosemide 40mg"],
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "labs": {"potassium": {"value": 4.4, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_edith_on_digoxin_with_diarrhea_nausea_and_confusion_is_told_these_can_mean_too_much_digoxin(
    screener: Any,
) -> None:
    result = screener.screen(EDITH_ON_DIGOXIN_WITH_DIARRHEA_NAUSEA_AND_CONFUSION)
    assert "urgent_digoxin_with_warning_sign" in rules_fired(result)
    text = text_of(result, "digoxin_check")
    assert "too much digoxin" in text
    assert "changes in your vision" in text
    assert "Tell the clinician you contact today that you take digoxin" in text
    assert "ask for regular potassium and magnesium blood checks" not in text
    # Same-day advice: right after how soon and the safety net, before the tests to ask for.
    given = codes(result)
    assert given.index("digoxin_check") < given.index("check_magnesium_with_potassium")


def test_frank_on_digoxin_with_cramps_only_keeps_the_regular_checks_advice(screener: Any) -> None:
    result = screener.screen(FRANK_ON_DIGOXIN_WITH_CRAMPS_ONLY)
    assert "urgent_digoxin_with_warning_sign" not in rules_fired(result)
    text = text_of(result, "digoxin_check")
    # No magnesium result: the regular checks, with the magnesium test asked for by name (verify 6).
    assert text.startswith("You take digoxin") and "regular checks of both" in text
    assert "too much digoxin" not in text


def test_edith_on_senna_and_bisacodyl_with_diarrhea_is_told_to_stop_the_laxatives_while_it_lasts(screener: Any) -> None:
    result = screener.screen(EDITH_ON_DIGOXIN_WITH_DIARRHEA_NAUSEA_AND_CONFUSION)
    text = text_of(result, "stop_laxatives_during_diarrhea")
    # A bought laxative is stopped; a prescribed one is changed with its prescriber (catalogue review 9, F1).
    assert (
        "A laxative you bought yourself (such as senna, bisacodyl or Milk of Magnesia): stop it while the diarrhea lasts"
        in text
    )
    assert "A laxative a clinician prescribed" in text and "do not stop it on your own" in text
    given = codes(result)
    assert (
        given.index("sick_day_medicines")
        < given.index("stop_laxatives_during_diarrhea")
        < given.index("fluids_for_gi_losses")
    )


def test_an_occasional_laxative_user_with_diarrhea_is_told_to_stop_too(screener: Any) -> None:
    answers = {
        "age": 45,
        "sex": "male",
        "medications": [],
        "diarrhea": {"present": True, "days": 2, "stools_per_day": 5},
        "laxative_use": "occasional",
        "symptoms": [],
        "red_flags_now": [],
    }
    assert "stop_laxatives_during_diarrhea" in codes(screener.screen(answers))


def test_a_laxative_user_without_diarrhea_is_not_told_to_stop(screener: Any) -> None:
    answers = dict(EDITH_ON_DIGOXIN_WITH_DIARRHEA_NAUSEA_AND_CONFUSION, diarrhea={"present": False})
    assert "stop_laxatives_during_diarrhea" not in codes(screener.screen(answers))


def test_a_young_woman_with_an_eating_disorder_misusing_laxatives_gets_the_eating_disorder_plan_not_a_stop_line(
    screener: Any,
) -> None:
    # Laxative misuse in an eating disorder is reduced with the clinician or eating disorder team.
    answers = {
        "age": 22,
        "sex": "female",
        "medications": ["senna 15mg"],
        "diarrhea": {"present": True, "days": 10, "stools_per_day": 6},
        "laxative_use": "regular",
        "laxative_type": "stimulant",
        "conditions": ["eating_disorder"],
        "symptoms": ["fatigue"],
        "red_flags_now": [],
    }
    given = codes(screener.screen(answers))
    assert "refeeding_care" in given
    assert "stop_laxatives_during_diarrhea" not in given


def test_a_child_on_laxatives_for_constipation_with_diarrhea_is_not_told_to_stop_them(screener: Any) -> None:
    # A child's laxatives for long-standing constipation are changed with their clinician: loose
    # stools can be overflow around hard stool.
    answers = {
        "age": 6,
        "sex": "male",
        "medications": ["macrogol"],
        "diarrhea": {"present": True, "days": 2, "stools_per_day": 4},
        "laxative_use": "regular",
        "laxative_type": "osmotic",
        "symptoms": [],
        "red_flags_now": [],
    }
    assert "stop_laxatives_during_diarrhea" not in codes(screener.screen(answers))


# -- H5: lithium with diarrhea, tremor and confusion ----------------------------------------------

# Martin, 47, on lithium, bendroflumethiazide and ibuprofen, 4 days of diarrhea, with a tremor,
# confusion and nausea (review case 09).
MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION = {
    "age": 47,
    "sex": "male",
    "medications": ["lithium carbonate 800mg", "bendroflumethiazide 2.5mg", "ibuprofen 400mg"],
    "alcohol": {"drinks_per_week": 10},
    "diarrhea": {"present": True, "days": 4, "stools_per_day": 5},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["high_blood_pressure"],
    "symptoms": ["tremor", "confusion", "nausea_poor_appetite"],
    "red_flags_now": [],
    "supplements": [],
}


def test_martin_on_lithium_reads_the_lithium_advice_right_after_how_soon_and_the_safety_net(screener: Any) -> None:
    given = codes(screener.screen(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION))
    assert given[0] == "contact_clinician_today"
    assert given.index("lithium_when_ill") <= 2
    assert given.index("lithium_when_ill") < given.index("check_magnesium_with_potassium")  # one line asks for both tests


def test_martin_is_told_his_tremor_and_confusion_can_be_signs_of_a_high_lithium_level(screener: Any) -> None:
    text = text_of(screener.screen(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION), "lithium_when_ill")
    assert text.startswith("You take lithium and reported a tremor and confusion")
    assert "these can be signs of a high lithium level" in text
    assert "Get medical help today" in text


def test_on_lithium_with_diarrhea_a_tremor_alone_is_named_alone(screener: Any) -> None:
    answers = dict(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION, symptoms=["tremor"])
    text = text_of(screener.screen(answers), "lithium_when_ill")
    assert text.startswith("You take lithium and reported a tremor in the past two weeks.")
    assert "confusion" not in text.split(".")[0]


def test_on_lithium_with_diarrhea_confusion_alone_is_named_alone(screener: Any) -> None:
    answers = dict(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION, symptoms=["confusion"])
    text = text_of(screener.screen(answers), "lithium_when_ill")
    assert text.startswith("You take lithium and reported confusion (muddled thinking) in the past two weeks.")


def test_on_lithium_with_diarrhea_and_neither_sign_the_signs_are_listed_to_watch_for(screener: Any) -> None:
    answers = dict(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION, symptoms=["nausea_poor_appetite"])
    text = text_of(screener.screen(answers), "lithium_when_ill")
    assert text.startswith("You take lithium. Vomiting, diarrhea and not drinking enough")
    assert "reported" not in text


def test_the_why_for_a_tremor_names_lithium_among_its_causes(screener: Any) -> None:
    result = screener.screen(MARTIN_ON_LITHIUM_WITH_DIARRHEA_TREMOR_AND_CONFUSION)
    (tremor,) = [finding for finding in result.findings if finding.rule == "symptom_tremor"]
    assert "lithium" in tremor.explanation
    assert "sign of a high lithium level" in tremor.explanation


# -- H6: magnesium products beside a magnesium result ---------------------------------------------

# Joan, 66, takes Milk of Magnesia most weeks, furosemide and omeprazole; 4 days of diarrhea;
# magnesium 2.3 and potassium 3.2 this week (review case 24).
JOAN_ON_MILK_OF_MAGNESIA_WITH_A_MAGNESIUM_OF_2_3 = {
    "age": 66,
    "sex": "female",
    "medications": ["Milk of Magnesia", "omeprazole 20mg", "furosemide 40mg"],
    "ppi_over_3_months": "yes",
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 4, "stools_per_day": 4},
    "vomiting": {"present": False},
    "laxative_use": "regular",
    "laxative_type": "osmotic",
    "symptoms": ["muscle_weakness", "fatigue", "constipation"],
    "red_flags_now": [],
    "supplements": ["magnesium"],
    "labs": {
        "potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 2.3, "unit": "mmol/L", "taken": "last_7_days"},
    },
}

# Ron, 68, kidney disease, a magnesium supplement, magnesium 0.62 and potassium 4.6 this week
# (review case 01).
RON_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_WITH_A_LOW_RESULT = {
    "age": 68,
    "sex": "male",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["chronic_kidney_disease"],
    "symptoms": ["fatigue", "muscle_cramps"],
    "red_flags_now": [],
    "supplements": ["magnesium"],
    "labs": {
        "potassium": {"value": 4.6, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.62, "unit": "mmol/L", "taken": "last_7_days"},
    },
}

# Vera, 80, kidney disease and a magnesium supplement, no blood results (review case 18).
VERA_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_AND_NO_RESULT = {
    "age": 80,
    "sex": "female",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["chronic_kidney_disease"],
    "symptoms": [],
    "red_flags_now": [],
    "supplements": ["magnesium"],
}

NO_TEST_CLAUSE = "without a magnesium blood test in the last month"


def test_joan_with_a_magnesium_of_2_3_on_milk_of_magnesia_is_told_to_take_no_more_until_she_has_spoken_to_a_clinician_today(
    screener: Any,
) -> None:
    text = text_of(screener.screen(JOAN_ON_MILK_OF_MAGNESIA_WITH_A_MAGNESIUM_OF_2_3), "no_magnesium_self_supplement")
    assert text.startswith("Your magnesium result is high (2.0 mmol/L or more)")
    assert "Do not take any more magnesium products until you have spoken to a clinician today" in text
    assert "a magnesium laxative or antacid can itself cause diarrhea" in text
    assert NO_TEST_CLAUSE not in text


def test_a_magnesium_result_given_only_as_above_2_is_read_as_very_high_too(screener: Any) -> None:
    answers = dict(
        JOAN_ON_MILK_OF_MAGNESIA_WITH_A_MAGNESIUM_OF_2_3,
        labs={"magnesium": {"above": 2.5, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    text = text_of(screener.screen(answers), "no_magnesium_self_supplement")
    assert "Do not take any more magnesium products" in text


def test_ron_with_kidney_disease_and_a_low_magnesium_on_a_supplement_reads_the_two_joined(screener: Any) -> None:
    text = text_of(
        screener.screen(RON_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_WITH_A_LOW_RESULT), "no_magnesium_self_supplement"
    )
    assert text.startswith("Your magnesium result is low, but with kidney disease")
    assert "the dose must come from your clinician" in text
    assert NO_TEST_CLAUSE not in text
    assert "With kidney disease or a high magnesium result" not in text


def test_vera_with_kidney_disease_on_magnesium_and_no_result_is_asked_whether_she_needs_a_test(screener: Any) -> None:
    text = text_of(screener.screen(VERA_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_AND_NO_RESULT), "no_magnesium_self_supplement")
    assert NO_TEST_CLAUSE in text


def test_a_magnesium_result_older_than_a_month_still_brings_the_question_about_a_test(screener: Any) -> None:
    answers = dict(
        VERA_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_AND_NO_RESULT,
        labs={"magnesium": {"value": 0.85, "unit": "mmol/L", "taken": "older"}},
    )
    text = text_of(screener.screen(answers), "no_magnesium_self_supplement")
    assert NO_TEST_CLAUSE in text


def test_with_kidney_disease_a_magnesium_supplement_and_a_normal_result_this_week_no_test_is_asked_for(
    screener: Any,
) -> None:
    answers = dict(
        VERA_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_AND_NO_RESULT,
        labs={"magnesium": {"value": 0.85, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    text = text_of(screener.screen(answers), "no_magnesium_self_supplement")
    assert text.startswith("Something you take contains magnesium")
    assert "ask your clinician or pharmacist before you take any more" in text
    assert NO_TEST_CLAUSE not in text


def test_a_mildly_high_magnesium_on_a_supplement_without_kidney_disease_asks_before_more_without_the_test_question(
    screener: Any,
) -> None:
    answers = dict(
        VERA_WITH_KIDNEY_DISEASE_ON_MAGNESIUM_AND_NO_RESULT,
        age=55,
        conditions=[],
        labs={"magnesium": {"value": 1.3, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    text = text_of(screener.screen(answers), "no_magnesium_self_supplement")
    assert text.startswith("Something you take contains magnesium")
    assert NO_TEST_CLAUSE not in text
    assert "Do not take any more magnesium products" not in text
