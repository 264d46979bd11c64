"""Vignette review 8: advice and order (README, "Review 8: advice and order"). How soon is read
before the note that too few questions were answered, on every surface."""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console
from web_support import Visitor, upload_and_skip_to_result

from screener.render import render_short_result, result_text

# Someone who gives only a blood result from this week: potassium 2.4, nothing else answered.
ONLY_A_POTASSIUM_OF_2_4 = {
    "id": "k-only",
    "labs": {"potassium": {"value": 2.4, "unit": "mmol/L", "taken": "last_7_days"}},
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_someone_who_gives_only_a_potassium_of_2_4_reads_the_emergency_before_the_note_on_missing_answers(
    screener: Any,
) -> None:
    result = screener.screen(ONLY_A_POTASSIUM_OF_2_4)
    assert result.urgency == "emergency" and result.coverage == "none"
    full = _flat(result_text(result, screener))
    console = Console(file=io.StringIO(), width=100, no_color=True, highlight=False)
    render_short_result(result, console, plain=True)
    short = _flat(console.file.getvalue())  # type: ignore[attr-defined]
    for text in (full, short):
        how_soon = text.index("How soon: emergency")
        assert (
            how_soon
            < text.index("Not enough answers to screen")
            < text.index("Combined magnesium and potassium depletion")
        )
        assert text[:how_soon].strip() == "mgk-screen result for k-only", "nothing but the heading above how soon"


def test_the_report_of_someone_who_gives_only_a_potassium_of_2_4_says_how_soon_before_the_missing_answers(
    screener: Any,
) -> None:
    from report_images import WHEN
    from test_reports import page_text

    from screener.reports import person_report

    result = screener.screen(ONLY_A_POTASSIUM_OF_2_4).model_dump(mode="json", exclude_none=True)
    text = page_text(person_report(result, screener=screener, generated=WHEN))
    how_soon = text.index("How soon to see a clinician: emergency")
    assert (
        how_soon < text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")
    )


def test_the_web_result_of_someone_who_gives_only_a_potassium_of_2_4_says_how_soon_before_the_missing_answers() -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, ONLY_A_POTASSIUM_OF_2_4)
    text = visitor.text()
    how_soon = text.index("How soon to see a clinician: emergency")
    assert (
        how_soon < text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")
    )


# -- finding 7: the reasons potassium can build up, each said once and plainly --------------------

# Frank, 71, with chronic kidney disease, on ramipril, Bactrim DS and Slow-K, who also ticks
# "prescribed potassium" among his supplements.
FRANK_71_CKD_RAMIPRIL_BACTRIM_SLOW_K = {
    "id": "frank", "age": 71, "sex": "male", "conditions": ["chronic_kidney_disease"],
    "medications": ["Bactrim DS", "Slow-K 600mg", "Ramipril 10mg"], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 4}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": ["potassium_prescribed"],
}  # fmt: skip
# Edna, 80, on trimethoprim for a urine infection, with no listed potassium, who ticks
# "prescribed potassium".
EDNA_80_TRIMETHOPRIM_PRESCRIBED_POTASSIUM_TICKED = {
    "id": "edna", "age": 80, "sex": "female", "medications": ["trimethoprim 200mg"], "diuretic_use": "no",
    "supplements": ["potassium_prescribed"], "symptoms": [],
}  # fmt: skip


def _reasons(result: Any) -> str:
    (text,) = [r.text for r in result.recommendations if r.code == "no_potassium_self_supplement"]
    return text.split(", potassium can build up in the body")[0]


def test_frank_on_bactrim_ramipril_and_slow_k_hears_his_potassium_named_once_and_his_age_said_plainly(
    screener: Any,
) -> None:
    reasons = _reasons(screener.screen(FRANK_71_CKD_RAMIPRIL_BACTRIM_SLOW_K))
    assert reasons == "With chronic kidney disease, Ramipril, Bactrim, being 65 or over and Slow-K"
    assert "prescribed potassium" not in reasons and "age 65" not in reasons


def test_edna_who_ticks_prescribed_potassium_without_naming_it_hears_it_as_prescribed_potassium(screener: Any) -> None:
    reasons = _reasons(screener.screen(EDNA_80_TRIMETHOPRIM_PRESCRIBED_POTASSIUM_TICKED))
    assert "prescribed potassium" in reasons and "being 65 or over" in reasons and "trimethoprim" in reasons


# -- finding 3: laxatives with an eating disorder ----------------------------------------------------

