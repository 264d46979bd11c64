"""Medicine safety at the edges of the screen (second vignette review, findings 4, 7 and 13).

A name typed wrong that is close to a medicine that keeps potassium; trimethoprim, or a
potassium-sparing diuretic, on top of another reason to keep potassium; liquorice as the cause of
a low potassium. Each person is one the reviewer met (probes p14, p6 and p12, cases 01 and 16).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from result_support import codes, flat
from screener.cli.main import app as cli
from typer.testing import CliRunner

from screener import ScreeningResult
from screener.render import result_text

BANANAS = "food_sources"
CAUTIOUS_FOOD = "food_sources:potassium_caution"
CHECK_THE_NAME = "Ask a pharmacist to check the name"



def texts(result: ScreeningResult) -> dict[str, str]:
    return {recommendation.code: recommendation.text for recommendation in result.recommendations}


def food_advice(result: ScreeningResult) -> str:
    return texts(result)["food_sources"]


# -- finding 4: a misspelt medicine that keeps potassium -----------------------------------------
SPIRINOLACTONE_AND_RAMAPRIL = {
    "id": "p14",
    "age": 75,
    "medications": ["furosemide 40mg", "spirinolactone 25mg", "ramapril 5mg"],
    "symptoms": ["muscle_cramps"],
}


def test_man_of_75_whose_spironolactone_and_ramipril_are_misspelt_is_not_told_to_eat_bananas(screener: Any) -> None:
    result = screener.screen(SPIRINOLACTONE_AND_RAMAPRIL)
    food = food_advice(result)
    assert "bananas, avocados" not in food  # the plain list of potassium-rich foods
    assert "the body can keep potassium" in food
    assert any(CHECK_THE_NAME in warning for warning in result.warnings)


def test_his_misspelt_names_are_still_not_counted_for_the_levels(screener: Any) -> None:
    """Spironolactone would protect the furosemide from counting as a loss: it must not, unread."""
    misspelt = screener.screen(SPIRINOLACTONE_AND_RAMAPRIL)
    furosemide_alone = screener.screen({**SPIRINOLACTONE_AND_RAMAPRIL, "medications": ["furosemide 40mg"]})
    for part in ("magnesium_depletion", "potassium_depletion", "combined_depletion", "urgency"):
        assert getattr(misspelt, part) == getattr(furosemide_alone, part)
    assert misspelt.potassium_depletion == "possible"
    assert sum("so not counted" in warning for warning in misspelt.warnings) == 2


def test_woman_whose_misspelt_potassium_tablets_are_near_potassium_chloride_is_told_to_check_the_name(screener: Any) -> None:
    result = screener.screen({"age": 60, "medications": ["furosemide", "potasium chlorde"], "symptoms": ["muscle_cramps"]})
    assert any("did you mean potassium chloride" in warning for warning in result.warnings)
    assert any(CHECK_THE_NAME in warning for warning in result.warnings)
    assert texts(result)["food_sources"] != screener.ruleset.recommendation_texts[BANANAS]


def test_a_misspelt_medicine_with_nothing_to_do_with_potassium_changes_nothing(screener: Any) -> None:
    """'omeprazle' is near omeprazole, a stomach-acid medicine: the usual food advice stands."""
    result = screener.screen({"age": 75, "medications": ["furosemide", "omeprazle"], "symptoms": ["muscle_cramps"]})
    assert food_advice(result) == screener.ruleset.recommendation_texts[BANANAS]
    assert not any(CHECK_THE_NAME in warning for warning in result.warnings)


def test_in_the_terminal_the_note_on_the_misspelt_name_comes_before_the_advice(screener: Any) -> None:
    text = flat(result_text(screener.screen(SPIRINOLACTONE_AND_RAMAPRIL)))
    assert text.index("Warnings") < text.index("Recommendations") < text.index("Why (rules that fired")
    assert text.index("did you mean spironolactone") < text.index("Recommendations")


def test_in_the_report_and_the_web_result_page_the_note_comes_before_the_advice(tmp_path: Path) -> None:
    answers = tmp_path / "p14.json"
    answers.write_text(json.dumps(SPIRINOLACTONE_AND_RAMAPRIL), "utf-8")
    out = tmp_path / "p14.html"
    run = CliRunner().invoke(cli, ["report", str(answers), "-o", str(out)])
    assert run.exit_code == 0, run.output
    page = flat(out.read_text("utf-8"))
    assert page.index("did you mean spironolactone") < page.index('id="recommendations-heading"')
    assert CHECK_THE_NAME in page


def test_a_near_miss_class_that_is_not_in_the_vocabulary_is_a_clear_rules_error(tmp_path: Path) -> None:
    from screener.errors import RulesError
    from screener.screening.ruleset import default_rules_folder, load_ruleset

    folder = tmp_path / "rules"
    folder.mkdir()
    for item in default_rules_folder().iterdir():
        if item.name.endswith(".json"):
            (folder / item.name).write_bytes(item.read_bytes())
    facts = json.loads((folder / "facts.json").read_text("utf-8"))
    facts["input"]["unconfirmed_medicine_keeps_potassium"]["near_miss_of"].append("ace_inhibtor")
    (folder / "facts.json").write_text(json.dumps(facts), "utf-8")
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    message = str(raised.value)
    assert "unconfirmed_medicine_keeps_potassium" in message
    assert "unknown medicine class 'ace_inhibtor'" in message
    assert "did you mean 'ace_inhibitor'" in message


# -- finding 7: trimethoprim, or a potassium-sparing diuretic, with another reason to keep potassium
ASK_ABOUT_A_CHECK = "whether to check your potassium"


def test_woman_of_85_on_trimethoprim_spironolactone_and_lisinopril_is_told_to_ask_for_a_potassium_check(screener: Any) -> None:
    result = screener.screen({"id": "p6", "age": 85, "medications": ["trimethoprim", "spironolactone", "lisinopril"], "symptoms": []})
    assert result.urgency == "routine"
    advice = texts(result)["no_potassium_self_supplement"]
    assert ASK_ABOUT_A_CHECK in advice
    assert "Do not stop a prescribed medicine on your own" in advice
    assert "general_advice" not in codes(result)


def test_man_of_70_on_trimethoprim_alone_is_told_to_ask_for_a_potassium_check(screener: Any) -> None:
    """Trimethoprim at 65 or over (Crellin 2018): potassium can rise within days."""
    result = screener.screen({"age": 70, "medications": ["trimethoprim 200mg"], "symptoms": []})
    assert result.urgency == "routine"
    assert ASK_ABOUT_A_CHECK in texts(result)["no_potassium_self_supplement"]


def test_woman_of_30_on_trimethoprim_alone_keeps_the_plain_supplement_caution(screener: Any) -> None:
    result = screener.screen({"age": 30, "medications": ["trimethoprim 200mg"], "symptoms": []})
    assert result.urgency == "none"
    assert texts(result)["no_potassium_self_supplement"] == screener.ruleset.recommendation_texts["no_potassium_self_supplement"]


def test_man_with_heart_failure_on_spironolactone_and_ramipril_is_told_to_ask_for_a_potassium_check(screener: Any) -> None:
    """MHRA 2016: spironolactone with an ACE inhibitor or ARB calls for potassium monitoring."""
    result = screener.screen({"age": 58, "conditions": ["heart_failure"], "medications": ["spironolactone", "ramipril"], "symptoms": []})
    assert result.urgency != "none"
    assert ASK_ABOUT_A_CHECK in texts(result)["no_potassium_self_supplement"]


def test_woman_with_kidney_disease_on_prescribed_potassium_is_asked_whether_it_should_continue(screener: Any) -> None:
    """Case 01: potassium chloride, kidney disease, weakness; trimethoprim, spironolactone, lisinopril."""
    result = screener.screen({
        "id": "case01",
        "age": 82,
        "conditions": ["chronic_kidney_disease"],
        "medications": ["trimethoprim", "spironolactone", "lisinopril", "potassium chloride"],
        "symptoms": ["muscle_weakness"],
    })
    advice = texts(result)["no_potassium_self_supplement"]
    assert "whether any potassium you take should continue" in advice
    assert "stop" not in advice.replace("Do not stop a prescribed medicine on your own", "")


# -- finding 13: liquorice ---------------------------------------------------------------------------
def test_man_of_60_with_low_potassium_from_liquorice_tea_is_told_to_stop_it(screener: Any) -> None:
    result = screener.screen({
        "id": "p12",
        "age": 60,
        "medications": ["liquorice tea"],
        "conditions": ["high_blood_pressure"],
        "symptoms": [],
        "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}},
    })
    advice = texts(result)["stop_liquorice"]
    assert "Stop having it, and tell your clinician" in advice
    assert "keep_taking_prescribed_medicines" not in codes(result)


def test_woman_who_eats_liquorice_with_nothing_pointing_to_low_potassium_is_not_told_to_stop(screener: Any) -> None:
    result = screener.screen({"age": 40, "medications": ["black liquorice"], "symptoms": []})
    assert result.potassium_depletion == "unlikely"
    assert "stop_liquorice" not in codes(result)
