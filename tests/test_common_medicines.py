"""Common medicines with no effect on magnesium or potassium that this screen counts are
recognised (class ``no_known_effect``) instead of "not recognised, ask a pharmacist", and
magnesium antacids and laxatives are magnesium intake (``magnesium_supplement``), which matters
with kidney disease. Medicines that do move potassium (insulin shifts it into cells; non-selective
beta-blockers such as carvedilol keep it in the blood) are deliberately not declared neutral.
Metformin has a class of its own, for the sick-day advice only (tests/test_sick_day_diabetes_medicines.py).
README, "Clinical basis", says why and names the sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.screening.medications import Vocabulary

RULES = Path(__file__).parents[1] / "rules" / "medications.json"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


NEUTRAL_AS_EHRS_WRITE_THEM = [
    ("Atorvastatin 80 MG Oral Tablet", "atorvastatin"),
    ("Lipitor 20mg", "atorvastatin"),
    ("Simvastatin 20 MG Oral Tablet", "simvastatin"),
    ("rosuvastatin calcium 10 mg", "rosuvastatin"),
    ("Pravastatin Sodium 40 MG Oral Tablet", "pravastatin"),
    ("Levothyroxine Sodium 0.075 MG Oral Tablet", "levothyroxine"),
    ("Synthroid 100 mcg", "levothyroxine"),
    ("Warfarin Sodium 5 MG Oral Tablet", "warfarin"),
    ("Coumadin 5 mg", "warfarin"),
    ("apixaban 5 MG Oral Tablet", "apixaban"),
    ("Eliquis 2.5 mg bd", "apixaban"),
    ("rivaroxaban 20 MG Oral Tablet", "rivaroxaban"),
    ("Xarelto 20mg", "rivaroxaban"),
    ("Verapamil Hydrochloride 240 MG Extended Release Oral Tablet", "verapamil"),
    ("24 HR Diltiazem Hydrochloride 120 MG Extended Release Oral Capsule", "diltiazem"),
    ("Amlodipine 5 MG Oral Tablet", "amlodipine"),
    ("Metoprolol Tartrate 25 MG Oral Tablet", "metoprolol"),
    ("bisoprolol fumarate 5 mg", "bisoprolol"),
    ("Clopidogrel 75 MG Oral Tablet", "clopidogrel"),
    ("Plavix 75 mg", "clopidogrel"),
    ("sertraline 50 MG Oral Tablet", "sertraline"),
    ("Gabapentin 300 MG Oral Capsule", "gabapentin"),
    ("Tamsulosin hydrochloride 0.4 MG Oral Capsule", "tamsulosin"),
    ("Allopurinol 100 MG Oral Tablet", "allopurinol"),
    ("Montelukast sodium 10 MG Oral Tablet", "montelukast"),
    ("Acetaminophen 325 MG Oral Tablet", "paracetamol"),
    ("Aspirin 81 MG Delayed Release Oral Tablet", "aspirin"),
]


@pytest.mark.parametrize(("text", "generic"), NEUTRAL_AS_EHRS_WRITE_THEM)
def test_a_common_medicine_with_no_mg_or_k_effect_is_recognised_and_counts_for_nothing(
    vocabulary: Vocabulary, text: str, generic: str
) -> None:
    match = vocabulary.match(text)
    assert [drug.generic for drug in match.drugs] == [generic]
    # sertraline is named as a conditional QT risk, which counts nothing either
    assert len(match.classes) == 1 and match.classes <= {"no_known_effect", "qt_possible_risk"}
    assert match.unrecognised == ()


@pytest.mark.parametrize(
    "text",
    ["Milk of Magnesia", "Phillips' Milk of Magnesia", "magnesium hydroxide 400 mg/5 ml", "magnesium trisilicate mixture",
     "Mylanta liquid", "Maalox", "Rennie", "magnesium carbonate"],
)
def test_a_magnesium_antacid_or_laxative_is_magnesium_intake(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert "magnesium_supplement" in match.classes
    assert match.unrecognised == ()


@pytest.mark.parametrize("text", ["insulin glargine 100 UNT/ML Pen Injector", "carvedilol 12.5 mg"])
def test_medicines_that_move_potassium_are_not_declared_neutral(vocabulary: Vocabulary, text: str) -> None:
    assert "no_known_effect" not in vocabulary.match(text).classes


def test_man_with_kidney_disease_taking_mylanta_every_day_is_told_magnesium_only_under_supervision(screener: Any) -> None:
    result = screener.screen({"age": 74, "conditions": ["chronic_kidney_disease"], "medications": ["Mylanta 10 ml after meals"]})
    assert "no_magnesium_self_supplement" in {r.code for r in result.recommendations}
    assert "routine_kidney_disease_with_magnesium_supplement" in {f.rule for f in result.findings}
    assert not [warning for warning in result.warnings if "Mylanta" in warning]


def test_woman_on_metformin_atorvastatin_and_levothyroxine_gets_no_medicine_warnings(screener: Any) -> None:
    result = screener.screen(
        {"age": 61, "medications": ["Metformin 500 MG Oral Tablet", "Atorvastatin 40 MG Oral Tablet", "Levothyroxine 50 MCG"]}
    )
    assert not [warning for warning in result.warnings if "medication" in warning]
