"""Vignette review 8, findings 2 and 5: shorthand names ("Spiro 25"), and what a name not read may be.

A name the vocabulary does not know may be any medicine, one that makes the body keep potassium
among them: the potassium advice must then say to check first, as it does for a name close to
spironolactone. Misspellings stay offered, never counted (README "Medicines").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from result_support import codes, read_as, text_of

from screener.screening.medications import Vocabulary

RULES = Path(__file__).resolve().parent.parent / "rules" / "medications.json"

# Case 38: an 82-year-old with heart failure on "Frusemide 40mg OM", "Spiro 25", Lanoxin and Nexium.
DORIS = {
    "id": "doris", "age": 82, "sex": "female", "conditions": ["heart_failure"],
    "medications": ["Frusemide 40mg OM", "Spiro 25", "Lanoxin 62.5mcg", "Nexium"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["fatigue"], "red_flags_now": [],
}  # fmt: skip

# A woman of 70 with type 2 diabetes and cramps, whose list holds one brand nobody here knows.
ZORA = {
    "age": 70, "sex": "female", "conditions": ["type_2_diabetes"], "medications": ["Zoravex 25"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [],
}  # fmt: skip

CAUTION = "unconfirmed_medicine_keeps_potassium"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


@pytest.mark.parametrize("written", ["Spiro 25", "spiro", "SPIRO 25mg od", "Spiro"])
def test_spiro_is_spironolactone(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"potassium_sparing_diuretic"}


@pytest.mark.parametrize(("written", "generic"), [("Spiropent", "clenbuterol"), ("Spiriva", "tiotropium")])
def test_spiro_is_a_whole_word_so_spiropent_and_spiriva_keep_their_own_names(vocabulary: Vocabulary, written: str, generic: str) -> None:
    assert {drug.generic for drug in vocabulary.match(written).drugs} == {generic}


@pytest.mark.parametrize(
    ("written", "classes"),
    [
        ("bendro 2.5", {"thiazide_diuretic"}),
        ("frusemide 40", {"loop_diuretic"}),
        ("HCTZ 25", {"thiazide_diuretic"}),
        ("K-tab", {"potassium_supplement"}),
        ("Mag-Ox 400", {"magnesium_supplement"}),
    ],
)
def test_other_shorthands_people_write_are_read(screener: Any, written: str, classes: set[str]) -> None:
    assert read_as(screener, written) == classes


def test_doris_on_spiro_with_heart_failure_is_not_told_to_eat_bananas(screener: Any) -> None:
    result = screener.screen(DORIS)
    assert "no_potassium_self_supplement" in codes(result)
    assert "bananas" not in text_of(result, "food_sources").split(":")[1].split(".")[0]
    assert "check potassium-rich foods" in text_of(result, "food_sources")
    assert not any("not recognised" in warning for warning in result.warnings)


def test_a_name_close_to_no_name_may_keep_potassium_so_the_food_advice_says_to_check_first(screener: Any) -> None:
    result = screener.screen(ZORA)
    assert result.magnesium_depletion == "possible"
    food = text_of(result, "food_sources")
    assert food.startswith("Foods rich in magnesium:") and "check potassium-rich foods" in food
    assert any("may be a medicine that can make the body keep potassium" in warning for warning in result.warnings)


def test_a_name_offered_a_medicine_that_lowers_potassium_is_not_called_one_that_may_keep_it(screener: Any) -> None:
    # "omeprazle" is close to omeprazole alone: what it may be is known, and it keeps no potassium.
    result = screener.screen(ZORA | {"medications": ["omeprazle 20mg"]})
    assert not any("keep potassium" in warning for warning in result.warnings)


def test_every_name_read_leaves_the_plain_food_list(screener: Any) -> None:
    result = screener.screen(ZORA | {"medications": ["metformin 500mg"]})
    assert "bananas" in text_of(result, "food_sources")


def test_the_check_the_names_advice_says_an_unread_name_may_also_keep_potassium(screener: Any) -> None:
    result = screener.screen(ZORA | {"medications": ["Zoravex 25"], "diuretic_use": "yes"})
    text = text_of(result, "check_medicine_names")
    assert "lowers magnesium or potassium" in text and "makes the body keep potassium" in text


def test_a_misspelling_is_offered_not_counted_as_the_policy_says(vocabulary: Vocabulary) -> None:
    # README "Medicines": names as labels spell them (other languages, older names, shorthand) are
    # read; a misspelling is offered ("did you mean"), so that a "no" to it keeps it not counted.
    assert vocabulary.match("omeprazol").drugs and vocabulary.match("spironolacton").drugs
    assert vocabulary.match("bendroflumethazide").drugs == ()
    (correction,) = vocabulary.corrections("bendroflumethazide 2.5mg")
    assert correction.names == ("bendroflumethiazide",)


def test_also_with_no_close_name_without_the_classes_it_is_about_is_refused(tmp_path: Path) -> None:
    import json
    import shutil

    from screener.errors import RulesError
    from screener.screening.ruleset import load_ruleset

    folder = tmp_path / "rules"
    shutil.copytree(RULES.parent, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    facts = json.loads((folder / "facts.json").read_text("utf-8"))
    facts["input"]["medicines_not_read"]["also_with_no_close_name"] = True
    (folder / "facts.json").write_text(json.dumps(facts), "utf-8")
    with pytest.raises(RulesError, match=r"'medicines_not_read', field 'also_with_no_close_name': given without 'near_miss_of'"):
        load_ruleset(folder)
