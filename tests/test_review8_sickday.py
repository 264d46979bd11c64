"""Newcomer review 8 (findings 1 and 5) and clinical vignette review 8 (finding 1), 2026-12-01:
the how-soon line agrees with the sick-day advice under it (an SGLT2 inhibitor, lithium), a
normal potassium on digoxin is explained with digoxin's own range, and vomiting for a week or
more with a gut condition that may be weight-loss surgery is 'today' with a line about thiamine
(README, "Where we departed from the written spec, and why"). Each test is a person."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "red_flags_now": [], "supplements": []}

# Alan, 60, type 2 diabetes on empagliflozin and metformin, sick 4 times a day for 2 days,
# keeping fluids down (newcomer review 8, inputs/alan-sglt2-vomiting-2-days.json).
ALAN_60_ON_EMPAGLIFLOZIN_SICK_FOR_TWO_DAYS = {
    **WELL, "id": "alan", "age": 60, "sex": "male", "medications": ["empagliflozin 10 mg", "metformin 1 g"],
    "conditions": ["type_2_diabetes"], "diarrhea": {"present": False}, "symptoms": [],
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 4, "cannot_keep_fluids_down": False},
}


def test_alan_on_empagliflozin_sick_for_two_days_is_told_today_at_the_top_as_in_the_advice(screener: Any) -> None:
    result = screener.screen(ALAN_60_ON_EMPAGLIFLOZIN_SICK_FOR_TWO_DAYS)
    assert result.urgency == "urgent"
    assert "urgent_sglt2_inhibitor_with_vomiting" in rules_fired(result)
    assert codes(result)[0] == "contact_clinician_today"
    assert "contact your clinician, pharmacist or diabetes team today" in flat(text_of(result, "sglt2_ketoacidosis"))
    assert "general_advice" not in codes(result)  # no "these answers do not point to ..." under a same-day line


def test_alan_sick_once_this_morning_is_also_today(screener: Any) -> None:
    once = {**ALAN_60_ON_EMPAGLIFLOZIN_SICK_FOR_TWO_DAYS, "vomiting": {"present": True, "days": 1, "episodes_per_day": 1}}
    assert screener.screen(once).urgency == "urgent"


def test_alan_on_metformin_alone_sick_for_two_days_keeps_the_usual_how_soon(screener: Any) -> None:
    # no gliflozin: metformin is paused after 48 hours of illness, not a call today
    result = screener.screen({**ALAN_60_ON_EMPAGLIFLOZIN_SICK_FOR_TWO_DAYS, "medications": ["metformin 1 g"]})
    assert result.urgency in ("none", "routine")
    assert "sglt2_ketoacidosis" not in codes(result)


def test_alan_with_a_day_of_diarrhea_alone_is_not_told_about_ketoacidosis_nor_today(screener: Any) -> None:
    result = screener.screen({
        **ALAN_60_ON_EMPAGLIFLOZIN_SICK_FOR_TWO_DAYS, "vomiting": {"present": False},
        "diarrhea": {"present": True, "days": 1, "stools_per_day": 3},
    })
    assert result.urgency != "urgent"
    assert "sglt2_ketoacidosis" not in codes(result)


# Lena, 45, on lithium, sick for 2 days. The advice said "today if it has gone on for more than a
# day" (NHS GGC: seek medical help after 24 hours of vomiting or diarrhoea) while the how-soon
# waited for 48 hours.
LENA_45_ON_LITHIUM_SICK_FOR_TWO_DAYS = {
    **WELL, "age": 45, "sex": "female", "medications": ["lithium carbonate 400 mg"], "conditions": [], "symptoms": [],
    "diarrhea": {"present": False}, "vomiting": {"present": True, "days": 2, "episodes_per_day": 2, "cannot_keep_fluids_down": False},
}


def test_lena_on_lithium_sick_for_two_days_contacts_a_clinician_today(screener: Any) -> None:
    result = screener.screen(LENA_45_ON_LITHIUM_SICK_FOR_TWO_DAYS)
    assert result.urgency == "urgent"
    assert "urgent_lithium_with_gut_losses" in rules_fired(result)
    assert "today if it has gone on for more than a day" in flat(text_of(result, "lithium_when_ill"))


def test_lena_with_two_days_of_diarrhea_instead_also_contacts_a_clinician_today(screener: Any) -> None:
    diarrhea = {**LENA_45_ON_LITHIUM_SICK_FOR_TWO_DAYS, "vomiting": {"present": False}, "diarrhea": {"present": True, "days": 2, "stools_per_day": 2}}
    assert screener.screen(diarrhea).urgency == "urgent"


def test_lena_sick_since_this_morning_is_told_when_to_call_and_not_yet_today(screener: Any) -> None:
    result = screener.screen({**LENA_45_ON_LITHIUM_SICK_FOR_TWO_DAYS, "vomiting": {"present": True, "days": 1, "episodes_per_day": 2}})
    assert result.urgency != "urgent"
    assert "today if it has gone on for more than a day" in flat(text_of(result, "lithium_when_ill"))


# Grace, 81, heart failure, digoxin and furosemide, potassium 3.8 this week, nausea (newcomer
# review 8, inputs/people8.jsonl line 3).
GRACE_81_ON_DIGOXIN_WITH_POTASSIUM_3_8 = {
    **WELL, "id": "grace", "age": 81, "sex": "female", "medications": ["digoxin 125 mcg", "furosemide 40 mg"],
    "diuretic_use": "yes", "diarrhea": {"present": False}, "vomiting": {"present": False},
    "diet": {"processed_food": "sometimes", "fruit_veg_servings": 3}, "conditions": ["heart_failure"],
    "symptoms": ["nausea_poor_appetite"], "labs": {"potassium": {"value": 3.8, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_grace_on_digoxin_reads_why_her_potassium_of_3_8_is_not_counted_as_normal(screener: Any) -> None:
    result = screener.screen(GRACE_81_ON_DIGOXIN_WITH_POTASSIUM_3_8)
    assert result.urgency == "urgent"  # digoxin with nausea, as before
    labels = {evidence.label for finding in result.findings for evidence in finding.evidence if evidence.fact == "recent_normal_k_lab"}
    assert labels, "the explanation names the normal-result fact"
    for label in labels:
        assert "4.0 to 5.0 on digoxin" in label  # her 3.8 is 'no' on digoxin, and the label says why


# Hannah, 33, vomiting for 10 days two months after a sleeve gastrectomy, answered as a gut
# condition that stops food being absorbed (vignette review 8, cases/40-sleeve-vomiting-10-days.json).
HANNAH_33_VOMITING_10_DAYS_WITH_MALABSORPTION = {
    **WELL, "age": 33, "sex": "female", "conditions": ["malabsorption"], "medications": ["Omeprazole 20mg"],
    "ppi_over_3_months": "no", "diuretic_use": "no", "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 10, "episodes_per_day": 2, "cannot_keep_fluids_down": False},
    "symptoms": ["numbness_tingling", "muscle_weakness", "fatigue"],
}


def test_hannah_sick_for_ten_days_with_a_gut_condition_is_told_today_and_asked_about_thiamine_if_it_was_surgery(screener: Any) -> None:
    result = screener.screen(HANNAH_33_VOMITING_10_DAYS_WITH_MALABSORPTION)
    assert result.urgency == "urgent"
    assert "urgent_malabsorption_with_vomiting_for_a_week_or_more" in rules_fired(result)
    assert codes(result)[0] == "contact_clinician_today"
    text = flat(text_of(result, "thiamine_if_weight_loss_surgery"))
    assert "If the condition is weight-loss (bariatric) surgery" in text  # said as an 'if': the answers cannot tell
    assert "thiamine (vitamin B1)" in text and "Wernicke's encephalopathy" in text
    assert "confused or unsteady on your feet" in text


def test_hannah_sick_for_five_days_keeps_the_usual_how_soon_and_no_thiamine_line(screener: Any) -> None:
    result = screener.screen({**HANNAH_33_VOMITING_10_DAYS_WITH_MALABSORPTION, "vomiting": {"present": True, "days": 5, "episodes_per_day": 2}})
    assert "urgent_malabsorption_with_vomiting_for_a_week_or_more" not in rules_fired(result)
    assert "thiamine_if_weight_loss_surgery" not in codes(result)


def test_someone_sick_for_ten_days_without_a_gut_condition_gets_no_thiamine_line(screener: Any) -> None:
    result = screener.screen({**HANNAH_33_VOMITING_10_DAYS_WITH_MALABSORPTION, "conditions": []})
    assert "thiamine_if_weight_loss_surgery" not in codes(result)
    assert result.urgency == "urgent"  # a week or more of vomiting is today for anyone (verify 8, question 4)