NO_VOMITING = {"vomiting": {"present": False}, "red_flags_now": [], "supplements": []}
# Priya, 34, with bulimia, taking Senokot ten a day, loose stools for a month, potassium 3.2.
PRIYA_34_BULIMIA_SENOKOT_TEN_A_DAY = {
    "id": "priya", "age": 34, "sex": "female", "pregnant": "no", "conditions": ["eating_disorder"],
    "medications": ["Senokot x10 daily"], "diuretic_use": "no", "alcohol": {"drinks_per_week": 3},
    "diarrhea": {"present": True, "days": 30, "stools_per_day": 4}, "laxative_use": "regular",
    "laxative_type": "stimulant", "symptoms": ["muscle_weakness", "fatigue"], **NO_VOMITING,
    "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Hannah, 22, with anorexia, whose team prescribed macrogol (an osmotic laxative) for constipation.
HANNAH_22_ANOREXIA_PRESCRIBED_MACROGOL = {
    "id": "hannah", "age": 22, "sex": "female", "pregnant": "no", "conditions": ["eating_disorder"],
    "medications": [], "diuretic_use": "no", "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False},
    "laxative_use": "regular", "laxative_type": "osmotic", "symptoms": ["fatigue"], **NO_VOMITING,
}  # fmt: skip
# Gordon, 70, no eating disorder, senna every night for constipation.
GORDON_70_NIGHTLY_SENNA = {
    "id": "gordon", "age": 70, "sex": "male", "medications": ["senna 7.5mg"], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "laxative_use": "regular",
    "laxative_type": "stimulant", "symptoms": [], **NO_VOMITING,
}  # fmt: skip


def test_priya_with_bulimia_on_senokot_ten_a_day_hears_about_the_laxatives_not_only_about_refeeding(
    screener: Any,
) -> None:
    result = screener.screen(PRIYA_34_BULIMIA_SENOKOT_TEN_A_DAY)
    codes = [r.code for r in result.recommendations]
    assert "eating_disorder_laxatives" in codes and "refeeding_care" in codes
    assert codes.index("refeeding_care") < codes.index("eating_disorder_laxatives")
    assert "stop_laxatives_during_diarrhea" not in codes, "not told to stop them at once beside the plan with her team"
    (text,) = [r.text for r in result.recommendations if r.code == "eating_disorder_laxatives"]
    assert "do not stop food or its calories being taken in" in text
    assert "plan with them how to cut down and stop, with potassium checked" in text
    assert "you have" not in text.casefold()


def test_hannah_whose_team_prescribed_macrogol_is_not_told_to_cut_down_her_laxative(screener: Any) -> None:
    codes = [r.code for r in screener.screen(HANNAH_22_ANOREXIA_PRESCRIBED_MACROGOL).recommendations]
    assert "eating_disorder_laxatives" not in codes and "refeeding_care" in codes


def test_gordon_on_nightly_senna_without_an_eating_disorder_gets_no_eating_disorder_advice(screener: Any) -> None:
    codes = [r.code for r in screener.screen(GORDON_70_NIGHTLY_SENNA).recommendations]
    assert "eating_disorder_laxatives" not in codes


# -- finding 4: an anti-inflammatory painkiller alone is not a prescribed medicine to keep taking -----

# Tom, 29, an ultramarathon runner who took ibuprofen bought for the race, confused now.
TOM_29_ULTRAMARATHON_IBUPROFEN_CONFUSED_NOW = {
    "id": "tom", "age": 29, "sex": "male", "medications": ["Ibuprofen 400mg"], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 4}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["nausea_poor_appetite", "fatigue", "muscle_cramps"],
    "red_flags_now": ["new_confusion"], "supplements": [],
}  # fmt: skip
# Rose, 74, with heart failure on furosemide, who also takes naproxen, and has cramps and weakness.
ROSE_74_FUROSEMIDE_AND_NAPROXEN = {
    "id": "rose", "age": 74, "sex": "female", "conditions": ["heart_failure"],
    "medications": ["furosemide 40mg", "naproxen 250mg"], "diuretic_use": "yes", "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "symptoms": ["muscle_cramps", "muscle_weakness"], "red_flags_now": [], "supplements": [],
}  # fmt: skip
# Ali, 45, with a potassium of 5.8 this week and ibuprofen for back pain, nothing else.
ALI_45_IBUPROFEN_POTASSIUM_5_8 = {
    "id": "ali", "age": 45, "sex": "male", "medications": ["ibuprofen 400mg"], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 5.8, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


def test_tom_confused_after_an_ultramarathon_on_race_ibuprofen_is_not_told_to_keep_taking_a_prescribed_medicine(
    screener: Any,
) -> None:
    result = screener.screen(TOM_29_ULTRAMARATHON_IBUPROFEN_CONFUSED_NOW)
    assert result.urgency == "emergency" and result.recommendations[0].code == "seek_emergency_care"
    assert "keep_taking_prescribed_medicines" not in [r.code for r in result.recommendations]
    assert not any("prescribed medicine" in r.text for r in result.recommendations)


def test_ali_with_ibuprofen_and_a_potassium_of_5_8_gets_the_high_potassium_advice_and_no_prescriber_line(
    screener: Any,
) -> None:
    codes = [r.code for r in screener.screen(ALI_45_IBUPROFEN_POTASSIUM_5_8).recommendations]
    assert "high_potassium_result" in codes and "keep_taking_prescribed_medicines" not in codes


def test_rose_on_furosemide_and_naproxen_is_still_told_not_to_stop_her_water_pill_on_her_own(screener: Any) -> None:
    codes = [r.code for r in screener.screen(ROSE_74_FUROSEMIDE_AND_NAPROXEN).recommendations]
    assert "keep_taking_prescribed_medicines" in codes
