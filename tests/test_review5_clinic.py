"""Clinical points left open by vignette review 5 and verify 5 (2026-12-01), each through a person:
advice said once (cetuximab, bowel preparation), a child on prednisolone who vomits, alcohol
answers in a child's file, non-selective beta-blockers, oral rehydration sachets on a potassium
binder, and the QT medicine named in its advice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from result_support import all_advice, codes, flat, rules_fired, text_of
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import new_client

from screener.fhir import answers_to_response, fhir_context

# -- 1. advice said once ------------------------------------------------------------------------------

# Graham, 62, on weekly cetuximab for head and neck cancer, has muscle twitches and tingling.
GRAHAM = {
    "age": 62, "sex": "male", "medications": ["cetuximab 250mg/m2 weekly"], "alcohol": {"drinks_per_week": 10},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "diet": {"processed_food": "rarely", "fruit_veg_servings": 0},
    "symptoms": ["muscle_twitches", "numbness_tingling", "fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def magnesium_test_lines(result: Any) -> list[str]:
    return [r.code for r in result.recommendations if "magnesium blood test" in r.text]


def test_graham_on_cetuximab_with_twitches_is_asked_for_the_magnesium_test_in_one_line_naming_his_oncology_team(
    screener: Any,
) -> None:
    result = screener.screen(GRAHAM)
    assert magnesium_test_lines(result) == ["check_magnesium"]
    assert "anti_egfr_magnesium_check" not in codes(result)
    line = flat(text_of(result, "check_magnesium"))
    assert line.startswith("You take cetuximab, which makes the kidneys lose magnesium")
    assert "Tell your oncology team" in line and "8 weeks after it" in line
    assert "Consider asking" not in all_advice(result)


def test_graham_with_diarrhoea_as_well_gets_one_line_asking_for_magnesium_with_potassium(screener: Any) -> None:
    result = screener.screen(GRAHAM | {"diarrhea": {"present": True, "days": 4, "stools_per_day": 5}})
    assert result.potassium_depletion in ("possible", "likely")
    assert magnesium_test_lines(result) == ["check_magnesium_with_potassium"]
    line = flat(text_of(result, "check_magnesium_with_potassium"))
    assert "Tell your oncology team" in line and "whenever potassium is low or being replaced" in line


def test_graham_with_a_magnesium_result_from_last_week_keeps_the_line_to_tell_his_oncology_team(screener: Any) -> None:
    labs = {"magnesium": {"value": 0.75, "unit": "mmol/L", "taken": "last_7_days"}}
    result = screener.screen(GRAHAM | {"labs": labs})
    assert "anti_egfr_magnesium_check" in codes(result)
    assert "Tell your oncology team" in text_of(result, "anti_egfr_magnesium_check")


# Margaret, 78, took Picolax today before a colonoscopy; she is on bendroflumethiazide and ramipril.
MARGARET = {
    "age": 78, "sex": "female", "medications": ["Picolax", "bendroflumethiazide 2.5mg", "ramipril 5mg"],
    "alcohol": {"drinks_per_week": 3}, "diarrhea": {"present": True, "days": 1, "stools_per_day": 10},
    "vomiting": {"present": False}, "laxative_use": "occasional", "laxative_type": "stimulant",
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def test_margaret_taking_picolax_is_told_about_the_clear_fluids_and_not_keeping_fluids_down_once(screener: Any) -> None:
    result = screener.screen(MARGARET)
    advice = all_advice(result)
    assert advice.count("clear fluids") == 1 and advice.count("keep fluids down") == 1
    assert "drink the clear fluids they advise" in flat(text_of(result, "bowel_preparation"))
    fluids = flat(text_of(result, "fluids_for_gi_losses"))
    assert fluids.startswith("After the test, if diarrhea or vomiting goes on")


# -- 2. a child on prednisolone who vomits ---------------------------------------------------------------

# Sam, 6, in a nephrotic relapse on prednisolone 60 mg and furosemide; his mother answers for him.
SAM = {
    "age": 6, "sex": "male", "medications": ["prednisolone 60mg", "furosemide 20mg"], "diarrhea": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def test_sam_aged_6_on_prednisolone_who_vomited_twice_today_is_not_urgent(screener: Any) -> None:
    result = screener.screen(SAM | {"vomiting": {"present": True, "days": 1, "episodes_per_day": 2}})
    assert result.urgency == "routine"
    assert "If the child has taken steroid tablets" in text_of(result, "steroid_sick_day")


def test_sam_who_vomited_three_times_stays_routine_as_nice_cg84s_counts_are_for_under_5s(screener: Any) -> None:
    result = screener.screen(SAM | {"vomiting": {"present": True, "days": 1, "episodes_per_day": 3}})
    assert result.urgency == "routine"  # task urgent (2026-12-01): the counts applied under 12 before


def test_sam_at_4_who_vomited_three_times_is_urgent_for_a_young_childs_dehydration_not_for_the_steroid(screener: Any) -> None:
    result = screener.screen(SAM | {"age": 4, "vomiting": {"present": True, "days": 1, "episodes_per_day": 3}})
    assert result.urgency == "urgent"
    urgent = {rule for rule in rules_fired(result) if rule.startswith(("urgent", "emergency"))}
    assert urgent == {"urgent_child_at_higher_risk_of_dehydration"}
    assert "has vomited more than twice" in flat(text_of(result, "child_dehydration_signs"))


# -- 3. alcohol answers in a child's file -------------------------------------------------------------------

# Lily, 9: a school nurse's export filled in the adult alcohol columns for her by mistake.
LILY = {
    "id": "lily", "age": 9, "sex": "female", "medications": [], "diarrhea": {"present": False},
    "vomiting": {"present": False}, "laxative_use": "none", "symptoms": ["fatigue"],
    "alcohol": {"drinks_per_week": 30, "audit_c": {"frequency": 4, "quantity": 4, "binge": 4}},
}  # fmt: skip
NOT_USED = "the alcohol answers were not used: alcohol is not asked of a child under 12, and these answers give age 9"


def test_lilys_alcohol_answers_at_9_are_not_counted_and_the_result_says_so(screener: Any) -> None:
    result = screener.screen(LILY)
    assert not {rule for rule in rules_fired(result) if "alcohol" in rule}
    assert "heavy_alcohol" not in result.risk_factors and result.magnesium_depletion == "unlikely"
    assert not {"alcohol_support", "refeeding_care"} & set(codes(result))
    assert any(warning.startswith(NOT_USED) for warning in result.warnings)
    assert result.coverage == "full"


def test_lilys_alcohol_answers_are_set_aside_alike_in_batch_on_the_web_and_from_fhir(
    screener: Any, tmp_path: Path
) -> None:
    source, out = tmp_path / "lily.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(LILY) + "\n", "utf-8")
    run = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "--quiet"])
    assert run.exit_code == 0, run.output
    batch = json.loads(out.read_text("utf-8"))
    web = new_client().post("/api/v1/screen", content=json.dumps(LILY), headers={"content-type": "application/json"})
    assert web.status_code == 200
    response = tmp_path / "lily-response.json"
    response.write_text(json.dumps(answers_to_response(LILY, fhir_context(screener.ruleset))), "utf-8")
    run = CliRunner().invoke(app, ["screen", str(response), "--json"])
    assert run.exit_code == 0, run.output
    for result in (batch, web.json(), json.loads(run.output)):
        assert "heavy_alcohol" not in result["risk_factors"]
        assert any(warning.startswith(NOT_USED) for warning in result["warnings"])


def test_a_child_whose_file_says_no_drinking_gets_no_warning_and_a_12_year_olds_answers_count(screener: Any) -> None:
    none = screener.screen(LILY | {"alcohol": {"drinks_per_week": 0}})
    assert not any("alcohol answers were not used" in warning for warning in none.warnings)
    teenager = screener.screen(LILY | {"age": 12})
    assert "heavy_alcohol" in teenager.risk_factors


# -- 4. non-selective beta-blockers ---------------------------------------------------------------------------

# Dev, 58, with chronic kidney disease, takes propranolol for migraine.
DEV = {
    "age": 58, "sex": "male", "medications": ["propranolol 80mg"], "conditions": ["chronic_kidney_disease"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [],
}  # fmt: skip


def test_dev_on_propranolol_with_kidney_disease_has_more_than_one_reason_to_keep_potassium(screener: Any) -> None:
    result = screener.screen(DEV)
    assert "potassium_kept_with_a_nonselective_beta_blocker" in rules_fired(result)
    assert result.urgency == "routine"
    assert "no_potassium_self_supplement" in codes(result)
    assert "propranolol" in text_of(result, "no_potassium_self_supplement")


def test_propranolol_alone_and_bisoprolol_with_kidney_disease_are_not_counted(screener: Any) -> None:
    alone = screener.screen(DEV | {"conditions": []})
    assert "potassium_kept_with_a_nonselective_beta_blocker" not in rules_fired(alone)
    assert "k_retention_caution" not in rules_fired(alone) and alone.urgency == "none"
    selective = screener.screen(DEV | {"medications": ["bisoprolol 5mg"]})
    assert "potassium_kept_with_a_nonselective_beta_blocker" not in rules_fired(selective)


def test_carvedilol_labetalol_and_sotalol_are_non_selective_beta_blockers(screener: Any) -> None:
    vocabulary = screener.ruleset.vocabulary
    for name in ("carvedilol 12.5mg", "labetalol 200mg", "nadolol", "Inderal LA"):
        assert vocabulary.match(name).classes == {"nonselective_beta_blocker"}, name
    assert vocabulary.match("sotalol 80mg").classes == {"nonselective_beta_blocker", "qt_prolonging_drug"}


# -- 5. oral rehydration sachets on a potassium binder -------------------------------------------------------

# Rose, 70, takes Lokelma for a high potassium, and has had diarrhoea for 3 days.
ROSE = {
    "age": 70, "sex": "female", "medications": ["Lokelma 5g"], "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 3, "stools_per_day": 5}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [],
}  # fmt: skip


def test_rose_on_lokelma_with_diarrhoea_is_not_told_to_take_an_oral_rehydration_solution(screener: Any) -> None:
    result = screener.screen(ROSE)
    line = flat(text_of(result, "fluids_for_gi_losses"))
    assert line.startswith("Diarrhea and vomiting lose fluid, so keep drinking, but as you take Lokelma because")
    assert "do not use oral rehydration sachets" in line and "is best" not in line


def test_someone_on_ramipril_with_working_kidneys_keeps_the_oral_rehydration_advice(screener: Any) -> None:
    result = screener.screen(ROSE | {"medications": ["ramipril 5mg"]})
    assert "an oral rehydration solution is best" in text_of(result, "fluids_for_gi_losses")


# -- 6. the QT medicine named ----------------------------------------------------------------------------------

# Priya, 45, with Sjogren's syndrome on hydroxychloroquine; potassium 2.8 last week.
PRIYA = {
    "age": 45, "sex": "female", "pregnant": "no", "medications": ["hydroxychloroquine 200mg"],
    "alcohol": {"drinks_per_week": 3}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_weakness", "fatigue"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 2.8, "unit": "mmol/L", "taken": "last_7_days"},
             "magnesium": {"value": 0.78, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


def test_priya_is_told_that_hydroxychloroquine_is_the_medicine_that_can_affect_the_hearts_rhythm(screener: Any) -> None:
    line = flat(text_of(screener.screen(PRIYA), "qt_drug_check"))
    assert line.startswith("You take hydroxychloroquine, which can affect the heart's rhythm")


def test_quinine_for_night_cramps_is_counted_with_the_qt_medicines(screener: Any) -> None:
    assert screener.ruleset.vocabulary.match("quinine sulfate 200mg").classes == {"qt_prolonging_drug"}
    result = screener.screen(PRIYA | {"medications": ["quinine sulphate 200mg at night"]})
    assert text_of(result, "qt_drug_check").startswith("You take quinine sulphate, which")
