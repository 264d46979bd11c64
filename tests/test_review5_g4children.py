"""Review 5 (2026-12-01), helper g4: a potassium binder is a reason for the potassium caution,
pancreatic enzymes count as malabsorption, the fluids line agrees with a bowel preparation, and a
high potassium on anticancer treatment goes to the oncology team the same day (README, "Review 5:
binders, pancreatic enzymes, bowel preparation, tumour lysis")."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Norma, 72, takes Lokelma for a potassium that runs high; three days of diarrhea, cramps, tired.
NORMA_72_ON_LOKELMA = {
    "age": 72, "sex": "female", "medications": ["Lokelma 5g daily"],
    "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [],
}


def test_norma_72_on_lokelma_is_not_given_the_full_potassium_food_list(screener: Any) -> None:
    result = screener.screen(NORMA_72_ON_LOKELMA)
    assert "k_retention_caution" in rules_fired(result)
    food = flat(text_of(result, "food_sources"))
    assert food.startswith("Foods rich in magnesium: leafy greens") and "check potassium-rich foods" in food
    assert "bananas, avocados and whole grains." not in food
    assert "unless a clinician has told you to" in text_of(result, "no_potassium_self_supplement")


def test_a_man_on_patiromer_with_a_low_potassium_is_not_told_to_start_potassium_himself(screener: Any) -> None:
    result = screener.screen({
        "age": 66, "sex": "male", "medications": ["patiromer"], **NO_GUT_LOSSES, "symptoms": ["fatigue"],
        "red_flags_now": [], "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}},
    })
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert text.startswith("Your potassium result is low, but with patiromer the body can keep potassium")
    assert "Do not start potassium yourself" in text


# Ciara, 22, with cystic fibrosis, lists Creon but ticked no health condition; cramps, tired.
CIARA_22_ON_CREON = {
    "age": 22, "sex": "female", "pregnant": "no", "conditions": [], "medications": ["Creon 25000"],
    "alcohol": {"drinks_per_week": 2}, **NO_GUT_LOSSES, "symptoms": ["muscle_cramps", "fatigue"],
    "red_flags_now": [], "supplements": [],
}


def test_ciara_22_on_creon_has_her_malabsorption_counted_with_a_warning_naming_it(screener: Any) -> None:
    result = screener.screen(CIARA_22_ON_CREON)
    assert "rf_malabsorption" in rules_fired(result)
    assert result.magnesium_depletion == "possible" and result.potassium_depletion == "possible"
    (warning,) = [w for w in result.warnings if "Pancreatic enzymes" in w]
    assert "malabsorption was counted" in warning and "Creon" in warning


def test_ciara_who_answered_malabsorption_herself_gets_no_warning_about_it(screener: Any) -> None:
    result = screener.screen({**CIARA_22_ON_CREON, "conditions": ["malabsorption"]})
    assert "rf_malabsorption" in rules_fired(result)
    assert not [w for w in result.warnings if "Pancreatic enzymes" in w]


# Edith, 78, on her Picolax day, bendroflumethiazide and ramipril, 10 loose stools, cramps.
EDITH_78_ON_PICOLAX = {
    "age": 78, "sex": "female", "medications": ["Picolax", "bendroflumethiazide 2.5mg", "ramipril 5mg"],
    "diarrhea": {"present": True, "days": 1, "stools_per_day": 10}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_cramps"], "red_flags_now": [],
}


def test_edith_78_on_picolax_is_told_the_same_drinks_in_the_fluids_line_as_in_the_bowel_prep_line(screener: Any) -> None:
    result = screener.screen(EDITH_78_ON_PICOLAX)
    assert "drink the clear fluids they advise" in flat(text_of(result, "bowel_preparation"))
    fluids = flat(text_of(result, "fluids_for_gi_losses"))
    # the clear fluids are said once, in the bowel-prep line; the fluids line says what follows the test
    assert fluids.startswith("After the test, if diarrhea or vomiting goes on") and "clear fluids" not in fluids
    assert "(an oral rehydration solution is best)" not in fluids


def test_without_a_bowel_preparation_the_fluids_line_still_advises_a_rehydration_solution(screener: Any) -> None:
    result = screener.screen({**EDITH_78_ON_PICOLAX, "medications": ["bendroflumethiazide 2.5mg"]})
    assert "an oral rehydration solution is best" in text_of(result, "fluids_for_gi_losses")


# Vera, 68, in her second week of venetoclax, potassium 5.3 this week, tired.
VERA_68_ON_VENETOCLAX = {
    "age": 68, "sex": "female", "medications": ["venetoclax 50mg", "allopurinol"], **NO_GUT_LOSSES,
    "symptoms": ["fatigue"], "red_flags_now": [],
    "labs": {"potassium": {"value": 5.3, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_vera_68_on_venetoclax_with_a_potassium_of_5_3_calls_her_oncology_line_today(screener: Any) -> None:
    result = screener.screen(VERA_68_ON_VENETOCLAX)
    assert result.urgency == "urgent"
    line = flat(text_of(result, "oncology_line_today"))
    assert "a high potassium result (above 5.0 mmol/L)" in line and "tumour lysis syndrome" in line
    assert "call your chemotherapy or acute oncology 24-hour advice line today" in line


def test_a_potassium_of_5_0_on_venetoclax_is_not_high_and_brings_no_oncology_line(screener: Any) -> None:
    labs = {"potassium": {"value": 5.0, "unit": "mmol/L", "taken": "last_7_days"}}
    result = screener.screen({**VERA_68_ON_VENETOCLAX, "labs": labs})
    assert "oncology_line_today" not in codes(result) and result.urgency != "urgent"


# Sam, 6, in a nephrotic relapse on prednisolone 60 mg and furosemide, cramps and tired: his parent
# answers (review 5, case 22).
SAM_6_NEPHROTIC = {
    "age": 6, "sex": "male", "medications": ["prednisolone 60mg", "furosemide 20mg"], **NO_GUT_LOSSES,
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}


def test_sams_parent_is_told_about_the_childs_medicines_and_magnesium_test_not_yours(screener: Any) -> None:
    result = screener.screen(SAM_6_NEPHROTIC)
    keep = flat(text_of(result, "keep_taking_prescribed_medicines"))
    assert keep.startswith("Do not stop a medicine prescribed for the child without asking the prescriber")
    # The blood tests are asked for once (review 7): by the magnesium-test line, not again here.
    assert "blood checks" not in keep
    test = flat(text_of(result, "check_magnesium_with_potassium"))
    # on a water pill the one test line asks about the child's potassium too (tests/test_review8_clin3.py)
    assert "whether the child needs magnesium checked with it" in test
    for line in (keep, test):
        assert " your " not in f" {line} " and "you take" not in line


def test_a_child_with_a_potassium_result_keeps_the_potassium_result_wording_for_the_parent(screener: Any) -> None:
    labs = {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}
    result = screener.screen({**SAM_6_NEPHROTIC, "labs": labs})
    keep = flat(text_of(result, "keep_taking_prescribed_medicines"))
    assert "Tell the prescriber about the child's potassium result" in keep


def test_a_9_year_old_on_an_unknown_water_pill_gets_the_childs_find_out_which_water_pill_text(screener: Any) -> None:
    result = screener.screen({**SAM_6_NEPHROTIC, "age": 9, "medications": ["water tablet"]})
    food = flat(text_of(result, "food_sources"))
    assert "find out which water pill the child takes" in food and "before you eat more" not in food


def test_the_same_record_at_30_keeps_the_adult_wording(screener: Any) -> None:
    result = screener.screen({**SAM_6_NEPHROTIC, "age": 30})
    assert text_of(result, "keep_taking_prescribed_medicines").startswith("Do not stop a prescribed medicine on your own")


def test_every_child_under_12_in_the_cohort_gets_the_childs_text_of_these_lines(screener: Any) -> None:
    from screener.synthetic import diverse_cohort

    children = [r for r in diverse_cohort(3000, seed=11) if isinstance(r.get("age"), int) and r["age"] < 12]
    seen = 0
    for record in children:
        for rec in screener.screen(record).recommendations:
            if rec.code in ("keep_taking_prescribed_medicines", "check_magnesium_with_potassium"):
                seen += 1
                assert "your" not in rec.text.lower().split(), (record["id"], rec.text)
    assert seen > 100
