"""Coherence review (2026-11-30): advice in the person's own words, never naming what they did not
say (M1, M2), no inherited kidney disease on no history (H7), and lab evidence with its unit (L1)."""

from __future__ import annotations

from typing import Any

from result_support import codes, rules_fired, text_of

from screener.render import result_text
from screener.reports.person import person_view
from screener.reports.words import Words


def screen(screener: Any, **answers: Any) -> Any:
    return screener.screen(answers)


# -- M1: the safety net names only the person's own red flags --------------------------------------


def test_a_man_who_was_confused_last_week_is_told_only_about_his_confusion(screener: Any) -> None:
    result = screen(screener, age=47, sex="male", symptoms=["confusion", "tremor"], red_flags_now=[])
    text = text_of(result, "emergency_if_happening_now")
    assert text.startswith("If the confusion (muddled thinking) you had in the past two weeks comes back")
    for not_said in ("chest pain", "fainting", "seizure", "trouble breathing", "severe weakness"):
        assert not_said not in text


def test_a_woman_who_fainted_and_had_chest_pain_hears_both_and_nothing_else(screener: Any) -> None:
    result = screen(screener, age=60, sex="female", symptoms=["chest_pain", "fainting"], red_flags_now=[])
    text = text_of(result, "emergency_if_happening_now")
    assert text.startswith("If the fainting or chest pain you had in the past two weeks comes back") or text.startswith(
        "If the chest pain or fainting you had in the past two weeks comes back"
    )
    assert "seizure" not in text and "confusion" not in text


def test_a_safety_check_left_unanswered_names_only_the_flags_given(screener: Any) -> None:
    result = screen(screener, age=30, sex="female", symptoms=["seizure", "muscle_cramps"])
    text = text_of(result, "emergency_if_happening_now")
    assert "If the seizure you gave is happening now, or comes back" in text
    assert "chest pain" not in text and "fainting" not in text


def test_the_named_flags_reach_every_door_that_reads_the_result(screener: Any) -> None:
    answers = {"age": 47, "symptoms": ["confusion"], "red_flags_now": []}
    lean = screener.screen_entry(answers, detail="lean")
    none = screener.screen_entry(answers, detail="none")
    for entry in (lean, none):
        (text,) = [r["text"] for r in entry["recommendations"] if r["code"] == "emergency_if_happening_now"]
        assert "If the confusion (muddled thinking) you had" in text and "{" not in text
    result = screener.screen(answers)
    assert "If the confusion (muddled thinking) you had" in result_text(result, screener, width=200)
    view = person_view(result.model_dump(mode="json"), Words.from_rules(screener.ruleset, None))
    assert any("If the confusion (muddled thinking) you had" in text for _, text in view.recommendations)


# -- M2: the potassium-check advice names the person's own reasons --------------------------------


def test_a_man_on_lisinopril_with_sando_k_is_told_about_those_two_and_not_about_trimethoprim(screener: Any) -> None:
    result = screen(
        screener, age=60, sex="male", medications=["lisinopril 20mg", "Sando-K"], supplements=["potassium"],
        symptoms=["fatigue"],
    )
    text = text_of(result, "no_potassium_self_supplement")
    assert text.startswith("With lisinopril and Sando-K, potassium can build up in the body.")
    for not_his in ("trimethoprim", "spironolactone", "kidney disease", "age", "Several", "prescribed potassium should"):
        assert not_his not in text


def test_an_older_man_on_spironolactone_ramipril_and_trimethoprim_hears_each_once(screener: Any) -> None:
    result = screen(
        screener, age=76, sex="male", medications=["spironolactone", "ramipril", "trimethoprim"],
        conditions=["chronic_kidney_disease"],
    )
    text = text_of(result, "no_potassium_self_supplement")
    reasons = text.split(", potassium can build up")[0]
    for his in ("spironolactone", "ramipril", "trimethoprim", "chronic kidney disease", "being 65 or over"):
        assert reasons.count(his) == 1, reasons
    assert "more than one reason" not in reasons


# -- M2: "pregnant" from someone the question is not asked of ------------------------------------


def test_a_70_year_old_woman_answering_pregnant_yes_is_not_told_to_ask_her_midwife(screener: Any) -> None:
    result = screen(screener, age=70, sex="female", pregnant="yes", medications=["magnesium oxide"], symptoms=["muscle_cramps"])
    assert "pregnancy_check_first" not in codes(result)
    assert any("'pregnant: yes' was not used" in w and "age 70" in w for w in result.warnings)


