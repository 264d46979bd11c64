"""The how-soon line at the top never says less than the advice under it (newcomer review 8,
finding 1: "How soon: none - no clinician visit needed" above "contact your clinician ... today").

Every advice text that says "today", "same day", 999 or 911 is listed here with when, for the
person who is given it, that contact is unconditional: always (the text tells them to make it), on
answers they gave (a text that says "today if it has gone on for more than a day" is unconditional
for someone who said two days), or never (the contact waits on something the questions do not ask:
ketones, a sign coming on, a red flag happening now). A result whose how-soon is "none" or
"routine" must not carry a text whose contact is unconditional for that person. The people are the
personas and generated diverse records, with the medicines whose advice says "today" added in turn
(the generator's own list has none of them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screener.synthetic import diverse_cohort

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = sorted((ROOT / "examples" / "personas").glob("*.json"))
SAYS_TODAY = re.compile(r"\btoday\b|same[- ]day|\b999\b|\b911\b", flags=re.IGNORECASE)

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


def _symptom(answers: Answers, code: str) -> bool:
    return code in (answers.get("symptoms") or [])


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


def _sick_or_feeling_sick(answers: Answers) -> bool:
    # "If you are being sick or cannot eat and drink normally, contact ... today"; "Signs of
    # ketoacidosis are feeling or being sick, ...: with them, get medical help today"
    return _vomiting(answers) or _symptom(answers, "nausea_poor_appetite")


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
    "sglt2_ketoacidosis": _sick_or_feeling_sick,
    "thiamine_if_weight_loss_surgery": _always,  # "a clinician should see you today"
    "stop_colchicine_while_ill": _always,
    "desmopressin_while_ill": _never,  # "Get help at once ... if you have a bad headache, become confused ...": signs coming on
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

# The medicines whose advice says "today", added one to a record in turn.
TODAY_MEDICINES = (
    "empagliflozin 10 mg", "dapagliflozin", "insulin glargine", "lithium carbonate 400 mg", "colchicine 500 mcg",
    "hydrocortisone 10 mg tablets", "prednisolone 5 mg", "fludrocortisone", "capecitabine", "tacrolimus",
    "digoxin", "citalopram", "magnesium oxide", "Slow-K",
)


def _template(text: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), flags=re.DOTALL)


@pytest.fixture(scope="module")
def texts_saying_today(screener: Any) -> dict[str, list[re.Pattern[str]]]:
    ruleset = screener.ruleset
    keys = [key for key, text in ruleset.recommendation_texts.items() if SAYS_TODAY.search(text)]
    return {key: [_template(ruleset.recommendation_texts[key]), *([_template(ruleset.parent_texts[key])] if key in ruleset.parent_texts else [])] for key in keys}


def test_every_text_that_says_today_is_decided_here(texts_saying_today: dict[str, list[re.Pattern[str]]]) -> None:
    # a new text that says "today" or an emergency number needs a decision in the table above
    assert sorted(texts_saying_today) == sorted(TODAY_IS_UNCONDITIONAL)


def _people() -> Iterator[tuple[str, Answers]]:
    for path in PERSONAS:
        yield path.stem, json.loads(path.read_text(encoding="utf-8"))
    for number, answers in enumerate(diverse_cohort(3000, seed=81)):
        medicines = list(answers.get("medications") or [])
        answers["medications"] = [*medicines, TODAY_MEDICINES[number % len(TODAY_MEDICINES)]]
        yield f"diverse {number} ({answers['id']})", answers


def _key_of(text: str, code: str, texts: dict[str, list[re.Pattern[str]]]) -> str | None:
    for key, patterns in texts.items():
        if key.partition(":")[0] == code and any(pattern.fullmatch(text) for pattern in patterns):
            return key
    return None


def test_no_result_that_says_no_visit_or_routine_carries_advice_to_contact_someone_today(
    screener: Any, texts_saying_today: dict[str, list[re.Pattern[str]]]
) -> None:
    disagreements: list[str] = []
    for name, answers in _people():
        result = screener.screen(answers)
        if result.urgency not in ("none", "routine"):
            continue
        for recommendation in result.recommendations:
            if not SAYS_TODAY.search(recommendation.text):
                continue
            key = _key_of(recommendation.text, recommendation.code, texts_saying_today)
            assert key is not None, (name, recommendation.code, recommendation.text)
            if TODAY_IS_UNCONDITIONAL[key](answers):
                disagreements.append(f"{name}: how soon {result.urgency}, advice {key}")
    assert disagreements == [], "\n".join(disagreements[:20])
