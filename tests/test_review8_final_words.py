"""Wording from the verification of review 8 (verify-8 findings 3 to 5): the advice never tells
a person what they have, names each reason once and no sum of them as a reason, and names as
medicines that lower magnesium the ones that do, when the person takes them."""

from __future__ import annotations

import re
from typing import Any

# A clause that opens by telling the person, or the parent about the child, what they have is a
# diagnosis ("You have a gut condition ..."). "if you have one", "while you have diarrhea" and
# "until you have asked" are conditions or instructions, not a diagnosis, and do not open a clause.
DIAGNOSIS = re.compile(r"(?:^|[.:;!?]\s+)(?:you have|you've got|(?:the|your) child has|the child's got)\b", re.IGNORECASE)

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Review 3, case 06: a sleeve gastrectomy, sick for ten days.
FIONA_38_SLEEVE_GASTRECTOMY_SICK_TEN_DAYS = {
    "id": "fiona", "age": 38, "sex": "female", "pregnant": "no", "conditions": ["malabsorption"],
    "medications": ["lansoprazole 30mg", "Forceval multivitamin"], "ppi_over_3_months": "no",
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 10, "episodes_per_day": 3, "cannot_keep_fluids_down": False},
    "laxative_use": "none", "symptoms": ["numbness_tingling", "fatigue", "nausea_poor_appetite"],
    "red_flags_now": [], "supplements": [],
}  # fmt: skip
# Review 3, case 33: heart failure on furosemide, eplerenone, empagliflozin and ramipril, three days of D&V.
ARTHUR_71_EPLERENONE_RAMIPRIL_D_AND_V = {
    "id": "arthur", "age": 71, "sex": "male", "conditions": ["heart_failure", "type_2_diabetes"],
    "medications": ["furosemide 40mg", "eplerenone 25mg", "empagliflozin 10mg", "ramipril 5mg"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": True, "days": 3, "stools_per_day": 5},
    "vomiting": {"present": True, "days": 3, "episodes_per_day": 4}, "laxative_use": "none",
    "symptoms": ["fatigue"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 4.4, "unit": "mmol/L"}},
}  # fmt: skip
# Review 8, case 38: 82, heart failure, her medicines written as on her repeat slip.
EDNA_82_FRUSEMIDE_SPIRO_LANOXIN_NEXIUM = {
    "id": "edna", "age": 82, "sex": "female", "conditions": ["heart_failure"],
    "medications": ["Frusemide 40mg OM", "Spiro 25", "Lanoxin 62.5mcg", "Nexium"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 0}, **NO_GUT_LOSSES, "symptoms": ["fatigue"], "red_flags_now": [],
    "supplements": [],
}  # fmt: skip
# A woman on spironolactone for acne and omeprazole for years: no medicine that lowers magnesium beside it.
SOPHIE_45_SPIRONOLACTONE_AND_LONG_TERM_OMEPRAZOLE = {
    "id": "sophie", "age": 45, "sex": "female", "pregnant": "no", "medications": ["spironolactone 50mg", "omeprazole 20mg"],
    "ppi_over_3_months": "yes", "diuretic_use": "yes", "alcohol": {"drinks_per_week": 2}, **NO_GUT_LOSSES,
    "symptoms": [], "red_flags_now": [],
}  # fmt: skip
# The same with bendroflumethiazide: a thiazide does lower magnesium.
SOPHIE_WITH_BENDROFLUMETHIAZIDE = {
    **SOPHIE_45_SPIRONOLACTONE_AND_LONG_TERM_OMEPRAZOLE,
    "medications": ["spironolactone 50mg", "bendroflumethiazide 2.5mg", "omeprazole 20mg"],
}


def text_of(result: Any, code: str) -> str:
    (text,) = [item.text for item in result.recommendations if item.code == code]
    return " ".join(text.split())


def ppi_line(result: Any) -> str:
    (text,) = [item.text for item in result.recommendations if "a stomach-acid medicine (proton pump inhibitor) taken for" in item.text]
    return " ".join(text.split())


# -- finding 3: no "you have" -----------------------------------------------------------------------


