"""Medicines as a patient or a nurse types them, from a clinician's review of vignette records:
names the vocabulary did not know (each one an "ask a pharmacist" warning, 3 to 6 a record), dose
and route words taken for medicine names, and warnings that read as if a drug that was counted
had not been. Each name is put in the class the vocabulary's own rules give it: osmotic laxatives
are not the stimulant laxatives the rules count; Epsom salts are magnesium; Kloref and Kay Ciel are
potassium chloride; Fostair holds a beta-2 agonist; vitamins, the pill without drospirenone and
other common medicines have no effect this screen counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.screening.medications import Vocabulary

RULES = Path(__file__).parents[1] / "rules" / "medications.json"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


def medicine_warnings(result: Any) -> list[str]:
    return [warning for warning in result.warnings if warning.startswith("medication")]


# -- names the vocabulary now knows -------------------------------------------------------------


def test_nurse_typing_movicol_and_lactulose_gets_osmotic_laxatives_recognised_not_counted_as_stimulants(screener: Any) -> None:
    result = screener.screen(
        {"age": 97, "medications": ["Movicol 1 sachet bd", "lactulose 15ml bd", "MiraLAX 17 g", "polyethylene glycol 3350"]}
    )
    assert medicine_warnings(result) == []
    assert {match.drug_class for entry in result.medications_recognised for match in entry.matches} == {"no_known_effect"}
    assert "regular_laxatives" not in {finding.rule for finding in result.findings}


def test_woman_with_kidney_disease_taking_epsom_salts_is_told_magnesium_only_under_supervision(screener: Any) -> None:
    result = screener.screen({"age": 79, "conditions": ["chronic_kidney_disease"], "medications": ["Epsom salts"]})
    assert medicine_warnings(result) == []
    assert "no_magnesium_self_supplement" in {r.code for r in result.recommendations}


@pytest.mark.parametrize("brand", ["Kloref", "Kay Ciel", "Kay-Cee-L 10 ml bd"])
def test_man_on_spironolactone_taking_kloref_or_kay_ciel_gets_the_potassium_caution(screener: Any, brand: str) -> None:
    result = screener.screen({"age": 74, "medications": ["spironolactone 25 mg", brand]})
    assert medicine_warnings(result) == []
    assert "routine_prescribed_potassium_with_retention_caution" in {finding.rule for finding in result.findings}


def test_asthmatic_on_fostair_has_its_beta_2_agonist_counted_as_symbicorts_is(vocabulary: Vocabulary) -> None:
    fostair, symbicort = vocabulary.match("Fostair 100/6 two puffs bd"), vocabulary.match("Symbicort")
    assert fostair.unrecognised == ()
    assert fostair.classes == symbicort.classes == {"no_known_effect", "k_lowering_drug", "beta2_agonist"}
    assert list(dict.fromkeys(drug.generic for drug in fostair.drugs)) == ["beclometasone", "formoterol"]


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("thiamine 100mg", "thiamine"),
        ("folic acid 400mcg", "folic acid"),
        ("vitamin B12 injections", "vitamin B12"),
        ("cyanocobalamin 1000 mcg", "vitamin B12"),
        ("hydroxocobalamin 1 mg", "vitamin B12"),
        ("doxazosin 4mg", "doxazosin"),
        ("colecalciferol 800 units", "vitamin D"),
        ("amitriptyline 10 mg at night", "amitriptyline"),
        ("mirtazapine 15mg", "mirtazapine"),
        ("fluoxetine 20 mg", "fluoxetine"),
        ("trazodone 50 mg", "trazodone"),
        ("bupropion XL 150 mg", "bupropion"),
        ("tramadol 50mg", "tramadol"),
        ("amoxicillin 500 mg tds", "amoxicillin"),
        ("cetirizine 10 mg", "cetirizine"),
        ("beclometasone inhaler", "beclometasone"),
        ("Nu-Seals 75 mg", "aspirin"),
        ("loperamide 2mg qds", "loperamide"),
    ],
)
def test_a_common_harmless_medicine_is_recognised_with_no_effect_counted(vocabulary: Vocabulary, text: str, generic: str) -> None:
    match = vocabulary.match(text)
    assert [drug.generic for drug in match.drugs] == [generic]
    # amitriptyline, mirtazapine and fluoxetine are named as a possible QT risk, which counts nothing either
    assert len(match.classes) == 1 and match.classes <= {"no_known_effect", "qt_possible_risk"} and match.unrecognised == ()


@pytest.mark.parametrize("product", ["co-codamol 30/500", "Adcal-D3", "Adcal D3 chewable", "co-amoxiclav 625", "Norco"])
def test_a_common_combination_is_wholly_recognised(vocabulary: Vocabulary, product: str) -> None:
    match = vocabulary.match(product)
    assert len(match.drugs) == 2 and match.unrecognised == ()
    assert match.classes == {"no_known_effect"}


def test_recovering_drinker_on_thiamine_folic_acid_and_b12_gets_no_medicine_warnings(screener: Any) -> None:
    result = screener.screen({"age": 52, "medications": ["thiamine 100mg", "folic acid 5mg", "vitamin B12 injections", "doxazosin 4mg"]})
    assert medicine_warnings(result) == []


def test_woman_on_microgynon_gets_no_potassium_caution_but_one_on_lucette_does(screener: Any) -> None:
    microgynon = screener.screen({"age": 35, "medications": ["Microgynon 30 ED"]})
    lucette = screener.screen({"age": 35, "medications": ["Lucette"]})
    assert medicine_warnings(microgynon) == [] and medicine_warnings(lucette) == []
    assert "k_retention_caution" not in {finding.rule for finding in microgynon.findings}
    assert "k_retention_caution" in {finding.rule for finding in lucette.findings}


@pytest.mark.parametrize("pill", ["Rigevidon", "Loestrin", "Marvelon", "Cilest", "Femodene", "Sprintec", "Cerazette"])
def test_a_pill_without_drospirenone_counts_for_nothing(vocabulary: Vocabulary, pill: str) -> None:
    match = vocabulary.match(pill)
    assert match.drugs and match.classes == {"no_known_effect"}


@pytest.mark.parametrize("pill", ["Lucette", "Yacella", "Daylette", "Syeda", "Gianvi", "Beyaz"])
def test_a_drospirenone_pill_is_a_potassium_caution(vocabulary: Vocabulary, pill: str) -> None:
    assert "drospirenone" in vocabulary.match(pill).classes


def test_uniphyllin_the_uk_theophylline_is_counted_as_lowering_potassium(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("theophylline (Uniphyllin) 200mg bd")
    # and its own class, for the advice on its level (vignette review 4, M3)
    assert match.classes == {"k_lowering_drug", "theophylline"} and match.unrecognised == ()


def test_quetiapine_a_conditional_qt_risk_is_not_counted_as_a_qt_prolonging_drug(vocabulary: Vocabulary) -> None:
    # The class follows the CredibleMeds known-risk list, as for sertraline.
    assert vocabulary.match("quetiapine 25 mg").classes == vocabulary.match("sertraline").classes == {"qt_possible_risk"}


# -- dose, route and frequency words are not medicine names ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "AmBisome 3 mg/kg IV daily",
        "gentamicin 7mg per kg od",
        "Prilosec OTC",
        "salbutamol 5mg nebs 4-hourly",
        "salbutamol 2.5 mg nebuliser four hourly",
        "furosemide 40mg IV stat",
        "cisplatin chemotherapy every 3 weeks",
        "cisplatin 75 mg/m2",
        "carboplatin AUC5",
        "liquorice sweets daily",
        "Microgynon 30 ED",
    ],
)
def test_dose_route_and_frequency_words_are_not_reported_as_medicines(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.drugs and match.unrecognised == ()


@pytest.mark.parametrize(("text", "unread"), [("chemotherapy", "chemotherapy"), ("sweets", "sweets"), ("OTC", "OTC"), ("Zoravex 4-hourly", "Zoravex")])
def test_those_words_swallow_no_medicine_that_is_not_named(vocabulary: Vocabulary, text: str, unread: str) -> None:
    match = vocabulary.match(text)
    assert not match.drugs and match.unrecognised == (unread,)


# -- the warning for an entry read in part, or not at all -----------------------------------------


def test_oncology_patient_whose_list_is_read_in_part_is_told_the_drug_was_counted_and_only_the_rest_left_out(screener: Any) -> None:
    result = screener.screen({"age": 58, "medications": ["cisplatin with Zoravex"]})
    assert medicine_warnings(result) == [
        "medication 'cisplatin with Zoravex': read as cisplatin (counted); 'Zoravex' was not recognised and left out; "
        "ask a pharmacist whether it affects magnesium or potassium"
    ]
    assert "both_wasting_drug" in result.medications_recognised[0].matches[0].drug_class


def test_several_leftover_words_were_left_out(screener: Any) -> None:
    # One entry listing three medicines is read as three (verify-6 F3): each unknown one named.
    result = screener.screen({"medications": ["furosemide and Zoravex and Quintaflux"]})
    assert [warning.split(" not recognised")[0] for warning in medicine_warnings(result)] == [
        "medication 'Zoravex'", "medication 'Quintaflux'"
    ]


def test_a_cream_read_in_part_says_why_it_is_not_counted(screener: Any) -> None:
    result = screener.screen({"medications": ["hydrocortisone cream with Zoravex"]})
    assert medicine_warnings(result)[0].startswith(
        "medication 'hydrocortisone cream with Zoravex': read as hydrocortisone (cream: acts locally, not counted); "
        "'Zoravex' was not recognised and left out;"
    )


def test_a_name_not_read_at_all_is_named_once(screener: Any) -> None:
    result = screener.screen({"medications": ["Vextaar", "furosimide", "Vextaar 78 mg"]})
    assert medicine_warnings(result) == [
        "medication 'Vextaar' not recognised, so not counted; ask a pharmacist whether it affects magnesium or potassium",
        "medication 'furosimide' not recognised (did you mean furosemide?), so not counted; ask a pharmacist whether "
        "it affects magnesium or potassium",
        "medication 'Vextaar 78 mg': 'Vextaar' not recognised, so not counted; ask a pharmacist whether it affects "
        "magnesium or potassium",
    ]


# -- the name the person wrote --------------------------------------------------------------------


def test_uk_asthmatic_writing_salbutamol_is_told_salbutamol_not_only_albuterol(screener: Any) -> None:
    result = screener.screen({"age": 30, "medications": ["salbutamol 5mg nebs with Zoravex"]})
    assert medicine_warnings(result)[0].startswith(
        "medication 'salbutamol 5mg nebs with Zoravex': read as salbutamol (albuterol) (counted); 'Zoravex' was not"
    )


def test_a_drug_is_named_as_written_by_its_other_name_and_by_its_generic_otherwise(vocabulary: Vocabulary) -> None:
    # one entry per class (a beta-2 agonist has two since review 5, M8), each named as written
    assert {drug.name for drug in vocabulary.match("SALBUTAMOL 100 mcg").drugs} == {"salbutamol (albuterol)"}
    assert [drug.name for drug in vocabulary.match("acetaminophen 500 mg").drugs] == ["acetaminophen (paracetamol)"]
    assert {drug.name for drug in vocabulary.match("albuterol").drugs} == {"albuterol"}
    assert {drug.name for drug in vocabulary.match("Ventolin").drugs} == {"albuterol"}
    assert [drug.name for drug in vocabulary.match("Lasix 40").drugs] == ["furosemide"]


# -- a kind of medicine, not its name ----------------------------------------------------------


def test_nurse_writing_water_tablet_for_a_woman_of_80_records_a_water_pill_of_unknown_type(screener: Any) -> None:
    """A carer's list says "water tablet", not which one: that is no unread medicine name but a
    yes to "do you take a water pill?", counted as a water pill of unknown type, as that answer is."""
    result = screener.screen({"age": 80, "sex": "female", "medications": ["Water tablet 1 in the morning", "paracetamol"]})
    assert "diuretic_unknown_type" in {finding.rule for finding in result.findings}
    assert result.magnesium_depletion == "possible"
    (warning,) = medicine_warnings(result)
    assert "names no medicine, only a kind of one: read as 'yes' to whether a water pill (diuretic) is taken" in warning
    assert "ask a pharmacist which it is" in warning and "not recognised" not in warning
    assert "check_medicine_names" not in [recommendation.code for recommendation in result.recommendations]


def test_water_tablet_beside_its_name_is_that_medicine_and_no_warning(screener: Any) -> None:
    result = screener.screen({"age": 80, "medications": ["water tablet (furosemide) 40mg"]})
    assert medicine_warnings(result) == []
    assert "loop_diuretic" in {match.drug_class for entry in result.medications_recognised for match in entry.matches}


def test_water_tablet_listed_by_someone_who_answered_no_keeps_the_answer_and_names_both(screener: Any) -> None:
    result = screener.screen({"age": 80, "diuretic_use": "no", "medications": ["diuretics"]})
    assert "diuretic_unknown_type" not in {finding.rule for finding in result.findings}
    (warning,) = medicine_warnings(result)
    assert "but that question was answered 'no': kept as given; check which is right" in warning


def test_a_word_that_only_starts_like_water_is_still_an_unread_name(vocabulary: Vocabulary) -> None:
    assert vocabulary.question_answered(vocabulary.match("waterfall")) is None
    assert vocabulary.question_answered(vocabulary.match("water pills")) == ("diuretic_use", "yes")


# -- words about a medicine that was read are not another medicine (surfaces review C2) ------------


@pytest.mark.parametrize(
    "entry",
    [
        "Paracetamol 1 g four times a day when needed for my knees",
        "Furosemida 40mg (Spanish box)",
        "omeprazole 20mg for reflux",
    ],
)
def test_rita_is_not_asked_to_check_with_a_pharmacist_words_that_are_no_medicine(screener: Any, entry: str) -> None:
    result = screener.screen({"age": 72, "medications": [entry]})
    assert medicine_warnings(result) == []
    assert result.medications_recognised[0].matches, "the medicine itself is read and counted"


@pytest.mark.parametrize(
    ("entry", "left_out"),
    [
        ("Lasix, Kalium-Durules", "'Kalium', 'Durules' not recognised"),  # read as two entries (verify-6 F3)
        ("Zoravex and furosemide", "'Zoravex' not recognised"),
        ("furosemide (spirinolactone)", "'spirinolactone' was not recognised (did you mean spironolactone?)"),
    ],
)
def test_a_word_that_may_be_a_second_medicine_is_still_reported(screener: Any, entry: str, left_out: str) -> None:
    [warning] = medicine_warnings(screener.screen({"age": 72, "medications": [entry]}))
    assert left_out in warning and "ask a pharmacist" in warning


def test_rita_asked_about_her_medicines_is_not_told_for_my_knees_was_not_recognised(vocabulary: Vocabulary) -> None:
    from screener.interview.questions import unrecognised_notes

    assert unrecognised_notes(vocabulary, ["Paracetamol 1 g four times a day when needed for my knees"]) == ()
    [note] = unrecognised_notes(vocabulary, ["cisplatin with Zoravex"])
    assert note.startswith("We did not recognise 'Zoravex' in 'cisplatin with Zoravex'.")


# -- answers that disagree about supplements, and one medicine written twice (surfaces review A3) --


def test_rita_who_said_no_supplements_but_lists_slow_k_and_magnesium_is_told_the_answers_disagree(screener: Any) -> None:
    result = screener.screen({"age": 72, "medications": ["Slow-K 600mg", "magnesium oxide 400mg"], "supplements": []})
    notes = [warning for warning in result.warnings if warning.startswith("Supplements:")]
    assert notes == [  # in the order of the names, whatever the order of the list
        "Supplements: the answer given is 'None of these', but 'magnesium oxide 400mg' in your medicine list is a "
        "magnesium supplement. It was counted, since the list holds medicines taken now; check which is right.",
        "Supplements: the answer given is 'None of these', but 'Slow-K 600mg' in your medicine list is a prescribed "
        "potassium supplement. It was counted, since the list holds medicines taken now; check which is right.",
    ]
    assert {"takes_prescribed_potassium", "takes_magnesium_supplement"} <= {f.rule for f in result.findings}


@pytest.mark.parametrize("supplements", [None, ["potassium_prescribed"]])
def test_no_such_warning_when_the_supplements_question_agrees_or_was_not_answered(screener: Any, supplements: Any) -> None:
    answers = {"age": 72, "medications": ["Slow-K 600mg"], **({"supplements": supplements} if supplements is not None else {})}
    assert not [w for w in screener.screen(answers).warnings if w.startswith("Supplements:")]


def test_rita_who_listed_lasix_and_furosemida_is_told_both_are_furosemide(screener: Any) -> None:
    result = screener.screen({"age": 72, "medications": ["Lasix 40mg", "Furosemida 40mg", "Ramipril 5mg"]})
    assert result.warnings == [
        "Medicines: 'Furosemida 40mg' and 'Lasix 40mg' both contain furosemide. It counts once here; if these are "
        "two prescriptions of it, or it is taken twice, tell your clinician or pharmacist."
    ]


def test_a_combination_pill_beside_one_of_its_parts_is_named_too(screener: Any) -> None:
    [warning] = screener.screen({"medications": ["co-amilofruse 5/40", "furosemide 20mg"]}).warnings
    assert warning.startswith("Medicines: 'co-amilofruse 5/40' and 'furosemide 20mg' both contain furosemide.")


def test_the_same_entry_twice_and_two_different_medicines_bring_no_such_warning(screener: Any) -> None:
    assert screener.screen({"medications": ["Lasix", "Lasix", "ramipril"]}).warnings == []
