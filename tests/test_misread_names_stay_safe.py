"""A misread medicine name must not make a result less safe (vignette review 9, findings 1, 2 and 6).

A name the vocabulary does not know is never counted toward the levels; but when the name offered
for it ("did you mean digoxin?") is a medicine with urgency rules of its own, how soon takes the
cautious view that it may be that medicine, and the advice says why. A short brand spelt as it
sounds ("lasics") is offered its name; an answer with a name not read is never reassurance; and
"No medicines" written beside names is read as no medicine.
"""

from __future__ import annotations

from typing import Any

from result_support import all_advice, codes, flat, rules_fired, text_of

NOTHING_ELSE = {
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "red_flags_now": [],
}  # fmt: skip

# Review 9, D1: 82, on digoxin written "digoxine", off her food and tired, potassium 3.7 this week.
MAUD_82_DIGOXINE_NAUSEA_K_3_7 = {
    "id": "maud", "age": 82, "sex": "female", "medications": ["digoxine 125mcg"], **NOTHING_ELSE,
    "symptoms": ["nausea_poor_appetite", "fatigue"],
    "labs": {"potassium": {"value": 3.7, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Review 9, D4: 70, on sotalol written "sotolol", potassium 3.3 this week.
VICTOR_70_SOTOLOL_K_3_3 = {
    "id": "victor", "age": 70, "sex": "male", "medications": ["sotolol 80mg"], **NOTHING_ELSE, "symptoms": [],
    "labs": {"potassium": {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Review 9, D3: 78, furosemide written as it sounds, "lasics 40", with cramps and weakness.
ALBERT_78_LASICS_CRAMPS = {
    "id": "albert", "age": 78, "sex": "male", "medications": ["lasics 40"], **NOTHING_ELSE,
    "symptoms": ["muscle_cramps", "muscle_weakness"],
}  # fmt: skip
# Review 9, case 32: "No medicines" written as the first row, furosemide as the second.
WALTER_NO_MEDICINES_AND_FUROSEMID = {
    "id": "walter", "age": 66, "sex": "male", "medications": ["No medicines", "furosemide 20mg"], "diuretic_use": "no",
    **NOTHING_ELSE, "symptoms": [],
}  # fmt: skip


def test_an_82_year_old_on_digoxine_off_her_food_is_told_to_contact_a_clinician_today(screener: Any) -> None:
    result = screener.screen(MAUD_82_DIGOXINE_NAUSEA_K_3_7)
    assert result.urgency == "urgent"
    assert "urgent_if_a_name_not_read_is_digoxin_with_warning_sign" in rules_fired(result)
    text = flat(text_of(result, "check_medicine_names"))
    assert "if 'digoxine' is digoxin, what else you reported means a clinician should see you sooner" in text
    assert "taking the box or the prescription" in text


def test_her_digoxine_is_still_not_counted_toward_the_levels(screener: Any) -> None:
    misread = screener.screen(MAUD_82_DIGOXINE_NAUSEA_K_3_7)
    nothing = screener.screen({**MAUD_82_DIGOXINE_NAUSEA_K_3_7, "medications": []})
    assert (misread.magnesium_depletion, misread.potassium_depletion, misread.combined_depletion) == (
        nothing.magnesium_depletion, nothing.potassium_depletion, nothing.combined_depletion,
    )
    # She is not told she takes digoxin: only that the name may be it.
    assert "digoxin_check" not in codes(misread) and "You take digoxin" not in all_advice(misread)


def test_a_70_year_old_on_sotolol_with_a_potassium_of_3_3_is_urgent_as_on_sotalol(screener: Any) -> None:
    misread = screener.screen(VICTOR_70_SOTOLOL_K_3_3)
    spelt = screener.screen({**VICTOR_70_SOTOLOL_K_3_3, "medications": ["sotalol 80mg"]})
    assert misread.urgency == spelt.urgency == "urgent"
    assert "if 'sotolol' is sotalol" in flat(text_of(misread, "check_medicine_names"))


def test_a_misspelling_only_ever_raises_how_soon(screener: Any) -> None:
    # Sotolol with a normal potassium and no symptom: the QT rules ask for nothing sooner.
    calm = screener.screen({**VICTOR_70_SOTOLOL_K_3_3, "labs": {"potassium": {"value": 4.4, "unit": "mmol/L", "taken": "last_7_days"}}})
    assert not {rule for rule in rules_fired(calm) if "_if_a_name_not_read_is_" in rule}
    assert "if 'sotolol' is sotalol" not in all_advice(calm)


def test_a_woman_on_jardience_who_is_being_sick_is_told_to_contact_a_clinician_today(screener: Any) -> None:
    being_sick = {"present": True, "days": 1, "episodes_per_day": 2, "cannot_keep_fluids_down": False}
    result = screener.screen({
        "id": "jo", "age": 58, "sex": "female", "pregnant": "no", "medications": ["Jardience 10mg"], **NOTHING_ELSE,
        "vomiting": being_sick, "symptoms": [],
    })  # fmt: skip
    assert result.urgency == "urgent"
    assert "if 'Jardience' is Jardiance" in flat(text_of(result, "check_medicine_names"))


def test_a_woman_taking_inulin_fibre_who_was_sick_once_is_not_taken_for_a_misspelt_insulin(screener: Any) -> None:
    # Verify 9: "inulin fibre" (a shop-bought prebiotic) was one letter from insulin, so one day of
    # vomiting brought insulin's "today". It is read as itself now.
    being_sick = {"present": True, "days": 1, "episodes_per_day": 1, "cannot_keep_fluids_down": False}
    result = screener.screen({
        "id": "nadia", "age": 41, "sex": "female", "pregnant": "no", "medications": ["inulin fibre 5g"], **NOTHING_ELSE,
        "vomiting": being_sick, "symptoms": [],
    })  # fmt: skip
    assert result.urgency not in ("urgent", "emergency")
    assert "check_medicine_names" not in codes(result)
    assert not any("inulin" in warning for warning in result.warnings)


def test_a_man_on_lithiam_with_three_days_of_diarrhea_is_told_to_contact_a_clinician_today(screener: Any) -> None:
    result = screener.screen({
        "id": "ed", "age": 45, "sex": "male", "medications": ["lithiam 400mg"], **NOTHING_ELSE,
        "diarrhea": {"present": True, "days": 3, "stools_per_day": 3}, "symptoms": [],
    })  # fmt: skip
    assert result.urgency == "urgent"
    assert "urgent_if_a_name_not_read_is_lithium_with_gut_losses" in rules_fired(result)


def test_a_78_year_old_on_lasics_is_asked_whether_he_meant_lasix_and_not_reassured(screener: Any) -> None:
    result = screener.screen(ALBERT_78_LASICS_CRAMPS)
    assert any("did you mean Lasix?" in warning for warning in result.warnings)
    assert result.urgency == "routine"
    assert "check_medicine_names" in codes(result) and "do not point to" not in all_advice(result)


def test_a_name_close_to_no_medicine_is_not_followed_by_reassurance(screener: Any) -> None:
    result = screener.screen({"id": "nell", "age": 40, "sex": "female", "pregnant": "no", "medications": ["Zorbulex 10mg"],
                              **NOTHING_ELSE, "symptoms": []})  # fmt: skip
    assert result.urgency == "none"
    advice = all_advice(result)
    assert "do not point to low magnesium or potassium" not in advice
    assert "Not all the medicines you listed could be read" in advice
    # With every name read, the general advice is as before.
    read = screener.screen({"id": "nell", "age": 40, "sex": "female", "pregnant": "no", "medications": ["amlodipine 5mg"],
                            **NOTHING_ELSE, "symptoms": []})  # fmt: skip
    assert "These answers do not point to low magnesium or potassium" in all_advice(read)


def test_no_medicines_written_beside_furosemide_is_read_as_no_medicine_with_a_note(screener: Any) -> None:
    result = screener.screen(WALTER_NO_MEDICINES_AND_FUROSEMID)
    assert [entry.input for entry in result.medications_recognised] == ["furosemide 20mg"]
    assert not [warning for warning in result.warnings if "'No medicines' not recognised" in warning]
    (note,) = [warning for warning in result.warnings if "says no medicines" in warning]
    assert note.startswith("medication 'No medicines' says no medicines, but the list has 1 other entry")
    # Not a name that may keep potassium: his food advice names potassium-rich foods again.
    assert "may be a medicine that can make the body keep potassium" not in " ".join(result.warnings)


def test_none_alone_is_still_no_medicines_with_no_note(screener: Any) -> None:
    result = screener.screen({**WALTER_NO_MEDICINES_AND_FUROSEMID, "medications": ["nil", "None."]})
    assert result.medications_recognised == [] and not [w for w in result.warnings if "says no medicines" in w]


def test_a_parent_whose_childs_medicine_could_not_be_read_is_not_reassured(screener: Any) -> None:
    result = screener.screen({"id": "amy", "age": 8, "sex": "female", "medications": ["Zorbulex syrup"],
                              "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
                              "red_flags_now": [], "symptoms": []})  # fmt: skip
    advice = all_advice(result)
    assert result.urgency == "none"
    assert "Not all the medicines you listed for the child could be read" in advice
    assert "do not point to low magnesium or potassium" not in advice