def test_no_advice_nor_parents_wording_tells_the_person_what_they_have(screener: Any) -> None:
    texts = {**screener.ruleset.recommendation_texts, **{f"{key} (to a parent)": text for key, text in screener.ruleset.parent_texts.items()}}
    assert len(texts) > 100
    diagnoses = {key: DIAGNOSIS.search(text).group(0) for key, text in texts.items() if DIAGNOSIS.search(text)}  # type: ignore[union-attr]
    assert diagnoses == {}


def test_the_lint_knows_a_diagnosis_from_a_condition() -> None:
    assert DIAGNOSIS.search("You have a gut condition that stops food being absorbed well.")
    assert DIAGNOSIS.search("Sick for days: the child has an infection.")
    assert not DIAGNOSIS.search("Use your emergency injection if you have one.")
    assert not DIAGNOSIS.search("Stop it while you have diarrhea, until you have asked.")


def test_fiona_sick_ten_days_after_a_sleeve_gastrectomy_is_not_told_she_has_a_gut_condition(screener: Any) -> None:
    result = screener.screen(FIONA_38_SLEEVE_GASTRECTOMY_SICK_TEN_DAYS)
    text = text_of(result, "thiamine_if_weight_loss_surgery")
    assert text.startswith("With a gut condition that stops food being absorbed well, and being sick for a week or more,")
    assert "you have" not in text.casefold()
    child = text_of(screener.screen({**FIONA_38_SLEEVE_GASTRECTOMY_SICK_TEN_DAYS, "age": 9, "pregnant": None}), "thiamine_if_weight_loss_surgery")
    assert "the child has a gut condition" not in child.casefold() and "see the child today" in child


# -- finding 4: a sum of reasons is not a reason ------------------------------------------------------


def test_arthur_on_eplerenone_and_ramipril_is_told_of_those_two_not_of_more_than_one_reason(screener: Any) -> None:
    result = screener.screen(ARTHUR_71_EPLERENONE_RAMIPRIL_D_AND_V)
    (line,) = [item.text for item in result.recommendations if "potassium can build up" in item.text]
    assert line.startswith("With eplerenone and ramipril, potassium can build up")
    assert "more than one reason" not in " ".join(item.text for item in result.recommendations)


# -- finding 5: only medicines that lower magnesium are named as lowering it -----------------------------


def test_edna_on_frusemide_spiro_lanoxin_and_nexium_hears_the_three_that_matter_to_magnesium(screener: Any) -> None:
    result = screener.screen(EDNA_82_FRUSEMIDE_SPIRO_LANOXIN_NEXIUM)
    text = ppi_line(result)
    assert text.startswith("You take Nexium, Lanoxin and Frusemide: a stomach-acid medicine")
    assert "Spiro" not in text
    assert result.urgency == "soon" and "digoxin_check" in [item.code for item in result.recommendations]


def test_sophie_on_spironolactone_and_omeprazole_alone_keeps_her_magnesium_check_at_the_next_visit(screener: Any) -> None:
    # The FDA names diuretics without saying which: who is asked to check magnesium is unchanged.
    result = screener.screen(SOPHIE_45_SPIRONOLACTONE_AND_LONG_TERM_OMEPRAZOLE)
    rules = {finding["rule"] for finding in screener.screen_entry(SOPHIE_45_SPIRONOLACTONE_AND_LONG_TERM_OMEPRAZOLE, detail="lean")["findings"]}
    assert {"long_term_ppi_with_another_diuretic", "routine_long_term_ppi_with_digoxin_or_diuretic"} <= rules
    assert "long_term_ppi_with_digoxin_or_diuretic" not in rules
    assert result.urgency == "routine" and ppi_line(result).startswith("You take omeprazole and spironolactone:")


def test_sophie_with_a_thiazide_beside_it_is_asked_for_a_magnesium_test_naming_the_thiazide_not_the_spironolactone(
    screener: Any,
) -> None:
    text = ppi_line(screener.screen(SOPHIE_WITH_BENDROFLUMETHIAZIDE))
    assert "omeprazole and bendroflumethiazide" in text and "spironolactone" not in text
