"""Three safety points from a clinician's review of the result texts (README, "Where we departed
from the written spec").

- A red flag of the past two weeks with the "happening now" question left unanswered (common in
  spreadsheets, JSON and FHIR data) was explained as "(not now)", which nobody said; the person
  now reads that if it is happening now, or comes back, it is an emergency; one who answered that
  nothing is happening now reads that if it comes back, it is an emergency (the usual safety net).
- Twitches, tremor, tingling, spasms and weakness were called "a specific sign" of low magnesium
  or potassium; they are only more typical of it than the general symptoms.
- Diet tips stood beside "seek emergency care now", where they play the emergency down.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from result_support import codes, text_of
from screener.cli.main import app
from typer.testing import CliRunner

from screener import ScreeningResult

runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})

RECENT_RED_FLAGS = ("chest_pain", "fainting", "severe_weakness_or_paralysis", "seizure", "trouble_breathing")




def explanation(result: ScreeningResult, rule: str) -> str:
    (finding,) = [finding for finding in result.findings if finding.rule == rule]
    assert finding.explanation is not None
    return finding.explanation


def low_potassium(value: float) -> dict[str, Any]:
    return {"potassium": {"value": value, "unit": "mmol/L", "taken": "last_7_days"}}


# -- 1. a red flag of the past two weeks, "happening now" not answered ---------------------------
def test_man_with_chest_pain_last_week_who_skipped_the_now_question_is_told_to_call_999_if_it_returns(
    screener: Any,
) -> None:
    result = screener.screen({"age": 45, "medications": [], "symptoms": ["chest_pain"]})
    assert result.urgency == "urgent"
    assert codes(result)[:2] == ["contact_clinician_today", "emergency_if_happening_now"]
    safety_net = text_of(result, "emergency_if_happening_now")
    assert "happening now, or comes back, call your local emergency number" in safety_net
    assert all(number in safety_net for number in ("911", "999", "112"))
    assert "(not now)" not in explanation(result, "red_flag_recent_chest_pain")
    assert "not said to be happening now" in explanation(result, "red_flag_recent_chest_pain")


@pytest.mark.parametrize("symptom", RECENT_RED_FLAGS)
def test_teacher_whose_spreadsheet_row_gives_a_red_flag_of_last_week_but_no_now_answer_gets_the_safety_net(
    screener: Any, symptom: str
) -> None:
    result = screener.screen({"age": 52, "medications": ["furosemide"], "symptoms": [symptom]})
    assert "emergency_if_happening_now" in codes(result)
    assert "(not now)" not in explanation(result, f"red_flag_recent_{symptom}")


def test_two_rows_of_a_clinic_spreadsheet_differ_only_in_the_empty_now_cell_and_each_gets_its_own_safety_net(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "clinic.csv"
    sheet.write_text("id,age,medications,symptoms,red_flags_now\nann,45,,chest_pain,\nbob,45,,chest_pain,none\n")
    run = runner.invoke(app, ["batch", str(sheet), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0, run.output
    entries = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    advice = {entry["id"]: [r["code"] for r in entry["recommendations"]] for entry in entries}
    few_answers = "core_questions_not_answered"  # age and symptoms only (vignette review 4, M5)
    assert advice == {
        "ann": ["contact_clinician_today", "emergency_if_happening_now", few_answers],
        "bob": ["contact_clinician_today", "emergency_if_happening_now", few_answers],
    }
    net = {entry["id"]: entry["recommendations"][1]["text"] for entry in entries}
    assert net["ann"].startswith("Whether anything is happening right now was not answered.")
    assert net["bob"].startswith("If the chest pain you had in the past two weeks comes back")  # only hers (coherence M1)


def test_woman_who_fainted_last_week_and_said_nothing_is_happening_now_is_told_to_call_if_it_comes_back(
    screener: Any,
) -> None:
    result = screener.screen({"age": 60, "medications": [], "symptoms": ["fainting"], "red_flags_now": []})
    assert result.urgency == "urgent"  # nothing is happening now: today, not an emergency
    # and, last, the core sections she left unanswered (vignette review 4, M5)
    assert codes(result) == ["contact_clinician_today", "emergency_if_happening_now", "core_questions_not_answered"]
    net = result.recommendations[1].text
    assert "comes back, call your local emergency number (911 in the US, 999 in the UK, 112 in Europe)" in net
    assert "not answered" not in net  # she answered: nothing is happening now
    assert explanation(result, "red_flag_recent_fainting").startswith(
        "Fainting in the past two weeks, not said to be happening now, needs a clinician today."
    )


def test_man_with_a_seizure_last_week_and_potassium_2_1_is_told_once_to_seek_emergency_care(screener: Any) -> None:
    result = screener.screen({"age": 45, "medications": [], "symptoms": ["seizure"], "labs": low_potassium(2.1)})
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"
    assert "emergency_if_happening_now" not in codes(result)  # "seek emergency care now" already says it
    assert "food_sources" not in codes(result)


# -- 2. "specific" symptoms are more typical, not proof ------------------------------------------
@pytest.mark.parametrize(
    "symptom", ["muscle_twitches", "tremor", "numbness_tingling", "muscle_spasm_tetany", "muscle_weakness"]
)
def test_older_woman_on_furosemide_is_not_told_her_symptom_is_a_specific_sign_of_low_minerals(
    screener: Any, symptom: str
) -> None:
    result = screener.screen({"age": 70, "medications": ["furosemide"], "symptoms": [symptom], "red_flags_now": []})
    why = explanation(result, f"symptom_{symptom}")
    assert "specific sign" not in why
    # more typical, never proof: it has other causes (tetany's are named since catalogue review 9, F6)
    assert "more typical of low" in why or "more telling than the general symptoms" in why
    assert "causes" in why or "low calcium" in why


def test_man_on_furosemide_with_cramps_and_tremor_is_told_tremor_is_telling_but_not_proof(screener: Any) -> None:
    result = screener.screen(
        {"age": 50, "medications": ["furosemide"], "symptoms": ["muscle_cramps", "tremor"], "red_flags_now": []}
    )
    assert result.combined_depletion == "likely"  # the level logic is unchanged
    why = explanation(result, "combined_likely_both_loss_with_specific_symptoms")
    assert "of which one is specific" not in why
    assert "none is proof on its own" in why


# -- 3. no diet tips beside an emergency ---------------------------------------------------------
def test_woman_with_potassium_2_1_and_paralysis_now_is_sent_to_emergency_care_without_diet_tips(screener: Any) -> None:
    result = screener.screen(
        {"age": 34, "medications": [], "red_flags_now": ["severe_weakness_or_paralysis"], "labs": low_potassium(2.1)}
    )
    assert result.urgency == "emergency" and result.potassium_depletion == "likely"
    assert "food_sources" not in codes(result)
    assert "check_magnesium_with_potassium" in codes(result)  # the advice for the clinician still stands


def test_man_on_bendroflumethiazide_with_chest_pain_now_gets_no_diet_tips_but_would_without_the_chest_pain(
    screener: Any,
) -> None:
    answers = {"age": 58, "medications": ["bendroflumethiazide 2.5mg"], "labs": low_potassium(2.8)}
    with_chest_pain = screener.screen({**answers, "red_flags_now": ["chest_pain"]})
    without = screener.screen({**answers, "red_flags_now": []})
    assert with_chest_pain.urgency == "emergency" and "food_sources" not in codes(with_chest_pain)
    assert without.urgency == "urgent" and "food_sources" in codes(without)


def test_woman_on_ramipril_with_chest_pain_now_gets_neither_food_advice_nor_its_potassium_caution(
    screener: Any,
) -> None:
    answers = {"age": 66, "medications": ["ramipril", "furosemide"], "symptoms": ["muscle_cramps"]}
    calm = screener.screen({**answers, "red_flags_now": []})
    assert "Many of these are also rich in potassium" in text_of(calm, "food_sources")  # the caution variant
    emergency = screener.screen({**answers, "red_flags_now": ["chest_pain"]})
    assert emergency.urgency == "emergency"
    assert "food_sources" not in codes(emergency)
    assert "no_potassium_self_supplement" in codes(emergency)  # a caution, not a diet tip: it stays
