"""Medicine text as EHRs write it (RxNorm display strings, as in Synthea exports) is read without
spurious "not recognised, ask a pharmacist" warnings, while a name that is really unknown is still
reported, never dropped (medications.md, "Matching")."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.screening.medications import MedicationMatch, Vocabulary

RULES = Path(__file__).parents[1] / "rules" / "medications.json"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


def generics(match: MedicationMatch) -> list[str]:
    """The medicines read, once each (a medicine of two classes, salbutamol, is one drug per class)."""
    return list(dict.fromkeys(drug.generic for drug in match.drugs))


# -- a brand in square brackets (RxNorm's branded products, "SBD") ------------------------------------
def test_ibuprofen_with_its_rxnorm_brand_in_brackets_is_ibuprofen_and_nothing_unrecognised(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("Ibuprofen 400 MG Oral Tablet [Ibu]")
    assert generics(match) == ["ibuprofen"]
    assert match.unrecognised == ()


def test_a_known_brand_in_brackets_still_counts_on_its_own(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("40 MG Oral Tablet [Lasix]")
    assert generics(match) == ["furosemide"]
    assert match.classes == {"loop_diuretic"}


def test_an_unknown_product_with_an_unknown_brand_in_brackets_is_reported_whole(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("Zoravex 20 MG Oral Tablet [Zorvax]")
    assert match.drugs == ()
    assert match.unrecognised == ("Zoravex", "Zorvax")


def test_a_brand_in_round_brackets_after_a_known_drug_is_still_reported(vocabulary: Vocabulary) -> None:
    # Only RxNorm's square brackets mark a brand of the same product; what a person writes in
    # round brackets may be a second medicine.
    assert vocabulary.match("furosemide (Zoravex)").unrecognised == ("Zoravex",)


# -- dose forms and packaging -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        # Epinephrine is read since the vocabulary review (no known effect): nothing is left over.
        ("Epinephrine 1 MG/ML Auto-Injector", ()),
        ("Epinephrine 1 MG/ML Auto Injector", ()),
        ("Epinephrine 0.3 MG Autoinjector", ()),
        ("NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector", ()),
        ("Zoravex 0.3 MG Autoinjector", ("Zoravex",)),
        ("Leuprolide Acetate 7.5 MG Prefilled Syringe", ("Leuprolide Acetate",)),
        ("Leuprolide Acetate 7.5 MG Pre-filled Syringe", ("Leuprolide Acetate",)),
        ("3 ML Zoravex 6 MG/ML Pen Injector", ("Zoravex",)),
        ("3 ML Zoravex 100 UNT/ML Cartridge", ("Zoravex",)),
    ],
)
def test_packaging_words_are_not_reported_only_the_unknown_medicine_is(vocabulary: Vocabulary, text: str, unknown: tuple[str, ...]) -> None:
    assert vocabulary.match(text).unrecognised == unknown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("albuterol Metered Dose Inhaler", ["albuterol"]),
        ("120 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", ["albuterol"]),
        (
            "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler",
            ["fluticasone", "salmeterol"],
        ),
        ("Omeprazole 20 MG Extended Release Oral Capsule", ["omeprazole"]),
        ("Omeprazole 20 MG Delayed-Release Oral Capsule", ["omeprazole"]),
        ("24 HR Metoprolol succinate 50 MG Extended Release Oral Tablet", ["metoprolol"]),
        ("Furosemide 20 MG Disintegrating Oral Tablet", ["furosemide"]),
        ("3 ML Liraglutide 6 MG/ML Pen Injector", ["liraglutide"]),
    ],
)
def test_rxnorm_dose_forms_around_a_known_drug_leave_nothing_unrecognised(
    vocabulary: Vocabulary, text: str, expected: list[str]
) -> None:
    match = vocabulary.match(text)
    assert generics(match) == expected
    assert match.unrecognised == ()


# -- a number that is part of a name ------------------------------------------------------------------
def test_an_unknown_vitamin_is_reported_with_its_number_not_as_vitamin_k(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("Vitamin K 2 5 MG/ML Injectable Solution").unrecognised == ("Vitamin K 2",)
    assert [drug.generic for drug in vocabulary.match("Vitamin B 12 5 MG/ML Injectable Solution").drugs] == ["vitamin B12"]


def test_a_dose_after_an_unknown_name_is_still_dose_text(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("vitamin K 1000 IU").unrecognised == ("vitamin K",)
    assert vocabulary.match("Zoravex 20 mg").unrecognised == ("Zoravex",)


# -- liquorice as people take it ----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["licorice tea", "liquorice root tea", "Liquorice tea, 2 cups a day"])
def test_liquorice_tea_is_liquorice_and_tea_is_not_unrecognised(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert generics(match) == ["liquorice"]
    assert match.unrecognised == ()
