"""The how-soon line at the top never says less than the advice under it (newcomer review 8,
finding 1: "How soon: none - no clinician visit needed" above "contact your clinician ... today").

Every advice text that says "today", "same day", 999 or 911 is listed here with when, for the
person who is given it, that contact is unconditional: always (the text tells them to make it), on
answers they gave (a text that says "today if it has gone on for more than a day" is unconditional
for someone who said two days), or never (the contact waits on something the questions do not ask:
ketones, a sign coming on, a red flag happening now). A result whose how-soon is "none", "routine"
or "soon" must not carry a text whose contact is unconditional for that person; one whose how-soon
is anything but "emergency" must not carry a text that sends the person to emergency care now
unconditionally. The people are the personas, generated diverse records, and records made at the
boundaries the rules and texts name (days 1, 2, 3, 7, 13, 14; episodes and stools a day either side
of 2, 3 and 5; ages 0 to 17 and 65 and over), with the medicines whose advice says "today" added in
turn (the generator's own list has none of them).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screener.contract.answers import CONDITION_CODES
from screener.synthetic import diverse_cohort, record

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = sorted((ROOT / "examples" / "personas").glob("*.json"))
SAYS_TODAY = re.compile(r"\btoday\b|same[- ]day|\b999\b|\b911\b", flags=re.IGNORECASE)
SAYS_EMERGENCY = re.compile(r"emergency (?:care|number|team)|\bA&E\b|\b999\b|\b911\b", flags=re.IGNORECASE)
BELOW_TODAY = ("none", "routine", "soon")

Answers = dict[str, Any]


def _always(answers: Answers) -> bool:
    return True


def _never(answers: Answers) -> bool:
    return False


def _part(answers: Answers, section: str) -> dict[str, Any]:
    part = answers.get(section)
    return part if isinstance(part, dict) and part.get("present") is True else {}


def _vomiting(answers: Answers) -> bool:
    return bool(_part(answers, "vomiting"))


def _gone_on_more_than_a_day(answers: Answers) -> bool:
    return any((_part(answers, section).get("days") or 0) >= 2 for section in ("vomiting", "diarrhea"))


def _fluids_not_staying_down(answers: Answers) -> bool:
    return _part(answers, "vomiting").get("cannot_keep_fluids_down") is True


def _child_at_higher_risk(answers: Answers) -> bool:
    # "today if the child is under 1 year; is under 5 and has vomited more than twice or had more
    # than 5 loose stools in 24 hours; cannot keep drinks down; ..." (the rest are not asked)
    age = answers.get("age")
    if not isinstance(age, int | float):
        return _fluids_not_staying_down(answers)
    many = (_part(answers, "vomiting").get("episodes_per_day") or 0) > 2 or (_part(answers, "diarrhea").get("stools_per_day") or 0) > 5
    return age < 1 or (age < 5 and many) or _fluids_not_staying_down(answers)


def _pregnant_and_vomiting_a_lot(answers: Answers) -> bool:
    # "today if you cannot keep fluids down for 24 hours, are vomiting several times a day, ..."
    vomiting = _part(answers, "vomiting")
    return answers.get("pregnant") == "yes" and ((vomiting.get("episodes_per_day") or 0) >= 3 or _fluids_not_staying_down(answers))


def _ileostomy_watery_more_than_a_day(answers: Answers) -> bool:
    return "ileostomy" in (answers.get("conditions") or []) and (_part(answers, "diarrhea").get("days") or 0) >= 2




# code or code:variant -> when its "today" (or emergency number) is unconditional for the person given it
TODAY_IS_UNCONDITIONAL: dict[str, Callable[[Answers], bool]] = {
    "contact_clinician_today": _always,
    "emergency_if_happening_now": _never,  # "if ... is happening now, or comes back"
    "emergency_if_happening_now:comes_back": _never,
    "palpitations_safety_net": _never,  # "together with chest pain, fainting ..."
    "palpitations_safety_net:caffeine": _never,
    "steroid_sick_day": _always,
    "steroid_sick_day:fludrocortisone": _always,
    "steroid_sick_day:if_long_term": _never,  # "If you have taken steroid tablets for more than 4 weeks"
    "high_potassium_result:today": _always,
    "high_potassium_result:today_salt_substitute": _always,
    "high_potassium_result:today_with_symptoms": _always,
    "high_potassium_result:today_with_symptoms_salt_substitute": _always,
    "high_potassium_result:today_kept_with_symptoms": _always,
    "child_dehydration_signs": _child_at_higher_risk,
    "child_dehydration_signs:fluid_limit": _child_at_higher_risk,
    "insulin_sick_day": _vomiting,  # "today if you start being sick or your ketones are raised"
    "insulin_sick_day:fluids_not_staying_down": _always,  # "get help straight away"
    "insulin_sick_day:vomiting": _always,
    "insulin_sick_day:young_person_vomiting": _always,
    "pregnancy_vomiting": _pregnant_and_vomiting_a_lot,
    "oncology_line_today": _always,
    "oncology_line_today:high_potassium": _always,
    "transplant_team_today": _always,
    "lithium_when_ill": _gone_on_more_than_a_day,  # "today if it has gone on for more than a day"
    "lithium_when_ill:fluid_limit": _gone_on_more_than_a_day,
    "lithium_when_ill:tremor_and_confusion": _always,
    "lithium_when_ill:tremor_and_confusion_fluid_limit": _always,
    "lithium_when_ill:tremor": _always,
    "lithium_when_ill:tremor_fluid_limit": _always,
    "lithium_when_ill:confusion": _always,
    "lithium_when_ill:confusion_fluid_limit": _always,
    "sglt2_ketoacidosis": _vomiting,  # "If you are being sick, or feel sick and cannot eat and drink normally now, contact ... today": nausea is asked over two weeks, not now
    "thiamine_if_weight_loss_surgery": _always,  # "a clinician should see you today"
    "stop_colchicine_while_ill": _always,
    "desmopressin_while_ill": _never,  # "Get help at once ... if you have a bad headache, become confused ...": signs coming on
    "desmopressin_with_a_loop_diuretic_or_steroid": _never,  # "ask ... soon"; "Get help at once ... if": signs coming on
    "fluids_for_gi_losses:short_stomach_bug": _never,  # "If fluids will not stay down, or you feel faint"
    "fluids_for_gi_losses:not_staying_down": _always,
    "fluids_for_gi_losses:high_potassium_result": _fluids_not_staying_down,  # "Losses that go on, fluids not staying down, ..."
    "fluids_for_gi_losses:potassium_binder": _fluids_not_staying_down,
    "fluids_for_gi_losses:fluid_limit": _fluids_not_staying_down,
    "stoma_team_for_high_output": _ileostomy_watery_more_than_a_day,
    "qt_drug_check:with_rhythm_symptom": _always,
    "qt_drug_check:with_rhythm_symptom_beside_keep_taking": _always,
    "qt_drug_check:with_rhythm_symptom_beside_recent_normal_results": _always,
    "digoxin_check:warning_sign": _always,  # "Tell the clinician you contact today"
    "recheck_older_result": _never,  # "how things are today": no contact
    "recheck_older_high_potassium": _never,
    "recheck_older_high_magnesium": _never,
    "no_magnesium_self_supplement:taking_magnesium_very_high_result": _always,
}

# code or code:variant -> when its emergency care is unconditional and now for the person given it
# (the texts that name an emergency number, A&E or the emergency team)
EMERGENCY_IS_UNCONDITIONAL: dict[str, Callable[[Answers], bool]] = {
    "seek_emergency_care": _always,
    "emergency_if_happening_now": _never,  # "if ... is happening now, or comes back"
    "emergency_if_happening_now:comes_back": _never,
    "palpitations_safety_net": _never,  # "together with chest pain, fainting ..."
    "palpitations_safety_net:caffeine": _never,
    "steroid_sick_day": _never,  # "If you vomit and cannot keep your tablets down, or feel very weak ..."
    "steroid_sick_day:fludrocortisone": _never,
    "steroid_sick_day:if_long_term": _never,
    "steroid_sick_day:emergency": _always,  # "use it now, before help arrives"
    "high_potassium_result:emergency": _always,  # "the reason for the emergency advice"
    "high_potassium_result:emergency_salt_substitute": _always,
    "child_dehydration_signs": _never,  # "if the child is hard to wake, or pale or mottled and cold to touch"
    "child_dehydration_signs:fluid_limit": _never,
    "insulin_sick_day": _never,  # "if your ketones are high ..., or if you are very drowsy or confused, or breathing fast"
    "insulin_sick_day:fluids_not_staying_down": _never,
    "insulin_sick_day:vomiting": _never,
    "insulin_sick_day:young_person_vomiting": _fluids_not_staying_down,  # "Go to A&E ... if you cannot keep fluids down"
    "insulin_sick_day:emergency": _always,  # "tell the emergency team"
    "thiamine_if_weight_loss_surgery": _never,  # "if you become confused or unsteady ..."
    "oncology_line_today": _never,  # "if you cannot reach the line and feel very unwell"
    "lithium_when_ill": _never,  # "if you are very unwell"
    "lithium_when_ill:fluid_limit": _never,
    "lithium_when_ill:tremor_and_confusion": _never,
    "lithium_when_ill:tremor_and_confusion_fluid_limit": _never,
    "lithium_when_ill:tremor": _never,
    "lithium_when_ill:tremor_fluid_limit": _never,
    "lithium_when_ill:confusion": _never,
    "lithium_when_ill:confusion_fluid_limit": _never,
    "sglt2_ketoacidosis": _never,  # "with fast breathing, confusion or drowsiness" (signs of ketoacidosis coming on)
    "desmopressin_while_ill": _never,  # "if you have a bad headache, become confused or unusually drowsy, or have a fit"
    "desmopressin_with_a_loop_diuretic_or_steroid": _never,  # the same signs, coming on
    "qt_drug_check:with_rhythm_symptom": _never,  # "(or the emergency team, if you call them)"
    "qt_drug_check:with_rhythm_symptom_beside_keep_taking": _never,
    "qt_drug_check:with_rhythm_symptom_beside_recent_normal_results": _never,
}

# The medicines whose advice says "today", added one to a record in turn.
TODAY_MEDICINES = (
    "empagliflozin 10 mg", "dapagliflozin", "insulin glargine", "lithium carbonate 400 mg", "colchicine 500 mcg",
    "hydrocortisone 10 mg tablets", "prednisolone 5 mg", "fludrocortisone", "capecitabine", "tacrolimus",
    "digoxin", "citalopram", "magnesium oxide", "Slow-K",
)


def _template(text: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), flags=re.DOTALL)


Texts = dict[str, list[re.Pattern[str]]]


def _texts_saying(screener: Any, words: re.Pattern[str]) -> Texts:
    ruleset = screener.ruleset
    keys = [key for key, text in ruleset.recommendation_texts.items() if words.search(text) or words.search(ruleset.parent_texts.get(key, ""))]
    return {key: [_template(ruleset.recommendation_texts[key]), *([_template(ruleset.parent_texts[key])] if key in ruleset.parent_texts else [])] for key in keys}


@pytest.fixture(scope="module")
def texts_saying_today(screener: Any) -> Texts:
    return _texts_saying(screener, SAYS_TODAY)


@pytest.fixture(scope="module")
def texts_saying_emergency(screener: Any) -> Texts:
    return _texts_saying(screener, SAYS_EMERGENCY)


def test_every_text_that_says_today_is_decided_here(texts_saying_today: Texts) -> None:
    # a new text that says "today" or an emergency number needs a decision in the table above
    assert sorted(texts_saying_today) == sorted(TODAY_IS_UNCONDITIONAL)


def test_every_text_that_sends_someone_to_emergency_care_is_decided_here(texts_saying_emergency: Texts) -> None:
    assert sorted(texts_saying_emergency) == sorted(EMERGENCY_IS_UNCONDITIONAL)


# the boundaries the rules and the texts name
BOUNDARY_DAYS = (0, 1, 2, 3, 6, 7, 8, 13, 14, 15)
BOUNDARY_A_DAY = (0, 1, 2, 3, 4, 5, 6, 10)
BOUNDARY_AGES = (*range(18), 18, 40, 64, 65, 66, 80, 95)


def boundary_cohort(count: int, seed: int) -> Iterator[Answers]:
    """Records whose days, episodes and stools a day and ages sit at the boundaries, with vomiting
    or diarrhea in most, a condition in half and pregnancy asked of women of childbearing age."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        answers = record(rng, number)
        answers["id"] = f"boundary-{number}"
        answers["age"] = rng.choice(BOUNDARY_AGES)
        for section, extra in (("diarrhea", "stools_per_day"), ("vomiting", "episodes_per_day")):
            if rng.random() < 0.6:
                part: dict[str, Any] = {"present": True, "days": rng.choice(BOUNDARY_DAYS), extra: rng.choice(BOUNDARY_A_DAY)}
                if section == "vomiting":
                    part["cannot_keep_fluids_down"] = rng.random() < 0.25
                answers[section] = part
        if rng.random() < 0.5:
            answers["conditions"] = sorted({*(answers.get("conditions") or []), rng.choice(CONDITION_CODES)})
        if answers.get("sex") == "female" and 12 <= answers["age"] <= 50:
            answers["pregnant"] = rng.choice(["yes", "no"])
        yield answers


