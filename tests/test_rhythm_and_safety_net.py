"""Clinical vignette review 4 (2026-11-30): heart-rhythm medicines with a rhythm symptom (M3),
anti-inflammatory painkillers while vomiting (M4), palpitations and thin records (M5), and the
smaller points of its section 3 (README, "Rhythm, painkillers and safety nets (round 4)")."""

from __future__ import annotations

from typing import Any

from result_support import all_advice, codes, flat, text_of

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Mick, 55, takes methadone and ondansetron, has had diarrhea for 4 days, palpitations and
# cramps, and a potassium of 3.3 this week (review case 15).
MICK_ON_METHADONE_AND_ONDANSETRON = {
    "age": 55,
    "sex": "male",
    "medications": ["methadone 90mg daily", "ondansetron 8mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 4, "stools_per_day": 5},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["palpitations", "muscle_cramps"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"}},
}

# Walter, 71, with COPD: salbutamol nebules, Uniphyl (theophylline), prednisolone and
# clarithromycin; tremor, palpitations and weakness, and a potassium of 3.1 (review case 17).
WALTER_ON_THEOPHYLLINE_AND_CLARITHROMYCIN = {
    "age": 71,
    "sex": "male",
    "medications": ["salbutamol 5mg nebs 4-hourly", "Uniphyl 400mg", "prednisolone 30mg", "clarithromycin 500mg bd"],
    "alcohol": {"drinks_per_week": 4},
    **NO_GUT_LOSSES,
    "symptoms": ["tremor", "palpitations", "muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
}

# Tomas, 34, vomited three times today after a marathon in the heat and took ibuprofen he bought
# for sore legs (review case 2).
TOMAS_VOMITING_AFTER_A_MARATHON_ON_IBUPROFEN = {
    "age": 34,
    "sex": "male",
    "medications": ["ibuprofen 400mg"],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 3},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "supplements": [],
}

# Priya, 30, gave only her age and palpitations (review case 21).
PRIYA_WITH_PALPITATIONS_AND_FEW_ANSWERS = {"age": 30, "symptoms": ["palpitations"]}


# -- M3: QT medicines with a rhythm symptom ---------------------------------------------------------


def test_mick_is_told_to_name_both_his_qt_medicines_and_ask_for_an_ecg_today(screener: Any) -> None:
    result = screener.screen(MICK_ON_METHADONE_AND_ONDANSETRON)
    assert result.urgency == "urgent"
    text = flat(text_of(result, "qt_drug_check"))
    assert text.startswith(
        "You take methadone and ondansetron, which can affect the heart's rhythm, and you reported palpitations"
    )
    assert (
        "Tell the clinician you contact today (or the emergency team, if you call them) that you take methadone and ondansetron"
        in text
    )
    assert "ask for a heart tracing (ECG) today" in text
    assert "One of your medicines" not in text and "whether you need" not in text


def test_walter_hears_of_his_qt_antibiotic_and_is_asked_to_request_a_theophylline_level(screener: Any) -> None:
    result = screener.screen(WALTER_ON_THEOPHYLLINE_AND_CLARITHROMYCIN)
    assert "that you take clarithromycin, and ask for a heart tracing (ECG) today" in flat(
        text_of(result, "qt_drug_check")
    )
    theophylline = flat(text_of(result, "theophylline_level"))
    assert theophylline.startswith("You take theophylline")
    assert "clarithromycin, erythromycin and ciprofloxacin" in theophylline
    assert "ask for a theophylline blood level" in theophylline
    given = codes(result)
    assert (
        given.index("qt_drug_check") < given.index("theophylline_level") < given.index("check_magnesium_with_potassium")
    )


def test_a_theophylline_taker_with_nothing_that_points_to_a_high_level_is_not_sent_for_one(screener: Any) -> None:
    result = screener.screen({**WALTER_ON_THEOPHYLLINE_AND_CLARITHROMYCIN, "symptoms": ["fatigue"], "labs": {}})
    assert "theophylline_level" not in codes(result)
    # aminophylline is theophylline, and a tremor alone on it is a sign to look into
    result = screener.screen(
        {"age": 60, "medications": ["aminophylline 225mg"], **NO_GUT_LOSSES, "symptoms": ["tremor"]}
    )
    assert "theophylline_level" in codes(result)


