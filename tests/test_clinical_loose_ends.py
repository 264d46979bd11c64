"""Loose ends a clinical reviewer left on the list, each decided with its source.

A magnesium antacid, laxative or supplement with kidney disease or dialysis and no recent magnesium
result is seen within days ("soon"), not at the next visit; the vocabulary knows mycophenolate
(recognised, nothing counted), more spellings of Milk of Magnesia, US Gaviscon Regular Strength and
other magnesium antacids, and asks to check the label for a bare "MOM" or "Phillips"; a teenager
with diarrhea or vomiting keeps the fluids advice, which has nothing in it a teenager should not
follow. The reasons are in the README ("Where we departed from the written spec, and why").
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_clinical_cases import check_always_true, codes, fired, text_of

from screener import ScreeningResult

NO_RESULT_RULE = "soon_magnesium_product_with_kidney_disease_and_no_result"


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def mg_lab(value: float, taken: str) -> dict[str, Any]:
    return {"magnesium": {"value": value, "unit": "mmol/L", "taken": taken}}


def medicine_warnings(result: ScreeningResult) -> list[str]:
    return [warning for warning in result.warnings if warning.startswith("medication ")]


def generics(result: ScreeningResult) -> set[str]:
    return {match.generic for entry in result.medications_recognised for match in entry.matches}


# -- a magnesium product with kidney disease and no recent result -------------------------------
def test_margaret_on_dialysis_taking_milk_of_magnesia_without_a_result_is_seen_soon(screener: Any) -> None:
    result = screen(
        screener,
        {"age": 78, "sex": "female", "conditions": ["dialysis"], "medications": ["Milk of Magnesia 30 ml at night"]},
    )
    assert result.urgency == "soon"
    assert NO_RESULT_RULE in fired(result)
    advice = text_of(result, "no_magnesium_self_supplement")
    assert "ask your clinician or pharmacist before you take any more" in advice
    assert "without a magnesium blood test in the last month, ask whether you need one" in advice
    assert "Do not stop a medicine your kidney team prescribed" in advice


def test_man_with_kidney_disease_taking_epsom_salts_with_only_an_old_magnesium_result_is_seen_soon(
    screener: Any,
) -> None:
    # A result from more than 30 days ago is not used: it cannot show what the salts do now.
    answers = {
        "age": 70,
        "sex": "male",
        "conditions": ["chronic_kidney_disease"],
        "medications": ["Epsom salts"],
        "labs": mg_lab(0.9, "older"),
    }
    result = screen(screener, answers)
    assert result.urgency == "soon"
    assert NO_RESULT_RULE in fired(result)


def test_woman_with_kidney_disease_ticking_magnesium_supplements_without_a_result_is_seen_soon(screener: Any) -> None:
    answers = {"age": 66, "sex": "female", "conditions": ["chronic_kidney_disease"], "supplements": ["magnesium"]}
    assert screen(screener, answers).urgency == "soon"


def test_kidney_disease_with_a_magnesium_product_and_a_recent_normal_result_stays_routine(screener: Any) -> None:
    answers = {
        "age": 70,
        "conditions": ["chronic_kidney_disease"],
        "medications": ["Maalox"],
        "labs": mg_lab(0.9, "last_7_days"),
    }
    result = screen(screener, answers)
    assert result.urgency == "routine"
    assert NO_RESULT_RULE not in fired(result)
    assert "no_magnesium_self_supplement" in codes(result)


def test_a_recent_high_result_is_the_building_up_rule_not_the_no_result_rule(screener: Any) -> None:
    answers = {
        "age": 70,
        "conditions": ["chronic_kidney_disease"],
        "medications": ["Milk of Magnesia"],
        "labs": mg_lab(1.3, "last_30_days"),
    }
    result = screen(screener, answers)
    assert result.urgency == "soon"
    assert "soon_magnesium_building_up_with_kidney_disease" in fired(result)
    assert NO_RESULT_RULE not in fired(result)


def test_milk_of_magnesia_without_kidney_disease_needs_no_visit(screener: Any) -> None:
    result = screen(screener, {"age": 45, "sex": "female", "medications": ["Milk of Magnesia"]})
    assert result.urgency == "none"
    assert NO_RESULT_RULE not in fired(result)


def test_the_no_result_rule_is_team_judgement_and_cites_the_labels(screener: Any) -> None:
    rule = screener.ruleset.rule(NO_RESULT_RULE)
    assert rule.team_judgement
    assert {"otc_magnesium_label", "qmdt_hypermagnesemia", "van_laecke_2023", "team_judgement"} <= set(rule.sources)


# -- mycophenolate ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written",
    ["CellCept 1 g twice daily", "Myfortic 720 mg bd", "mycophenolate mofetil 500mg", "mycophenolate sodium", "MMF"],
)
def test_kidney_transplant_recipient_on_mycophenolate_has_it_recognised_with_nothing_counted(
    screener: Any, written: str
) -> None:
    result = screen(screener, {"age": 52, "medications": [written, "tacrolimus 3 mg bd"]})
    assert medicine_warnings(result) == []
    (mycophenolate,) = result.medications_recognised[0].matches
    assert (mycophenolate.generic, mycophenolate.drug_class) == ("mycophenolate", "no_known_effect")


def test_mycophenolate_diarrhea_is_counted_through_the_diarrhea_answers(screener: Any) -> None:
    answers = {"age": 52, "medications": ["CellCept"], "diarrhea": {"present": True, "days": 10, "stools_per_day": 5}}
    result = screen(screener, answers)
    assert result.risk_factors == ["acute_diarrhea"]
    assert "fluids_for_gi_losses" in codes(result)


# -- Milk of Magnesia spellings, and the ambiguous ones ---------------------------------------------
@pytest.mark.parametrize("written", ["milk of mag 15ml", "M.O.M. 30 ml prn", "Phillips Milk of Magnesia"])
def test_kidney_patient_writing_milk_of_magnesia_for_short_is_taking_magnesium(screener: Any, written: str) -> None:
    result = screen(screener, {"age": 74, "conditions": ["chronic_kidney_disease"], "medications": [written]})
    assert medicine_warnings(result) == []
    assert generics(result) == {"magnesium hydroxide"}
    assert result.urgency == "soon"


def test_a_bare_mom_is_not_counted_and_the_warning_offers_milk_of_magnesia(screener: Any) -> None:
    result = screen(
        screener, {"age": 74, "conditions": ["chronic_kidney_disease"], "medications": ["MOM 30 ml at night"]}
    )
    (warning,) = medicine_warnings(result)
    assert "check the label for the full name, such as Milk of Magnesia" in warning
    assert generics(result) == set()
    assert NO_RESULT_RULE not in fired(result)


def test_a_bare_phillips_asks_to_check_the_label_between_its_laxatives(screener: Any) -> None:
    (warning,) = medicine_warnings(screen(screener, {"age": 60, "medications": ["Phillips"]}))
    assert "products named 'Phillips' differ" in warning
    assert "Phillips' Milk of Magnesia or Phillips' Stool Softener" in warning


def test_phillips_stool_softener_is_docusate_and_not_magnesium(screener: Any) -> None:
    result = screen(
        screener, {"age": 74, "conditions": ["chronic_kidney_disease"], "medications": ["Phillips' Stool Softener"]}
    )
    assert generics(result) == {"docusate"}
    assert NO_RESULT_RULE not in fired(result)


# -- US Gaviscon Regular Strength and other magnesium antacids ---------------------------------------
@pytest.mark.parametrize(
    ("written", "magnesium"),
    [
        ("Gaviscon Regular Strength chewable tablets", "magnesium trisilicate"),
        ("Gaviscon Regular Strength liquid 15 ml", "magnesium carbonate"),
    ],
)
def test_man_with_kidney_disease_on_us_gaviscon_regular_strength_is_taking_magnesium(
    screener: Any, written: str, magnesium: str
) -> None:
    result = screen(
        screener, {"age": 70, "sex": "male", "conditions": ["chronic_kidney_disease"], "medications": [written]}
    )
    assert medicine_warnings(result) == []
    assert generics(result) == {"aluminium hydroxide", magnesium}
    assert "no_magnesium_self_supplement" in codes(result)


def test_plain_gaviscon_now_offers_the_regular_strength_too(screener: Any) -> None:
    (warning,) = medicine_warnings(screen(screener, {"age": 50, "medications": ["Gaviscon"]}))
    assert "Gaviscon Advance, Gaviscon Extra Strength or Gaviscon Regular Strength" in warning


@pytest.mark.parametrize(
    "written", ["Rolaids Ultra Strength", "Gelusil", "Mag-Al Plus 30 ml", "Almacone", "Mylanta Maximum Strength"]
)
def test_other_us_magnesium_antacids_are_magnesium_intake_read_without_a_warning(screener: Any, written: str) -> None:
    result = screen(screener, {"age": 70, "conditions": ["chronic_kidney_disease"], "medications": [written]})
    assert medicine_warnings(result) == []
    assert "magnesium hydroxide" in generics(result)
    assert "no_magnesium_self_supplement" in codes(result)


# -- teenagers with diarrhea or vomiting ---------------------------------------------------------------
def test_fourteen_year_old_with_diarrhea_and_vomiting_gets_the_fluids_advice_a_teenager_can_follow(
    screener: Any,
) -> None:
    # NHS advice for children: no fruit juice or fizzy drinks, no medicine to stop diarrhea under 12,
    # no aspirin under 16. The fluids advice names none of them, nor an adult amount, so it stands.
    answers = {
        "age": 14,
        "sex": "female",
        "diarrhea": {"present": True, "days": 3, "stools_per_day": 6},
        "vomiting": {"present": True, "days": 2},
    }
    result = screen(screener, answers)
    assert "child_dehydration_signs" not in codes(result)
    advice = text_of(result, "fluids_for_gi_losses").lower()
    assert "oral rehydration solution" in advice
    unsuitable = ("juice", "fizzy", "sports drink", "loperamide", "imodium", "aspirin", "alcohol", "litre", "ml")
    assert [word for word in unsuitable if re.search(rf"\b{word}\b", advice)] == []
