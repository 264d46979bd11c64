"""Catalogue review 9 and vignettes review 9 (fifth session of 2026-12-01): what the catalogue says
about itself (a potassium-sparing partner lessens magnesium loss; each rule's mechanism is the
mechanism of what it tests; tetany points first to calcium; the two vomiting rules agree on what NHS
advice says), type 1 diabetes counted as a cause of magnesium loss, a pregnant young person under 16
told to see a doctor or nurse in confidence, and a headline whose reason stays beside its level
(docs/departures.md, "Catalogue review 9 and three judgement questions (2026-12-01, fifth session)")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from result_support import codes, flat, text_of

from screener.headline import Headline

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Chloe, 24, with type 1 diabetes since childhood, cramps at night; nothing else.
CHLOE_24_TYPE_1_WITH_CRAMPS = {
    "age": 24,
    "sex": "female",
    "pregnant": "no",
    "conditions": ["type_1_diabetes"],
    "medications": ["insulin glargine", "insulin aspart"],
    "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 2},
    **NO_GUT_LOSSES,
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
}

# Ella, 12, answers that she is pregnant; sick 5 times a day for 3 days, tired (vignettes 9, P19).
ELLA_12_PREGNANT_AND_VOMITING = {
    "age": 12,
    "sex": "female",
    "pregnant": "yes",
    "vomiting": {"present": True, "days": 3, "episodes_per_day": 5, "cannot_keep_fluids_down": False},
    "diarrhea": {"present": False},
    "laxative_use": "none",
    "medications": [],
    "symptoms": ["fatigue"],
}

# Priya, 15, 'water tablets bought online', energy drinks and a slimming tea, with a tremor,
# palpitations, cramps and tiredness (vignettes 9, case 21).
PRIYA_15_WATER_TABLETS_SLIMMING_TEA_AND_A_NAME_NOT_READ = {
    "age": 15,
    "sex": "female",
    # "slimming tea" and "water tablets bought online" are read since review 9 (h-vocab5): a name
    # nothing is close to stands for the name not read.
    "medications": ["Monster energy x4 a day", "slimming tea", "water tablets bought online", "Zorbalex"],
    "diuretic_use": "yes",
    "laxative_use": "unsure",
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": ["palpitations", "tremor", "muscle_cramps", "fatigue"],
    "red_flags_now": [],
}


# -- type 1 diabetes (catalogue review 9, F9) ---------------------------------------------------------
def test_chloe_24_with_type_1_diabetes_and_cramps_may_be_low_in_magnesium(screener: Any) -> None:
    result = screener.screen(CHLOE_24_TYPE_1_WITH_CRAMPS)
    assert result.magnesium_depletion == "possible", result.magnesium_depletion
    assert "check_magnesium" in codes(result)


def test_chloe_without_the_cramps_is_not_flagged_for_her_diabetes_alone(screener: Any) -> None:
    result = screener.screen(CHLOE_24_TYPE_1_WITH_CRAMPS | {"symptoms": []})
    assert result.magnesium_depletion == "unlikely"
    assert result.urgency == "none"


def test_type_1_diabetes_counts_as_type_2_does_and_says_whom_its_figure_is_about(screener: Any) -> None:
    rule = screener.ruleset.rule("rf_type_1_diabetes")
    assert rule.then["evidence"]["groups"] == screener.ruleset.rule("rf_type_2_diabetes").then["evidence"]["groups"] == ["rf_mg"]
    assert "children with type 1 diabetes" in rule.rationale and "glucose" in screener.ruleset.sources["diabetes_type_1_magnesium"]


# -- a pregnant young person (vignettes review 9, P19) ------------------------------------------------
def test_ella_12_who_answers_pregnant_is_told_to_see_a_doctor_or_nurse_in_confidence(screener: Any) -> None:
    result = screener.screen(ELLA_12_PREGNANT_AND_VOMITING)
    line = flat(text_of(result, "pregnancy_support_for_a_young_person"))
    assert line.startswith("You said you are or may be pregnant, and you are under 16")
    assert "in confidence" in line and "safe" in line and "GP, a school nurse or a sexual health clinic" in line
    # The advice on vomiting in pregnancy still follows it.
    assert codes(result).index("pregnancy_support_for_a_young_person") < codes(result).index("pregnancy_vomiting")


def test_a_parent_answering_for_a_child_of_11_who_may_be_pregnant_is_spoken_to(screener: Any) -> None:
    result = screener.screen(ELLA_12_PREGNANT_AND_VOMITING | {"age": 11, "pregnant": "unsure"})
    line = flat(text_of(result, "pregnancy_support_for_a_young_person"))
    assert line.startswith("You said the child is or may be pregnant. Please contact the child's GP soon")


def test_a_woman_of_16_or_more_who_is_pregnant_gets_no_young_persons_line(screener: Any) -> None:
    for age in (16, 25):
        result = screener.screen(ELLA_12_PREGNANT_AND_VOMITING | {"age": age})
        assert "pregnancy_support_for_a_young_person" not in codes(result)
        assert "pregnancy_vomiting" in codes(result)


# -- the headline (vignettes review 9, case 21) ------------------------------------------------------
def test_priya_15_reads_why_combined_is_likely_next_to_likely_and_the_unread_name_after_it(screener: Any) -> None:
    result = screener.screen(PRIYA_15_WATER_TABLETS_SLIMMING_TEA_AND_A_NAME_NOT_READ)
    headline = Headline.of(result)
    assert headline.above_both and headline.name_unread
    assert headline.text(not_answered=False) == (
        "Combined magnesium and potassium depletion: LIKELY, higher than either part alone, because a cause of "
        "both losses comes with symptoms that fit; a medicine name could not be read"
    )
    # On a small screen the reason is left out, and the unread name joins the level as before.
    assert headline.words(brief=True) == "likely, and a medicine name could not be read"


# -- what the rules say about themselves (catalogue review 9, F4, F6, F7) ---------------------------------
def test_no_rule_says_a_potassium_sparing_partner_leaves_magnesium_loss_as_it_was(screener: Any) -> None:
    rule = screener.ruleset.rule("rf_diuretic_with_potassium_sparing_agent")
    assert "lessens the magnesium" in rule.rationale and "cuts that loss" in rule.mechanism
    assert {"sica_2004", "davies_fraser_1993", "amiloride_label_and_murdoch_1993"} <= set(rule.sources)
    assert rule.team_judgement  # still counted, to be careful, as a cause of magnesium loss only
    vocabulary = (Path(__file__).parents[1] / "rules" / "medications.json").read_text(encoding="utf-8")
    assert "counted for magnesium loss only when" not in vocabulary  # read as the opposite of what it meant
    assert "counted as a cause of magnesium loss only, since the partner protects potassium" in vocabulary


def test_each_symptom_rule_explains_its_own_symptom(screener: Any) -> None:
    symptom_rules = [rule for rule in screener.ruleset.rules if rule.id.startswith("symptom_")]
    assert len(symptom_rules) == 10
    mechanisms = [rule.mechanism for rule in symptom_rules]
    assert len(set(mechanisms)) == len(mechanisms)
    assert "gut" in screener.ruleset.rule("symptom_constipation").mechanism
    assert "anxious" in screener.ruleset.rule("symptom_anxiety").mechanism
    # A symptom rule cites a source that names its symptom: StatPearls' summary names no anxiety,
    # nausea or tingling.
    for rule_id in ("symptom_anxiety", "symptom_nausea_poor_appetite", "symptom_numbness_tingling"):
        assert "statpearls_hypokalemia" not in screener.ruleset.rule(rule_id).sources


def test_a_rule_that_tests_a_shared_cause_explains_the_cause_not_magnesiums_hold_on_potassium(screener: Any) -> None:
    for rule_id in ("magnesium_possible_both_loss_factor", "potassium_possible_both_loss_factor"):
        mechanism = screener.ruleset.rule(rule_id).mechanism
        assert "diuretics" in mechanism and "ROMK" not in mechanism
    assert "potassium" not in screener.ruleset.rule("magnesium_likely_low_result").mechanism
    assert "magnesium" not in screener.ruleset.rule("potassium_likely_low_result").mechanism


def test_tetany_is_said_to_come_from_low_calcium_or_low_magnesium(screener: Any) -> None:
    rule = screener.ruleset.rule("urgent_tetany")
    assert rule.rationale.startswith("Spasms or tetany can come from low calcium or low magnesium")
    assert "harrison_hypocalcaemia_tetany" in rule.sources


def test_the_two_vomiting_rules_say_the_same_of_the_nhs_advice_they_cite(screener: Any) -> None:
    today = screener.ruleset.rule("urgent_vomiting_for_a_week_or_often_for_3_days")
    within_days = screener.ruleset.rule("soon_gut_losses_not_settling")
    for rule in (today, within_days):
        assert "NHS advice is to see a GP or call NHS 111 when vomiting goes on for more than 2 days" in rule.rationale
        assert "without saying how soon" in rule.rationale
        assert "urgent GP appointment" not in rule.rationale
        assert rule.team_judgement
    assert "Vomiting for 3 to 6 days, fewer than 6 times a day, is seen within days" in today.rationale
    assert "Vomiting for a week or more, or 6 or more times a day from day 3" in within_days.rationale