def test_a_man_who_fainted_just_now_on_methadone_hears_fainting_not_a_symptom(screener: Any) -> None:
    result = screener.screen(
        {
            "age": 55,
            "sex": "male",
            "medications": ["methadone"],
            **NO_GUT_LOSSES,
            "symptoms": [],
            "red_flags_now": ["fainting"],
        }
    )
    assert result.urgency == "emergency"
    assert flat(text_of(result, "qt_drug_check")).startswith(
        "You take methadone, which can affect the heart's rhythm, and you reported fainting;"
    )


# -- M4: an anti-inflammatory painkiller while vomiting ---------------------------------------------


def test_tomas_is_told_to_avoid_his_ibuprofen_while_vomiting_not_to_keep_taking_it(screener: Any) -> None:
    result = screener.screen(TOMAS_VOMITING_AFTER_A_MARATHON_ON_IBUPROFEN)
    assert "keep_taking_prescribed_medicines" not in codes(result)
    text = flat(text_of(result, "avoid_nsaids_while_ill"))
    assert text.startswith(
        "Avoid anti-inflammatory painkillers, such as the ibuprofen you listed, while you are being sick"
    )
    assert "they can harm the kidneys then" in text and "take paracetamol instead" in text
    assert "Do not stop a prescribed medicine" not in all_advice(result)


def test_tomas_without_the_vomiting_is_not_told_to_avoid_it(screener: Any) -> None:
    result = screener.screen({**TOMAS_VOMITING_AFTER_A_MARATHON_ON_IBUPROFEN, "vomiting": {"present": False}})
    assert "avoid_nsaids_while_ill" not in codes(result)
    # Review 6 (W3): beside "none", ibuprofen alone brings no "keep taking ... ask about blood checks" line.
    assert "keep_taking_prescribed_medicines" not in codes(result)


def test_naproxen_beside_ramipril_with_a_days_diarrhea_is_avoided_while_the_ramipril_is_kept(screener: Any) -> None:
    result = screener.screen(
        {
            "age": 66,
            "medications": ["naproxen 500mg bd", "ramipril 5mg"],
            "alcohol": {"drinks_per_week": 0},
            "diarrhea": {"present": True, "days": 1, "stools_per_day": 4},
            "vomiting": {"present": False},
            "laxative_use": "none",
            "symptoms": [],
        }
    )
    given = codes(result)
    assert "avoid_nsaids_while_ill" in given and "keep_taking_prescribed_medicines" in given
    assert "such as the naproxen you listed" in flat(text_of(result, "avoid_nsaids_while_ill"))


# -- M5: palpitations, and a thin record at any urgency below emergency -----------------------------


def test_priya_with_palpitations_gets_a_safety_net_and_is_told_what_was_not_answered(screener: Any) -> None:
    result = screener.screen(PRIYA_WITH_PALPITATIONS_AND_FEW_ANSWERS)
    assert result.urgency == "soon"
    assert codes(result) == ["see_clinician_soon", "palpitations_safety_net", "core_questions_not_answered"]
    net = flat(text_of(result, "palpitations_safety_net"))
    assert "chest pain, fainting or feeling about to faint, or breathlessness, call your local emergency number" in net
    missing = flat(text_of(result, "core_questions_not_answered"))
    assert "nothing was said about medicines, alcohol and gut losses (diarrhea, vomiting, laxatives)" in missing
    assert "does not rule out low magnesium or potassium" in missing


