"""Catalogue review 9 (a clinical pharmacist reads the rules): advice a clinician would not give.

F1 a prescribed laxative (lactulose for the liver) is not to be stopped on one's own; F2 no Gitelman
line beside the aldosteronism line with high blood pressure; F3 digoxin is not a sick-day medicine;
F5 one result says one thing about an anti-inflammatory painkiller; F8 the steroid and water-pill
monitoring wording (docs/departures.md, "Catalogue review 9").
"""

from __future__ import annotations

from typing import Any

NO_VOMITING = {"vomiting": {"present": False}}

# Geoffrey, 60, cirrhosis: lactulose 20 ml twice daily with rifaximin, spironolactone and
# furosemide; loose stools 4 times a day for 2 days (the reviewer's liver.json).
GEOFFREY_ON_LACTULOSE_AND_RIFAXIMIN = {
    "id": "geoffrey", "age": 60, "sex": "male", "red_flags_now": [],
    "medications": ["lactulose 20 ml twice daily", "rifaximin 550 mg", "spironolactone 100 mg", "furosemide 40 mg"],
    "diuretic_use": "yes", "laxative_use": "regular", "laxative_type": "osmotic",
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 4}, **NO_VOMITING, "symptoms": [],
    "alcohol": {"drinks_per_week": 0},
}  # fmt: skip

# Hilary, 48, high blood pressure on amlodipine, potassium 3.1 and magnesium 0.62 this week, no
# water pill and no gut losses (htn.json).
HILARY_WITH_HIGH_BLOOD_PRESSURE_AND_LOW_RESULTS = {
    "id": "hilary", "age": 48, "sex": "female", "red_flags_now": [], "medications": ["amlodipine 10 mg"],
    "diuretic_use": "no", "diarrhea": {"present": False}, **NO_VOMITING, "symptoms": ["muscle_weakness"],
    "alcohol": {"drinks_per_week": 2}, "laxative_use": "none", "conditions": ["high_blood_pressure"], "supplements": [],
    "labs": {
        "potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.62, "unit": "mmol/L", "taken": "last_7_days"},
    },
}  # fmt: skip

# Dorothy, 78, digoxin, bisoprolol, apixaban and naproxen, diarrhea 4 times a day for 3 days (dig.json).
DOROTHY_ON_DIGOXIN_AND_NAPROXEN_WITH_DIARRHEA = {
    "id": "dorothy", "age": 78, "sex": "female", "red_flags_now": [],
    "medications": ["digoxin 125 micrograms", "bisoprolol 2.5 mg", "apixaban 5 mg", "naproxen 500 mg"],
    "diuretic_use": "no", "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}, **NO_VOMITING,
    "symptoms": [], "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "conditions": [],
}  # fmt: skip


def _texts(result: Any) -> dict[str, str]:
    return {r.code: r.text for r in result.recommendations}


# -- F1: a prescribed laxative ---------------------------------------------------------------------


def test_geoffrey_on_lactulose_for_his_liver_is_not_told_to_stop_it(screener: Any) -> None:
    result = screener.screen(GEOFFREY_ON_LACTULOSE_AND_RIFAXIMIN)
    text = _texts(result)["stop_laxatives_during_diarrhea"]
    assert not text.startswith("Stop taking laxatives")
    prescribed = text[text.index("A laxative a clinician prescribed") :]
    assert "lactulose for the liver" in prescribed
    assert "do not stop it on your own" in prescribed
    assert "ask the team that prescribed it" in prescribed and "lower the dose" in prescribed
    # Only a laxative bought without a prescription is to be stopped, and lactulose is not named there.
    bought = text[text.index("A laxative you bought yourself") : text.index("A laxative a clinician prescribed")]
    assert "stop it while the diarrhea lasts" in bought and "lactulose" not in bought


def test_geoffreys_rifaximin_is_recognised_so_no_pharmacist_note_asks_about_it(screener: Any) -> None:
    result = screener.screen(GEOFFREY_ON_LACTULOSE_AND_RIFAXIMIN)
    assert not any("rifaximin" in warning.casefold() for warning in result.warnings)


def test_geoffrey_is_not_told_one_thing_about_stopping_and_the_opposite_beside_it(screener: Any) -> None:
    # The laxative line and "do not stop a prescribed medicine on your own" agree now: no line in
    # his result tells him to stop a medicine a clinician prescribed.
    texts = _texts(screener.screen(GEOFFREY_ON_LACTULOSE_AND_RIFAXIMIN))
    assert "keep_taking_prescribed_medicines" in texts
    assert "Stop taking laxatives" not in " ".join(texts.values())


# -- F2: Gitelman with high blood pressure ------------------------------------------------------


def test_hilary_with_high_blood_pressure_is_asked_about_aldosteronism_and_not_about_gitelman(screener: Any) -> None:
    codes = [r.code for r in screener.screen(HILARY_WITH_HIGH_BLOOD_PRESSURE_AND_LOW_RESULTS).recommendations]
    assert "ask_about_aldosteronism" in codes
    assert "ask_about_kidney_salt_wasting" not in codes


