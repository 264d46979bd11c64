"""Round 9 leftovers: medicine words people write, and magnesium antacids beside "no supplements".

How long a medicine is taken ("for 5 days", "since 2019") and who it came from ("from my sister")
are no medicine names; a magnesium antacid is counted as magnesium but is no supplement a person
would list at the supplements question (README "Medicines", docs/departures.md).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from result_support import read_as

from screener.errors import RulesError
from screener.screening.medications import Vocabulary

VOCABULARY = Path(__file__).parents[1] / "rules" / "medications.json"

QUIET = {
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "red_flags_now": [],
}  # fmt: skip

# A man of 45 with asthma on a short course of prednisolone, written as a prescription writes it.
PRAKASH = {"age": 45, "sex": "male", "symptoms": [], "medications": ["Pred 40mg od for 5 days"], **QUIET}

# A woman of 70 with cramps whose only medicine is her sister's water tablets.
WINIFRED = {
    "age": 70, "sex": "female", "symptoms": ["muscle_cramps"], "medications": ["water tablets from my sister"],
    **QUIET,
}  # fmt: skip

# A woman of 60 who takes Rennie for heartburn and answered "None of these" to the supplements question.
RUTH = {"age": 60, "sex": "female", "symptoms": [], "supplements": [], "medications": ["Rennie"], **QUIET}


def unread_warnings(result: Any) -> list[str]:
    return [warning for warning in result.warnings if "not recognised" in warning or "keep potassium" in warning]


def test_prakashs_five_day_course_of_pred_is_read_whole(screener: Any) -> None:
    result = screener.screen(PRAKASH)
    assert unread_warnings(result) == []
    (entry,) = result.medications_recognised
    assert entry.unrecognised == []
    assert {match.generic for match in entry.matches} == {"prednisolone"}


@pytest.mark.parametrize(
    "written",
    [
        "furosemide 40mg od for 5 days",
        "furosemide for 2 weeks",
        "furosemide for a few months",
        "furosemide for the last 3 years",
        "furosemide for about 1.5 years",
        "furosemide since 2019",
        "furosemide since last year",
        "furosemide for years",
        "furosemide long term",
        "furosemide 40mg as needed",
        "furosemide when required",
        "furosemide prn",
        "furosemide if required",
        "furosemide as and when needed",
        "furosemide for 3 months",
    ],
)
def test_how_long_or_when_a_medicine_is_taken_is_no_name(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"loop_diuretic"}


@pytest.mark.parametrize(
    "written",
    [
        "water tablets from my sister",
        "water tablets borrowed from my mum",
        "fluid tablets from a friend",
        "water pills from the chemist",
        "water tablets from the hospital",
    ],
)
def test_who_water_tablets_came_from_is_no_name(screener: Any, written: str) -> None:
    result = screener.screen(WINIFRED | {"medications": [written]})
    assert unread_warnings(result) == [], result.warnings
    assert any("read as 'yes' to whether a water pill" in warning for warning in result.warnings)


def test_winifreds_sisters_water_tablets_count_as_a_water_pill(screener: Any) -> None:
    result = screener.screen(WINIFRED)
    assert unread_warnings(result) == []
    assert result.urgency == "routine"
    assert result.magnesium_depletion == "possible" and result.potassium_depletion == "possible"


@pytest.mark.parametrize("written", ["bumetanide prescribed by my GP", "senna from my sister", "furosemide from the chemists"])
def test_a_medicine_named_with_where_it_came_from_is_read(screener: Any, written: str) -> None:
    read_as(screener, written)  # fails when any of it is left unread


@pytest.mark.parametrize("written", ["from my sister", "for 5 days", "since 2019"])
def test_those_words_alone_are_still_a_name_not_read(screener: Any, written: str) -> None:
    result = screener.screen(WINIFRED | {"medications": [written]})
    assert any("not recognised" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("written", "unread"),
    [("furosemide for my knees", "for my knees"), ("senna from my knees", "from my knees"), ("furosemide for 5", "for")],
)
def test_other_words_after_for_or_from_are_still_reported(written: str, unread: str) -> None:
    """Closed lists: a word that is no purpose, source or length of time is never dropped."""
    assert Vocabulary.from_file(VOCABULARY).match(written).unrecognised == (unread,)


def test_a_length_of_time_listed_twice_is_named_in_the_vocabulary_file() -> None:
    data = copy.deepcopy(json.loads(VOCABULARY.read_text(encoding="utf-8")))
    data["ignored_text"]["groups"][0]["names"].append("for a day")
    with pytest.raises(RulesError, match=r"ignored_text\.durations\.amounts.*'for a day' is already listed"):
        Vocabulary.from_data(data)


def test_ruths_rennie_is_counted_as_magnesium_without_saying_her_answer_disagrees(screener: Any) -> None:
    result = screener.screen(RUTH)
    notes = [warning for warning in result.warnings if warning.startswith("Supplements:")]
    assert notes == [
        "Supplements: 'Rennie' in your medicine list is an antacid that contains magnesium (magnesium carbonate): "
        "it is counted as magnesium taken by mouth."
    ]
    assert not any("check which is right" in warning or "None of these" in warning for warning in result.warnings)
    # counted as before: the same result as the same answers with magnesium ticked at the supplements question
    (entry,) = result.medications_recognised
    assert "magnesium_supplement" in {match.drug_class for match in entry.matches}
    ticked = screener.screen(RUTH | {"supplements": ["magnesium"]})
    assert (result.urgency, result.magnesium_depletion, result.potassium_depletion) == (
        ticked.urgency, ticked.magnesium_depletion, ticked.potassium_depletion,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Mylanta 10ml", "an antacid"),
        ("Milk of Magnesia", "an antacid or laxative"),
        ("Gaviscon Extra Strength", "an antacid"),
        ("Rolaids", "an antacid"),
        ("magnesium trisilicate mixture", "an antacid"),
        ("OsvaRen", "a phosphate binder"),
    ],
)
def test_a_magnesium_antacid_beside_no_supplements_is_named_for_what_it_is(screener: Any, written: str, kind: str) -> None:
    result = screener.screen(RUTH | {"medications": [written]})
    (note,) = [warning for warning in result.warnings if warning.startswith("Supplements:")]
    assert f"is {kind} that contains magnesium" in note and "check which is right" not in note


def test_a_magnesium_supplement_beside_no_supplements_still_says_the_answers_disagree(screener: Any) -> None:
    result = screener.screen(RUTH | {"medications": ["Rennie", "Slow-Mag"]})
    notes = sorted(warning for warning in result.warnings if warning.startswith("Supplements:"))
    assert len(notes) == 2
    assert "'Rennie' in your medicine list is an antacid" in notes[0]
    assert "the answer given is 'None of these', but 'Slow-Mag'" in notes[1] and "check which is right" in notes[1]