def test_jake_15_on_energy_drinks_gets_the_safety_net_and_his_drinks_are_read_as_caffeine(screener: Any) -> None:
    result = screener.screen(
        {
            "age": 15,
            "sex": "male",
            "medications": ["Monster energy drink x4 a day"],
            "alcohol": {"drinks_per_week": 0},
            **NO_GUT_LOSSES,
            "symptoms": ["palpitations", "tremor", "anxiety"],
            "red_flags_now": [],
            "supplements": [],
        }
    )
    assert "palpitations_safety_net" in codes(result)
    assert [match.generic for medicine in result.medications_recognised for match in medicine.matches] == ["caffeine"]
    assert not any("not recognised" in warning for warning in result.warnings)
    assert result.potassium_depletion == "unlikely"  # caffeine is recognised, not counted


def test_mabel_with_cramps_and_few_answers_keeps_the_plain_few_answers_line(screener: Any) -> None:
    result = screener.screen({"age": 77, "symptoms": ["muscle_cramps"]})
    assert result.urgency == "none"
    assert codes(result) == ["answer_the_core_questions"]


def test_an_emergency_on_a_thin_record_gets_neither_the_safety_net_nor_the_few_answers_line(screener: Any) -> None:
    result = screener.screen({"age": 40, "symptoms": ["palpitations"], "red_flags_now": ["chest_pain"]})
    assert result.urgency == "emergency"
    given = codes(result)
    assert "palpitations_safety_net" not in given and "core_questions_not_answered" not in given


def test_a_thin_record_with_fainting_last_week_keeps_the_few_answers_line_after_the_safety_advice(
    screener: Any,
) -> None:
    result = screener.screen({"age": 50, "symptoms": ["fainting"], "red_flags_now": []})
    assert result.urgency == "urgent"
    given = codes(result)
    assert given[0] == "contact_clinician_today" and given[-1] == "core_questions_not_answered"
    assert flat(text_of(result, "emergency_if_happening_now")).startswith(
        "If the fainting you had in the past two weeks comes back"
    )


# -- section 3: smaller points ----------------------------------------------------------------------


def test_ursula_with_a_low_magnesium_and_a_normal_potassium_is_not_told_about_low_potassium(screener: Any) -> None:
    ursula = {
        "age": 50,
        "sex": "female",
        "pregnant": "no",
        "medications": [],
        "alcohol": {"drinks_per_week": 3},
        **NO_GUT_LOSSES,
        "symptoms": [],
        "supplements": [],
        "labs": {
            "potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_7_days"},
            "magnesium": {"value": 0.66, "unit": "mmol/L", "taken": "last_7_days"},
        },
    }
    result = screener.screen(ursula)
    assert "low potassium often will not correct" not in all_advice(result)
    assert "A low magnesium result needs follow-up" in text_of(result, "check_magnesium")
    # with no potassium result the clause stays: potassium may be low too
    result = screener.screen({**ursula, "labs": {"magnesium": ursula["labs"]["magnesium"]}})
    assert "low potassium often will not correct until magnesium does" in flat(text_of(result, "check_magnesium"))


def test_lars_farid_and_hana_have_their_medicines_read(screener: Any) -> None:
    def generics(*medications: str) -> list[str]:
        result = screener.screen({"age": 60, "medications": list(medications)})
        assert not any("not recognised" in warning for warning in result.warnings)
        return sorted(match.generic for medicine in result.medications_recognised for match in medicine.matches)

    assert generics("venetoclax 100mg") == ["venetoclax"]
    assert generics("Biktarvy") == ["bictegravir", "emtricitabine", "tenofovir alafenamide"]
    assert generics("Xonvea") == ["doxylamine", "pyridoxine"]
    result = screener.screen({"age": 60, "medications": ["venetoclax"], "vomiting": {"present": True, "days": 1}})
    assert "oncology_line_today" in codes(result)
    result = screener.screen(
        {
            "age": 40,
            "medications": ["Biktarvy"],
            "labs": {"potassium": {"value": 3.0, "unit": "mmol/L", "taken": "last_7_days"}},
        }
    )
    assert "tubule_toxic_antiviral" not in {
        m.drug_class for medicine in result.medications_recognised for m in medicine.matches
    }