def test_the_same_results_without_high_blood_pressure_still_ask_about_the_kidneys(screener: Any) -> None:
    answers = dict(HILARY_WITH_HIGH_BLOOD_PRESSURE_AND_LOW_RESULTS, conditions=[], medications=[])
    codes = [r.code for r in screener.screen(answers).recommendations]
    assert "ask_about_kidney_salt_wasting" in codes
    assert "ask_about_aldosteronism" not in codes


# -- F3 and F5: digoxin and naproxen ------------------------------------------------------------


def test_dorothy_on_digoxin_is_not_told_to_pause_it_under_sick_day_rules_and_stays_urgent(screener: Any) -> None:
    result = screener.screen(DOROTHY_ON_DIGOXIN_AND_NAPROXEN_WITH_DIARRHEA)
    assert result.urgency == "urgent"
    texts = _texts(result)
    for code, text in texts.items():
        if code != "digoxin_check":
            assert "digoxin" not in text, code
    assert "sick-day rules" not in " ".join(texts.values())
    digoxin = texts["digoxin_check"]
    assert "too much digoxin in the blood (digoxin toxicity) more likely" in digoxin
    assert "Tell the clinician you contact today" in digoxin and "do not stop or change it on your own" in digoxin


def test_dorothy_reads_one_thing_about_her_naproxen(screener: Any) -> None:
    texts = _texts(screener.screen(DOROTHY_ON_DIGOXIN_AND_NAPROXEN_WITH_DIARRHEA))
    naming_naproxen = [code for code, text in texts.items() if "naproxen" in text]
    assert naming_naproxen == ["avoid_nsaids_while_ill"]
    assert "Leave it off while you are ill even if a clinician prescribed it" in texts["avoid_nsaids_while_ill"]


def test_a_man_on_ramipril_and_digoxin_ill_for_three_days_is_asked_about_ramipril_only(screener: Any) -> None:
    answers = dict(
        DOROTHY_ON_DIGOXIN_AND_NAPROXEN_WITH_DIARRHEA,
        id="rashid",
        sex="male",
        medications=["ramipril 5 mg", "digoxin 125 micrograms"],
    )
    result = screener.screen(answers)
    assert result.urgency == "urgent"
    sick_day = _texts(result)["sick_day_medicines"]
    assert "whether to pause ramipril" in sick_day and "digoxin" not in sick_day


def test_the_sick_day_list_names_no_digoxin_for_a_water_pill_answered_without_a_name(screener: Any) -> None:
    answers = dict(DOROTHY_ON_DIGOXIN_AND_NAPROXEN_WITH_DIARRHEA, medications=[], diuretic_use="yes")
    sick_day = _texts(screener.screen(answers))["sick_day_medicines"]
    assert sick_day.startswith("With diarrhea or vomiting for more than 48 hours") and "digoxin" not in sick_day


# -- F8: steroids and water-pill checks ---------------------------------------------------------


def test_a_woman_on_a_prednisolone_course_who_cannot_keep_fluids_down_is_not_told_her_body_depends_on_it(
    screener: Any,
) -> None:
    answers = {
        "id": "maeve", "age": 52, "sex": "female", "red_flags_now": [], "medications": ["prednisolone 30 mg"],
        "diuretic_use": "no", "diarrhea": {"present": False},
        "vomiting": {"present": True, "days": 1, "episodes_per_day": 4, "cannot_keep_fluids_down": True},
        "symptoms": [], "alcohol": {"drinks_per_week": 0}, "laxative_use": "none",
    }  # fmt: skip
    text = _texts(screener.screen(answers))["steroid_sick_day"]
    assert "that your body may depend on" not in text and "you are steroid dependent" not in text
    assert text.startswith("You take a steroid tablet (prednisolone). If your body may depend on it (")
    assert "show your steroid emergency card if you have one" in text


def test_a_man_on_hydrocortisone_tablets_who_vomits_reads_when_the_body_depends_on_a_steroid(screener: Any) -> None:
    answers = {
        "id": "owen", "age": 40, "sex": "male", "red_flags_now": [], "medications": ["hydrocortisone 10 mg"],
        "diuretic_use": "no", "diarrhea": {"present": False}, "vomiting": {"present": True, "days": 1, "episodes_per_day": 2},
        "symptoms": [], "alcohol": {"drinks_per_week": 0}, "laxative_use": "none",
    }  # fmt: skip
    text = _texts(screener.screen(answers))["steroid_sick_day"]
    assert "that your body may depend on" not in text
    assert "Your body may depend on it if you take it for Addison's disease or another adrenal condition" in text
    assert "4 weeks or more (at 5 mg of prednisolone a day or more" in text
    assert "A single short course of a few days does not make the body depend on it" in text


def test_a_man_on_furosemide_alone_is_told_his_checks_are_every_6_to_12_months_not_once_a_year(screener: Any) -> None:
    answers = {
        "id": "arthur", "age": 70, "sex": "male", "red_flags_now": [], "medications": ["furosemide 40 mg"],
        "diuretic_use": "yes", "diarrhea": {"present": False}, **NO_VOMITING, "symptoms": [],
        "alcohol": {"drinks_per_week": 0}, "laxative_use": "none",
    }  # fmt: skip
    joined = " ".join(_texts(screener.screen(answers)).values())
    assert "at least once a year" not in joined
    assert (
        "every 6 to 12 months once the dose is settled (every 6 months on a strong water pill such as furosemide)"
        in joined
    )