def _people() -> Iterator[tuple[str, Answers]]:
    for path in PERSONAS:
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))
    for number, answers in enumerate(diverse_cohort(3000, seed=81)):
        medicines = list(answers.get("medications") or [])
        answers["medications"] = [*medicines, TODAY_MEDICINES[number % len(TODAY_MEDICINES)]]
        yield f"diverse {number} ({answers['id']})", answers
    for number, answers in enumerate(boundary_cohort(3000, seed=83)):
        medicines = list(answers.get("medications") or [])
        answers["medications"] = [*medicines, TODAY_MEDICINES[number % len(TODAY_MEDICINES)]]
        yield answers["id"], answers


def _key_of(text: str, code: str, texts: Texts) -> str | None:
    for key, patterns in texts.items():
        if key.partition(":")[0] == code and any(pattern.fullmatch(text) for pattern in patterns):
            return key
    return None


@pytest.fixture(scope="module")
def screened(screener: Any) -> list[tuple[str, Answers, Any]]:
    return [(name, answers, screener.screen(answers)) for name, answers in _people()]


def _disagreements(screened: list[tuple[str, Answers, Any]], below: tuple[str, ...], words: re.Pattern[str], texts: Texts, table: dict[str, Callable[[Answers], bool]]) -> list[str]:
    found: list[str] = []
    for name, answers, result in screened:
        if result.urgency not in below:
            continue
        for recommendation in result.recommendations:
            if not words.search(recommendation.text):
                continue
            key = _key_of(recommendation.text, recommendation.code, texts)
            assert key is not None, (name, recommendation.code, recommendation.text)
            if table[key](answers):
                found.append(f"{name}: how soon {result.urgency}, advice {key}")
    return found