def test_a_40_year_old_man_answering_pregnant_yes_gets_a_warning_naming_the_answer(screener: Any) -> None:
    result = screen(screener, age=40, sex="male", pregnant="yes", vomiting={"present": True, "days": 3, "episodes_per_day": 4})
    assert "pregnancy_check_first" not in codes(result)
    assert "pregnancy_vomiting" not in codes(result)
    assert any("'pregnant: yes' was not used" in w and "sex male" in w for w in result.warnings)


def test_a_pregnant_woman_of_31_and_one_who_gave_no_age_are_still_read_as_pregnant(screener: Any) -> None:
    for answers in ({"age": 31, "sex": "female"}, {"sex": "female"}):
        result = screen(screener, pregnant="yes", medications=["magnesium oxide"], **answers)
        assert "pregnancy_check_first" in codes(result)
        assert not any("pregnant" in w for w in result.warnings)


def test_a_man_who_answered_pregnant_no_gets_no_warning(screener: Any) -> None:
    result = screen(screener, age=40, sex="male", pregnant="no", symptoms=[])
    assert not any("pregnant" in w for w in result.warnings)


# -- H7: blood results alone are no history ---------------------------------------------------------


def test_blood_results_alone_do_not_suggest_gitelman_and_say_first_that_answers_are_few(screener: Any) -> None:
    result = screen(
        screener,
        labs={"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"},
              "magnesium": {"value": 0.6, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    assert "ask_about_kidney_salt_wasting" not in codes(result)
    assert codes(result)[:2] == ["see_clinician_soon", "answer_more_questions"]


def test_blood_results_with_symptoms_only_do_not_suggest_gitelman_or_aldosteronism(screener: Any) -> None:
    result = screen(
        screener, age=45, conditions=["high_blood_pressure"], symptoms=["muscle_cramps"],
        labs={"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"},
              "magnesium": {"value": 0.6, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    assert "ask_about_kidney_salt_wasting" not in codes(result)
    assert "ask_about_aldosteronism" not in codes(result)


def test_low_results_with_medicines_and_gut_losses_answered_no_still_ask_about_the_kidneys(screener: Any) -> None:
    result = screen(
        screener, age=30, sex="female", medications=[], diarrhea={"present": False}, vomiting={"present": False},
        laxative_use="none", alcohol={"drinks_per_week": 0}, conditions=[], symptoms=["muscle_cramps"],
        labs={"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"},
              "magnesium": {"value": 0.6, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    # Without high blood pressure (with it, the aldosteronism line is asked instead: Gitelman
    # syndrome gives normal or low blood pressure; catalogue review 9, F2).
    assert "ask_about_kidney_salt_wasting" in codes(result) and "ask_about_aldosteronism" not in codes(result)
    assert "recommend_ask_about_kidney_salt_wasting" in rules_fired(result)


# -- L1: a lab value shows its unit, and the number as given ---------------------------------------


def test_a_magnesium_given_in_mg_per_dl_shows_both_numbers_with_units(screener: Any) -> None:
    result = screen(
        screener, age=50, medications=["omeprazole"], symptoms=["muscle_twitches"],
        labs={"magnesium": {"value": 1.2, "unit": "mg/dL", "taken": "last_7_days"}},
    )
    assert "serum magnesium: 0.49 mmol/L (1.2 mg/dL as given)" in result_text(result, screener, width=300)
    view = person_view(result.model_dump(mode="json"), Words.from_rules(screener.ruleset, None))
    shown = [e.value for group in view.finding_groups for f in group.findings for e in f.evidence]
    assert "0.49 mmol/L (1.2 mg/dL as given)" in shown


def test_a_magnesium_given_as_below_half_shows_below_0_5_mmol_per_l(screener: Any) -> None:
    result = screen(
        screener, age=50, symptoms=["tremor"], labs={"magnesium": {"below": 0.5, "unit": "mmol/L", "taken": "last_7_days"}}
    )
    text = result_text(result, screener, width=300)
    assert "(a bound, not the value): below 0.5 mmol/L" in text
    assert "given as below 0.70 mmol/L or less" not in text