def test_the_boundary_records_reach_the_boundaries() -> None:
    people = list(boundary_cohort(3000, seed=83))
    for days in (1, 2, 3, 7, 13, 14):
        assert sum((person.get("diarrhea") or {}).get("days") == days and "ileostomy" in (person.get("conditions") or []) for person in people) >= 3, days
        assert sum((person.get("vomiting") or {}).get("days") == days for person in people) >= 50, days
    for age in (0, 1, 17, 65):
        assert sum(person["age"] == age for person in people) >= 50, age


def test_no_result_below_today_carries_advice_to_contact_someone_today(screened: list[tuple[str, Answers, Any]], texts_saying_today: Texts) -> None:
    disagreements = _disagreements(screened, BELOW_TODAY, SAYS_TODAY, texts_saying_today, TODAY_IS_UNCONDITIONAL)
    assert disagreements == [], "\n".join(disagreements[:20])


def test_no_result_below_emergency_carries_advice_to_get_emergency_care_now(screened: list[tuple[str, Answers, Any]], texts_saying_emergency: Texts) -> None:
    below = ("none", "routine", "soon", "urgent")
    disagreements = _disagreements(screened, below, SAYS_EMERGENCY, texts_saying_emergency, EMERGENCY_IS_UNCONDITIONAL)
    assert disagreements == [], "\n".join(disagreements[:20])
